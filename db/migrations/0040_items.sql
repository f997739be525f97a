-- 0040_items: per-item failures of the nightly job (download, extract), their backoff and parking.
CREATE TABLE item_failures (
    stage        VARCHAR NOT NULL,        -- download | extract
    item         VARCHAR NOT NULL,        -- arXiv id (versioned) or file
    attempts     INTEGER NOT NULL,
    last_error   VARCHAR,
    first_failed_at TIMESTAMP NOT NULL,
    last_failed_at  TIMESTAMP NOT NULL,
    next_try_at  TIMESTAMP NOT NULL,
    parked       BOOLEAN NOT NULL DEFAULT false,
    run_id       VARCHAR NOT NULL,
    PRIMARY KEY (stage, item)
);
