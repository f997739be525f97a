-- 0010_candidates: extraction outcomes per file and the candidates they produced, with evidence.
CREATE TABLE extractions (
    paper        VARCHAR NOT NULL,
    pdf_path     VARCHAR,
    sha256       VARCHAR NOT NULL,
    status       VARCHAR NOT NULL,        -- ok | failed
    reason       VARCHAR,                 -- for failed: corrupt | encrypted | no_pages | no_text | timeout | error: message
    pages        INTEGER,
    seconds      DOUBLE,
    extractors   VARCHAR[],
    n_candidates INTEGER,
    attempts     INTEGER NOT NULL DEFAULT 1,
    run_id       VARCHAR NOT NULL,
    extracted_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (paper, sha256)
);

CREATE TABLE candidates (
    candidate_id VARCHAR PRIMARY KEY,
    paper        VARCHAR NOT NULL,
    kind         VARCHAR NOT NULL,        -- hardware | training_time | result | parameters
    extractor    VARCHAR NOT NULL,        -- versioned name, e.g. hardware.v1
    model        VARCHAR,
    stage        VARCHAR,
    page         INTEGER NOT NULL,
    x0 DOUBLE, top DOUBLE, x1 DOUBLE, bottom DOUBLE,
    span_start   INTEGER,
    span_end     INTEGER,
    snippet      VARCHAR,
    confidence   DOUBLE NOT NULL,
    fields       JSON NOT NULL,
    alternatives JSON,
    flags        VARCHAR[],
    pdf_sha256   VARCHAR,
    pdf_path     VARCHAR,
    run_id       VARCHAR NOT NULL,
    created_at   TIMESTAMP NOT NULL DEFAULT current_timestamp
);
CREATE INDEX candidates_paper ON candidates (paper);
