//! Every rule once: its stable id, how serious it is, why it is risky, and the safer way.

use super::Severity;

pub struct Rule {
    pub id: &'static str,
    pub severity: Severity,
    pub why: &'static str,
    pub safer: &'static str,
}

pub const RULES: &[Rule] = &[
    Rule {
        id: "syntax-error",
        severity: Severity::Error,
        why: "PostgreSQL's parser rejects this SQL: the revision fails when it runs, and nothing else in the statement was checked.",
        safer: "Fix the SQL where PostgreSQL's message points.",
    },
    Rule {
        id: "too-deeply-nested",
        severity: Severity::Error,
        why: "The statement is nested too deeply for Strata to read PostgreSQL's parse tree of it, so no rule checked it and the schema model skips it.",
        safer: "Flatten the expression (fewer nested CASEs or parentheses, or a helper function), or review the statement by hand and keep it in a revision of its own.",
    },
    Rule {
        id: "needs-newer-postgres",
        severity: Severity::Error,
        why: "Strata reads SQL with PostgreSQL 18's grammar, so it accepts syntax and functions an older server does not have: on this target the statement fails when it runs.",
        safer: "Write the statement with what the target's PostgreSQL has (give a subquery in FROM an alias, use INSERT … ON CONFLICT instead of MERGE, ...), or upgrade the target first.",
    },
    Rule {
        id: "adding-required-column",
        severity: Severity::Warning,
        why: "ADD COLUMN ... NOT NULL without a default fails on any table that already has rows.",
        safer: "Add the column nullable (or with a constant default), backfill it, then add the NOT NULL.",
    },
    Rule {
        id: "volatile-default",
        severity: Severity::Warning,
        why: "A volatile default (random(), clock_timestamp(), gen_random_uuid(), uuidv7(), a serial's nextval(): any function PostgreSQL marks volatile) makes ADD COLUMN rewrite the whole table under an ACCESS EXCLUSIVE lock.",
        safer: "Add the column without a default, set the default afterwards, and backfill existing rows in batches.",
    },
    Rule {
        id: "index-without-concurrently",
        severity: Severity::Warning,
        why: "CREATE INDEX without CONCURRENTLY takes a SHARE lock: writes to the table wait until the index is built.",
        safer: "CREATE INDEX CONCURRENTLY, in a revision marked `transactional: false`.",
    },
    Rule {
        id: "drop-index-without-concurrently",
        severity: Severity::Warning,
        why: "DROP INDEX without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the table.",
        safer: "DROP INDEX CONCURRENTLY, in a revision marked `transactional: false`.",
    },
    Rule {
        id: "cannot-run-in-transaction",
        severity: Severity::Error,
        why: "This statement cannot run inside a transaction block, and this revision runs in one: it will fail.",
        safer: "Mark the revision `transactional: false` (and keep such statements in a revision of their own).",
    },
    Rule {
        id: "needless-non-transactional",
        severity: Severity::Warning,
        why: "The revision runs outside any transaction, so a failure halfway leaves it half applied, yet none of its statements needs that.",
        safer: "Remove `transactional: false`.",
    },
    Rule {
        id: "changing-column-type",
        severity: Severity::Warning,
        why: "ALTER COLUMN ... TYPE usually rewrites the table and its indexes under an ACCESS EXCLUSIVE lock.",
        safer: "Add a new column, backfill it, switch readers and writers, then drop the old column.",
    },
    Rule {
        id: "constraint-without-not-valid",
        severity: Severity::Warning,
        why: "Adding a FOREIGN KEY or CHECK constraint validates every row while holding a lock that blocks writes.",
        safer: "Add it with NOT VALID, then VALIDATE CONSTRAINT in another transaction (a later revision, or a revision marked `transactional: false`): there it takes only a SHARE UPDATE EXCLUSIVE lock.",
    },
    Rule {
        id: "constraint-builds-index",
        severity: Severity::Warning,
        why: "ADD CONSTRAINT ... UNIQUE or PRIMARY KEY builds its index under an ACCESS EXCLUSIVE lock.",
        safer: "CREATE UNIQUE INDEX CONCURRENTLY first, then ADD CONSTRAINT ... USING INDEX.",
    },
    Rule {
        id: "setting-not-null",
        severity: Severity::Warning,
        why: "SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock.",
        safer: "Add CHECK (col IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT it, then SET NOT NULL (PostgreSQL 12+ then skips the scan); in a revision marked `transactional: false`, so that each step commits on its own.",
    },
    Rule {
        id: "dropping-table",
        severity: Severity::Warning,
        why: "DROP TABLE loses the table's data for good, and code that still uses the table breaks.",
        safer: "Stop using the table first; keep a backup, or rename it and drop it in a later release.",
    },
    Rule {
        id: "dropping-column",
        severity: Severity::Warning,
        why: "DROP COLUMN loses the column's data, and running code that still selects it breaks.",
        safer: "Stop reading and writing the column in a release before the one that drops it.",
    },
    Rule {
        id: "renaming-table",
        severity: Severity::Warning,
        why: "Renaming a table breaks every running query that uses the old name until the code is deployed.",
        safer: "Create a view with the old name for the transition, or rename in steps across releases.",
    },
    Rule {
        id: "renaming-column",
        severity: Severity::Warning,
        why: "Renaming a column breaks every running query that uses the old name until the code is deployed.",
        safer: "Add the new column, write both, backfill, switch readers, then drop the old one.",
    },
    Rule {
        id: "truncate-cascade",
        severity: Severity::Warning,
        why: "TRUNCATE ... CASCADE empties every table that refers to this one too, which is easy to overlook.",
        safer: "Truncate the tables you mean by name.",
    },
    Rule {
        id: "transaction-control",
        severity: Severity::Error,
        why: "BEGIN, COMMIT and ROLLBACK inside a revision break the transaction Strata runs it in.",
        safer: "Leave transactions to Strata; mark the revision `transactional: false` if it must run outside one.",
    },
    Rule {
        id: "missing-lock-timeout",
        severity: Severity::Hint,
        why: "The revision takes strong locks on existing tables; run by psql from a `--sql` script, nothing bounds how long it waits for them while other queries queue behind it.",
        safer: "Strata sets lock_timeout for its own runs; for scripts, start the revision with SET lock_timeout = '5s'.",
    },
    Rule {
        id: "prefer-bigint",
        severity: Severity::Hint,
        why: "integer and smallint ids and counters run out (2^31) sooner than expected, and widening them later rewrites the table.",
        safer: "Use bigint.",
    },
    Rule {
        id: "prefer-identity",
        severity: Severity::Hint,
        why: "serial types create a sequence the column does not own in the SQL standard's sense; permissions and copies of the table go wrong.",
        safer: "Use bigint GENERATED ALWAYS AS IDENTITY.",
    },
    Rule {
        id: "prefer-timestamptz",
        severity: Severity::Warning,
        why: "timestamp without time zone stores wall-clock times with no zone: they shift meaning when servers or users change zones.",
        safer: "Use timestamptz.",
    },
    Rule {
        id: "prefer-text",
        severity: Severity::Hint,
        why: "varchar(n) only adds a length limit that is costly to raise later (it can rewrite the table).",
        safer: "Use text, with a CHECK (length(col) <= n) if a limit matters.",
    },
    Rule {
        id: "identifier-too-long",
        severity: Severity::Warning,
        why: "PostgreSQL silently cuts names longer than 63 bytes, so two long names can collide and later statements miss the object.",
        safer: "Use a name of at most 63 bytes.",
    },
    Rule {
        id: "enum-value-without-position",
        severity: Severity::Hint,
        why: "ADD VALUE without BEFORE or AFTER appends the value at the end, which decides how values sort and compare.",
        safer: "Say where it goes: ADD VALUE 'x' BEFORE 'y' (or AFTER).",
    },
    Rule {
        id: "empty-downgrade",
        severity: Severity::Warning,
        why: "The downgrade section is empty: this revision cannot be undone.",
        safer: "Write the SQL that reverses the upgrade (or explain in a comment why it cannot be).",
    },
    Rule {
        id: "downgrade-does-not-reverse",
        severity: Severity::Warning,
        why: "After the upgrade and then the downgrade, the schema is not what it was before the upgrade (per the schema model): a rollback leaves objects behind or loses them, and upgrading again may fail.",
        safer: "Make the downgrade undo exactly what the upgrade did, in reverse order: drop what it added, and restore what it dropped, renamed or changed.",
    },
    Rule {
        id: "allow-without-reason",
        severity: Severity::Warning,
        why: "A `-- strata:allow` line silences a rule only with a reason, so that reviewers know why.",
        safer: "Write `-- strata:allow <rule> <why this is safe here>`.",
    },
    Rule {
        id: "validate-in-same-transaction",
        severity: Severity::Warning,
        why: "VALIDATE CONSTRAINT runs in the transaction that added the constraint NOT VALID, which still holds the lock the ADD took (ACCESS EXCLUSIVE; SHARE ROW EXCLUSIVE for a foreign key): the validation scan blocks writes as if NOT VALID had not been used.",
        safer: "Validate in a later revision, or mark this revision `transactional: false` so that each statement commits on its own.",
    },
    Rule {
        id: "reindex-without-concurrently",
        severity: Severity::Warning,
        why: "REINDEX without CONCURRENTLY blocks writes to the table, and reads that would use the index, until every index is rebuilt.",
        safer: "REINDEX ... CONCURRENTLY (PostgreSQL 12+), in a revision marked `transactional: false`.",
    },
    Rule {
        id: "vacuum-full-or-cluster",
        severity: Severity::Warning,
        why: "VACUUM FULL and CLUSTER rewrite the whole table under an ACCESS EXCLUSIVE lock: reads and writes wait until they finish.",
        safer: "Plain VACUUM (which blocks neither reads nor writes) is usually enough; to reclaim space online, use pg_repack or pg_squeeze outside the migration.",
    },
    Rule {
        id: "detach-partition-without-concurrently",
        severity: Severity::Warning,
        why: "DETACH PARTITION without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the partitioned table: every query on it waits.",
        safer: "ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY (PostgreSQL 14+), in a revision marked `transactional: false`.",
    },
    Rule {
        id: "dropping-database",
        severity: Severity::Error,
        why: "DROP DATABASE destroys a whole database and every row in it; it cannot be rolled back.",
        safer: "Drop databases by hand, after a backup, not from a migration.",
    },
    Rule {
        id: "domain-constraint-without-not-valid",
        severity: Severity::Warning,
        why: "ALTER DOMAIN ... ADD CONSTRAINT checks every column of the domain's type in every table, holding locks that block writes to them meanwhile.",
        safer: "Add it with NOT VALID, then ALTER DOMAIN ... VALIDATE CONSTRAINT in another transaction.",
    },
    Rule {
        id: "dropping-not-null",
        severity: Severity::Warning,
        why: "DROP NOT NULL lets NULLs in: code, reports and other services that count on the column having a value break on the first NULL.",
        safer: "Make sure every reader handles NULL in a release before the one that drops the constraint.",
    },
    Rule {
        id: "stored-generated-column",
        severity: Severity::Warning,
        why: "Adding a GENERATED ... STORED column computes it for every row: the whole table is rewritten under an ACCESS EXCLUSIVE lock.",
        safer: "Add a plain nullable column, fill it in batches and keep it current with a trigger; or, on PostgreSQL 18+, use a VIRTUAL generated column (no rewrite).",
    },
];

pub fn rule(id: &str) -> &'static Rule {
    RULES.iter().find(|r| r.id == id).expect("every rule a check reports is in the catalog")
}
