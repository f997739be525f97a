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

-- The analyst views of 0031 (benchmark_results, fit_inputs) keep their join: they also join imported facts,
-- whose paper ids come from the datasets as printed. Code that joins curated facts to papers goes through the
-- fact's candidate (candidates.paper_id).
