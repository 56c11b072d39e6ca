//! Sign-off of plans: an environment's policy, proposals and their approvals, and what still
//! stands between a proposal and its run. The server decides with these functions and the
//! studio explains with the same ones.

use crate::access::Role;
use crate::graph::RevisionGraph;
use crate::plan::{Direction, Plan};
use crate::plan_request::PlanRequest;
use serde::{Deserialize, Serialize};

/// The `[environments.NAME]` policy of `strata.toml`, as the studio shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalPolicy {
    /// Runs need approved proposals.
    pub protected: bool,
    pub approvals_required: u32,
    /// Whose approvals count.
    pub approver_roles: Vec<Role>,
    /// Whether the author of a proposal may approve it (four eyes when false).
    pub author_may_approve: bool,
    /// Promotion order: the environments where a plan's revisions must already be in place.
    pub after: Vec<String>,
    /// Approvals older than this no longer count.
    pub expiry_minutes: Option<u32>,
    /// Runs need the latest rehearsal of exactly their plan to have succeeded.
    #[serde(default)]
    pub require_rehearsal: bool,
    /// Runs need the database to match the schema model at its revisions (no drift).
    #[serde(default)]
    pub require_no_drift: bool,
}

/// A plan proposed for a protected environment, bound to its fingerprint (environment,
/// from-state, target and the exact SQL of every step), as it is recorded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProposalRecord {
    pub id: String,
    pub environment: String,
    pub request: PlanRequest,
    pub fingerprint: String,
    /// What it does in one line, such as `upgrade 1a2b → heads (3 revisions)`.
    pub summary: String,
    pub sql: String,
    pub author: String,
    /// Unix seconds.
    pub proposed_at: i64,
    /// The run that carried it out; a proposal runs at most once.
    pub run_id: Option<String>,
}

