-- revision: 0d4f6b8a2c1e
-- revises: 0a2c4e6f8b1d
-- message: report monthly sales in a reporting schema
-- created: 2026-04-14 10:08:27

-- strata:upgrade
CREATE SCHEMA reporting;

CREATE VIEW reporting.monthly_sales AS
SELECT date_trunc('month', o.ordered_at)                        AS month,
       count(DISTINCT o.id)                                     AS orders,
       sum(l.quantity * l.price_cents * (1 - l.discount_pct / 100)) AS revenue_cents
  FROM sales_order o
  JOIN sales_order_line l ON l.order_id = o.id
 WHERE o.status <> 'cancelled'
 GROUP BY 1;

-- strata:downgrade
DROP VIEW reporting.monthly_sales;
DROP SCHEMA reporting;
