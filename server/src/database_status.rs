//! Where a database stands against the files: its rows, what an upgrade to the heads would run,
//! and applied revisions whose SQL changed since Strata ran them.

use crate::execute::Journal;
use crate::version_table;
use anyhow::Result;
use serde::Serialize;
use sqlx::PgConnection;
use strata_shared::graph::RevisionGraph;
use strata_shared::offline::VersionTable;
use strata_shared::plan;
use strata_shared::postgres_version::PostgresVersion;

#[derive(Debug, Serialize)]
pub struct DatabaseStatus {
    /// The server's version, from `server_version_num`.
    pub postgres: PostgresVersion,
    pub rows: Vec<String>,
    /// The revisions `upgrade heads` would run, in order; `None` if it cannot be planned.
    pub pending: Option<Vec<String>>,
    /// Applied revisions whose upgrade SQL differs from what ran.
    pub edited: Vec<String>,
}

pub async fn read(conn: &mut PgConnection, table: &VersionTable, graph: &RevisionGraph) -> Result<DatabaseStatus> {
    let postgres = server_version(conn).await?;
    let rows = version_table::rows(conn, table).await?;
    let pending =
        plan::upgrade(graph, &rows, "heads").ok().map(|p| p.steps.iter().filter_map(|s| s.revision.clone()).collect());
    let edited = edited_revisions(conn, table, graph, &rows).await?;
    Ok(DatabaseStatus { postgres, rows, pending, edited })
}

/// The server's version, as `server_version_num` reports it.
pub async fn server_version(conn: &mut PgConnection) -> Result<PostgresVersion> {
    let num: i32 = sqlx::query_scalar("SELECT current_setting('server_version_num')::int").fetch_one(conn).await?;
    Ok(PostgresVersion::from_version_num(u32::try_from(num)?))
}

/// Applied revisions whose upgrade SQL changed since Strata ran them.
pub(crate) async fn edited_revisions(
    conn: &mut PgConnection,
    table: &VersionTable,
    graph: &RevisionGraph,
    rows: &[String],
) -> Result<Vec<String>> {
    let journal = Journal::beside(table);
    if !journal.exists(conn).await? {
        return Ok(Vec::new());
    }
    let applied_rows: Vec<usize> = rows.iter().filter_map(|r| graph.index_of(r)).collect();
    let applied = graph.ancestors(&applied_rows, true);
    let mut edited: Vec<String> = journal
        .applied_checksums(conn)
        .await?
        .into_iter()
        .filter(|(revision, checksum)| {
            graph
                .index_of(revision)
                .is_some_and(|i| applied.contains(i) && graph.node(i).revision.upgrade.checksum() != *checksum)
        })
        .map(|(revision, _)| revision)
        .collect();
    edited.sort();
    Ok(edited)
}
