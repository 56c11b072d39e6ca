-- revision: 27c6a30d7c24
-- revises: 1975ea83b712
-- message: add roles and memberships
-- created: 2026-01-09 14:03:10

-- strata:upgrade
CREATE TABLE role (
    id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name  text NOT NULL UNIQUE
);

CREATE TABLE account_role (
    account_id  bigint NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    role_id     bigint NOT NULL REFERENCES role (id),
    PRIMARY KEY (account_id, role_id)
);

INSERT INTO role (name) VALUES ('admin'), ('sales'), ('purchasing'), ('accounting');

-- strata:downgrade
DROP TABLE account_role;
DROP TABLE role;
