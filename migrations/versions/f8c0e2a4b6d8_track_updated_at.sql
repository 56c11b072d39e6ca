-- revision: f8c0e2a4b6d8
-- revises: f4b6d8f0a2c4
-- message: track when customers, suppliers and products change
-- created: 2026-03-23 10:14:36

-- strata:upgrade
CREATE FUNCTION set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;

ALTER TABLE customer ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE supplier ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE product  ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();

CREATE TRIGGER customer_set_updated_at BEFORE UPDATE ON customer
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER supplier_set_updated_at BEFORE UPDATE ON supplier
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER product_set_updated_at BEFORE UPDATE ON product
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- strata:downgrade
DROP TRIGGER product_set_updated_at ON product;
DROP TRIGGER supplier_set_updated_at ON supplier;
DROP TRIGGER customer_set_updated_at ON customer;
ALTER TABLE product  DROP COLUMN updated_at;
ALTER TABLE supplier DROP COLUMN updated_at;
ALTER TABLE customer DROP COLUMN updated_at;
DROP FUNCTION set_updated_at();
