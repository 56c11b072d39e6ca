//! The server's integration tests, one module per file of this folder, in one test binary:
//! the whole server is linked once, not once per file. One file's tests:
//! `cargo test -p strata-server --test integration -- access::`.

mod support;

mod access;
mod alembic_render_catalog;
mod api_runs;
mod browser;
mod browser_hardening;
mod browser_language;
mod bundle_size;
mod cli;
mod drift;
mod errors;
mod execute;
mod execute_cli;
mod first_run;
mod from_drift;
mod hardening;
mod limits;
mod offline_scripts;
mod one_binary;
mod postgres_versions;
mod real_sql_histories;
mod rehearsal;
mod runbook;
mod sandbox;
mod schema_diagram;
mod schema_fidelity;
mod self_migration;
mod serve;
mod server_language;
mod sign_off;
mod studio_views;
