-- 0020_users: local accounts (scrypt hashes) and browser sessions (token digests, CSRF tokens).
CREATE TABLE users (
    name          VARCHAR PRIMARY KEY,
    role          VARCHAR NOT NULL,          -- annotator | reviewer | admin
    password_hash VARCHAR NOT NULL,          -- scrypt$N$r$p$salt$hash
    created_at    TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE TABLE sessions (
    token_digest VARCHAR PRIMARY KEY,        -- sha256 of the cookie token
    user_name    VARCHAR NOT NULL,
    csrf         VARCHAR NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL
);
