//! Drift: what a live database has that the schema model at its revision does not, and the
//! other way round. `catalog.rs` reads the catalog into the shared schema model,
//! `normalize.rs` puts the model's expressions through the target's own printers (on
//! temporary probes, rolled back), `printed.rs` takes PostgreSQL's printed definitions apart,
//! and `facts.rs` flattens a schema into per-kind facts for the fidelity tests' rates. The
//! comparison itself is pure and shared with the studio: `strata_shared::schema::drift`.

mod catalog;
pub mod facts;
pub mod normalize;
mod printed;

use crate::version_table;
use anyhow::{Context, Result};
use sqlx::{Connection, PgConnection};
use strata_shared::graph::RevisionGraph;
use strata_shared::offline::VersionTable;
use strata_shared::schema::drift::{Drift, differences};
use strata_shared::schema::query;

pub use catalog::live_schema;

/// The database `conn` is connected to against the model at its version rows. Reads and
/// probes in one transaction (one snapshot) that is rolled back, under short lock and
/// statement timeouts: drift never changes the target.
pub async fn check(
    conn: &mut PgConnection,
    environment: &str,
    graph: &RevisionGraph,
    version_table: &VersionTable,
) -> Result<Drift> {
    let mut transaction = conn.begin().await.context("cannot begin a transaction")?;
    printed::simple(&mut transaction, normalize::TIMEOUTS).await?;
    let rows = version_table::rows(&mut transaction, version_table).await?;
    let model = query::schema_at_rows(graph, &rows)?;
    let live = live_schema(&mut transaction, version_table).await.context("cannot read the database's catalog")?;
    let expected = normalize::in_database_words(&mut transaction, &model.schema, &live)
        .await
        .context("cannot put the model's expressions through the database")?;
    transaction.rollback().await?;
    Ok(Drift {
        environment: environment.to_owned(),
        at: rows,
        differences: differences(&expected, &live),
        not_modelled: model.not_modelled,
        unknown_effects: model.schema.unknown_effects,
    })
}
