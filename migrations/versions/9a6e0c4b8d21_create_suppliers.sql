-- revision: 9a6e0c4b8d21
-- revises: 4b8e2f1c9a07
-- message: create suppliers
-- created: 2026-01-28 09:18:13
-- branch-labels: purchasing
--
-- First revision of the purchasing branch, developed alongside sales.

-- strata:upgrade
CREATE TABLE supplier (
    id             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name           text        NOT NULL,
    vat_number     text        UNIQUE,
    currency_code  char(3)     NOT NULL DEFAULT 'EUR' REFERENCES currency (code),
    created_at     timestamptz NOT NULL DEFAULT now()
);

-- strata:downgrade
DROP TABLE supplier;
