-- revision: 2c8e0a2c4e6f
-- revises: 1e6a8c0e2b4d
-- message: segment customers by size
-- created: 2026-05-19 13:36:40

-- strata:upgrade
CREATE TYPE customer_segment AS ENUM ('smb', 'mid_market', 'enterprise');
ALTER TABLE customer ADD COLUMN segment customer_segment NOT NULL DEFAULT 'smb';

-- strata:downgrade
ALTER TABLE customer DROP COLUMN segment;
DROP TYPE customer_segment;
