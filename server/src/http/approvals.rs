//! `/api/proposals` and `/api/environments/{name}/proposals`: plans proposed for protected
//! environments, their approvals, and what still stands before they may run.

use super::auth::Caller;
use super::error::ApiError;
use super::lookup::{execution, find, load, prepare, unavailable};
use super::{AppState, Environment, SignOffChange, target_pool};
use crate::execute::{self, Prepared, Request};
use crate::run_plan::short;
use crate::sign_off::{self, EarlierRows, Refusal};
use crate::state::approvals::{self, NewProposal, Stored};
use crate::state::audit::{self, Event};
use crate::version_table;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use std::sync::Arc;
use strata_shared::access::Action;
use strata_shared::api::PlanRequest;
use strata_shared::approval::{ApprovalPolicy, Proposal};
use strata_shared::audit::AuditAction;
use strata_shared::project::Project;
use strata_shared::words::{Deed, Message};

type AppStateRef = State<Arc<AppState>>;

/// `GET /api/environments/{name}/proposals`: the newest proposals, each judged now. The
/// environment's position (and the promotion order's) is read once for them all.
pub async fn list(State(state): AppStateRef, Path(name): Path<String>) -> Result<Json<Vec<Proposal>>, ApiError> {
    let project = load(&state).await?;
    let environment = find(&state, &name)?;
    let stored = approvals::for_environment(&state.state_db, &name, 20).await?;
    let rows = if stored.iter().any(|p| p.record.run_id.is_none()) && !project.has_errors() {
        let mut conn = target_pool::acquire(environment).await?;
        Some(version_table::rows(&mut conn, &environment.config.version_table()).await.map_err(unavailable)?)
    } else {
        None
    };
    let policy = environment.config.policy();
    let mut earlier = None;
    let mut proposals = Vec::with_capacity(stored.len());
    for proposal in stored {
        // An unrun proposal is current if the plan made now has its fingerprint.
        let record = &proposal.record;
        let plan_now = match (&record.run_id, &rows) {
            (None, Some(rows)) => {
                let target = execution(environment, &record.request);
                let now = execute::plan_from(&target, &project.graph, &Request::from_api(&record.request), rows).ok();
                now.filter(|(_, _, fingerprint)| *fingerprint == record.fingerprint).map(|(plan, _, _)| plan)
            }
            _ => None,
        };
        let earlier = match (&plan_now, &earlier) {
            (Some(_), None) => earlier.insert(earlier_rows(&state, &policy).await?),
            (Some(_), Some(rows)) => rows,
            (None, _) => &Vec::new(),
        };
        proposals.push(sign_off::judge(proposal, &policy, &project.graph, plan_now.as_ref(), earlier));
    }
    Ok(Json(proposals))
}

/// `POST /api/proposals`: proposes the plan that was shown (its fingerprint must still hold).
pub async fn propose(
    State(state): AppStateRef,
    Extension(caller): Extension<Caller>,
    Json(request): Json<PlanRequest>,
) -> Result<Json<Proposal>, ApiError> {
    caller.require(Action::Operate, Deed::ProposePlans)?;
    let project = load(&state).await?;
    let environment = find(&state, &request.environment)?;
    let prepared = prepare(&project, environment, &request).await?;
    if request.fingerprint.as_deref() != Some(prepared.fingerprint.as_str()) {
        return Err(changed());
    }
    let summary = prepared.plan.summary();
    let id = approvals::propose(
        &state.state_db,
        NewProposal {
            environment: &environment.name,
            request: &request,
            fingerprint: &prepared.fingerprint,
            summary: &summary,
            sql: &prepared.script,
            author: &caller.name,
        },
    )
    .await?;
    let event = Event::new(&caller.name, AuditAction::Propose).environment(&environment.name).subject(&id);
    audit::record(&state.state_db, event.detail(format!("{summary} (plan {})", short(&prepared.fingerprint)))).await?;
    state.announce(SignOffChange::Proposals(environment.name.clone()));
    respond(&state, &project, environment, &id, &prepared).await
}

/// `POST /api/proposals/{id}/approvals`: signs off a proposal whose plan still holds.
pub async fn approve(
    State(state): AppStateRef,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Json<Proposal>, ApiError> {
    caller.require(Action::ApprovePlan, Deed::ApprovePlans)?;
    let stored = approvals::get(&state.state_db, &id).await?.ok_or_else(|| ApiError::not_found(Message::NoProposal))?;
    let record = &stored.record;
    let project = load(&state).await?;
    let environment = find(&state, &record.environment)?;
    let policy = environment.config.policy();
    if let Some(void) = policy.judge(&record.author, &caller.name, caller.role, 0, 0) {
        let why = match void {
            strata_shared::approval::Void::ByAuthor => Message::AuthorMayNotApprove,
            _ => Message::ApprovalsFrom { environment: environment.name.clone(), roles: policy.approver_roles.clone() },
        };
        return Err(ApiError::new(StatusCode::FORBIDDEN, why));
    }
    if let Some(run_id) = &record.run_id {
        return Err(ApiError::new(StatusCode::CONFLICT, Message::ProposalAlreadyRan { run_id: run_id.clone() }));
    }
    let prepared = prepare(&project, environment, &record.request).await?;
    if prepared.fingerprint != record.fingerprint {
        return Err(changed());
    }
    if !approvals::approve(&state.state_db, &id, &caller.name).await? {
        return Err(ApiError::new(StatusCode::CONFLICT, Message::AlreadyApproved));
    }
    let event = Event::new(&caller.name, AuditAction::Approve).environment(&environment.name).subject(&id);
    audit::record(&state.state_db, event.detail(format!("{} (plan {})", record.summary, short(&record.fingerprint))))
        .await?;
    state.announce(SignOffChange::Proposals(environment.name.clone()));
    respond(&state, &project, environment, &id, &prepared).await
}

async fn respond(
    state: &AppState,
    project: &Project,
    environment: &Environment,
    id: &str,
    prepared: &Prepared,
) -> Result<Json<Proposal>, ApiError> {
    let stored = approvals::get(&state.state_db, id).await?.ok_or_else(|| ApiError::not_found(Message::NoProposal))?;
    Ok(Json(judge(state, project, environment, stored, Some(&prepared.plan)).await?))
}

/// A stored proposal judged now (`plan_now`: the plan made now, if it still has its fingerprint).
async fn judge(
    state: &AppState,
    project: &Project,
    environment: &Environment,
    stored: Stored,
    plan_now: Option<&strata_shared::plan::Plan>,
) -> Result<Proposal, ApiError> {
    let policy = environment.config.policy();
    let earlier = if plan_now.is_some() { earlier_rows(state, &policy).await? } else { Vec::new() };
    let mut proposal = sign_off::judge(stored, &policy, &project.graph, plan_now, &earlier);
    if plan_now.is_some() {
        let fingerprint = &proposal.record.fingerprint;
        proposal
            .blockers
            .extend(sign_off::rehearsal_blocker(&state.state_db, &environment.name, &policy, fingerprint).await?);
    }
    Ok(proposal)
}

/// The version rows of the environments of the promotion order.
async fn earlier_rows(state: &AppState, policy: &ApprovalPolicy) -> Result<EarlierRows, ApiError> {
    let earlier = sign_off::earlier_rows(policy, state).await;
    earlier.map_err(|error| ApiError::verbatim(StatusCode::SERVICE_UNAVAILABLE, format!("{error:#}")))
}

fn changed() -> ApiError {
    ApiError::new(StatusCode::CONFLICT, Refusal::Changed.message())
}
