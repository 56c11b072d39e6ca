//! `/api/*` handlers.

use super::auth::{self, Caller};
use super::error::ApiError;
use super::project_cache::Body;
use super::{AppState, Environment, approvals, audit_log, events, rehearsals, reviews, schema, target_pool};
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
    EnvironmentStatus, PlanPreview, PlanRequest, RevisionDetail, RunEvent, RunOutcome, RunRecord, ServerRunEvent,
};
use strata_shared::limits::{self, Field};
use strata_shared::project::Project;

type AppStateRef = State<Arc<AppState>>;

/// Every route but the two of signing in needs a caller (`auth::gate`); each handler then
/// checks the caller's role for what it does.
pub fn routes(state: Arc<AppState>) -> Router<Arc<AppState>> {
    let protected = Router::new()
        .route("/auth/sign-out", post(auth::sign_out))
        .route("/project", get(project))
        .route("/project/sql", get(project_sql))
        .route("/analysis", get(analysis))
        .route("/revisions/{id}", get(revision))
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

pub(super) async fn json_body(state: &AppState, body: Body) -> Result<impl IntoResponse + use<>, ApiError> {
    let json = state.project.json(body).await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], json))
}

/// One revision with its SQL and schema model.
async fn revision(State(state): AppStateRef, Path(id): Path<String>) -> Result<Json<RevisionDetail>, ApiError> {
    match state.project.revision(id.clone()).await? {
        Some(detail) => Ok(Json(detail)),
        None => Err(ApiError::not_found(format!("no revision `{id}` in the history"))),
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

/// `POST /api/plans`: the plan from the database's state of now (or of a moment ago, for the
/// same request: `previews`), its SQL and fingerprint.
async fn plan(State(state): AppStateRef, Json(request): Json<PlanRequest>) -> Result<Json<PlanPreview>, ApiError> {
    let environment = find(&state, &request.environment)?;
    let mode = execution(environment, &request).mode;
    let make = async {
        let project = load(&state).await?;
        let prepared = prepare(&project, environment, &request).await?;
        Ok(PlanPreview {
            environment: environment.name.clone(),
            plan: prepared.plan,
            sql: prepared.script,
            fingerprint: prepared.fingerprint,
            edited: prepared.edited,
            postgres: Some(prepared.postgres),
            findings: prepared.findings,
        })
    };
    let files = super::watch::fingerprint(&state.migrations_dir).await;
    Ok(Json(state.previews.get_or_make(&request, mode, files, make).await?))
}

/// The plan for `request` from the database's state of now, on a connection of the
/// environment's pool.
pub(super) async fn prepare(
    project: &Project,
    environment: &Environment,
    request: &PlanRequest,
) -> Result<execute::Prepared, ApiError> {
    limits::check(Field::Target, &request.target).map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, e))?;
    refuse_broken(project)?;
    let mut conn = target_pool::acquire(environment).await?;
    let target = execution(environment, request);
    let prepared = execute::prepare(&mut conn, &target, &project.graph, &Request::from_api(request)).await;
    prepared.map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, format!("{e:#}")))
}

pub(super) fn refuse_broken(project: &Project) -> Result<(), ApiError> {
    if project.has_errors() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "the migrations folder has errors (see the project's diagnostics); fix them first",
        ));
    }
    Ok(())
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
    let prepared = prepare(&project, environment, &request).await?;
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
        let mut evidence = Evidence::default();
        let mut publish = |event: RunEvent| {
            evidence.note(&event);
            // No subscriber is fine: nobody is watching.
            let _ = sender.send(ServerRunEvent { environment: environment.name.clone(), run_id: id.clone(), event });
        };
        let by = RunBy { run_id: &id, who: &who };
        let what = Request::from_api(&request);
        let work = execute::run(&target, &project.graph, &what, &fingerprint, by, &mut publish);
        let result = tokio::runtime::Handle::current().block_on(work);
        (result, evidence)
    })
    .await
    .map_err(anyhow::Error::from)?;
    // The database may have moved: previews are made again.
    state.previews.forget_all();
    let (result, Evidence { backup, checks }) = result;
    let summary = strata_shared::runbook::summary(backup.as_ref(), &checks);
    if proposal.is_some() {
        state.announce(super::SignOffChange::Proposals(environment.name.clone()));
    }
    let ended = |outcome: String, detail: String| {
        Event::new(&caller.name, outcome).environment(&environment.name).subject(&run_id).detail(detail)
    };
    let outcome = |status: &str, failure| RunOutcome {
        run_id: run_id.clone(),
        status: status.to_owned(),
        failure,
        backup: backup.clone(),
        checks: checks.clone(),
    };
    match result {
        Ok(()) => {
            audit::record(&state.state_db, ended(format!("{action}-succeeded"), summary)).await?;
            Ok(Json(outcome("succeeded", None)))
        }
        Err(RunError::Failed { failure, .. }) => {
            let detail = format!("{}: {}", failure.path.as_deref().unwrap_or("-"), failure.message);
            let detail = [detail, summary].join("; ");
            audit::record(&state.state_db, ended(format!("{action}-failed"), detail)).await?;
            Ok(Json(outcome("failed", Some(*failure))))
        }
        Err(error @ RunError::ChecksFailed(_)) => {
            let detail = [error.to_string(), summary].join("; ");
            audit::record(&state.state_db, ended(format!("{action}-failed"), detail)).await?;
            Ok(Json(outcome("failed", None)))
        }
        Err(error) => {
            // Nothing ran: the proposal may be used again.
            if proposal.is_some() {
                crate::approvals::unclaim(&state.state_db, &run_id).await?;
            }
            audit::record(&state.state_db, ended(format!("{action}-failed"), error.to_string())).await?;
            match error {
                RunError::Locked(_) | RunError::Changed => Err(ApiError::new(StatusCode::CONFLICT, error.to_string())),
                RunError::Backup(_) => Err(ApiError::new(StatusCode::SERVICE_UNAVAILABLE, error.to_string())),
                RunError::Other(error) => Err(unavailable(format!("{error:#}"))),
                RunError::Failed { .. } | RunError::ChecksFailed(_) => unreachable!("matched above"),
            }
        }
    }
}

/// The backup and check results a run reported, for its answer and its audit entry.
#[derive(Default)]
struct Evidence {
    backup: Option<strata_shared::runbook::BackupRecord>,
    checks: Vec<strata_shared::runbook::CheckResult>,
}

impl Evidence {
    fn note(&mut self, event: &RunEvent) {
        match event {
            RunEvent::BackupTaken { backup } => self.backup = Some(backup.clone()),
            RunEvent::CheckFinished { check } => self.checks.push(check.clone()),
            _ => {}
        }
    }
}

pub(super) fn short(fingerprint: &str) -> &str {
    &fingerprint[..fingerprint.len().min(12)]
}
