-- revision: a7c9e1b3d5f7
-- revises: 9f2b4d6e8a1c
-- message: give each reseller its own prices, isolated by row-level security
-- created: 2026-04-06 09:30:00
--
-- Resellers are tenants: the application sets app.tenant_id for each request and sees only
-- that reseller's prices. FORCE binds the table's owner (the role the application and these
-- migrations use) to the policy too. migrations/strata.toml checks both sides of it inside
-- every run's transaction.

-- strata:upgrade
CREATE TABLE reseller (
    id    text PRIMARY KEY,
    name  text NOT NULL
);

CREATE TABLE reseller_price (
    reseller_id  text    NOT NULL REFERENCES reseller (id),
    sku          text    NOT NULL,
    price_cents  integer NOT NULL CHECK (price_cents >= 0),
    PRIMARY KEY (reseller_id, sku)
);

INSERT INTO reseller (id, name) VALUES ('north', 'North Trading'), ('south', 'South Supplies');
INSERT INTO reseller_price (reseller_id, sku, price_cents)
VALUES ('north', 'DESK-01', 12900), ('north', 'LAMP-02', 2450), ('south', 'DESK-01', 12500);

ALTER TABLE reseller_price ENABLE ROW LEVEL SECURITY;
ALTER TABLE reseller_price FORCE ROW LEVEL SECURITY;
CREATE POLICY reseller_isolation ON reseller_price
    USING (reseller_id = current_setting('app.tenant_id', true));

-- strata:downgrade
DROP TABLE reseller_price;
DROP TABLE reseller;
