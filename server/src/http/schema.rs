//! `/api/schema`, `/api/diff`, `/api/blame`, `/api/models`: the schema model, computed on the
//! server for clients that should not replay the history themselves (Alembic projects, very
//! long histories). The browser runs the same code in wasm for the revision it shows.

use super::AppState;
use super::error::ApiError;
use super::lookup::{json_body, load};
use super::project_cache::Body;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::Deserialize;
use std::sync::Arc;
use strata_shared::graph::GraphError;
use strata_shared::schema::BlameEntry;
use strata_shared::schema::query::{self, Comparison, SchemaAt};
use strata_shared::words::Message;

type AppStateRef = State<Arc<AppState>>;

#[derive(Deserialize)]
pub struct At {
    at: Option<String>,
}

#[derive(Deserialize)]
pub struct Compare {
    from: String,
    to: Option<String>,
}

#[derive(Deserialize)]
pub struct Blame {
    object: String,
    at: Option<String>,
}

/// A spec that names nothing is the client's mistake.
fn bad_spec(error: GraphError) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, Message::Target(error))
}

pub async fn schema(State(state): AppStateRef, Query(at): Query<At>) -> Result<Json<SchemaAt>, ApiError> {
    let project = load(&state).await?;
    let at = at.at.unwrap_or_else(|| "heads".into());
    Ok(Json(query::schema_at(&project.graph, &at).map_err(bad_spec)?))
}

pub async fn diff(State(state): AppStateRef, Query(compare): Query<Compare>) -> Result<Json<Comparison>, ApiError> {
    let project = load(&state).await?;
    Ok(Json(query::compare(&project.graph, &compare.from, compare.to.as_deref()).map_err(bad_spec)?))
}

pub async fn blame(State(state): AppStateRef, Query(blame): Query<Blame>) -> Result<Json<Vec<BlameEntry>>, ApiError> {
    let project = load(&state).await?;
    let at = blame.at.unwrap_or_else(|| "heads".into());
    let entries = query::blame_object(&project.graph, &blame.object, &at)
        .map_err(|e| ApiError::new(StatusCode::NOT_FOUND, Message::Target(e)))?;
    Ok(Json(entries))
}

/// Every revision's model (changes, statements not modelled, downgrade check), newest first.
pub async fn models(State(state): AppStateRef) -> Result<impl IntoResponse, ApiError> {
    json_body(&state, Body::Models).await
}
