-- revision: e6f8a0c2e4b6
-- revises: e1a2b3c4d5e6
-- message: record payments against invoices
-- created: 2026-02-25 14:06:31

-- strata:upgrade
CREATE TABLE payment (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    invoice_id    bigint      NOT NULL REFERENCES invoice (id),
    amount_cents  bigint      NOT NULL CHECK (amount_cents > 0),
    paid_at       timestamptz NOT NULL DEFAULT now(),
    method        text        NOT NULL CHECK (method IN ('card', 'transfer', 'cash'))
);
CREATE INDEX payment_invoice_idx ON payment (invoice_id);

-- strata:downgrade
DROP TABLE payment;
