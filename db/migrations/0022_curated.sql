-- 0022_curated: events -> curated facts, as views (a projection: undo an event and the fact follows).
CREATE VIEW review_effective AS
SELECT e.* FROM review_events e
WHERE e.action <> 'undo'
  AND NOT EXISTS (SELECT 1 FROM review_events u WHERE u.action = 'undo' AND u.undoes = e.event_id);

CREATE VIEW review_latest AS
SELECT * EXCLUDE (rn) FROM (
    SELECT *, row_number() OVER (PARTITION BY candidate_id, annotator ORDER BY seq DESC) AS rn
    FROM review_effective WHERE action IN ('accept', 'correct', 'reject', 'unsure')
) WHERE rn = 1;

CREATE VIEW adjudications AS
SELECT * EXCLUDE (rn) FROM (
    SELECT *, row_number() OVER (PARTITION BY candidate_id ORDER BY seq DESC) AS rn
    FROM review_effective WHERE action = 'adjudicate'
) WHERE rn = 1;

CREATE VIEW review_outcomes AS
SELECT candidate_id,
       count(*) FILTER (WHERE outcome IS NOT NULL) AS n_decided,
       count(DISTINCT CASE WHEN outcome = 'keep' THEN 'keep:' || CAST(after AS VARCHAR)
                           WHEN outcome = 'reject' THEN 'reject' END) AS n_versions,
       bool_and(action = 'accept') FILTER (WHERE outcome IS NOT NULL) AS all_accepted,
       max(seq) FILTER (WHERE outcome IS NOT NULL) AS last_seq
FROM review_latest GROUP BY candidate_id;

CREATE VIEW curated_facts AS
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
       c.page, c.x0, c.top, c.x1, c.bottom
FROM decided d JOIN candidates c ON c.candidate_id = d.candidate_id
WHERE d.outcome = 'keep';
