//! `/api/*` handlers.

use super::auth::{self, Caller};
use super::error::ApiError;
use super::project_cache::Body;
use super::{AppState, Environment, approvals, audit_log, events, rehearsals, reviews, schema};
use crate::audit::{self, Event};
use crate::execute::{self, Request, RunBy, RunError};
use crate::{database_status, identity};
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Extension, Json, Router, middleware};
use std::sync::Arc;
use strata_shared::access::Action;
use strata_shared::api::{
    EnvironmentStatus, PlanPreview, PlanRequest, RunEvent, RunOutcome, RunRecord, ServerRunEvent,
};
use strata_shared::project::Project;

type AppStateRef = State<Arc<AppState>>;

/// Every route but the two of signing in needs a caller (`auth::gate`); each handler then
/// checks the caller's role for what it does.
pub fn routes(state: Arc<AppState>) -> Router<Arc<AppState>> {
    let protected = Router::new()
        .route("/auth/sign-out", post(auth::sign_out))
        .route("/project", get(project))
        .route("/environments", get(environments))
        .route("/environments/{name}/runs", get(runs))
        .route("/plans", post(plan))
        .route("/runs", post(run))
        .route("/events", get(events::stream))
        .route("/schema", get(schema::schema))
        .route("/diff", get(schema::diff))
        .route("/blame", get(schema::blame))
        .route("/models", get(schema::models))
        .route("/reviews", get(reviews::summaries))
        .route("/revisions/{id}/review", get(reviews::of_revision))
        .route("/revisions/{id}/comments", post(reviews::comment))
        .route("/revisions/{id}/verdict", post(reviews::verdict))
        .route("/threads/{id}/resolve", post(reviews::resolve))
        .route("/environments/{name}/proposals", get(approvals::list))
        .route("/proposals", post(approvals::propose))
        .route("/proposals/{id}/approvals", post(approvals::approve))
        .route("/rehearsals", post(rehearsals::rehearse))
        .route("/environments/{name}/rehearsals", get(rehearsals::list))
        .route("/audit", get(audit_log::export))
        .route_layer(middleware::from_fn_with_state(state, auth::gate));
    Router::new()
        .route("/auth/status", get(auth::status))
        .route("/auth/sign-in", post(auth::sign_in))
        .merge(protected)
        // Unknown API paths answer 404 in JSON, not the frontend's index.html.
        .fallback(|| async { ApiError::not_found("no such API endpoint") })
}

/// The project as the files are now (loaded again only when the folder changed).
pub(super) async fn load(state: &AppState) -> Result<Arc<Project>, ApiError> {
    Ok(state.project.project().await?)
}

async fn project(State(state): AppStateRef) -> Result<impl IntoResponse, ApiError> {
    let json = state.project.json(Body::Snapshot).await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], json))
}

async fn environments(State(state): AppStateRef) -> Result<Json<Vec<EnvironmentStatus>>, ApiError> {
    let project = load(&state).await?;
    let mut statuses = Vec::with_capacity(state.environments.len());
    for environment in &state.environments {
        let status = match environment.pool.acquire().await {
            Ok(mut conn) => database_status::read(&mut conn, &environment.config.version_table(), &project.graph).await,
            Err(error) => Err(error.into()),
        };
        statuses.push(match status {
            Ok(status) => EnvironmentStatus {
                name: environment.name.clone(),
                policy: environment.config.policy(),
                current: status.rows,
                pending: status.pending,
                edited: status.edited,
                error: None,
            },
            Err(error) => EnvironmentStatus {
                name: environment.name.clone(),
                policy: environment.config.policy(),
                current: Vec::new(),
                pending: None,
                edited: Vec::new(),
                error: Some(format!("{error:#}")),
            },
        });
    }
    Ok(Json(statuses))
}

async fn runs(State(state): AppStateRef, Path(name): Path<String>) -> Result<Json<Vec<RunRecord>>, ApiError> {
    let environment = find(&state, &name)?;
    let table = environment.config.version_table();
    let mut conn = environment.pool.acquire().await.map_err(unavailable)?;
    let journal = execute::Journal::beside(&table);
    if !journal.exists(&mut conn).await.map_err(|e| unavailable(format!("{e:#}")))? {
        return Ok(Json(Vec::new()));
    }
    Ok(Json(journal.runs(&mut conn, execute::lock::key(&table), 50).await?))
}

pub(super) fn find<'s>(state: &'s AppState, name: &str) -> Result<&'s Environment, ApiError> {
    state.environment(name).ok_or_else(|| ApiError::not_found(format!("no environment `{name}`")))
}

pub(super) fn unavailable(error: impl std::fmt::Display) -> ApiError {
    ApiError::new(StatusCode::SERVICE_UNAVAILABLE, format!("the database cannot be reached: {error}"))
}

pub(super) fn execution<'e>(environment: &'e Environment, request: &PlanRequest) -> execute::Environment<'e> {
    execute::Environment {
        name: &environment.name,
        config: &environment.config,
        mode: request.transaction_mode.unwrap_or(environment.config.transaction_mode),
    }
}

/// `POST /api/plans`: the plan from the database's state of now, its SQL and fingerprint.
async fn plan(State(state): AppStateRef, Json(request): Json<PlanRequest>) -> Result<Json<PlanPreview>, ApiError> {
    let project = load(&state).await?;
    let environment = find(&state, &request.environment)?;
    let target = execution(environment, &request);
    let prepared = prepare(&project, &target, &request).await?;
    Ok(Json(PlanPreview {
        environment: environment.name.clone(),
        plan: prepared.plan,
        sql: prepared.script,
        fingerprint: prepared.fingerprint,
        edited: prepared.edited,
    }))
}

