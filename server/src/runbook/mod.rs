//! The runbook around a run, as evidence: the backup taken before it (`backup.rs`), the SQL
//! checks made before it commits and the HTTP checks after (`checks.rs`, `http_check.rs`).

pub mod backup;
pub mod checks;
mod http_check;

pub use http_check::run as run_http_checks;
