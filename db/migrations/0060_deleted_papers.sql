-- 0060_deleted_papers: papers the repository deleted (OAI <header status="deleted">) are kept for history
-- but leave the review queue and the analyst views; authors' affiliations as parsed from arXivRaw.
ALTER TABLE papers ADD COLUMN deleted_at TIMESTAMP;
ALTER TABLE papers ADD COLUMN deleted_run_id VARCHAR;
ALTER TABLE papers ADD COLUMN affiliations JSON;      -- one list of affiliations per author, in author order

-- candidates of deleted papers (a candidate's paper may carry a version suffix)
CREATE VIEW withdrawn_candidates AS
SELECT c.candidate_id, c.paper, p.deleted_at
FROM candidates c JOIN papers p ON p.arxiv_id = regexp_replace(c.paper, 'v[0-9]+$', '')
WHERE p.deleted_at IS NOT NULL;

-- every curated fact stays in curated_facts_all; curated_facts (and the views built on it) leave deleted papers out
ALTER VIEW curated_facts RENAME TO curated_facts_all;
CREATE VIEW curated_facts AS
SELECT * FROM curated_facts_all
WHERE candidate_id NOT IN (SELECT candidate_id FROM withdrawn_candidates);
