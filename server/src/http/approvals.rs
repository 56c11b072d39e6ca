//! `/api/proposals` and `/api/environments/{name}/proposals`: plans proposed for protected
//! environments, their approvals, and what still stands before they may run.

use super::api::{execution, find, load, prepare, short, unavailable};
use super::auth::Caller;
use super::error::ApiError;
use super::{AppState, Environment};
use crate::approvals::{self, NewProposal, Stored};
use crate::audit::{self, Event};
use crate::execute::Prepared;
use crate::version_table;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use std::sync::Arc;
use strata_shared::access::Action;
use strata_shared::api::PlanRequest;
use strata_shared::approval::{Approval, Blocker, Proposal};
use strata_shared::project::Project;

type AppStateRef = State<Arc<AppState>>;

/// `GET /api/environments/{name}/proposals`: the newest proposals, each judged now.
pub async fn list(State(state): AppStateRef, Path(name): Path<String>) -> Result<Json<Vec<Proposal>>, ApiError> {
    let project = load(&state).await?;
    let environment = find(&state, &name)?;
    let stored = approvals::for_environment(&state.state_db, &name, 20).await?;
    let mut proposals = Vec::with_capacity(stored.len());
    for proposal in stored {
        // An unrun proposal is current if the plan made now has its fingerprint.
        let now = match proposal.run_id {
            None => prepare(&project, &execution(environment, &proposal.request), &proposal.request).await.ok(),
            Some(_) => None,
        };
        let plan_now = now.filter(|p| p.fingerprint == proposal.fingerprint).map(|p| p.plan);
        proposals.push(judge(&state, &project, environment, proposal, plan_now.is_some(), plan_now.as_ref()).await?);
    }
    Ok(Json(proposals))
}

/// `POST /api/proposals`: proposes the plan that was shown (its fingerprint must still hold).
pub async fn propose(
    State(state): AppStateRef,
    Extension(caller): Extension<Caller>,
    Json(request): Json<PlanRequest>,
) -> Result<Json<Proposal>, ApiError> {
    caller.require(Action::Operate, "propose plans")?;
    let project = load(&state).await?;
    let environment = find(&state, &request.environment)?;
    let prepared = prepare(&project, &execution(environment, &request), &request).await?;
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
    let event = Event::new(&caller.name, "propose").environment(&environment.name).subject(&id);
    audit::record(&state.state_db, event.detail(format!("{summary} (plan {})", short(&prepared.fingerprint)))).await?;
    respond(&state, &project, environment, &id, &prepared).await
}

