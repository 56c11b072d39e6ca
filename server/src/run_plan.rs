//! Running a plan: the one use case behind `POST /api/runs` and `strata upgrade|downgrade|stamp`.
//! A plan the front door prepared (`execute::prepare`) and the person confirmed goes through
//! sign-off (or the rehearsal the policy requires), has its approved proposal claimed, is
//! audited, runs, and how it ended is audited (a proposal is given back when nothing ran).
//! The front doors only translate: JSON and events in the studio, a prompt and the terminal on
//! the command line.

use crate::execute::{self, Environment, Prepared, Request, RunBy, RunError};
use crate::identity;
use crate::sign_off::{self, Positions, Refusal};
use crate::state::StateDb;
use crate::state::approvals;
use crate::state::audit::{self, Event};
use strata_shared::api::RunEvent;
use strata_shared::audit::AuditAction;
use strata_shared::graph::RevisionGraph;
use strata_shared::runbook::{BackupRecord, CheckResult};
use strata_shared::words::{Lang, Message};

/// Where a run was asked for, as its audit entry says.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum FrontDoor {
    Studio,
    CommandLine,
}

/// A prepared plan someone confirmed, and where its records go.
pub struct Run<'a> {
    /// Sign-off and the audit log (none: a command-line run where no state was ever kept, on
    /// an environment that asks for no sign-off).
    pub db: Option<&'a StateDb>,
    pub environment: &'a Environment<'a>,
    pub graph: &'a RevisionGraph,
    pub request: &'a Request,
    /// The plan made now, from the database's rows.
    pub prepared: &'a Prepared,
    /// The fingerprint of the plan the person saw.
    pub confirmed: &'a str,
    pub who: &'a str,
    pub via: FrontDoor,
}

/// Why a run did not start. Refusals are audited; nothing of the database changed.
pub enum Stopped {
    /// Sign-off, or the rehearsal a policy requires, said no.
    Refused(Refusal),
    /// Another run claimed the approved proposal first.
    Taken,
    /// An environment of the promotion order could not be read.
    Unreachable(anyhow::Error),
    /// `require_no_drift`, and drift could not be told.
    DriftUnknown(anyhow::Error),
    Other(anyhow::Error),
}

impl From<anyhow::Error> for Stopped {
    fn from(error: anyhow::Error) -> Self {
        Stopped::Other(error)
    }
}

impl Stopped {
    /// In English, for the command line (the studio words it in `http/api.rs`).
    pub fn describe(&self) -> String {
        match self {
            Stopped::Refused(refusal) => refusal.describe(),
            Stopped::Taken => Message::ProposalTaken.words(Lang::En),
            Stopped::DriftUnknown(error) => Message::CannotTellDrift { cause: crate::cause::of(error) }.words(Lang::En),
            Stopped::Unreachable(error) | Stopped::Other(error) => format!("{error:#}"),
        }
    }
}

/// A run that started, and how it ended (already audited).
pub struct Ran {
    pub run_id: String,
    pub result: Result<(), RunError>,
    pub backup: Option<BackupRecord>,
    pub checks: Vec<CheckResult>,
    /// The approved proposal it carried out (protected environments).
    pub proposal: Option<String>,
}

