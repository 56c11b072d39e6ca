-- revision: 4b8e2f1c9a07
-- revises: 3a41d9e05f6b
-- message: create products with prices in cents
-- created: 2026-01-20 16:25:31

-- strata:upgrade
CREATE TABLE product (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sku          text    NOT NULL UNIQUE,
    name         text    NOT NULL,
    price_cents  integer NOT NULL CHECK (price_cents >= 0),
    active       boolean NOT NULL DEFAULT true
);

-- strata:downgrade
DROP TABLE product;
