//! The `strata` server and command line, as a library so that tests can reuse its parts
//! (the sandbox PostgreSQL above all).

pub mod auth;
pub mod cause;
pub mod cli;
pub mod commands;
pub mod config;
pub mod database_status;
pub mod drift;
pub mod execute;
pub mod history_walk;
pub mod http;
pub mod identity;
pub mod migrations_dir;
pub mod own_schema;
pub mod rehearsal;
pub mod run_plan;
pub mod runbook;
pub mod sandbox;
pub mod sign_off;
pub mod state;
pub mod trusted_proxies;
pub mod version_table;

/// The fuzzing harness of `shared/tests/fuzz`, for the server's own reader of `strata.toml`.
#[cfg(test)]
#[path = "../../shared/tests/fuzz/engine.rs"]
mod fuzz_engine;
