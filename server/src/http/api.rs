//! `/api/*` handlers.

use super::auth::{self, Caller};
use super::error::ApiError;
use super::lookup::{execution, find, json_body, load, prepare, unavailable};
use super::project_cache::Body;
use super::{AppState, approvals, audit_log, drift, events, rehearsals, reviews, schema, target_pool};
use crate::database_status;
use crate::execute::{self, Request, RunError};
use crate::run_plan::{self, FrontDoor, Stopped};
use crate::sign_off::Refusal;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{any, get, post};
use axum::{Extension, Json, Router, middleware};
use std::sync::Arc;
use strata_shared::access::Action;
use strata_shared::api::{
    EnvironmentStatus, PlanPreview, PlanRequest, RevisionDetail, RunEvent, RunOutcome, RunRecord, RunStatus,
    ServerRunEvent,
};
use strata_shared::api_paths as paths;
use strata_shared::words::{Deed, Message};

type AppStateRef = State<Arc<AppState>>;

/// Every route but the two of signing in needs a caller (`auth::gate`); each handler then
/// checks the caller's role for what it does.
pub fn routes(state: Arc<AppState>) -> Router<Arc<AppState>> {
    let protected = Router::new()
        .route(paths::SIGN_OUT, post(auth::sign_out))
        .route(paths::PROJECT, get(project))
        .route(paths::PROJECT_SQL, get(project_sql))
        .route(paths::ANALYSIS, get(analysis))
        .route(paths::REVISION, get(revision))
        .route(paths::ENVIRONMENTS, get(environments))
        .route(paths::ENVIRONMENT_RUNS, get(runs))
        .route(paths::PLANS, post(plan))
        .route(paths::RUNS, post(run))
        .route(paths::EVENTS, get(events::stream))
        .route(paths::SCHEMA, get(schema::schema))
        .route(paths::DIFF, get(schema::diff))
        .route(paths::BLAME, get(schema::blame))
        .route(paths::MODELS, get(schema::models))
        .route(paths::REVIEWS, get(reviews::summaries))
        .route(paths::REVISION_REVIEW, get(reviews::of_revision))
        .route(paths::REVISION_COMMENTS, post(reviews::comment))
        .route(paths::REVISION_VERDICT, post(reviews::verdict))
        .route(paths::THREAD_RESOLVE, post(reviews::resolve))
        .route(paths::ENVIRONMENT_PROPOSALS, get(approvals::list))
        .route(paths::PROPOSALS, post(approvals::propose))
        .route(paths::PROPOSAL_APPROVALS, post(approvals::approve))
        .route(paths::REHEARSALS, post(rehearsals::rehearse))
        .route(paths::ENVIRONMENT_REHEARSALS, get(rehearsals::list))
        .route(paths::ENVIRONMENT_DRIFT, get(drift::drift))
        .route(paths::AUDIT, get(audit_log::export))
        .route_layer(middleware::from_fn_with_state(state, auth::gate));
    // Unknown API paths answer 404 in JSON, not the frontend's index.html.
    let unknown = || async { ApiError::not_found(Message::NoSuchEndpoint) };
    Router::new()
        .route(paths::AUTH_STATUS, get(auth::status))
        .route(paths::SIGN_IN, post(auth::sign_in))
        .route(paths::FIRST_ADMIN, post(super::first_run::create_first_admin))
        .merge(protected)
        .route(paths::ROOT, any(unknown))
        .route(paths::UNKNOWN, any(unknown))
}

async fn project(State(state): AppStateRef) -> Result<impl IntoResponse, ApiError> {
    json_body(&state, Body::Snapshot).await
}

/// Every revision with its SQL, for the views that replay the schema in the browser.
async fn project_sql(State(state): AppStateRef) -> Result<impl IntoResponse, ApiError> {
    json_body(&state, Body::Sql).await
}

/// Every revision's findings and schema changes, counted.
async fn analysis(State(state): AppStateRef) -> Result<impl IntoResponse, ApiError> {
    json_body(&state, Body::Analysis).await
}

/// One revision with its SQL and schema model.
async fn revision(State(state): AppStateRef, Path(id): Path<String>) -> Result<Json<RevisionDetail>, ApiError> {
    match state.project.revision(id.clone()).await? {
        Some(detail) => Ok(Json(detail)),
        None => Err(ApiError::not_found(Message::NoRevision { id: id.to_owned() })),
    }
}

async fn environments(State(state): AppStateRef) -> Result<Json<Vec<EnvironmentStatus>>, ApiError> {
    let project = load(&state).await?;
    let mut statuses = Vec::with_capacity(state.environments.len());
    for environment in &state.environments {
        let status = match target_pool::acquire(environment).await {
            Ok(mut conn) => database_status::read(&mut conn, &environment.config.version_table(), &project.graph).await,
            Err(error) => Err(anyhow::anyhow!("{}", error.message())),
        };
        statuses.push(match status {
            Ok(status) => EnvironmentStatus {
                name: environment.name.clone(),
                policy: environment.config.policy(),
                current: status.rows,
                pending: status.pending,
                edited: status.edited,
                postgres: Some(status.postgres),
                error: None,
            },
            Err(error) => EnvironmentStatus {
                name: environment.name.clone(),
                policy: environment.config.policy(),
                current: Vec::new(),
                pending: None,
                edited: Vec::new(),
                postgres: environment.config.postgres_version(),
                error: Some(format!("{error:#}")),
            },
        });
    }
    Ok(Json(statuses))
}