/// A proposal judged now: its approvals, whether it is still the plan, what blocks its run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Proposal {
    #[serde(flatten)]
    pub record: ProposalRecord,
    pub approvals: Vec<Approval>,
    /// Whether the plan made now still has this fingerprint.
    pub current: bool,
    /// What still stands before it may run (empty: it may).
    pub blockers: Vec<Blocker>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Approval {
    pub by: String,
    pub role: Role,
    /// Unix seconds.
    pub at: i64,
    /// Why it does not count, if it does not.
    pub void: Option<Void>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Void {
    ByAuthor,
    RoleNotAllowed,
    Expired,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Blocker {
    /// A revision file or the database changed since it was proposed: its approvals are void.
    PlanChanged,
    NeedsApprovals {
        have: u32,
        need: u32,
        roles: Vec<Role>,
    },
    /// Promotion order: these revisions are not yet in place on `environment`.
    NotYetOn {
        environment: String,
        revisions: Vec<String>,
    },
    AlreadyRan {
        run_id: String,
    },
    /// The policy requires a rehearsal, and the latest one of this plan is missing or failed.
    NeedsRehearsal,
    /// The policy requires no drift, and the database differs from the model at its revisions.
    Drifted {
        missing: usize,
        extra: usize,
        different: usize,
    },
}

impl ApprovalPolicy {
    /// Whether `approval` counts for a proposal by `author`, at `now` (unix seconds).
    pub fn judge(&self, author: &str, by: &str, role: Role, at: i64, now: i64) -> Option<Void> {
        if by == author && !self.author_may_approve {
            Some(Void::ByAuthor)
        } else if !self.approver_roles.contains(&role) {
            Some(Void::RoleNotAllowed)
        } else if self.expiry_minutes.is_some_and(|minutes| now - at > i64::from(minutes) * 60) {
            Some(Void::Expired)
        } else {
            None
        }
    }

    /// What stands before a proposal runs, apart from promotion order (that needs the other
    /// environments' databases): staleness, approvals, an earlier run.
    pub fn blockers(&self, proposal: &Proposal) -> Vec<Blocker> {
        let mut blockers = Vec::new();
        if let Some(run_id) = &proposal.record.run_id {
            blockers.push(Blocker::AlreadyRan { run_id: run_id.clone() });
        }
        if !proposal.current {
            blockers.push(Blocker::PlanChanged);
        }
        let have = proposal.approvals.iter().filter(|a| a.void.is_none()).count() as u32;
        if self.protected && have < self.approvals_required {
            blockers.push(Blocker::NeedsApprovals {
                have,
                need: self.approvals_required,
                roles: self.approver_roles.clone(),
            });
        }
        blockers
    }
}

/// Promotion order: the revisions of `plan` that are not yet where they must be on an earlier
/// environment whose version rows are `rows_there` (an upgrade's revisions applied there, a
/// downgrade's revisions already gone from there). Stamps run no revision.
pub fn not_yet_on(graph: &RevisionGraph, plan: &Plan, rows_there: &[String]) -> Vec<String> {
    let heads: Vec<usize> = rows_there.iter().filter_map(|id| graph.index_of(id)).collect();
    let applied = graph.ancestors(&heads, true);
    plan.steps
        .iter()
        .filter_map(|step| {
            let id = step.revision.as_deref()?;
            let there = graph.index_of(id).is_some_and(|index| applied.contains(index));
            let in_place = match step.direction {
                Direction::Up => there,
                Direction::Down => !there,
            };
            (!in_place).then(|| id.to_owned())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Operation;

    fn policy() -> ApprovalPolicy {
        ApprovalPolicy {
            protected: true,
            approvals_required: 1,
            approver_roles: vec![Role::Approver, Role::Admin],
            author_may_approve: false,
            after: Vec::new(),
            expiry_minutes: Some(60),
            require_rehearsal: false,
            require_no_drift: false,
        }
    }

    fn proposal(approvals: Vec<Approval>, current: bool) -> Proposal {
        let record = ProposalRecord {
            id: "p1".to_owned(),
            environment: "prod".to_owned(),
            request: PlanRequest {
                environment: "prod".to_owned(),
                operation: Operation::Upgrade,
                target: "heads".to_owned(),
                transaction_mode: None,
                purge: false,
                fingerprint: Some("f".to_owned()),
            },
            fingerprint: "f".to_owned(),
            summary: String::new(),
            sql: String::new(),
            author: "ann".to_owned(),
            proposed_at: 0,
            run_id: None,
        };
        Proposal { record, approvals, current, blockers: Vec::new() }
    }

    #[test]
    fn an_approval_counts_only_from_another_allowed_user_in_time() {
        let policy = policy();
        assert_eq!(policy.judge("ann", "bob", Role::Approver, 0, 60 * 60), None);
        assert_eq!(policy.judge("ann", "ann", Role::Admin, 0, 1), Some(Void::ByAuthor));
        assert_eq!(policy.judge("ann", "bob", Role::Reviewer, 0, 1), Some(Void::RoleNotAllowed));
        assert_eq!(policy.judge("ann", "bob", Role::Approver, 0, 60 * 60 + 1), Some(Void::Expired));
        let lenient = ApprovalPolicy { author_may_approve: true, expiry_minutes: None, ..policy };
        assert_eq!(lenient.judge("ann", "ann", Role::Admin, 0, i64::MAX / 2), None);
    }

    #[test]
    fn promotion_order_asks_for_the_revisions_to_be_in_place_first() {
        let file = |id: &str, parent: &str| {
            let revises = if parent.is_empty() { String::new() } else { format!("-- revises: {parent}\n") };
            let text =
                format!("-- revision: {id}\n{revises}\n-- strata:upgrade\nSELECT 1;\n-- strata:downgrade\nSELECT 1;\n");
            crate::revision_file::parse_revision_file(&format!("{id}.sql"), &text).unwrap()
        };
        let (graph, _) = RevisionGraph::build(vec![file("a", ""), file("b", "a"), file("c", "b")]);
        let up = crate::plan::upgrade(&graph, &["a".to_owned()], "heads").unwrap();
        assert_eq!(not_yet_on(&graph, &up, &["b".to_owned()]), vec!["c"]);
        assert!(not_yet_on(&graph, &up, &["c".to_owned()]).is_empty());
        let down = crate::plan::downgrade(&graph, &["c".to_owned()], "a").unwrap();
        assert_eq!(not_yet_on(&graph, &down, &["b".to_owned()]), vec!["b"]);
        assert!(not_yet_on(&graph, &down, &["a".to_owned()]).is_empty());
    }

    #[test]
    fn blockers_name_what_is_missing() {
        let policy = ApprovalPolicy { approvals_required: 2, ..policy() };
        let approval = |by: &str, void| Approval { by: by.to_owned(), role: Role::Approver, at: 0, void };
        let half = proposal(vec![approval("bob", None), approval("ann", Some(Void::ByAuthor))], true);
        assert_eq!(
            policy.blockers(&half),
            vec![Blocker::NeedsApprovals { have: 1, need: 2, roles: vec![Role::Approver, Role::Admin] }]
        );
        let full = proposal(vec![approval("bob", None), approval("cy", None)], true);
        assert!(policy.blockers(&full).is_empty());
        let stale = proposal(vec![approval("bob", None), approval("cy", None)], false);
        assert_eq!(policy.blockers(&stale), vec![Blocker::PlanChanged]);
        let mut ran = full;
        ran.record.run_id = Some("r1".to_owned());
        assert_eq!(policy.blockers(&ran), vec![Blocker::AlreadyRan { run_id: "r1".to_owned() }]);
    }
}
