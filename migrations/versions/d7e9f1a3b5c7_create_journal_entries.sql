-- revision: d7e9f1a3b5c7
-- revises: d04b6c8e0a2f
-- message: create journal entries
-- created: 2026-02-11 15:48:22

-- strata:upgrade
CREATE TABLE journal_entry (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    posted_on  date   NOT NULL,
    memo       text
);

CREATE TABLE journal_line (
    entry_id      bigint  NOT NULL REFERENCES journal_entry (id) ON DELETE CASCADE,
    line_no       integer NOT NULL,
    account_code  text    NOT NULL REFERENCES ledger_account (code),
    debit_cents   bigint  NOT NULL DEFAULT 0 CHECK (debit_cents >= 0),
    credit_cents  bigint  NOT NULL DEFAULT 0 CHECK (credit_cents >= 0),
    PRIMARY KEY (entry_id, line_no),
    CONSTRAINT journal_line_one_side CHECK (debit_cents = 0 OR credit_cents = 0)
);

-- strata:downgrade
DROP TABLE journal_line;
DROP TABLE journal_entry;
