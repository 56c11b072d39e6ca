//! The audit log's entries as the API returns them, a page of them, and the filters.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    /// Unix seconds: when it happened (for a repeated entry, the latest time).
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
    /// The client's address, for what came over HTTP.
    #[serde(default)]
    pub address: Option<String>,
    /// How many times it happened: refused sign-ins from one address for one name within a
    /// window are one entry with a count, so a flood cannot grow the log.
    #[serde(default = "one")]
    pub count: i64,
}

fn one() -> i64 {
    1
}

/// `GET /api/audit`: newest first. `next` is the `before` of the following page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub next: Option<i64>,
}

/// The query of `GET /api/audit`: a page of at most `limit` entries older than `before` (an
/// entry id), those matching every filter given.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AuditQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
}

impl AuditQuery {
    pub const DEFAULT_LIMIT: i64 = 100;
    pub const MAX_LIMIT: i64 = 1_000;

    /// The page size asked for, within 1..=MAX_LIMIT.
    pub fn page_size(&self) -> i64 {
        self.limit.unwrap_or(Self::DEFAULT_LIMIT).clamp(1, Self::MAX_LIMIT)
    }
}
