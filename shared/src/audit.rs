//! The audit log's entries as the API returns them, a page of them, and the filters.

use serde::{Deserialize, Serialize};

/// Defines `AuditAction` with each action's one spelling.
macro_rules! audit_actions {
    ($($variant:ident = $name:literal,)*) => {
        /// What an audit entry records. `as_str` is its one spelling: the `action` column, the
        /// API's entries and the audit page's filter.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum AuditAction {
            $($variant,)*
        }

        impl AuditAction {
            pub const ALL: &[AuditAction] = &[$(AuditAction::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(AuditAction::$variant => $name,)*
                }
            }
        }
    };
}

audit_actions! {
    SignIn = "sign-in",
    SignInFailed = "sign-in-failed",
    SignInThrottled = "sign-in-throttled",
    SignInBusy = "sign-in-busy",
    SignOut = "sign-out",
    FirstRunLink = "first-run-link",
    FirstAdmin = "first-admin",
    FirstAdminRefused = "first-admin-refused",
    UserAdd = "user-add",
    UserRemove = "user-remove",
    TokenCreate = "token-create",
    TokenRevoke = "token-revoke",
    Comment = "comment",
    Review = "review",
    Resolve = "resolve",
    Reopen = "reopen",
    Propose = "propose",
    Approve = "approve",
    RehearseSucceeded = "rehearse-succeeded",
    RehearseFailed = "rehearse-failed",
    Run = "run",
    RunRefused = "run-refused",
    RunSucceeded = "run-succeeded",
    RunFailed = "run-failed",
    Stamp = "stamp",
    StampRefused = "stamp-refused",
    StampSucceeded = "stamp-succeeded",
    StampFailed = "stamp-failed",
}

impl std::fmt::Display for AuditAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

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

#[cfg(test)]
mod action_tests {
    use super::AuditAction;

    #[test]
    fn every_audit_action_has_its_own_spelling() {
        let mut names: Vec<&str> = AuditAction::ALL.iter().map(|a| a.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), AuditAction::ALL.len());
    }
}
