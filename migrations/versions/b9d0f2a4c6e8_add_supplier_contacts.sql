-- revision: b9d0f2a4c6e8
-- revises: b18c2e4f6a90
-- message: add supplier contacts
-- created: 2026-02-20 16:33:09

-- strata:upgrade
CREATE TABLE supplier_contact (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    supplier_id  bigint NOT NULL REFERENCES supplier (id) ON DELETE CASCADE,
    name         text   NOT NULL,
    email        text,
    phone        text
);
CREATE INDEX supplier_contact_supplier_idx ON supplier_contact (supplier_id);

-- strata:downgrade
DROP TABLE supplier_contact;
