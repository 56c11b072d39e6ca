-- revision: 84b2e6f0a1c9
-- revises: 7f90a1d3c5e8
-- message: add discounts to order lines
-- created: 2026-03-03 13:12:48

-- strata:upgrade
ALTER TABLE sales_order_line
    ADD COLUMN discount_pct numeric(5,2) NOT NULL DEFAULT 0
        CONSTRAINT sales_order_line_discount_pct_check CHECK (discount_pct BETWEEN 0 AND 100);

-- strata:downgrade
ALTER TABLE sales_order_line DROP COLUMN discount_pct;