/// `POST /api/proposals/{id}/approvals`: signs off a proposal whose plan still holds.
pub async fn approve(
    State(state): AppStateRef,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Json<Proposal>, ApiError> {
    caller.require(Action::ApprovePlan, "approve plans")?;
    let stored = approvals::get(&state.state_db, &id).await?.ok_or_else(|| ApiError::not_found("no such proposal"))?;
    let project = load(&state).await?;
    let environment = find(&state, &stored.environment)?;
    let policy = environment.config.policy();
    if let Some(void) = policy.judge(&stored.author, &caller.name, caller.role, 0, 0) {
        let why = match void {
            strata_shared::approval::Void::ByAuthor => "the author of a plan may not approve it".to_owned(),
            _ => format!("`{}` takes approvals from: {}", environment.name, roles(&policy.approver_roles)),
        };
        return Err(ApiError::new(StatusCode::FORBIDDEN, why));
    }
    if let Some(run_id) = &stored.run_id {
        return Err(ApiError::new(StatusCode::CONFLICT, format!("this proposal already ran (run {run_id})")));
    }
    let prepared = prepare(&project, &execution(environment, &stored.request), &stored.request).await?;
    if prepared.fingerprint != stored.fingerprint {
        return Err(changed());
    }
    approvals::approve(&state.state_db, &id, &caller.name)
        .await
        .map_err(|e| ApiError::new(StatusCode::CONFLICT, e.to_string()))?;
    let event = Event::new(&caller.name, "approve").environment(&environment.name).subject(&id);
    audit::record(&state.state_db, event.detail(format!("{} (plan {})", stored.summary, short(&stored.fingerprint))))
        .await?;
    respond(&state, &project, environment, &id, &prepared).await
}

/// The proposal a run on a protected environment carries out: the newest unrun one of exactly
/// this plan, with nothing standing in its way. Refusals say what is missing.
pub async fn cleared_for_run(
    state: &AppState,
    project: &Project,
    environment: &Environment,
    prepared: &Prepared,
    fingerprint: &str,
) -> Result<String, ApiError> {
    if prepared.fingerprint != fingerprint {
        return Err(changed());
    }
    let Some(stored) = approvals::find_for_run(&state.state_db, &environment.name, fingerprint).await? else {
        let need = environment.config.policy().approvals_required;
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            format!("`{}` is protected: propose this plan and get {need} approval(s) before it runs", environment.name),
        ));
    };
    let proposal = judge(state, project, environment, stored, true, Some(&prepared.plan)).await?;
    if proposal.blockers.is_empty() {
        Ok(proposal.id)
    } else {
        let missing: Vec<String> = proposal.blockers.iter().map(Blocker::describe).collect();
        Err(ApiError::new(StatusCode::FORBIDDEN, format!("not approved to run: {}", missing.join("; "))))
    }
}

async fn respond(
    state: &AppState,
    project: &Project,
    environment: &Environment,
    id: &str,
    prepared: &Prepared,
) -> Result<Json<Proposal>, ApiError> {
    let stored = approvals::get(&state.state_db, id).await?.ok_or_else(|| ApiError::not_found("no such proposal"))?;
    Ok(Json(judge(state, project, environment, stored, true, Some(&prepared.plan)).await?))
}

/// A stored proposal judged by the environment's policy now, promotion order included (for a
/// current proposal: its plan is the one made now).
async fn judge(
    state: &AppState,
    project: &Project,
    environment: &Environment,
    stored: Stored,
    current: bool,
    plan_now: Option<&strata_shared::plan::Plan>,
) -> Result<Proposal, ApiError> {
    let policy = environment.config.policy();
    let now = unix_now();
    let approvals = stored
        .approvals
        .into_iter()
        .map(|(by, role, at)| Approval { void: policy.judge(&stored.author, &by, role, at, now), by, role, at })
        .collect();
    let mut proposal = Proposal {
        id: stored.id,
        environment: stored.environment,
        request: stored.request,
        fingerprint: stored.fingerprint,
        summary: stored.summary,
        sql: stored.sql,
        author: stored.author,
        proposed_at: stored.proposed_at,
        approvals,
        run_id: stored.run_id,
        current,
        blockers: Vec::new(),
    };
    proposal.blockers = policy.blockers(&proposal);
    if current && let Some(plan) = plan_now {
        for earlier in &policy.after {
            let earlier_environment = find(state, earlier)?;
            let mut conn = earlier_environment.pool.acquire().await.map_err(unavailable)?;
            let rows = version_table::rows(&mut conn, &earlier_environment.config.version_table())
                .await
                .map_err(|e| unavailable(format!("{e:#}")))?;
            let missing = strata_shared::approval::not_yet_on(&project.graph, plan, &rows);
            if !missing.is_empty() {
                proposal.blockers.push(Blocker::NotYetOn { environment: earlier.clone(), revisions: missing });
            }
        }
    }
    Ok(proposal)
}

fn changed() -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "the plan changed since it was shown (a revision file was edited or the database moved): preview it again",
    )
}

fn roles(roles: &[strata_shared::access::Role]) -> String {
    roles.iter().map(|r| r.name()).collect::<Vec<_>>().join(", ")
}

fn unix_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}
