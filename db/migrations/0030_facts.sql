-- 0030_facts: facts imported from published datasets (Thompson et al., Epoch AI) and compute estimates.
-- Imported facts are attributed to their source file and row and are never human-confirmed.
CREATE TABLE imported_facts (
    fact_id         VARCHAR PRIMARY KEY,     -- e.g. thompson:imagenet:12:result:top1, epoch:57:compute
    source          VARCHAR NOT NULL,        -- thompson | epoch
    source_file     VARCHAR NOT NULL,
    source_row      INTEGER NOT NULL,        -- 1-based line number in the source file
    entry_id        VARCHAR NOT NULL,        -- groups the facts of one source row
    kind            VARCHAR NOT NULL,        -- result | compute | hardware | training_time | parameters | dataset_size
    paper           VARCHAR,                 -- arXiv id when the source links one, else the title
    model           VARCHAR,
    year            INTEGER,
    benchmark       VARCHAR,                 -- thompson: imagenet | coco | squad1.1 | conll2003 | wmt14-en-de | wmt14-en-fr
    domain          VARCHAR,
    fields          JSON NOT NULL,
    human_confirmed BOOLEAN NOT NULL DEFAULT false CHECK (NOT human_confirmed),
    run_id          VARCHAR NOT NULL,
    imported_at     TIMESTAMP NOT NULL DEFAULT current_timestamp
);
CREATE INDEX imported_facts_entry ON imported_facts (entry_id);

CREATE TABLE compute_estimates (
    estimate_id VARCHAR PRIMARY KEY,         -- entry_id:quantity:convention:method
    entry_id    VARCHAR NOT NULL,
    source      VARCHAR NOT NULL,            -- thompson | epoch | curated
    paper       VARCHAR,
    model       VARCHAR,
    year        INTEGER,
    domain      VARCHAR,
    quantity    VARCHAR NOT NULL,            -- hardware_burden | network_operations | compute
    flop        DOUBLE NOT NULL,
    flop_low    DOUBLE,
    flop_high   DOUBLE,
    method      VARCHAR NOT NULL,            -- hardware | operations | reported | hardware+operations
    convention  VARCHAR NOT NULL,            -- thompson | epoch | operations
    fact_ids    VARCHAR[] NOT NULL,
    assumptions JSON,
    run_id      VARCHAR NOT NULL,
    created_at  TIMESTAMP NOT NULL DEFAULT current_timestamp
);
CREATE INDEX compute_estimates_entry ON compute_estimates (entry_id);

CREATE TABLE import_failures (
    source      VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    source_row  INTEGER,
    reason      VARCHAR NOT NULL,
    run_id      VARCHAR NOT NULL,
    failed_at   TIMESTAMP NOT NULL DEFAULT current_timestamp
);
