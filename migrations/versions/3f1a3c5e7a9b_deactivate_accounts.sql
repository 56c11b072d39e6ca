-- revision: 3f1a3c5e7a9b
-- revises: 2c8e0a2c4e6f
-- message: let accounts be deactivated instead of deleted
-- created: 2026-06-02 10:27:55

-- strata:upgrade
ALTER TABLE account ADD COLUMN deactivated_at timestamptz;
CREATE INDEX account_active_email_idx ON account (lower(email)) WHERE deactivated_at IS NULL;

-- strata:downgrade
DROP INDEX account_active_email_idx;
ALTER TABLE account DROP COLUMN deactivated_at;
