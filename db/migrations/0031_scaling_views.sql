-- 0031_scaling_views: the documented analyst views over results and compute.
-- benchmark_results: every benchmark score, imported or curated (curated names are as reviewed).
CREATE VIEW benchmark_results AS
SELECT f.fact_id, f.source, f.entry_id, f.paper, f.model, f.year, f.benchmark,
       json_extract_string(f.fields, '$.metric') AS metric,
       TRY_CAST(json_extract_string(f.fields, '$.value') AS DOUBLE) AS value,
       f.human_confirmed
FROM imported_facts f WHERE f.kind = 'result'
UNION ALL
SELECT c.fact_id, 'curated' AS source, 'curated:' || c.paper || ':' || coalesce(c.model, '') AS entry_id,
       c.paper, c.model, CAST(year(p.first_version_date) AS INTEGER) AS year,
       coalesce(json_extract_string(c.fields, '$.dataset'), json_extract_string(c.fields, '$.task')) AS benchmark,
       json_extract_string(c.fields, '$.metric') AS metric,
       TRY_CAST(json_extract_string(c.fields, '$.value') AS DOUBLE) AS value,
       true AS human_confirmed
FROM curated_facts c LEFT JOIN papers p ON p.arxiv_id = regexp_replace(c.paper, 'v[0-9]+$', '')
WHERE c.kind = 'result';

-- fit_inputs: a result paired with a compute estimate of the same entry, or (Epoch compute) of the same
-- arXiv paper and model name (match = entry | name | partial); fact_ids trace every point back to its sources.
CREATE VIEW fit_inputs AS
WITH est AS (
    SELECT *, regexp_replace(lower(coalesce(model, '')), '[^a-z0-9]', '', 'g') AS model_key FROM compute_estimates
), res AS (
    SELECT *, regexp_replace(lower(coalesce(model, '')), '[^a-z0-9]', '', 'g') AS model_key FROM benchmark_results
)
SELECT r.benchmark, r.metric, r.value, r.source AS result_source, e.source AS compute_source,
       r.entry_id, r.paper, r.model, coalesce(r.year, e.year) AS year, e.domain,
       e.quantity, e.convention, e.method, e.flop, e.flop_low, e.flop_high, e.estimate_id,
       list_concat([r.fact_id], e.fact_ids) AS fact_ids, 'entry' AS match
FROM res r JOIN est e ON e.entry_id = r.entry_id
UNION ALL
SELECT r.benchmark, r.metric, r.value, r.source, e.source,
       r.entry_id, r.paper, r.model, coalesce(r.year, e.year), e.domain,
       e.quantity, e.convention, e.method, e.flop, e.flop_low, e.flop_high, e.estimate_id,
       list_concat([r.fact_id], e.fact_ids), CASE WHEN e.model_key = r.model_key THEN 'name' ELSE 'partial' END
FROM res r JOIN est e
  ON e.source = 'epoch' AND r.source <> 'epoch' AND e.paper IS NOT NULL
 AND e.paper = regexp_replace(r.paper, 'v[0-9]+$', '')
 AND e.model_key <> '' AND r.model_key <> ''
 AND (e.model_key = r.model_key OR contains(e.model_key, r.model_key) OR contains(r.model_key, e.model_key));
