//! Reviews of revisions: comment threads (on the revision or on one line of its SQL) and
//! each reviewer's verdict.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    Approved,
    ChangesRequested,
}

/// One reviewer's latest verdict on a revision.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VerdictRecord {
    pub revision: String,
    pub by: String,
    pub verdict: Verdict,
    /// Unix seconds.
    pub at: i64,
    /// The revision's SQL changed since: this verdict no longer counts.
    pub stale: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Thread {
    pub id: i64,
    pub revision: String,
    /// A line of the revision file, or none for the revision as a whole.
    pub line: Option<u32>,
    pub resolved_by: Option<String>,
    pub comments: Vec<Comment>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Comment {
    pub by: String,
    pub body: String,
    pub at: i64,
}

/// `GET /api/revisions/{id}/review`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RevisionReview {
    pub verdicts: Vec<VerdictRecord>,
    pub threads: Vec<Thread>,
}

/// `GET /api/reviews`: a revision's state at a glance, for the history graph.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReviewSummary {
    pub revision: String,
    /// `ChangesRequested` when anyone's latest verdict asks for changes, else `Approved` when
    /// someone approved; none without verdicts.
    pub state: Option<Verdict>,
    pub open_threads: u32,
}

/// `POST /api/revisions/{id}/comments`: a new thread, or a reply when `thread` is given.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewComment {
    pub body: String,
    #[serde(default)]
    pub line: Option<u32>,
    #[serde(default)]
    pub thread: Option<i64>,
}

/// A revision's state from its reviewers' latest verdicts on its current SQL: one request for
/// changes outweighs any number of approvals.
pub fn state_of<'v>(verdicts: impl IntoIterator<Item = &'v VerdictRecord>) -> Option<Verdict> {
    let mut state = None;
    for record in verdicts.into_iter().filter(|r| !r.stale) {
        match record.verdict {
            Verdict::ChangesRequested => return Some(Verdict::ChangesRequested),
            Verdict::Approved => state = Some(Verdict::Approved),
        }
    }
    state
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(by: &str, verdict: Verdict) -> VerdictRecord {
        VerdictRecord { revision: "r".to_owned(), by: by.to_owned(), verdict, at: 0, stale: false }
    }

    #[test]
    fn one_request_for_changes_outweighs_approvals() {
        assert_eq!(state_of(&[]), None);
        assert_eq!(state_of(&[record("a", Verdict::Approved)]), Some(Verdict::Approved));
        let mixed = [record("a", Verdict::Approved), record("b", Verdict::ChangesRequested)];
        assert_eq!(state_of(&mixed), Some(Verdict::ChangesRequested));
        let outdated =
            [record("a", Verdict::Approved), VerdictRecord { stale: true, ..record("b", Verdict::ChangesRequested) }];
        assert_eq!(state_of(&outdated), Some(Verdict::Approved), "a verdict on older SQL does not count");
    }
}
