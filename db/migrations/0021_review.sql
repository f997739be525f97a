-- 0021_review: leases and the append-only review events (verdicts, undos, adjudications).
CREATE TABLE review_leases (
    candidate_id VARCHAR NOT NULL,
    annotator    VARCHAR NOT NULL,
    leased_at    TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (candidate_id, annotator)
);

CREATE SEQUENCE review_event_seq;

CREATE TABLE review_events (
    event_id     VARCHAR PRIMARY KEY,        -- client-generated: a re-sent verdict is not stored twice
    seq          BIGINT NOT NULL DEFAULT nextval('review_event_seq'),
    candidate_id VARCHAR NOT NULL,
    annotator    VARCHAR NOT NULL,
    action       VARCHAR NOT NULL,           -- accept | correct | reject | unsure | adjudicate | undo
    outcome      VARCHAR,                    -- keep | reject | NULL (unsure, undo)
    before       JSON,                       -- the proposed version {"fields", "model", "stage"}
    after        JSON,                       -- the kept version, same shape, canonical text
    undoes       VARCHAR,                    -- for undo: the event it cancels
    dwell_ms     INTEGER,
    extractor    VARCHAR,                    -- the candidate's extractor (versioned)
    source       VARCHAR NOT NULL,           -- web | terminal | import
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX review_events_candidate ON review_events (candidate_id);
