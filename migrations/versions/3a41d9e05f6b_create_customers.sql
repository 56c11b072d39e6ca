-- revision: 3a41d9e05f6b
-- revises: 4b8e2f1c9a07
-- message: create customers
-- created: 2026-01-26 10:40:00
-- branch-labels: sales
--
-- First revision of the sales branch.

-- strata:upgrade
CREATE TABLE customer (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text        NOT NULL,
    vat_number  text,
    owner_id    bigint      REFERENCES account (id),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX customer_owner_idx ON customer (owner_id);

-- strata:downgrade
DROP TABLE customer;
