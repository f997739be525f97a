-- 0120_facts_versions_apart: what 0090 gave candidates, for the facts: imported facts and compute estimates keep
-- their paper's id and version in columns of their own (paper_id, paper_version), and curated facts carry their
-- candidate's, so the analyst views (benchmark_results, fit_inputs) join on columns instead of stripping a version
-- suffix with a regexp. flopsdb.core.ids.VersionedId.split fills them on insert (db/facts.py); this migration fills
-- the rows written before it by the same rule (<id>v<N> or <name>.v<N>; anything else is its own id, version NULL).
-- `paper` stays as the dataset printed it (an arXiv id, or a title when the source links none).
ALTER TABLE imported_facts ADD COLUMN paper_id VARCHAR;
ALTER TABLE imported_facts ADD COLUMN paper_version INTEGER;
UPDATE imported_facts SET
    paper_id = CASE WHEN regexp_matches(trim(paper), '^.+?v[0-9]+$')
                    THEN rtrim(regexp_replace(trim(paper), 'v[0-9]+$', ''), '.') ELSE trim(paper) END,
    paper_version = TRY_CAST(regexp_extract(trim(paper), '^.+?v([0-9]+)$', 1) AS INTEGER)
WHERE paper IS NOT NULL;

ALTER TABLE compute_estimates ADD COLUMN paper_id VARCHAR;
ALTER TABLE compute_estimates ADD COLUMN paper_version INTEGER;
CREATE INDEX compute_estimates_paper_id ON compute_estimates (paper_id);
UPDATE compute_estimates SET
    paper_id = CASE WHEN regexp_matches(trim(paper), '^.+?v[0-9]+$')
                    THEN rtrim(regexp_replace(trim(paper), 'v[0-9]+$', ''), '.') ELSE trim(paper) END,
    paper_version = TRY_CAST(regexp_extract(trim(paper), '^.+?v([0-9]+)$', 1) AS INTEGER)
WHERE paper IS NOT NULL;

-- curated facts (0022, renamed by 0060) with their candidate's paper_id and paper_version at the end; the view
-- of 0022 keeps its text under the name curated_facts_decided, and curated_facts (SELECT * of it) follows
ALTER VIEW curated_facts_all RENAME TO curated_facts_decided;
CREATE VIEW curated_facts_all AS
SELECT d.*, c.paper_id, c.paper_version
FROM curated_facts_decided d JOIN candidates c ON c.candidate_id = d.candidate_id;

-- the analyst views of 0031, joining on the columns; benchmark_results gains paper_id and paper_version at the end
CREATE OR REPLACE VIEW benchmark_results AS
SELECT f.fact_id, f.source, f.entry_id, f.paper, f.model, f.year, f.benchmark,
       json_extract_string(f.fields, '$.metric') AS metric,
       TRY_CAST(json_extract_string(f.fields, '$.value') AS DOUBLE) AS value,
       f.human_confirmed, f.paper_id, f.paper_version
FROM imported_facts f WHERE f.kind = 'result'
UNION ALL
SELECT c.fact_id, 'curated' AS source, 'curated:' || c.paper || ':' || coalesce(c.model, '') AS entry_id,
       c.paper, c.model, CAST(year(p.first_version_date) AS INTEGER) AS year,
       coalesce(json_extract_string(c.fields, '$.dataset'), json_extract_string(c.fields, '$.task')) AS benchmark,
       json_extract_string(c.fields, '$.metric') AS metric,
       TRY_CAST(json_extract_string(c.fields, '$.value') AS DOUBLE) AS value,
       true AS human_confirmed, c.paper_id, c.paper_version
FROM curated_facts c LEFT JOIN papers p ON p.arxiv_id = c.paper_id
WHERE c.kind = 'result';

CREATE OR REPLACE VIEW fit_inputs AS
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
  ON e.source = 'epoch' AND r.source <> 'epoch' AND e.paper_id IS NOT NULL
 AND e.paper_id = r.paper_id
 AND e.model_key <> '' AND r.model_key <> ''
 AND (e.model_key = r.model_key OR contains(e.model_key, r.model_key) OR contains(r.model_key, e.model_key));
