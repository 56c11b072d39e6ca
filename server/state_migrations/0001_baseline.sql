-- revision: state_0001
-- message: the state database as the releases before versioning left it
--
-- Exactly the idempotent schema.sql those releases ran on every start: on a database they
-- created, it changes nothing (or finishes what an older one began), and the database is then
-- versioned from here. Revisions after this one are ordinary, run once.

-- strata:upgrade
-- Strata's own state: accounts, sign-ins, reviews, approvals and the audit log.
-- Every statement is idempotent, so this revision adopts a database an earlier release made.
CREATE SCHEMA IF NOT EXISTS strata;

CREATE TABLE IF NOT EXISTS strata.users (
    name          text PRIMARY KEY,
    role          text NOT NULL,
    password_hash text NOT NULL,  -- argon2id, PHC string
    created_at    timestamptz NOT NULL DEFAULT now()
);

-- Only hashes of session ids and tokens are kept: a copy of this table signs nobody in.
CREATE TABLE IF NOT EXISTS strata.sessions (
    id_hash    text PRIMARY KEY,
    user_name  text NOT NULL REFERENCES strata.users (name) ON DELETE CASCADE,
    csrf_token text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS strata.api_tokens (
    id         text PRIMARY KEY,  -- public, to list and revoke by
    token_hash text NOT NULL UNIQUE,
    user_name  text NOT NULL REFERENCES strata.users (name) ON DELETE CASCADE,
    label      text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);

CREATE TABLE IF NOT EXISTS strata.audit (
    id          bigserial PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor       text NOT NULL,
    action      text NOT NULL,
    environment text,
    subject     text,
    detail      text NOT NULL DEFAULT '',
    address     text
);
-- A repeated event (refused sign-ins of one name from one address) is one entry with a count.
ALTER TABLE strata.audit ADD COLUMN IF NOT EXISTS count integer NOT NULL DEFAULT 1;
DROP INDEX IF EXISTS strata.audit_failed_sign_ins;
CREATE INDEX IF NOT EXISTS audit_repeats ON strata.audit (actor, action, at);

-- Failed sign-ins per name and address (auth/throttle.rs): how many in a row, and when the
-- next try may come. A reserved attempt holds `not_before` until its outcome is known.
CREATE TABLE IF NOT EXISTS strata.sign_in_backoff (
    name         text NOT NULL,
    address      text NOT NULL,
    failures     integer NOT NULL DEFAULT 0,
    last_failure timestamptz,
    not_before   timestamptz NOT NULL,
    PRIMARY KEY (name, address)
);

CREATE TABLE IF NOT EXISTS strata.threads (
    id          bigserial PRIMARY KEY,
    revision    text NOT NULL,
    line        integer,
    resolved_by text
);

CREATE TABLE IF NOT EXISTS strata.comments (
    id        bigserial PRIMARY KEY,
    thread_id bigint NOT NULL REFERENCES strata.threads (id) ON DELETE CASCADE,
    author    text NOT NULL,
    body      text NOT NULL,
    at        timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE TABLE IF NOT EXISTS strata.verdicts (
    revision text NOT NULL,
    reviewer text NOT NULL,
    verdict  text NOT NULL,
    checksum text NOT NULL,  -- Revision::review_checksum of the SQL the verdict is about
    at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (revision, reviewer)
);

CREATE TABLE IF NOT EXISTS strata.proposals (
    id          text PRIMARY KEY,
    environment text NOT NULL,
    request     jsonb NOT NULL,
    fingerprint text NOT NULL,
    summary     text NOT NULL,
    sql         text NOT NULL,
    author      text NOT NULL,
    proposed_at timestamptz NOT NULL DEFAULT now(),
    run_id      text
);

CREATE TABLE IF NOT EXISTS strata.approvals (
    proposal_id text NOT NULL REFERENCES strata.proposals (id),
    approver    text NOT NULL,
    at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (proposal_id, approver)
);

-- A plan run on a throwaway copy of an environment (strata_shared::rehearsal::Rehearsal as
-- `report`), bound to the plan's fingerprint as a proposal is.
CREATE TABLE IF NOT EXISTS strata.rehearsals (
    seq         bigserial PRIMARY KEY,
    id          text NOT NULL UNIQUE,
    environment text NOT NULL,
    fingerprint text NOT NULL,
    succeeded   boolean NOT NULL,
    report      jsonb NOT NULL,
    by_user     text NOT NULL,
    at          timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX IF NOT EXISTS rehearsals_of_plan ON strata.rehearsals (environment, fingerprint, at DESC);

-- strata:downgrade
