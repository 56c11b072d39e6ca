-- revision: 4b8e2f1c9a07
-- revises: 38d1f0a9b6c2
-- message: create the product catalog
-- created: 2026-01-20 16:25:31
--
-- Prices are integers in cents. Sales and purchasing branch off from here.

-- strata:upgrade
CREATE TABLE product_category (
    id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name  text NOT NULL UNIQUE
);

CREATE TABLE product (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sku            text    NOT NULL UNIQUE,
    name           text    NOT NULL,
    category_id    bigint  REFERENCES product_category (id),
    price_cents    integer NOT NULL CHECK (price_cents >= 0),
    currency_code  char(3) NOT NULL DEFAULT 'EUR' REFERENCES currency (code),
    active         boolean NOT NULL DEFAULT true
);

-- strata:downgrade
DROP TABLE product;
DROP TABLE product_category;
