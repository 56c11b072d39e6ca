//! `/api/*` handlers.

use super::AppState;
use super::error::ApiError;
use crate::{migrations_dir, version_table};
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use std::sync::Arc;
use strata_shared::api::{EnvironmentStatus, ProjectSnapshot};
use strata_shared::offline::VersionTable;

type AppStateRef = State<Arc<AppState>>;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/project", get(project))
        .route("/environments", get(environments))
        // Unknown API paths answer 404 in JSON, not the frontend's index.html.
        .fallback(|| async { ApiError::not_found("no such API endpoint") })
}

/// The folder is read on every request, so the studio always shows the files as they are.
async fn project(State(state): AppStateRef) -> Result<Json<ProjectSnapshot>, ApiError> {
    let dir = state.migrations_dir.clone();
    let snapshot = tokio::task::spawn_blocking(move || migrations_dir::load(&dir).map(|p| ProjectSnapshot::of(&p)))
        .await
        .map_err(anyhow::Error::from)??;
    Ok(Json(snapshot))
}

async fn environments(State(state): AppStateRef) -> Json<Vec<EnvironmentStatus>> {
    let mut statuses = Vec::with_capacity(state.environments.len());
    for environment in &state.environments {
        let rows = match environment.pool.acquire().await {
            Ok(mut conn) => version_table::rows(&mut conn, &VersionTable::default()).await,
            Err(error) => Err(error.into()),
        };
        let (current, error) = match rows {
            Ok(current) => (current, None),
            Err(error) => (Vec::new(), Some(format!("{error:#}"))),
        };
        statuses.push(EnvironmentStatus { name: environment.name.clone(), current, error });
    }
    Json(statuses)
}
