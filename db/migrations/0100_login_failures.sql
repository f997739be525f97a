-- 0100_login_failures: sign-in attempts for the throttle (issue 12), kept in the store so a restart or a second
-- server process sees the same counts. One row per attempt and key (`user:<name>` or `address:<ip>`); rows older
-- than the window are deleted as attempts come. A credential table: the published snapshot leaves it empty.
CREATE TABLE login_attempts (
    attempt_id VARCHAR PRIMARY KEY,
    throttle_key VARCHAR NOT NULL,
    tried_at   TIMESTAMP NOT NULL
);
