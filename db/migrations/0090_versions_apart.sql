-- 0090_versions_apart: ids and versions in columns of their own, so joins compare plain columns instead of
-- stripping a version suffix with a regexp. flopsdb.core.ids.VersionedId fills them on insert (db/candidates.py,
-- db/records.py); this migration fills the rows written before it, by the same rule (<id>v<N>, <name>.v<N>).
-- candidates.paper stays as extracted (1706.03762 or 1706.03762v5): paper_id is it without the version,
-- paper_version the version or NULL; extractor_name/extractor_version split hardware.v2 (gold: gold, NULL).
ALTER TABLE candidates ADD COLUMN paper_id VARCHAR;
ALTER TABLE candidates ADD COLUMN paper_version INTEGER;
ALTER TABLE candidates ADD COLUMN extractor_name VARCHAR;
ALTER TABLE candidates ADD COLUMN extractor_version INTEGER;
CREATE INDEX candidates_paper_id ON candidates (paper_id);
UPDATE candidates SET
    paper_id = regexp_replace(trim(paper), 'v[0-9]+$', ''),
    paper_version = TRY_CAST(regexp_extract(trim(paper), 'v([0-9]+)$', 1) AS INTEGER),
    extractor_name = CASE WHEN regexp_matches(trim(extractor), '^.+?v[0-9]+$')
                          THEN rtrim(regexp_replace(trim(extractor), 'v[0-9]+$', ''), '.') ELSE trim(extractor) END,
    extractor_version = TRY_CAST(regexp_extract(trim(extractor), '^.+?v([0-9]+)$', 1) AS INTEGER);

ALTER TABLE model_records ADD COLUMN paper_id VARCHAR;
UPDATE model_records SET paper_id = regexp_replace(trim(paper), 'v[0-9]+$', '');

-- the views that stripped the suffix join on the column now
CREATE OR REPLACE VIEW withdrawn_candidates AS
SELECT c.candidate_id, c.paper, p.deleted_at
FROM candidates c JOIN papers p ON p.arxiv_id = c.paper_id
WHERE p.deleted_at IS NOT NULL;

-- curated facts carry the candidate's paper_id (last column), and the curated benchmark results join papers on it
CREATE OR REPLACE VIEW curated_facts_all AS
WITH decided AS (
    SELECT candidate_id, event_id, annotator, outcome, after, created_at, 'adjudicated' AS verdict
    FROM adjudications
    UNION ALL
    SELECT l.candidate_id, l.event_id, l.annotator, l.outcome, l.after, l.created_at,
           CASE WHEN o.all_accepted THEN 'accepted' ELSE 'corrected' END AS verdict
    FROM review_latest l JOIN review_outcomes o ON o.candidate_id = l.candidate_id AND o.last_seq = l.seq
    WHERE o.n_versions = 1
      AND l.candidate_id NOT IN (SELECT candidate_id FROM adjudications)
)
SELECT 'f-' || c.candidate_id AS fact_id,
       c.candidate_id,
       c.paper,
       c.kind,
       CAST(json_extract_string(d.after, '$.model') AS VARCHAR) AS model,
       CAST(json_extract_string(d.after, '$.stage') AS VARCHAR) AS stage,
       CAST(json_extract(d.after, '$.fields') AS JSON) AS fields,
       d.verdict,
       d.event_id,
       d.annotator,
       d.created_at AS decided_at,
       c.page, c.x0, c.top, c.x1, c.bottom,
       c.paper_id
FROM decided d JOIN candidates c ON c.candidate_id = d.candidate_id
WHERE d.outcome = 'keep';

CREATE OR REPLACE VIEW benchmark_results AS
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
FROM curated_facts c LEFT JOIN papers p ON p.arxiv_id = c.paper_id
WHERE c.kind = 'result';
