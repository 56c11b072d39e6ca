//! Every rule once: its stable id, how serious it is, why it is risky, and the safer way.

use super::Severity;

/// Defines `RuleId` with each rule's one spelling, the order of `RULES`.
macro_rules! rule_ids {
    ($($variant:ident = $id:literal,)*) => {
        /// A lint rule. `as_str` (and `Display`/`FromStr`) is its one spelling: in findings,
        /// `-- strata:allow` lines and the docs.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum RuleId {
            $($variant,)*
        }

        impl RuleId {
            pub const ALL: &[RuleId] = &[$(RuleId::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(RuleId::$variant => $id,)*
                }
            }
        }
    };
}

rule_ids! {
    SyntaxError = "syntax-error",
    TooDeeplyNested = "too-deeply-nested",
    NeedsNewerPostgres = "needs-newer-postgres",
    AddingRequiredColumn = "adding-required-column",
    VolatileDefault = "volatile-default",
    IndexWithoutConcurrently = "index-without-concurrently",
    DropIndexWithoutConcurrently = "drop-index-without-concurrently",
    CannotRunInTransaction = "cannot-run-in-transaction",
    NeedlessNonTransactional = "needless-non-transactional",
    ChangingColumnType = "changing-column-type",
    ConstraintWithoutNotValid = "constraint-without-not-valid",
    ConstraintBuildsIndex = "constraint-builds-index",
    SettingNotNull = "setting-not-null",
    DroppingTable = "dropping-table",
    DroppingColumn = "dropping-column",
    RenamingTable = "renaming-table",
    RenamingColumn = "renaming-column",
    TruncateCascade = "truncate-cascade",
    TransactionControl = "transaction-control",
    MissingLockTimeout = "missing-lock-timeout",
    PreferBigint = "prefer-bigint",
    PreferIdentity = "prefer-identity",
    PreferTimestamptz = "prefer-timestamptz",
    PreferText = "prefer-text",
    IdentifierTooLong = "identifier-too-long",
    EnumValueWithoutPosition = "enum-value-without-position",
    EmptyDowngrade = "empty-downgrade",
    DowngradeDoesNotReverse = "downgrade-does-not-reverse",
    AllowWithoutReason = "allow-without-reason",
    ValidateInSameTransaction = "validate-in-same-transaction",
    ReindexWithoutConcurrently = "reindex-without-concurrently",
    VacuumFullOrCluster = "vacuum-full-or-cluster",
    DetachPartitionWithoutConcurrently = "detach-partition-without-concurrently",
    DroppingDatabase = "dropping-database",
    DomainConstraintWithoutNotValid = "domain-constraint-without-not-valid",
    DroppingNotNull = "dropping-not-null",
    StoredGeneratedColumn = "stored-generated-column",
}

impl std::fmt::Display for RuleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for RuleId {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        RuleId::ALL.iter().copied().find(|id| id.as_str() == text).ok_or_else(|| format!("no lint rule `{text}`"))
    }
}

pub struct Rule {
    pub id: RuleId,
    pub severity: Severity,
    pub why: &'static str,
    pub safer: &'static str,
}

