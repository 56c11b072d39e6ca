-- revision: 1e6a8c0e2b4d
-- revises: 1b3d5f7a9c2e
-- message: require an owner on every customer
-- created: 2026-05-06 09:17:03
--
-- Deliberately risky, for the linter: SET NOT NULL scans the table under an exclusive lock, the type
-- change rewrites it, the index is built without CONCURRENTLY, and the CHECK is not NOT VALID.

-- strata:upgrade
UPDATE customer SET owner_id = (SELECT min(id) FROM account) WHERE owner_id IS NULL;
ALTER TABLE customer ALTER COLUMN owner_id SET NOT NULL;
ALTER TABLE purchase_order_line ALTER COLUMN quantity TYPE bigint;
CREATE INDEX customer_name_idx ON customer (name);
ALTER TABLE sales_order ADD CONSTRAINT sales_order_ordered_at_check CHECK (ordered_at > '2020-01-01');

-- strata:downgrade
ALTER TABLE sales_order DROP CONSTRAINT sales_order_ordered_at_check;
DROP INDEX customer_name_idx;
ALTER TABLE purchase_order_line ALTER COLUMN quantity TYPE integer;
ALTER TABLE customer ALTER COLUMN owner_id DROP NOT NULL;
