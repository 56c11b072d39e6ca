-- revision: 1975ea83b712
-- revises: 
-- message: create accounts
-- created: 2026-01-05 09:12:44
--
-- Everyone who signs in is an account; e-mail addresses are unique regardless of case.

-- strata:upgrade
CREATE TABLE account (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email       text        NOT NULL,
    full_name   text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX account_email_key ON account (lower(email));

-- strata:downgrade
DROP TABLE account;
