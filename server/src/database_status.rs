//! Where a database stands against the files: its rows, what an upgrade to the heads would run,
//! and applied revisions whose SQL changed since Strata ran them.

use crate::execute::{edited_revisions, server_version};
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
