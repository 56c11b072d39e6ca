-- revision: c8f1a3b5d7e9
-- revises: 8c13d5a7f2e4, c25e7a9b1d3f
-- message: merge sales and purchasing
-- created: 2026-03-12 09:00:00

-- strata:upgrade
-- A merge point: nothing to run, it joins the two branches.

-- strata:downgrade
-- Nothing to undo.
