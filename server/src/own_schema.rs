//! Strata's own tables, migrated by Strata. The state database's tables and the journal beside
//! a target's version table are revision histories in Strata's own `.sql` format
//! (`server/state_migrations/`, `server/journal_migrations/`), built into the binary and planned
//! by the same code as a project's (`strata_shared::plan`). Each has a version table of its own
//! (`strata.strata_state_version`, `strata_journal_version` beside the project's), so a database
//! says which shape it has: a strata that meets a revision it does not know stops.
//!
//! Each history's first revision is the idempotent SQL the releases before versioning ran on
//! every start, so a database they made is adopted as it is, its rows kept.

use crate::version_table;
use anyhow::{Context, Result, bail};
use sqlx::{Connection, PgConnection};
use strata_shared::graph::RevisionGraph;
use strata_shared::offline::VersionTable;
use strata_shared::plan;
use strata_shared::project::{Project, SourceFile};

/// One of Strata's own histories: its revision files, as built into the binary.
pub struct OwnHistory {
    /// What it holds, for messages.
    what: &'static str,
    folder: &'static str,
    files: &'static [(&'static str, &'static str)],
}

/// The state database's tables (schema `strata`).
pub const STATE: OwnHistory = OwnHistory {
    what: "Strata's state database",
    folder: "state_migrations",
    files: &[("0001_baseline.sql", include_str!("../state_migrations/0001_baseline.sql"))],
};

/// The journal in a target database, in its version table's schema.
pub const JOURNAL: OwnHistory = OwnHistory {
    what: "Strata's journal",
    folder: "journal_migrations",
    files: &[("0001_baseline.sql", include_str!("../journal_migrations/0001_baseline.sql"))],
};

impl OwnHistory {
    fn graph(&self) -> Result<RevisionGraph> {
        let files = self.files.iter().map(|(name, text)| SourceFile {
            path: format!("server/{}/{name}", self.folder),
            text: (*text).to_owned(),
        });
        let project = Project::load(files.collect());
        if project.has_errors() {
            let problems: Vec<String> = project.diagnostics.iter().map(ToString::to_string).collect();
            bail!("this strata build carries broken revisions for {}: {}", self.what, problems.join("; "));
        }
        Ok(project.graph)
    }
}

/// Brings `history`'s tables to its heads, `table` recording where they are: the missing
/// revisions in one transaction, under the advisory lock `lock_key` so that two strata
/// processes starting at once take turns. Returns the revisions it ran.
pub async fn upgrade(
    conn: &mut PgConnection,
    history: &OwnHistory,
    table: &VersionTable,
    lock_key: i64,
) -> Result<Vec<String>> {
    let graph = history.graph()?;
    let mut tx = conn.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(lock_key).execute(&mut *tx).await?;
    let rows = version_table::rows(&mut tx, table).await?;
    if let Some(unknown) = rows.iter().find(|row| graph.get(row).is_none()) {
        bail!(
            "{} is at revision `{unknown}` ({}), which this strata ({}) does not know: a newer Strata has \
             upgraded it. Use that newer strata; this one stops rather than misread the newer tables",
            history.what,
            table.qualified(),
            env!("CARGO_PKG_VERSION"),
        );
    }
    let plan = plan::upgrade(&graph, &rows, "heads")?;
    if plan.steps.is_empty() {
        return Ok(Vec::new());
    }
    if let Some(schema) = &table.schema {
        // The revisions name their tables unqualified: they land in the version table's schema.
        sqlx::raw_sql(&format!("SET LOCAL search_path TO {schema}")).execute(&mut *tx).await?;
    }
    let mut applied = Vec::new();
    for step in &plan.steps {
        let Some(revision) = step.revision.as_deref().and_then(|id| graph.get(id)) else { continue };
        sqlx::raw_sql(&revision.upgrade.sql).execute(&mut *tx).await.with_context(|| {
            format!("cannot upgrade {} to revision {} ({})", history.what, revision.id, revision.path)
        })?;
        // After the step: the first revision may create the schema the version table lives in.
        version_table::ensure(&mut tx, table).await?;
        for write in &step.writes {
            sqlx::raw_sql(&table.write_sql(write)).execute(&mut *tx).await?;
        }
        applied.push(revision.id.clone());
    }
    tx.commit().await?;
    Ok(applied)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file of the folders is built in, parses, and runs in a transaction (the upgrade
    /// is one transaction).
    #[test]
    fn the_folders_are_built_in_whole_and_parse() {
        for history in [&STATE, &JOURNAL] {
            let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(history.folder);
            let mut on_disk: Vec<String> = std::fs::read_dir(&folder)
                .unwrap()
                .map(|entry| entry.unwrap().file_name().into_string().unwrap())
                .collect();
            on_disk.sort();
            let built_in: Vec<String> = history.files.iter().map(|(name, _)| (*name).to_owned()).collect();
            assert_eq!(on_disk, built_in, "list every file of {} in own_schema.rs", history.folder);
            let graph = history.graph().unwrap();
            assert!(
                graph.nodes().iter().all(|node| node.revision.transactional),
                "{} must be transactional",
                history.folder
            );
        }
    }
}
