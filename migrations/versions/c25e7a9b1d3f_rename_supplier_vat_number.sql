-- revision: c25e7a9b1d3f
-- revises: b9d0f2a4c6e8
-- message: call the supplier VAT number a tax id
-- created: 2026-03-02 11:47:15
--
-- Not every supplier is in the EU; a rename, so deployed code must follow.

-- strata:upgrade
ALTER TABLE supplier RENAME COLUMN vat_number TO tax_id;
ALTER TABLE supplier RENAME CONSTRAINT supplier_vat_number_key TO supplier_tax_id_key;

-- strata:downgrade
ALTER TABLE supplier RENAME CONSTRAINT supplier_tax_id_key TO supplier_vat_number_key;
ALTER TABLE supplier RENAME COLUMN tax_id TO vat_number;
