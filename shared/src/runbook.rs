//! The evidence around a run, as a team's runbook asks for it: the backup taken before it and
//! the checks made after its steps (`strata.toml`'s `backup` and `checks`; docs/environments.md).

use crate::closed_set::closed_set;
use crate::graph::RevisionGraph;
use crate::plan::{Direction, Plan};
use crate::revision::SqlSection;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

closed_set! {
    /// What an environment backs up before a run.
    #[derive(Default)]
    pub enum BackupKind("backup kind") {
        #[default]
        None = "none",
        /// The tables the plan alters, drops or writes, with their data, and the whole schema.
        Touched = "touched",
        /// The whole schema, no data (`pg_dump --schema-only`).
        Schema = "schema",
        /// The whole database.
        Full = "full",
    }
}

/// A backup taken before a run: where it went, and how to check and restore it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupRecord {
    pub kind: BackupKind,
    /// A file path, or the name handed to `backup_command` (`$STRATA_BACKUP_NAME`).
    pub location: String,
    pub size_bytes: u64,
    pub sha256: String,
    /// The tables whose data it holds, for `touched` (empty otherwise).
    pub tables: Vec<String>,
    /// The command that puts it back (the database named by `$DATABASE_URL`).
    pub restore_command: String,
}

closed_set! {
    pub enum CheckKind("check kind") {
        Sql = "sql",
        Http = "http",
    }
}

closed_set! {
    /// When a check ran, which says what its failure did to the run.
    pub enum CheckPhase("check phase") {
        /// Inside the whole-plan transaction: a failure rolled the run back.
        BeforeCommit = "before-commit",
        /// After the steps committed (per-revision runs, HTTP checks): a failure is reported and
        /// the run stays applied.
        AfterCommit = "after-commit",
    }
}

/// A check and what it found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckResult {
    pub name: String,
    pub kind: CheckKind,
    pub phase: CheckPhase,
    pub passed: bool,
    /// What it returned (rows as JSON, an error, or the HTTP status and body), shortened.
    pub returned: String,
    /// The HTTP status, for HTTP checks that got an answer.
    pub status: Option<u16>,
    pub duration_ms: u64,
}

/// The longest excerpt of what a check returned that is kept.
pub const EXCERPT_CHARS: usize = 500;

/// `text` cut to `EXCERPT_CHARS` characters, marked when cut.
pub fn excerpt(text: &str) -> String {
    match text.char_indices().nth(EXCERPT_CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

/// The tables a plan's steps alter, drop or write rows of (as written, schema-qualified when
/// written so; sorted, once each), which a `touched` backup holds with their data. Tables that
/// only a step creates are listed too: the backup skips those the database lacks.
pub fn written_tables(graph: &RevisionGraph, plan: &Plan) -> Vec<String> {
    let mut tables = BTreeSet::new();
    for step in &plan.steps {
        let Some(revision) = step.revision.as_deref().and_then(|id| graph.get(id)) else { continue };
        let section = if step.direction == Direction::Up { &revision.upgrade } else { &revision.downgrade };
        tables.extend(tables_written_by(section));
    }
    tables.into_iter().collect()
}

fn tables_written_by(section: &SqlSection) -> BTreeSet<String> {
    let mut tables = BTreeSet::new();
    for statement in crate::sql::analyze(section).statements {
        if let Ok(parsed) = pg_query::parse(&statement.sql, 0) {
            tables.extend(parsed.ddl_tables().into_iter().chain(parsed.dml_tables()));
        }
    }
    tables
}

/// One line for the audit log: the backup and how the checks went.
pub fn summary(backup: Option<&BackupRecord>, checks: &[CheckResult]) -> String {
    let mut parts = Vec::new();
    if let Some(backup) = backup {
        parts.push(format!(
            "backup {} {} ({} bytes, sha256 {})",
            backup.kind.name(),
            backup.location,
            backup.size_bytes,
            backup.sha256
        ));
    }
    if !checks.is_empty() {
        let passed = checks.iter().filter(|c| c.passed).count();
        let mut text = format!("checks {passed}/{} passed", checks.len());
        for failed in checks.iter().filter(|c| !c.passed) {
            text.push_str(&format!("; `{}` failed: {}", failed.name, failed.returned));
        }
        parts.push(text);
    }
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_excerpt_keeps_whole_characters_and_says_it_was_cut() {
        let long = "é".repeat(EXCERPT_CHARS + 3);
        let cut = excerpt(&long);
        assert_eq!(cut.chars().count(), EXCERPT_CHARS + 1);
        assert!(cut.ends_with('…'));
        assert_eq!(excerpt("ok"), "ok");
    }

    #[test]
    fn the_written_tables_are_those_altered_dropped_or_written_not_those_only_read() {
        let sql = "ALTER TABLE sales.orders ADD COLUMN note text;\n\
                   UPDATE customer c SET email = a.email FROM account a WHERE a.id = c.owner_id;\n\
                   DROP TABLE old_stuff;\nSELECT * FROM ledger;";
        let section = SqlSection { sql: sql.to_owned(), first_line: 1, ..SqlSection::default() };
        let tables: Vec<String> = tables_written_by(&section).into_iter().collect();
        assert_eq!(tables, ["customer", "old_stuff", "sales.orders"]);
    }
}
