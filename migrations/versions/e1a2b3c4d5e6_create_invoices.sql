-- revision: e1a2b3c4d5e6
-- revises: d7e9f1a3b5c7
-- message: create invoices for sales orders
-- created: 2026-02-18 10:12:57
-- depends-on: 5d02c7b4e3f1
--
-- Invoices refer to sales orders, which live on the sales branch: hence depends-on.

-- strata:upgrade
CREATE TYPE invoice_status AS ENUM ('open', 'paid', 'void');

CREATE TABLE invoice (
    id              bigint         GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    number          text           NOT NULL UNIQUE,
    sales_order_id  bigint         NOT NULL REFERENCES sales_order (id),
    issued_on       date           NOT NULL DEFAULT current_date,
    due_on          date           NOT NULL,
    total_cents     bigint         NOT NULL CHECK (total_cents >= 0),
    status          invoice_status NOT NULL DEFAULT 'open',
    CONSTRAINT invoice_due_after_issue CHECK (due_on >= issued_on)
);
CREATE INDEX invoice_sales_order_idx ON invoice (sales_order_id);

-- strata:downgrade
DROP TABLE invoice;
DROP TYPE invoice_status;
