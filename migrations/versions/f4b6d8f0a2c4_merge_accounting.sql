-- revision: f4b6d8f0a2c4
-- revises: c8f1a3b5d7e9, f03a5c7e9b1d
-- message: merge accounting into the main line
-- created: 2026-03-16 09:00:00

-- strata:upgrade
-- A merge point: accounting joins sales and purchasing.

-- strata:downgrade
-- Nothing to undo.