/// Runs `job` once the environment's policy allows it; `progress` hears every event with the
/// run's id. `positions` reads the rows of the environments that must go first.
pub async fn run(
    job: Run<'_>,
    positions: &impl Positions,
    progress: &mut (dyn FnMut(&str, RunEvent) + Send),
) -> Result<Ran, Stopped> {
    let actions = Actions::of(job.request);
    let name = job.environment.name;
    let proposal = match cleared(&job, positions).await? {
        Ok(proposal) => proposal,
        Err(refusal) => {
            let event = Event::new(job.who, actions.refused).environment(name);
            record(job.db, event.detail(refusal.describe())).await?;
            return Err(Stopped::Refused(refusal));
        }
    };
    let run_id = identity::random_hex(8)?;
    if let (Some(id), Some(db)) = (&proposal, job.db)
        && !approvals::claim(db, id, &run_id).await?
    {
        return Err(Stopped::Taken);
    }
    let event = |action: AuditAction| Event::new(job.who, action).environment(name).subject(&run_id);
    let mut started = format!("{} (plan {}", job.prepared.plan.summary(), short(job.confirmed));
    if let Some(id) = &proposal {
        started += &format!(", proposal {id}");
    }
    if job.via == FrontDoor::CommandLine {
        started += ", from the command line";
    }
    record(job.db, event(actions.started).detail(started + ")")).await?;

    let (mut backup, mut checks) = (None, Vec::new());
    let mut observe = |event: RunEvent| {
        match &event {
            RunEvent::BackupTaken { backup: taken } => backup = Some(taken.clone()),
            RunEvent::CheckFinished { check } => checks.push(check.clone()),
            _ => {}
        }
        progress(&run_id, event);
    };
    let by = RunBy { run_id: &run_id, who: job.who };
    let result = execute::run(job.environment, job.graph, job.request, job.confirmed, by, &mut observe).await;
    let summary = strata_shared::runbook::summary(backup.as_ref(), &checks);
    let ended = match &result {
        Ok(()) => event(actions.succeeded).detail(summary),
        Err(RunError::Failed { failure, .. }) => {
            let detail = format!("{}: {}", failure.path.as_deref().unwrap_or("-"), failure.message);
            event(actions.failed).detail([detail, summary].join("; "))
        }
        Err(error @ RunError::ChecksFailed(_)) => event(actions.failed).detail([error.to_string(), summary].join("; ")),
        Err(error) => {
            // Nothing ran: the proposal may be used again.
            if let (Some(_), Some(db)) = (&proposal, job.db) {
                approvals::unclaim(db, &run_id).await?;
            }
            event(actions.failed).detail(error.to_string())
        }
    };
    record(job.db, ended).await?;
    Ok(Ran { run_id, result, backup, checks, proposal })
}

/// The audit actions of a run, or of a stamp.
struct Actions {
    started: AuditAction,
    refused: AuditAction,
    succeeded: AuditAction,
    failed: AuditAction,
}

impl Actions {
    fn of(request: &Request) -> Self {
        use AuditAction::*;
        match request {
            Request::Stamp { .. } => {
                Actions { started: Stamp, refused: StampRefused, succeeded: StampSucceeded, failed: StampFailed }
            }
            _ => Actions { started: Run, refused: RunRefused, succeeded: RunSucceeded, failed: RunFailed },
        }
    }
}

/// The proposal a run on a protected environment carries out (none elsewhere), or why the
/// environment's policy refuses the run.
async fn cleared(job: &Run<'_>, positions: &impl Positions) -> Result<Result<Option<String>, Refusal>, Stopped> {
    let policy = job.environment.config.policy();
    let name = job.environment.name;
    let config = job.environment.config;
    if policy.require_no_drift {
        let mut conn = execute::connect(job.environment).await.map_err(Stopped::Unreachable)?;
        let drift = sign_off::no_drift_for_run(&mut conn, name, &policy, job.graph, &config.version_table()).await;
        let _ = sqlx::Connection::close(conn).await;
        if let Err(refusal) = drift.map_err(Stopped::DriftUnknown)? {
            return Ok(Err(refusal));
        }
    }
    let Some(db) = job.db else {
        if config.protected || policy.require_rehearsal {
            return Err(anyhow::anyhow!("`{name}` asks for sign-off, which needs Strata's state database").into());
        }
        return Ok(Ok(None));
    };
    if !config.protected {
        let verdict = sign_off::rehearsed_for_run(db, name, &policy, job.confirmed).await?;
        return Ok(verdict.map(|()| None));
    }
    let earlier = sign_off::earlier_rows(&policy, positions).await.map_err(Stopped::Unreachable)?;
    let now = (&job.prepared.plan, job.prepared.fingerprint.as_str());
    let cleared = sign_off::cleared_for_run(db, name, &policy, job.graph, now, job.confirmed, &earlier).await?;
    Ok(cleared.map(Some))
}

async fn record(db: Option<&StateDb>, event: Event<'_>) -> anyhow::Result<()> {
    match db {
        Some(db) => audit::record(db, event).await,
        None => Ok(()),
    }
}

/// A fingerprint as audit entries show it.
pub fn short(fingerprint: &str) -> &str {
    &fingerprint[..fingerprint.len().min(12)]
}
