//! What the API's handlers start from: the project as the files are now, an environment by
//! name, and a plan prepared on it. Its own module, so the handlers' modules need one another
//! for nothing.

use super::error::ApiError;
use super::project_cache::Body;
use super::{AppState, Environment, target_pool};
use crate::execute::{self, Request};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use std::sync::Arc;
use strata_shared::api::PlanRequest;
use strata_shared::limits::{self, Field};
use strata_shared::project::Project;
use strata_shared::words::Message;

/// The project as the files are now (loaded again only when the folder changed).
pub(super) async fn load(state: &AppState) -> Result<Arc<Project>, ApiError> {
    Ok(state.project.project().await?)
}

/// One of the project's cached JSON bodies, as a response.
pub(super) async fn json_body(state: &AppState, body: Body) -> Result<impl IntoResponse + use<>, ApiError> {
    let json = state.project.json(body).await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], json))
}

pub(super) fn find<'s>(state: &'s AppState, name: &str) -> Result<&'s Environment, ApiError> {
    state.environment(name).ok_or_else(|| ApiError::not_found(Message::NoEnvironment { name: name.to_owned() }))
}

pub(super) fn unavailable(error: impl std::fmt::Display) -> ApiError {
    ApiError::new(StatusCode::SERVICE_UNAVAILABLE, Message::DatabaseUnreachable { cause: error.to_string() })
}

pub(super) fn execution<'e>(environment: &'e Environment, request: &PlanRequest) -> execute::Environment<'e> {
    execute::Environment {
        name: &environment.name,
        config: &environment.config,
        mode: request.transaction_mode.unwrap_or(environment.config.transaction_mode),
    }
}

/// The plan for `request` from the database's state of now, on a connection of the
/// environment's pool.
pub(super) async fn prepare(
    project: &Project,
    environment: &Environment,
    request: &PlanRequest,
) -> Result<execute::Prepared, ApiError> {
    limits::check(Field::Target, &request.target)?;
    refuse_broken(project)?;
    let mut conn = target_pool::acquire(environment).await?;
    let target = execution(environment, request);
    let prepared = execute::prepare(&mut conn, &target, &project.graph, &Request::from_api(request)).await;
    prepared.map_err(|e| ApiError::caused(StatusCode::UNPROCESSABLE_ENTITY, &e))
}

pub(super) fn refuse_broken(project: &Project) -> Result<(), ApiError> {
    if project.has_errors() {
        return Err(ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, Message::FolderHasErrors));
    }
    Ok(())
}
