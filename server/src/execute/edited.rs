//! Applied revisions whose SQL changed since Strata ran them, from the journal's checksums.

use super::Journal;
use anyhow::Result;
use sqlx::PgConnection;
use strata_shared::graph::RevisionGraph;
use strata_shared::offline::VersionTable;

/// Applied revisions whose upgrade SQL changed since Strata ran them.
pub async fn edited_revisions(
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
