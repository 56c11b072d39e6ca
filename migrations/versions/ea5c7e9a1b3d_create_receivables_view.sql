-- revision: ea5c7e9a1b3d
-- revises: e6f8a0c2e4b6
-- message: show open receivables as a materialized view
-- created: 2026-03-04 09:39:50
--
-- The unique index lets the view be refreshed CONCURRENTLY.

-- strata:upgrade
CREATE MATERIALIZED VIEW receivable AS
SELECT i.id                                          AS invoice_id,
       i.number,
       i.due_on,
       i.total_cents - coalesce(sum(p.amount_cents), 0) AS open_cents
  FROM invoice i
  LEFT JOIN payment p ON p.invoice_id = i.id
 WHERE i.status = 'open'
 GROUP BY i.id;

CREATE UNIQUE INDEX receivable_invoice_idx ON receivable (invoice_id);

-- strata:downgrade
DROP MATERIALIZED VIEW receivable;
