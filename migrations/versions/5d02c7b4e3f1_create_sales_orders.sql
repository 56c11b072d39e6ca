-- revision: 5d02c7b4e3f1
-- revises: 3a41d9e05f6b
-- message: create sales orders and their lines
-- created: 2026-02-02 11:08:52

-- strata:upgrade
CREATE TYPE order_status AS ENUM ('draft', 'confirmed', 'shipped', 'cancelled');

CREATE TABLE sales_order (
    id           bigint       GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id  bigint       NOT NULL REFERENCES customer (id),
    status       order_status NOT NULL DEFAULT 'draft',
    ordered_at   timestamptz  NOT NULL DEFAULT now()
);

CREATE TABLE sales_order_line (
    order_id     bigint  NOT NULL REFERENCES sales_order (id) ON DELETE CASCADE,
    line_no      integer NOT NULL,
    product_id   bigint  NOT NULL REFERENCES product (id),
    quantity     integer NOT NULL CHECK (quantity > 0),
    price_cents  integer NOT NULL,
    PRIMARY KEY (order_id, line_no)
);

-- strata:downgrade
DROP TABLE sales_order_line;
DROP TABLE sales_order;
DROP TYPE order_status;
