//! `POST /api/auth/first-admin`: the form behind the one-time link (`auth::first_run`) creates
//! the first admin and signs them in. Refused without the live link's token, and once any
//! account exists.

use super::AppState;
use super::error::ApiError;
use crate::auth::first_run::Redeemed;
use crate::state::audit::{self, Event};
use crate::state::{sessions, users};
use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;
use std::sync::Arc;
use strata_shared::access::{FirstAdmin, Me, Role};
use strata_shared::audit::AuditAction;
use strata_shared::limits::{self, Field};
use strata_shared::words::Message;

/// Refused first-run attempts from one address within this many minutes are one audit entry.
const REFUSALS_WINDOW_MINUTES: i32 = 15;

pub async fn create_first_admin(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Json(form): Json<FirstAdmin>,
) -> Result<Response, ApiError> {
    let db = &state.state_db;
    let client = state.proxies.client(peer, &headers);
    let address = client.address.to_string();
    limits::check(Field::Password, &form.token)?;
    // Name and password are checked (and hashed) before the link is looked at: a mistake
    // there leaves the link usable.
    let hash =
        users::checked_hash(&form.name, &form.password).map_err(|e| ApiError::caused(StatusCode::BAD_REQUEST, &e))?;
    match state.first_run.redeem(&form.token, users::add_first_admin(db, &form.name, &hash)).await {
        Redeemed::NotValid => {
            let refused = Event::new(&form.name, AuditAction::FirstAdminRefused).address(&address);
            audit::record_repeated(db, refused, REFUSALS_WINDOW_MINUTES).await?;
            Err(ApiError::new(StatusCode::FORBIDDEN, Message::FirstRunLinkInvalid))
        }
        Redeemed::Done(Err(error)) => Err(error.into()),
        Redeemed::Done(Ok(false)) => Err(ApiError::new(StatusCode::CONFLICT, Message::AccountExists)),
        Redeemed::Done(Ok(true)) => {
            let event = Event::new(&form.name, AuditAction::FirstAdmin)
                .subject(&form.name)
                .detail("role admin, by the first-run link");
            audit::record(db, event.address(&address)).await?;
            let minutes = state.auth.session_minutes;
            let (id, csrf_token) = sessions::start(db, &form.name, minutes).await?;
            let cookie = sessions::cookie(&id, minutes, client.https);
            let me = Me { name: form.name, role: Role::Admin, csrf_token };
            Ok(([(header::SET_COOKIE, cookie)], Json(me)).into_response())
        }
    }
}