pub(super) async fn prepare(
    project: &Project,
    target: &execute::Environment<'_>,
    request: &PlanRequest,
) -> Result<execute::Prepared, ApiError> {
    if project.has_errors() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "the migrations folder has errors (see the project's diagnostics); fix them first",
        ));
    }
    let mut conn = execute::connect(target).await.map_err(|e| unavailable(format!("{e:#}")))?;
    let prepared = execute::prepare(&mut conn, target, &project.graph, &Request::from_api(request)).await;
    let _ = sqlx::Connection::close(conn).await;
    prepared.map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, format!("{e:#}")))
}

/// `POST /api/runs`: runs the plan if it still has the fingerprint that was shown and, on a
/// protected environment, a proposal of exactly that plan has its approvals. Progress goes to
/// `/api/events`; the answer says how the run ended.
async fn run(
    State(state): AppStateRef,
    Extension(caller): Extension<Caller>,
    Json(request): Json<PlanRequest>,
) -> Result<Json<RunOutcome>, ApiError> {
    caller.require(Action::Operate, "run or stamp")?;
    let Some(fingerprint) = request.fingerprint.clone() else {
        return Err(ApiError::new(StatusCode::BAD_REQUEST, "a run needs the fingerprint of the plan that was shown"));
    };
    let project = load(&state).await?;
    let environment = find(&state, &request.environment)?;
    let action = if request.operation == strata_shared::plan::Operation::Stamp { "stamp" } else { "run" };
    // Refuse a bad target with a clear answer before taking any lock.
    let prepared = prepare(&project, &execution(environment, &request), &request).await?;
    let run_id = identity::random_hex(8)?;
    let proposal = if environment.config.protected {
        match approvals::cleared_for_run(&state, &project, environment, &prepared, &fingerprint).await {
            Ok(proposal) => Some(proposal),
            Err(refusal) => {
                let event = Event::new(&caller.name, format!("{action}-refused")).environment(&environment.name);
                audit::record(&state.state_db, event.detail(refusal.message())).await?;
                return Err(refusal);
            }
        }
    } else if environment.config.policy().require_rehearsal {
        match approvals::rehearsed_for_run(&state, environment, &fingerprint).await {
            Ok(()) => None,
            Err(refusal) => {
                let event = Event::new(&caller.name, format!("{action}-refused")).environment(&environment.name);
                audit::record(&state.state_db, event.detail(refusal.message())).await?;
                return Err(refusal);
            }
        }
    } else {
        None
    };
    if let Some(id) = &proposal
        && !crate::approvals::claim(&state.state_db, id, &run_id).await?
    {
        return Err(ApiError::new(StatusCode::CONFLICT, "another run took this proposal first"));
    }
    let mut started = Event::new(&caller.name, action).environment(&environment.name).subject(&run_id);
    started = started.detail(format!("{} (plan {})", prepared.plan.summary(), short(&fingerprint)));
    audit::record(&state.state_db, started).await?;

    let id = run_id.clone();
    let who = caller.name.clone();
    let worker_state = state.clone();
    // On a blocking thread of its own: a run is long, and its future need not be `Send` there.
    let result = tokio::task::spawn_blocking(move || {
        let state = worker_state;
        let environment = state.environment(&request.environment).expect("found above");
        let target = execution(environment, &request);
        let sender = state.events.clone();
        let mut publish = |event: RunEvent| {
            // No subscriber is fine: nobody is watching.
            let _ = sender.send(ServerRunEvent { environment: environment.name.clone(), run_id: id.clone(), event });
        };
        let by = RunBy { run_id: &id, who: &who };
        let what = Request::from_api(&request);
        let work = execute::run(&target, &project.graph, &what, &fingerprint, by, &mut publish);
        tokio::runtime::Handle::current().block_on(work)
    })
    .await
    .map_err(anyhow::Error::from)?;
    if proposal.is_some() {
        state.announce(super::SignOffChange::Proposals(environment.name.clone()));
    }
    let ended = |outcome: String, detail: String| {
        Event::new(&caller.name, outcome).environment(&environment.name).subject(&run_id).detail(detail)
    };
    match result {
        Ok(()) => {
            audit::record(&state.state_db, ended(format!("{action}-succeeded"), String::new())).await?;
            Ok(Json(RunOutcome { run_id, status: "succeeded".to_owned(), failure: None }))
        }
        Err(RunError::Failed { failure, .. }) => {
            let detail = format!("{}: {}", failure.path.as_deref().unwrap_or("-"), failure.message);
            audit::record(&state.state_db, ended(format!("{action}-failed"), detail)).await?;
            Ok(Json(RunOutcome { run_id, status: "failed".to_owned(), failure: Some(*failure) }))
        }
        Err(error) => {
            // Nothing ran: the proposal may be used again.
            if let Some(id) = &proposal {
                crate::approvals::unclaim(&state.state_db, id, &run_id).await?;
            }
            audit::record(&state.state_db, ended(format!("{action}-failed"), error.to_string())).await?;
            match error {
                RunError::Locked(_) | RunError::Changed => Err(ApiError::new(StatusCode::CONFLICT, error.to_string())),
                RunError::Other(error) => Err(unavailable(format!("{error:#}"))),
                RunError::Failed { .. } => unreachable!("matched above"),
            }
        }
    }
}

pub(super) fn short(fingerprint: &str) -> &str {
    &fingerprint[..fingerprint.len().min(12)]
}
