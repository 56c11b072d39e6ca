//! `GET /api/environments/{name}/drift`: the environment's database against the schema model
//! at the revisions it is at (read on a connection of its pool; nothing changes there).

use super::auth::Caller;
use super::error::ApiError;
use super::lookup::{find, load};
use super::{AppState, Environment, target_pool};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use std::sync::Arc;
use strata_shared::access::Action;
use strata_shared::project::Project;
use strata_shared::schema::drift::Drift;
use strata_shared::words::{Deed, Message};

pub async fn drift(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Path(name): Path<String>,
) -> Result<Json<Drift>, ApiError> {
    caller.require(Action::Read, Deed::ReadDrift)?;
    let environment = find(&state, &name)?;
    let project = load(&state).await?;
    Ok(Json(of(&project, environment).await?))
}

/// The drift of `environment` now (also what a plan preview says of it).
pub(super) async fn of(project: &Project, environment: &Environment) -> Result<Drift, ApiError> {
    let mut conn = target_pool::acquire(environment).await?;
    let table = environment.config.version_table();
    let found = crate::drift::check(&mut conn, &environment.name, &project.graph, &table).await;
    found.map_err(|e| {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, Message::CannotTellDrift { cause: crate::cause::of(&e) })
    })
}
