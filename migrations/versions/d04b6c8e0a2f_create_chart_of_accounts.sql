-- revision: d04b6c8e0a2f
-- revises: 38d1f0a9b6c2
-- message: create the chart of accounts
-- created: 2026-02-03 10:21:37
-- branch-labels: accounting
--
-- First revision of the accounting branch, which starts from the currencies.

-- strata:upgrade
CREATE TYPE ledger_account_kind AS ENUM ('asset', 'liability', 'equity', 'income', 'expense');

CREATE TABLE ledger_account (
    code         text                PRIMARY KEY,
    name         text                NOT NULL,
    kind         ledger_account_kind NOT NULL,
    parent_code  text                REFERENCES ledger_account (code)
);

INSERT INTO ledger_account (code, name, kind) VALUES
    ('1000', 'Cash', 'asset'),
    ('1200', 'Accounts receivable', 'asset'),
    ('2000', 'Accounts payable', 'liability'),
    ('4000', 'Sales revenue', 'income'),
    ('5000', 'Cost of goods sold', 'expense');

-- strata:downgrade
DROP TABLE ledger_account;
DROP TYPE ledger_account_kind;
