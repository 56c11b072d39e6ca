-- revision: b18c2e4f6a90
-- revises: a3f5d7e9b1c6
-- message: record goods receipts
-- created: 2026-02-13 10:05:44

-- strata:upgrade
CREATE TABLE goods_receipt (
    id                 bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    purchase_order_id  bigint      NOT NULL REFERENCES purchase_order (id),
    received_at        timestamptz NOT NULL DEFAULT now(),
    received_by        bigint      REFERENCES account (id)
);

CREATE TABLE goods_receipt_line (
    receipt_id  bigint  NOT NULL REFERENCES goods_receipt (id) ON DELETE CASCADE,
    product_id  bigint  NOT NULL REFERENCES product (id),
    quantity    integer NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (receipt_id, product_id)
);

-- strata:downgrade
DROP TABLE goods_receipt_line;
DROP TABLE goods_receipt;
