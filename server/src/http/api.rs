//! `/api/*` handlers.

use super::error::ApiError;
use super::{AppState, Environment, events, schema};
use crate::execute::{self, Request, RunBy, RunError};
use crate::{database_status, identity, migrations_dir};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use std::sync::Arc;
use strata_shared::api::{
    EnvironmentStatus, PlanPreview, PlanRequest, ProjectSnapshot, RunEvent, RunOutcome, RunRecord, ServerRunEvent,
};
use strata_shared::project::Project;

type AppStateRef = State<Arc<AppState>>;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
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
        // Unknown API paths answer 404 in JSON, not the frontend's index.html.
        .fallback(|| async { ApiError::not_found("no such API endpoint") })
}

/// The folder is read on every request, so the studio always shows the files as they are.
pub(super) async fn load(state: &AppState) -> Result<Project, ApiError> {
    let dir = state.migrations_dir.clone();
    Ok(tokio::task::spawn_blocking(move || migrations_dir::load(&dir)).await.map_err(anyhow::Error::from)??)
}

async fn project(State(state): AppStateRef) -> Result<Json<ProjectSnapshot>, ApiError> {
    Ok(Json(ProjectSnapshot::of(&load(&state).await?)))
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
                protected: environment.config.protected,
                current: status.rows,
                pending: status.pending,
                edited: status.edited,
                error: None,
            },
            Err(error) => EnvironmentStatus {
                name: environment.name.clone(),
                protected: environment.config.protected,
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

fn find<'s>(state: &'s AppState, name: &str) -> Result<&'s Environment, ApiError> {
    state.environment(name).ok_or_else(|| ApiError::not_found(format!("no environment `{name}`")))
}

fn unavailable(error: impl std::fmt::Display) -> ApiError {
    ApiError::new(StatusCode::SERVICE_UNAVAILABLE, format!("the database cannot be reached: {error}"))
}

fn execution<'e>(environment: &'e Environment, request: &PlanRequest) -> execute::Environment<'e> {
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

async fn prepare(
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

/// `POST /api/runs`: runs the plan if it still has the fingerprint that was shown. Progress
/// goes to `/api/events`; the answer says how the run ended.
async fn run(State(state): AppStateRef, Json(request): Json<PlanRequest>) -> Result<Json<RunOutcome>, ApiError> {
    let Some(fingerprint) = request.fingerprint.clone() else {
        return Err(ApiError::new(StatusCode::BAD_REQUEST, "a run needs the fingerprint of the plan that was shown"));
    };
    let project = load(&state).await?;
    {
        let environment = find(&state, &request.environment)?;
        // Refuse a bad target with a clear answer before taking any lock.
        prepare(&project, &execution(environment, &request), &request).await?;
    }
    let run_id = identity::random_hex(8)?;
    let id = run_id.clone();
    // On a blocking thread of its own: a run is long, and its future need not be `Send` there.
    let result = tokio::task::spawn_blocking(move || {
        let environment = state.environment(&request.environment).expect("found above");
        let target = execution(environment, &request);
        let sender = state.events.clone();
        let mut publish = |event: RunEvent| {
            // No subscriber is fine: nobody is watching.
            let _ = sender.send(ServerRunEvent { environment: environment.name.clone(), run_id: id.clone(), event });
        };
        let by = RunBy { run_id: &id, who: "studio" };
        let what = Request::from_api(&request);
        let work = execute::run(&target, &project.graph, &what, &fingerprint, by, &mut publish);
        tokio::runtime::Handle::current().block_on(work)
    })
    .await
    .map_err(anyhow::Error::from)?;
    match result {
        Ok(()) => Ok(Json(RunOutcome { run_id, status: "succeeded".to_owned(), failure: None })),
        Err(RunError::Failed { failure, .. }) => {
            Ok(Json(RunOutcome { run_id, status: "failed".to_owned(), failure: Some(*failure) }))
        }
        Err(error @ (RunError::Locked(_) | RunError::Changed)) => {
            Err(ApiError::new(StatusCode::CONFLICT, error.to_string()))
        }
        Err(RunError::Other(error)) => Err(unavailable(format!("{error:#}"))),
    }
}