async fn runs(State(state): AppStateRef, Path(name): Path<String>) -> Result<Json<Vec<RunRecord>>, ApiError> {
    let environment = find(&state, &name)?;
    let table = environment.config.version_table();
    let mut conn = target_pool::acquire(environment).await?;
    let journal = execute::Journal::beside(&table);
    if !journal.exists(&mut conn).await.map_err(|e| unavailable(format!("{e:#}")))? {
        return Ok(Json(Vec::new()));
    }
    Ok(Json(journal.runs(&mut conn, execute::lock::key(&table), 50).await?))
}

/// `POST /api/plans`: the plan from the database's state of now (or of a moment ago, for the
/// same request: `previews`), its SQL and fingerprint.
async fn plan(State(state): AppStateRef, Json(request): Json<PlanRequest>) -> Result<Json<PlanPreview>, ApiError> {
    let environment = find(&state, &request.environment)?;
    let mode = execution(environment, &request).mode;
    let make = async {
        let project = load(&state).await?;
        let prepared = prepare(&project, environment, &request).await?;
        // A preview is still worth showing when drift cannot be told; it says nothing of it then.
        let drift = drift::of(&project, environment)
            .await
            .inspect_err(|e| tracing::warn!("drift of `{}` for a preview: {}", environment.name, e.message()))
            .ok();
        Ok(PlanPreview {
            environment: environment.name.clone(),
            plan: prepared.plan,
            sql: prepared.script,
            fingerprint: prepared.fingerprint,
            edited: prepared.edited,
            postgres: Some(prepared.postgres),
            findings: prepared.findings,
            drift,
        })
    };
    let files = super::watch::fingerprint(&state.migrations_dir).await;
    Ok(Json(state.previews.get_or_make(&request, mode, files, make).await?))
}

/// `POST /api/runs`: runs the plan if it still has the fingerprint that was shown and, on a
/// protected environment, a proposal of exactly that plan has its approvals (`run_plan`).
/// Progress goes to `/api/events`; the answer says how the run ended.
async fn run(
    State(state): AppStateRef,
    Extension(caller): Extension<Caller>,
    Json(request): Json<PlanRequest>,
) -> Result<Json<RunOutcome>, ApiError> {
    caller.require(Action::Operate, Deed::RunOrStamp)?;
    let Some(fingerprint) = request.fingerprint.clone() else {
        return Err(ApiError::new(StatusCode::BAD_REQUEST, Message::RunNeedsFingerprint));
    };
    let project = load(&state).await?;
    let environment = find(&state, &request.environment)?;
    // Refuse a bad target with a clear answer before taking any lock.
    let prepared = prepare(&project, environment, &request).await?;
    let who = caller.name.clone();
    let worker_state = state.clone();
    // On a blocking thread of its own: a run is long, and its future need not be `Send` there.
    let ran = tokio::task::spawn_blocking(move || {
        let state = worker_state;
        let environment = state.environment(&request.environment).expect("found above");
        let target = execution(environment, &request);
        let sender = state.events.clone();
        let mut publish = |run_id: &str, event: RunEvent| {
            // No subscriber is fine: nobody is watching.
            let server_event =
                ServerRunEvent { environment: environment.name.clone(), run_id: run_id.to_owned(), event };
            let _ = sender.send(server_event);
        };
        let job = run_plan::Run {
            db: Some(&state.state_db),
            environment: &target,
            graph: &project.graph,
            request: &Request::from_api(&request),
            prepared: &prepared,
            confirmed: &fingerprint,
            who: &who,
            via: FrontDoor::Studio,
        };
        tokio::runtime::Handle::current().block_on(run_plan::run(job, &*state, &mut publish))
    })
    .await
    .map_err(anyhow::Error::from)?;
    let ran = ran.map_err(|stopped| match stopped {
        Stopped::Refused(refusal @ Refusal::Changed) => ApiError::new(StatusCode::CONFLICT, refusal.message()),
        Stopped::Taken => ApiError::new(StatusCode::CONFLICT, Message::ProposalTaken),
        Stopped::Refused(refusal) => ApiError::new(StatusCode::FORBIDDEN, refusal.message()),
        Stopped::Unreachable(error) => ApiError::unavailable(&error),
        Stopped::DriftUnknown(error) => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            Message::CannotTellDrift { cause: crate::cause::of(&error) },
        ),
        Stopped::Other(error) => ApiError::from(error),
    })?;
    // The database may have moved: previews are made again.
    state.previews.forget_all();
    if ran.proposal.is_some() {
        state.announce(super::SignOffChange::Proposals(environment.name.clone()));
    }
    let outcome = |status, failure| RunOutcome {
        run_id: ran.run_id.clone(),
        status,
        failure,
        backup: ran.backup.clone(),
        checks: ran.checks.clone(),
    };
    match ran.result {
        Ok(()) => Ok(Json(outcome(RunStatus::Succeeded, None))),
        Err(RunError::Failed { failure, .. }) => Ok(Json(outcome(RunStatus::Failed, Some(*failure)))),
        Err(RunError::ChecksFailed(_)) => Ok(Json(outcome(RunStatus::Failed, None))),
        Err(RunError::Locked(holder)) => Err(ApiError::new(StatusCode::CONFLICT, Message::RunLocked { holder })),
        Err(RunError::Changed) => Err(ApiError::new(StatusCode::CONFLICT, Message::RunChanged)),
        Err(RunError::Backup(error)) => Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            Message::BackupFailed { cause: crate::cause::of(&error) },
        )),
        Err(RunError::Other(error)) => Err(ApiError::unavailable(&error)),
    }
}
