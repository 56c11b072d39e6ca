//! Drift: what a live database has that the schema model at its revision does not, and the
//! other way round. `catalog.rs` reads the catalog into the shared schema model,
//! `normalize.rs` puts the model's expressions through the target's own printers (on
//! temporary probes, rolled back), `printed.rs` takes PostgreSQL's printed definitions apart,
//! and `facts.rs` flattens a schema into per-kind facts for the fidelity tests' rates.

mod catalog;
pub mod facts;
pub mod normalize;
mod printed;

pub use catalog::live_schema;
