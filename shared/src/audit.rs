//! The audit log's entries as the API returns them.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    /// Unix seconds.
    pub at: i64,
    /// Who: a user name, or the name tried at a failed sign-in.
    pub actor: String,
    /// What, such as `sign-in`, `sign-in-failed`, `comment`, `approve`, `run`, `run-failed`.
    pub action: String,
    pub environment: Option<String>,
    /// What it was about: a revision, a proposal, a run.
    pub subject: Option<String>,
    /// The details in words.
    pub detail: String,
}
