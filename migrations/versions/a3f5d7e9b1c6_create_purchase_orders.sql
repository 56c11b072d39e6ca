-- revision: a3f5d7e9b1c6
-- revises: 9a6e0c4b8d21
-- message: create purchase orders
-- created: 2026-02-05 14:27:50

-- strata:upgrade
CREATE TYPE purchase_order_status AS ENUM ('draft', 'sent', 'received', 'cancelled');

CREATE TABLE purchase_order (
    id           bigint                GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    supplier_id  bigint                NOT NULL REFERENCES supplier (id),
    status       purchase_order_status NOT NULL DEFAULT 'draft',
    ordered_at   timestamptz           NOT NULL DEFAULT now()
);

CREATE TABLE purchase_order_line (
    order_id    bigint  NOT NULL REFERENCES purchase_order (id) ON DELETE CASCADE,
    line_no     integer NOT NULL,
    product_id  bigint  NOT NULL REFERENCES product (id),
    quantity    integer NOT NULL CHECK (quantity > 0),
    cost_cents  integer NOT NULL CHECK (cost_cents >= 0),
    PRIMARY KEY (order_id, line_no)
);

-- strata:downgrade
DROP TABLE purchase_order_line;
DROP TABLE purchase_order;
DROP TYPE purchase_order_status;
