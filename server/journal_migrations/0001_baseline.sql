-- revision: journal_0001
-- message: the journal as the releases before versioning left it
--
-- Exactly the idempotent DDL those releases ran before every run: on a journal they created,
-- it changes nothing (or finishes what an older one began), and the journal is then versioned
-- from here. Names are unqualified: the journal lives in the version table's schema, which is
-- the search_path while this runs. Revisions after this one are ordinary, run once.

-- strata:upgrade
CREATE TABLE IF NOT EXISTS strata_run (
    id               text PRIMARY KEY,
    environment      text NOT NULL,
    operation        text NOT NULL,
    target           text NOT NULL,
    fingerprint      text NOT NULL,
    from_rows        text[] NOT NULL,
    transaction_mode text NOT NULL,
    started_by       text NOT NULL,
    started_at       timestamptz NOT NULL DEFAULT now(),
    finished_at      timestamptz,
    status           text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'interrupted'))
);
-- The revision whose statements run outside a transaction now: if the run is cut
-- off, nobody knows whether they completed before the version row was written.
ALTER TABLE strata_run ADD COLUMN IF NOT EXISTS outside_transaction text;
CREATE TABLE IF NOT EXISTS strata_history (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id         text NOT NULL REFERENCES strata_run (id),
    position       integer NOT NULL,
    revision       text,
    direction      text NOT NULL CHECK (direction IN ('up', 'down')),
    kind           text NOT NULL CHECK (kind IN ('migration', 'stamp')),
    checksum       text,
    rows_after     text[] NOT NULL,
    recorded_at    timestamptz NOT NULL DEFAULT now(),
    duration_ms    bigint NOT NULL,
    outcome        text NOT NULL CHECK (outcome IN ('applied', 'failed')),
    error_message  text,
    error_detail   text,
    error_hint     text,
    error_sqlstate text,
    error_file     text,
    error_line     integer,
    error_column   integer
);
CREATE TABLE IF NOT EXISTS strata_backup (
    run_id          text PRIMARY KEY REFERENCES strata_run (id),
    kind            text NOT NULL CHECK (kind IN ('touched', 'schema', 'full')),
    location        text NOT NULL,
    size_bytes      bigint NOT NULL,
    sha256          text NOT NULL,
    tables          text[] NOT NULL,
    restore_command text NOT NULL,
    taken_at        timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS strata_check (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id      text NOT NULL REFERENCES strata_run (id),
    name        text NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('sql', 'http')),
    phase       text NOT NULL CHECK (phase IN ('before-commit', 'after-commit')),
    passed      boolean NOT NULL,
    returned    text NOT NULL,
    http_status integer,
    duration_ms bigint NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);

-- strata:downgrade
