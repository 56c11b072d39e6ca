//! Strata's pure logic, shared by the server, the CLI and the browser.
//!
//! No I/O happens here: callers hand in file contents and get back revisions, graphs,
//! analyses and diagnostics. Everything compiles natively and to `wasm32-unknown-unknown`.

pub mod access;
pub mod alembic;
pub mod api;
pub mod api_paths;
pub mod approval;
pub mod audit;
mod closed_set;
pub mod diagnostic;
pub mod diagram;
pub mod digest;
pub mod graph;
pub mod history;
pub mod layout;
pub mod limits;
pub mod lint;
pub mod new_revision;
pub mod offline;
pub mod plan;
pub mod plan_request;
pub mod postgres_version;
pub mod project;
pub mod rehearsal;
pub mod review;
pub mod revision;
pub mod revision_file;
pub mod runbook;
pub mod schema;
pub mod sql;
pub mod text;
pub mod words;

#[cfg(target_arch = "wasm32")]
mod wasm_c_heap;
