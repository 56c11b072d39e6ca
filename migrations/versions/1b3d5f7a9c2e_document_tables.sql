-- revision: 1b3d5f7a9c2e
-- revises: 0d4f6b8a2c1e
-- message: document the main tables
-- created: 2026-04-21 16:44:52

-- strata:upgrade
COMMENT ON TABLE account IS 'People who sign in.';
COMMENT ON TABLE customer IS 'Companies we sell to.';
COMMENT ON TABLE supplier IS 'Companies we buy from.';
COMMENT ON COLUMN product.price_cents IS 'List price in the product currency, in cents.';
COMMENT ON TABLE invoice IS 'Bills sent for sales orders.';

-- strata:downgrade
COMMENT ON TABLE invoice IS NULL;
COMMENT ON COLUMN product.price_cents IS NULL;
COMMENT ON TABLE supplier IS NULL;
COMMENT ON TABLE customer IS NULL;
COMMENT ON TABLE account IS NULL;