pub const RULES: &[Rule] = &[
    Rule {
        id: RuleId::SyntaxError,
        severity: Severity::Error,
        why: "PostgreSQL's parser rejects this SQL: the revision fails when it runs, and nothing else in the statement was checked.",
        safer: "Fix the SQL where PostgreSQL's message points.",
    },
    Rule {
        id: RuleId::TooDeeplyNested,
        severity: Severity::Error,
        why: "The statement is nested too deeply for Strata to read PostgreSQL's parse tree of it, so no rule checked it and the schema model skips it.",
        safer: "Flatten the expression (fewer nested CASEs or parentheses, or a helper function), or review the statement by hand and keep it in a revision of its own.",
    },
    Rule {
        id: RuleId::NeedsNewerPostgres,
        severity: Severity::Error,
        why: "Strata reads SQL with PostgreSQL 18's grammar, so it accepts syntax and functions an older server does not have: on this target the statement fails when it runs.",
        safer: "Write the statement with what the target's PostgreSQL has (give a subquery in FROM an alias, use INSERT … ON CONFLICT instead of MERGE, ...), or upgrade the target first.",
    },
    Rule {
        id: RuleId::AddingRequiredColumn,
        severity: Severity::Warning,
        why: "ADD COLUMN ... NOT NULL without a default fails on any table that already has rows.",
        safer: "Add the column nullable (or with a constant default), backfill it, then add the NOT NULL.",
    },
    Rule {
        id: RuleId::VolatileDefault,
        severity: Severity::Warning,
        why: "A volatile default (random(), clock_timestamp(), gen_random_uuid(), uuidv7(), a serial's nextval(): any function PostgreSQL marks volatile) makes ADD COLUMN rewrite the whole table under an ACCESS EXCLUSIVE lock.",
        safer: "Add the column without a default, set the default afterwards, and backfill existing rows in batches.",
    },
    Rule {
        id: RuleId::IndexWithoutConcurrently,
        severity: Severity::Warning,
        why: "CREATE INDEX without CONCURRENTLY takes a SHARE lock: writes to the table wait until the index is built.",
        safer: "CREATE INDEX CONCURRENTLY, in a revision marked `transactional: false`.",
    },
    Rule {
        id: RuleId::DropIndexWithoutConcurrently,
        severity: Severity::Warning,
        why: "DROP INDEX without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the table.",
        safer: "DROP INDEX CONCURRENTLY, in a revision marked `transactional: false`.",
    },
    Rule {
        id: RuleId::CannotRunInTransaction,
        severity: Severity::Error,
        why: "This statement cannot run inside a transaction block, and this revision runs in one: it will fail.",
        safer: "Mark the revision `transactional: false` (and keep such statements in a revision of their own).",
    },
    Rule {
        id: RuleId::NeedlessNonTransactional,
        severity: Severity::Warning,
        why: "The revision runs outside any transaction, so a failure halfway leaves it half applied, yet none of its statements needs that.",
        safer: "Remove `transactional: false`.",
    },
    Rule {
        id: RuleId::ChangingColumnType,
        severity: Severity::Warning,
        why: "ALTER COLUMN ... TYPE usually rewrites the table and its indexes under an ACCESS EXCLUSIVE lock.",
        safer: "Add a new column, backfill it, switch readers and writers, then drop the old column.",
    },
    Rule {
        id: RuleId::ConstraintWithoutNotValid,
        severity: Severity::Warning,
        why: "Adding a FOREIGN KEY or CHECK constraint validates every row while holding a lock that blocks writes.",
        safer: "Add it with NOT VALID, then VALIDATE CONSTRAINT in another transaction (a later revision, or a revision marked `transactional: false`): there it takes only a SHARE UPDATE EXCLUSIVE lock.",
    },
    Rule {
        id: RuleId::ConstraintBuildsIndex,
        severity: Severity::Warning,
        why: "ADD CONSTRAINT ... UNIQUE or PRIMARY KEY builds its index under an ACCESS EXCLUSIVE lock.",
        safer: "CREATE UNIQUE INDEX CONCURRENTLY first, then ADD CONSTRAINT ... USING INDEX.",
    },
    Rule {
        id: RuleId::SettingNotNull,
        severity: Severity::Warning,
        why: "SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock.",
        safer: "Add CHECK (col IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT it, then SET NOT NULL (PostgreSQL 12+ then skips the scan); in a revision marked `transactional: false`, so that each step commits on its own.",
    },
    Rule {
        id: RuleId::DroppingTable,
        severity: Severity::Warning,
        why: "DROP TABLE loses the table's data for good, and code that still uses the table breaks.",
        safer: "Stop using the table first; keep a backup, or rename it and drop it in a later release.",
    },
    Rule {
        id: RuleId::DroppingColumn,
        severity: Severity::Warning,
        why: "DROP COLUMN loses the column's data, and running code that still selects it breaks.",
        safer: "Stop reading and writing the column in a release before the one that drops it.",
    },
    Rule {
        id: RuleId::RenamingTable,
        severity: Severity::Warning,
        why: "Renaming a table breaks every running query that uses the old name until the code is deployed.",
        safer: "Create a view with the old name for the transition, or rename in steps across releases.",
    },
    Rule {
        id: RuleId::RenamingColumn,
        severity: Severity::Warning,
        why: "Renaming a column breaks every running query that uses the old name until the code is deployed.",
        safer: "Add the new column, write both, backfill, switch readers, then drop the old one.",
    },
    Rule {
        id: RuleId::TruncateCascade,
        severity: Severity::Warning,
        why: "TRUNCATE ... CASCADE empties every table that refers to this one too, which is easy to overlook.",
        safer: "Truncate the tables you mean by name.",
    },
    Rule {
        id: RuleId::TransactionControl,
        severity: Severity::Error,
        why: "BEGIN, COMMIT and ROLLBACK inside a revision break the transaction Strata runs it in.",
        safer: "Leave transactions to Strata; mark the revision `transactional: false` if it must run outside one.",
    },
    Rule {
        id: RuleId::MissingLockTimeout,
        severity: Severity::Hint,
        why: "The revision takes strong locks on existing tables; run by psql from a `--sql` script, nothing bounds how long it waits for them while other queries queue behind it.",
        safer: "Strata sets lock_timeout for its own runs; for scripts, start the revision with SET lock_timeout = '5s'.",
    },
    Rule {
        id: RuleId::PreferBigint,
        severity: Severity::Hint,
        why: "integer and smallint ids and counters run out (2^31) sooner than expected, and widening them later rewrites the table.",
        safer: "Use bigint.",
    },
    Rule {
        id: RuleId::PreferIdentity,
        severity: Severity::Hint,
        why: "serial types create a sequence the column does not own in the SQL standard's sense; permissions and copies of the table go wrong.",
        safer: "Use bigint GENERATED ALWAYS AS IDENTITY.",
    },
    Rule {
        id: RuleId::PreferTimestamptz,
        severity: Severity::Warning,
        why: "timestamp without time zone stores wall-clock times with no zone: they shift meaning when servers or users change zones.",
        safer: "Use timestamptz.",
    },
    Rule {
        id: RuleId::PreferText,
        severity: Severity::Hint,
        why: "varchar(n) only adds a length limit that is costly to raise later (it can rewrite the table).",
        safer: "Use text, with a CHECK (length(col) <= n) if a limit matters.",
    },
    Rule {
        id: RuleId::IdentifierTooLong,
        severity: Severity::Warning,
        why: "PostgreSQL silently cuts names longer than 63 bytes, so two long names can collide and later statements miss the object.",
        safer: "Use a name of at most 63 bytes.",
    },
    Rule {
        id: RuleId::EnumValueWithoutPosition,
        severity: Severity::Hint,
        why: "ADD VALUE without BEFORE or AFTER appends the value at the end, which decides how values sort and compare.",
        safer: "Say where it goes: ADD VALUE 'x' BEFORE 'y' (or AFTER).",
    },
    Rule {
        id: RuleId::EmptyDowngrade,
        severity: Severity::Warning,
        why: "The downgrade section is empty: this revision cannot be undone.",
        safer: "Write the SQL that reverses the upgrade (or explain in a comment why it cannot be).",
    },
    Rule {
        id: RuleId::DowngradeDoesNotReverse,
        severity: Severity::Warning,
        why: "After the upgrade and then the downgrade, the schema is not what it was before the upgrade (per the schema model): a rollback leaves objects behind or loses them, and upgrading again may fail.",
        safer: "Make the downgrade undo exactly what the upgrade did, in reverse order: drop what it added, and restore what it dropped, renamed or changed.",
    },
    Rule {
        id: RuleId::AllowWithoutReason,
        severity: Severity::Warning,
        why: "A `-- strata:allow` line silences a rule only with a reason, so that reviewers know why.",
        safer: "Write `-- strata:allow <rule> <why this is safe here>`.",
    },
    Rule {
        id: RuleId::ValidateInSameTransaction,
        severity: Severity::Warning,
        why: "VALIDATE CONSTRAINT runs in the transaction that added the constraint NOT VALID, which still holds the lock the ADD took (ACCESS EXCLUSIVE; SHARE ROW EXCLUSIVE for a foreign key): the validation scan blocks writes as if NOT VALID had not been used.",
        safer: "Validate in a later revision, or mark this revision `transactional: false` so that each statement commits on its own.",
    },
    Rule {
        id: RuleId::ReindexWithoutConcurrently,
        severity: Severity::Warning,
        why: "REINDEX without CONCURRENTLY blocks writes to the table, and reads that would use the index, until every index is rebuilt.",
        safer: "REINDEX ... CONCURRENTLY (PostgreSQL 12+), in a revision marked `transactional: false`.",
    },
    Rule {
        id: RuleId::VacuumFullOrCluster,
        severity: Severity::Warning,
        why: "VACUUM FULL and CLUSTER rewrite the whole table under an ACCESS EXCLUSIVE lock: reads and writes wait until they finish.",
        safer: "Plain VACUUM (which blocks neither reads nor writes) is usually enough; to reclaim space online, use pg_repack or pg_squeeze outside the migration.",
    },
    Rule {
        id: RuleId::DetachPartitionWithoutConcurrently,
        severity: Severity::Warning,
        why: "DETACH PARTITION without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the partitioned table: every query on it waits.",
        safer: "ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY (PostgreSQL 14+), in a revision marked `transactional: false`.",
    },
    Rule {
        id: RuleId::DroppingDatabase,
        severity: Severity::Error,
        why: "DROP DATABASE destroys a whole database and every row in it; it cannot be rolled back.",
        safer: "Drop databases by hand, after a backup, not from a migration.",
    },
    Rule {
        id: RuleId::DomainConstraintWithoutNotValid,
        severity: Severity::Warning,
        why: "ALTER DOMAIN ... ADD CONSTRAINT checks every column of the domain's type in every table, holding locks that block writes to them meanwhile.",
        safer: "Add it with NOT VALID, then ALTER DOMAIN ... VALIDATE CONSTRAINT in another transaction.",
    },
    Rule {
        id: RuleId::DroppingNotNull,
        severity: Severity::Warning,
        why: "DROP NOT NULL lets NULLs in: code, reports and other services that count on the column having a value break on the first NULL.",
        safer: "Make sure every reader handles NULL in a release before the one that drops the constraint.",
    },
    Rule {
        id: RuleId::StoredGeneratedColumn,
        severity: Severity::Warning,
        why: "Adding a GENERATED ... STORED column computes it for every row: the whole table is rewritten under an ACCESS EXCLUSIVE lock.",
        safer: "Add a plain nullable column, fill it in batches and keep it current with a trigger; or, on PostgreSQL 18+, use a VIRTUAL generated column (no rewrite).",
    },
];

/// Every rule's entry, at its id's place: checked when the crate compiles.
const _: () = {
    assert!(RULES.len() == RuleId::ALL.len(), "every rule id has one catalog entry");
    let mut i = 0;
    while i < RULES.len() {
        assert!(RULES[i].id as usize == i, "the catalog lists the rules in RuleId's order");
        i += 1;
    }
};

pub fn rule(id: RuleId) -> &'static Rule {
    &RULES[id as usize]
}
