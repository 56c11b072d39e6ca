//! `/api/rehearsals` and `/api/environments/{name}/rehearsals`: plans rehearsed on a throwaway
//! copy of an environment's database, and the newest rehearsal of each plan.

use super::auth::Caller;
use super::error::ApiError;
use super::lookup::{execution, find, load};
use super::{AppState, SignOffChange};
use crate::execute::{Request, RunError};
use crate::rehearsal::{self, Rehearse, store};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use std::sync::Arc;
use strata_shared::access::Action;
use strata_shared::api::PlanRequest;
use strata_shared::rehearsal::Rehearsal;
use strata_shared::words::{Deed, Message};

type AppStateRef = State<Arc<AppState>>;

/// `GET /api/environments/{name}/rehearsals`: the newest rehearsal of each plan, newest first.
pub async fn list(State(state): AppStateRef, Path(name): Path<String>) -> Result<Json<Vec<Rehearsal>>, ApiError> {
    find(&state, &name)?;
    Ok(Json(store::latest_per_plan(&state.state_db, &name, 20).await?))
}

/// `POST /api/rehearsals`: rehearses the plan that was shown (its fingerprint must still hold),
/// whoever may propose it. A plan that fails on the copy is an answer, not an error.
pub async fn rehearse(
    State(state): AppStateRef,
    Extension(caller): Extension<Caller>,
    Json(request): Json<PlanRequest>,
) -> Result<Json<Rehearsal>, ApiError> {
    caller.require(Action::Operate, Deed::RehearsePlans)?;
    let Some(fingerprint) = request.fingerprint.clone() else {
        return Err(ApiError::new(StatusCode::BAD_REQUEST, Message::RehearsalNeedsFingerprint));
    };
    let Some(cluster) = state.rehearsal_cluster.clone() else {
        return Err(ApiError::new(StatusCode::SERVICE_UNAVAILABLE, Message::RehearsalNeedsSandbox));
    };
    let project = load(&state).await?;
    if project.has_errors() {
        return Err(ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, Message::FolderHasErrors));
    }
    let environment = find(&state, &request.environment)?;
    let who = caller.name.clone();
    let worker_state = state.clone();
    // On a blocking thread of its own, as a run: long, and its future need not be `Send`.
    let result = tokio::task::spawn_blocking(move || {
        let environment = worker_state.environment(&request.environment).expect("found above");
        let target = execution(environment, &request);
        let job = Rehearse {
            environment: &target,
            graph: &project.graph,
            request: &Request::from_api(&request),
            confirmed: &fingerprint,
            cluster: &cluster,
            by: &who,
        };
        tokio::runtime::Handle::current().block_on(rehearsal::rehearse(job))
    })
    .await
    .map_err(anyhow::Error::from)?;
    match result {
        Ok(rehearsal) => {
            rehearsal::record(&state.state_db, &rehearsal).await?;
            state.announce(SignOffChange::Proposals(environment.name.clone()));
            Ok(Json(rehearsal))
        }
        Err(RunError::Changed) => Err(ApiError::new(StatusCode::CONFLICT, Message::RunChanged)),
        Err(error) => {
            let cause = error.cause();
            Err(ApiError::new(StatusCode::SERVICE_UNAVAILABLE, Message::RehearsalFailedToRun { cause }))
        }
    }
}
