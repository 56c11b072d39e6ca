//! The schema model: the upgrades' DDL replayed statically, so the schema at any revision is
//! known without a database — tables and their columns, constraints and triggers, indexes,
//! sequences, types, views, functions, schemas and comments.
//!
//! - `model.rs`: what is known, in `format_type`/`pg_get_*def` words; `names.rs`: the names
//!   PostgreSQL gives unnamed objects; `types.rs`, `expr.rs`: canonical types and expressions;
//!   `query_columns.rs`: the columns a query yields (`CREATE TABLE … AS`).
//! - `apply/`: one statement on a schema; what it does not cover is reported as "not
//!   modelled", never fatal.
//! - `journaled.rs`: a schema's maps noting what a revision changes, so its diff and
//!   downgrade check look at that only.
//! - `replay.rs`: along the graph — the schema at any revision, each revision's changes, and
//!   the downgrade check (before vs. upgrade-then-downgrade).
//! - `diff.rs`: two schemas compared object by object; `blame.rs`: who created and changed what.
//! - `drift.rs`: a live database (read by the server) against the model, in drift's words.
//! - `to_sql/`: the DDL that turns one schema into another, and what it cannot say.
//! - `query.rs`: those by target spec, as the CLI, the API and the browser ask them.

mod apply;
mod blame;
pub mod describe;
mod diff;
pub mod drift;
mod expr;
mod journaled;
mod mentions;
mod model;
mod names;
pub mod query;
mod query_columns;
mod replay;
mod to_sql;
mod types;
mod word_index;

pub use blame::{BlameEntry, blame};
pub use diff::{Action, Change, Detail, ObjectKind, diff};
pub use model::*;
pub use replay::{ModelWalk, NotModelled, Replayer, RevisionModel};
pub use to_sql::{NotExpressed, SchemaMigration, migration, revision as migration_both_ways, sound_wording};

#[cfg(test)]
mod tests;
