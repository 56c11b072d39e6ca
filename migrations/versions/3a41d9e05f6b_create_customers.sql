-- revision: 3a41d9e05f6b
-- revises: 27c6a30d7c24
-- message: create customers
-- created: 2026-01-14 10:40:00
-- branch-labels: sales

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
