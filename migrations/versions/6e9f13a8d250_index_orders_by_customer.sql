-- revision: 6e9f13a8d250
-- revises: 5d02c7b4e3f1
-- message: index orders by customer without blocking writes
-- created: 2026-02-10 08:45:19
-- transactional: false
--
-- CREATE INDEX CONCURRENTLY cannot run inside a transaction block.

-- strata:upgrade
CREATE INDEX CONCURRENTLY sales_order_customer_idx ON sales_order (customer_id, ordered_at DESC);

-- strata:downgrade
DROP INDEX CONCURRENTLY sales_order_customer_idx;
