-- revision: 7f90a1d3c5e8
-- revises: 71c4be02d8a3
-- message: add the returned order status
-- created: 2026-02-24 09:55:02
-- transactional: false
--
-- A new enum value cannot be used in the transaction that adds it, so this runs on its own.

-- strata:upgrade
ALTER TYPE order_status ADD VALUE 'returned' AFTER 'shipped';

-- strata:downgrade
-- PostgreSQL cannot drop a value from an enum: rebuild the type without it.
UPDATE sales_order SET status = 'shipped' WHERE status = 'returned';
ALTER TYPE order_status RENAME TO order_status_old;
CREATE TYPE order_status AS ENUM ('draft', 'confirmed', 'shipped', 'cancelled');
ALTER TABLE sales_order ALTER COLUMN status DROP DEFAULT;
ALTER TABLE sales_order ALTER COLUMN status TYPE order_status USING status::text::order_status;
ALTER TABLE sales_order ALTER COLUMN status SET DEFAULT 'draft';
DROP TYPE order_status_old;
