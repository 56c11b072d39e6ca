//! `GET /api/audit[?format=csv]`: the audit log, newest first, as JSON or CSV.

use super::AppState;
use super::auth::Caller;
use super::error::ApiError;
use crate::audit;
use axum::Extension;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use std::sync::Arc;
use strata_shared::access::Action;

const LIMIT: i64 = 10_000;

#[derive(Deserialize)]
pub struct Format {
    format: Option<String>,
}

pub async fn export(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Query(query): Query<Format>,
) -> Result<Response, ApiError> {
    caller.require(Action::ReadAudit, "read the audit log")?;
    let entries = audit::list(&state.state_db, LIMIT).await?;
    Ok(match query.format.as_deref() {
        Some("csv") => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (header::CONTENT_DISPOSITION, "attachment; filename=\"strata-audit.csv\""),
            ],
            audit::csv(&entries),
        )
            .into_response(),
        Some("json") | None => axum::Json(entries).into_response(),
        Some(other) => {
            ApiError::new(axum::http::StatusCode::BAD_REQUEST, format!("unknown format `{other}` (json or csv)"))
                .into_response()
        }
    })
}
