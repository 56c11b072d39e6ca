-- revision: f03a5c7e9b1d
-- revises: ea5c7e9a1b3d
-- message: number invoices from a sequence
-- created: 2026-03-10 11:25:04

-- strata:upgrade
CREATE SEQUENCE invoice_number_seq START 1000;
ALTER TABLE invoice ALTER COLUMN number SET DEFAULT 'INV-' || nextval('invoice_number_seq');
ALTER SEQUENCE invoice_number_seq OWNED BY invoice.number;

-- strata:downgrade
ALTER TABLE invoice ALTER COLUMN number DROP DEFAULT;
DROP SEQUENCE invoice_number_seq;
