//! `GET /api/audit`: the audit log, newest first, a page at a time (`limit`, `before`) with
//! filters (`actor`, `action`, `environment`); `format=csv` exports the newest `CSV_LIMIT`
//! entries matching the filters.

use super::AppState;
use super::auth::Caller;
use super::error::ApiError;
use crate::state::audit;
use axum::Extension;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use std::sync::Arc;
use strata_shared::access::Action;
use strata_shared::audit::AuditQuery;
use strata_shared::limits::{self, Field};
use strata_shared::words::{Deed, Message};

const CSV_LIMIT: usize = 10_000;

/// `AuditQuery` and the format (not flattened: query strings cannot fill numbers in a
/// flattened struct).
#[derive(Deserialize)]
pub struct Params {
    format: Option<String>,
    limit: Option<i64>,
    before: Option<i64>,
    actor: Option<String>,
    action: Option<String>,
    environment: Option<String>,
}

pub async fn export(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Query(params): Query<Params>,
) -> Result<Response, ApiError> {
    caller.require(Action::ReadAudit, Deed::ReadAuditLog)?;
    let query = AuditQuery {
        limit: params.limit,
        before: params.before,
        actor: params.actor,
        action: params.action,
        environment: params.environment,
    };
    for filter in [&query.actor, &query.action, &query.environment].into_iter().flatten() {
        limits::check(Field::AuditFilter, filter)?;
    }
    Ok(match params.format.as_deref() {
        Some("csv") => {
            let mut entries = Vec::new();
            let mut page_query = AuditQuery { limit: Some(AuditQuery::MAX_LIMIT), ..query };
            while entries.len() < CSV_LIMIT {
                let page = audit::list(&state.state_db, &page_query).await?;
                entries.extend(page.entries);
                match page.next {
                    Some(next) => page_query.before = Some(next),
                    None => break,
                }
            }
            entries.truncate(CSV_LIMIT);
            (
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                    (header::CONTENT_DISPOSITION, "attachment; filename=\"strata-audit.csv\""),
                ],
                audit::csv(&entries),
            )
                .into_response()
        }
        Some("json") | None => axum::Json(audit::list(&state.state_db, &query).await?).into_response(),
        Some(other) => ApiError::new(StatusCode::BAD_REQUEST, Message::UnknownAuditFormat { format: other.to_owned() })
            .into_response(),
    })
}
