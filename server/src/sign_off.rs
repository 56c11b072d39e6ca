//! Whether a plan may run on a protected environment: an unrun proposal of exactly this plan,
//! judged by the environment's policy (approvals, their authors, roles and age, promotion
//! order, and a successful rehearsal where required). The studio's API and the command line
//! both ask here before a run; `require_no_drift` is asked of any environment here too.

use crate::state::StateDb;
use crate::state::approvals::{self, Stored};
use anyhow::Result;
use strata_shared::approval::{Approval, ApprovalPolicy, Blocker, Proposal, not_yet_on};
use strata_shared::graph::RevisionGraph;
use strata_shared::offline::VersionTable;
use strata_shared::plan::Plan;
use strata_shared::words::{Lang, Message};

/// Why a run on a protected environment is refused.
pub enum Refusal {
    /// The fingerprint given is not the plan made now.
    Changed,
    /// Nobody proposed this plan.
    NotProposed {
        environment: String,
        need: u32,
    },
    Blocked(Vec<Blocker>),
}

impl Refusal {
    /// The refusal as a message, for the front door to word in its language.
    pub fn message(&self) -> Message {
        match self {
            Refusal::Changed => Message::PlanChangedSinceShown,
            Refusal::NotProposed { environment, need } => {
                Message::NotProposed { environment: environment.clone(), need: *need }
            }
            Refusal::Blocked(blockers) => Message::NotApproved(blockers.clone()),
        }
    }

    /// In English: the command line and the audit log.
    pub fn describe(&self) -> String {
        self.message().words(Lang::En)
    }
}

/// The version rows of each environment of the policy's promotion order (`after`).
pub type EarlierRows = Vec<(String, Vec<String>)>;

/// Reads an environment's version rows: the studio from its pools, the command line over a
/// connection of its own.
pub trait Positions {
    fn rows(&self, environment: &str) -> impl Future<Output = Result<Vec<String>>> + Send;
}

/// The rows of the environments that must go first.
pub async fn earlier_rows(policy: &ApprovalPolicy, positions: &impl Positions) -> Result<EarlierRows> {
    let mut earlier = Vec::with_capacity(policy.after.len());
    for name in &policy.after {
        earlier.push((name.clone(), positions.rows(name).await?));
    }
    Ok(earlier)
}

/// The id of the proposal a run of `plan_now` (fingerprint `fingerprint_now`) may carry out,
/// given the `confirmed` fingerprint.
pub async fn cleared_for_run(
    db: &StateDb,
    environment: &str,
    policy: &ApprovalPolicy,
    graph: &RevisionGraph,
    (plan_now, fingerprint_now): (&Plan, &str),
    confirmed: &str,
    earlier: &EarlierRows,
) -> Result<Result<String, Refusal>> {
    if fingerprint_now != confirmed {
        return Ok(Err(Refusal::Changed));
    }
    // A newer unapproved duplicate does not stand in the way of an approved one; when none
    // may run, the newest says what is missing.
    let rehearsal = rehearsal_blocker(db, environment, policy, confirmed).await?;
    let mut newest_blockers = None;
    for stored in approvals::unrun_of_plan(db, environment, confirmed).await? {
        let mut proposal = judge(stored, policy, graph, Some(plan_now), earlier);
        proposal.blockers.extend(rehearsal.clone());
        if proposal.blockers.is_empty() {
            return Ok(Ok(proposal.record.id));
        }
        newest_blockers.get_or_insert(proposal.blockers);
    }
    Ok(Err(match newest_blockers {
        Some(blockers) => Refusal::Blocked(blockers),
        None => Refusal::NotProposed { environment: environment.to_owned(), need: policy.approvals_required },
    }))
}

/// Whether a run on an environment that is not protected may go ahead: only
/// `require_rehearsal` can stop it there.
pub async fn rehearsed_for_run(
    db: &StateDb,
    environment: &str,
    policy: &ApprovalPolicy,
    confirmed: &str,
) -> Result<Result<(), Refusal>> {
    let blocker = rehearsal_blocker(db, environment, policy, confirmed).await?;
    Ok(blocker.map_or(Ok(()), |blocker| Err(Refusal::Blocked(vec![blocker]))))
}

/// `require_no_drift`: a run waits while the database differs from the schema model at its
/// revisions (on any environment, protected or not). `conn` is the target's.
pub async fn no_drift_for_run(
    conn: &mut sqlx::PgConnection,
    environment: &str,
    policy: &ApprovalPolicy,
    graph: &RevisionGraph,
    version_table: &VersionTable,
) -> Result<Result<(), Refusal>> {
    if !policy.require_no_drift {
        return Ok(Ok(()));
    }
    let drift = crate::drift::check(conn, environment, graph, version_table).await?;
    Ok(if drift.drifted() {
        let (missing, extra, different) = drift.counts();
        Err(Refusal::Blocked(vec![Blocker::Drifted { missing, extra, different }]))
    } else {
        Ok(())
    })
}

/// `require_rehearsal`: the newest rehearsal of exactly this plan must have succeeded (a later
/// failure, on data that changed since, outweighs an earlier success).
pub async fn rehearsal_blocker(
    db: &StateDb,
    environment: &str,
    policy: &ApprovalPolicy,
    fingerprint: &str,
) -> Result<Option<Blocker>> {
    if !policy.require_rehearsal {
        return Ok(None);
    }
    let latest = crate::rehearsal::store::latest(db, environment, fingerprint).await?;
    Ok((!latest.is_some_and(|r| r.succeeded())).then_some(Blocker::NeedsRehearsal))
}

/// A stored proposal judged now. `plan_now` is the plan made now when it still has the
/// proposal's fingerprint (none: the proposal is stale or ran); promotion order is checked
/// only for a current proposal.
pub fn judge(
    stored: Stored,
    policy: &ApprovalPolicy,
    graph: &RevisionGraph,
    plan_now: Option<&Plan>,
    earlier: &EarlierRows,
) -> Proposal {
    let now = unix_now();
    let author = &stored.record.author;
    let approvals = stored
        .approvals
        .into_iter()
        .map(|(by, role, at)| Approval { void: policy.judge(author, &by, role, at, now), by, role, at })
        .collect();
    let mut proposal = Proposal { record: stored.record, approvals, current: plan_now.is_some(), blockers: Vec::new() };
    proposal.blockers = policy.blockers(&proposal);
    if let Some(plan) = plan_now {
        for (environment, rows) in earlier {
            let missing = not_yet_on(graph, plan, rows);
            if !missing.is_empty() {
                proposal.blockers.push(Blocker::NotYetOn { environment: environment.clone(), revisions: missing });
            }
        }
    }
    proposal
}

fn unix_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}
