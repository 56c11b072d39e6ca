-- revision: 2e5b8d1f4a7c
-- revises: 27c6a30d7c24
-- message: add password reset tokens
-- created: 2026-01-12 11:30:05
--
-- Only a hash of each token is stored, never the token itself.

-- strata:upgrade
CREATE TABLE password_reset_token (
    token_hash  bytea       PRIMARY KEY,
    account_id  bigint      NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz
);
CREATE INDEX password_reset_token_account_idx ON password_reset_token (account_id);

-- strata:downgrade
DROP TABLE password_reset_token;
