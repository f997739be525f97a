-- 0001_core: runs, papers, downloads, Papers-with-Code reference results, crawl cursors.
CREATE TABLE runs (
    run_id      VARCHAR PRIMARY KEY,
    command     VARCHAR NOT NULL,
    started_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    status      VARCHAR NOT NULL DEFAULT 'running',   -- running | ok | failed | partial
    counts      JSON,
    error       VARCHAR
);

CREATE TABLE papers (
    arxiv_id           VARCHAR PRIMARY KEY,
    version            INTEGER NOT NULL,
    title              VARCHAR,
    abstract           VARCHAR,
    authors            VARCHAR[],
    categories         VARCHAR[],
    first_version_date DATE,
    updated_date       DATE,
    license            VARCHAR,
    pdf_url            VARCHAR,
    comments           VARCHAR,
    journal_ref        VARCHAR,
    doi                VARCHAR,
    source             VARCHAR,          -- oai | api | pwc | file
    relevant           BOOLEAN,
    relevance_reason   VARCHAR,
    run_id             VARCHAR NOT NULL,
    first_seen_at      TIMESTAMP NOT NULL DEFAULT current_timestamp,
    updated_at         TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE TABLE downloads (
    arxiv_id    VARCHAR NOT NULL,
    version     INTEGER NOT NULL,
    kind        VARCHAR NOT NULL DEFAULT 'pdf',   -- pdf | source
    url         VARCHAR,
    sha256      VARCHAR,
    path        VARCHAR,
    bytes       BIGINT,
    status      VARCHAR NOT NULL,                 -- ok | failed
    error       VARCHAR,
    attempts    INTEGER NOT NULL DEFAULT 1,
    run_id      VARCHAR NOT NULL,
    fetched_at  TIMESTAMP NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (arxiv_id, version, kind)
);

CREATE TABLE pwc_results (
    result_id   VARCHAR PRIMARY KEY,   -- stable hash of the row's identity
    task        VARCHAR,
    dataset     VARCHAR,
    metric      VARCHAR,
    value       DOUBLE,
    raw_value   VARCHAR,
    model_name  VARCHAR,
    paper_title VARCHAR,
    paper_url   VARCHAR,
    arxiv_id    VARCHAR,
    paper_date  DATE,
    uses_additional_data BOOLEAN,
    source      VARCHAR,              -- dump path/URL or api
    run_id      VARCHAR NOT NULL
);

CREATE TABLE crawl_cursors (
    source      VARCHAR PRIMARY KEY,  -- e.g. 'arxiv-oai:cs:cs:LG'
    cursor      VARCHAR,              -- responseDate of the last complete harvest, or a resumption token
    state       JSON,
    run_id      VARCHAR NOT NULL,
    updated_at  TIMESTAMP NOT NULL DEFAULT current_timestamp
);
