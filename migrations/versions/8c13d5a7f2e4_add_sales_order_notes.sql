-- revision: 8c13d5a7f2e4
-- revises: 84b2e6f0a1c9
-- message: add notes to sales orders
-- created: 2026-03-09 17:41:26

-- strata:upgrade
CREATE TABLE sales_order_note (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id    bigint      NOT NULL REFERENCES sales_order (id) ON DELETE CASCADE,
    author_id   bigint      NOT NULL REFERENCES account (id),
    body        text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sales_order_note_order_idx ON sales_order_note (order_id);

-- strata:downgrade
DROP TABLE sales_order_note;
