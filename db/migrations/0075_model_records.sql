-- 0075_model_records: one row per model of a paper (scaling.records.ModelRecord), rebuilt by `flopsdb records`.
CREATE TABLE model_records (
    record_id    VARCHAR PRIMARY KEY,      -- paper:model_key
    paper        VARCHAR NOT NULL,
    model_key    VARCHAR NOT NULL,
    names        VARCHAR[] NOT NULL,       -- the names the model is printed under
    year         INTEGER,
    year_source  VARCHAR,                  -- arxiv | pdf | NULL (see year_reason)
    year_reason  VARCHAR,
    venue        VARCHAR,
    parameters   DOUBLE,
    flop_thompson DOUBLE,                  -- hardware method, thompson convention
    flop_epoch   DOUBLE,                   -- hardware method, epoch convention
    missing      VARCHAR[] NOT NULL,       -- what the record lacks for a compute estimate
    fact_ids     VARCHAR[] NOT NULL,
    record       JSON NOT NULL,            -- the whole record: results, hardware, time, compute with assumptions
    run_id       VARCHAR NOT NULL,
    built_at     TIMESTAMP NOT NULL DEFAULT current_timestamp
);
