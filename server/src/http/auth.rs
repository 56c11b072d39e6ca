//! Sign-in, sign-out, and the gate in front of every other `/api` route: who is calling
//! (session cookie or API token), and for state-changing requests from a browser, whether
//! they carry the session's CSRF token.

use super::AppState;
use super::error::ApiError;
use crate::audit::{self, Event};
use crate::auth::{password, same_secret, sessions, throttle, tokens, users};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use std::net::SocketAddr;
use std::sync::Arc;
use strata_shared::access::{Action, AuthStatus, Me, Role, SignIn};

pub const CSRF_HEADER: &str = "x-csrf-token";

/// Who is calling, put in the request's extensions by `gate`.
#[derive(Clone)]
pub struct Caller {
    pub name: String,
    pub role: Role,
    /// The session's CSRF token; none for an API token.
    csrf_token: Option<String>,
}

impl Caller {
    /// 403 unless the caller's role may do `action`.
    pub fn require(&self, action: Action, what: &str) -> Result<(), ApiError> {
        if self.role.may(action) {
            Ok(())
        } else {
            Err(ApiError::new(StatusCode::FORBIDDEN, format!("the {} role may not {what}", self.role)))
        }
    }
}

/// The middleware of every protected route: 401 without a live session or token, 403 for a
/// browser's state-changing request without its CSRF token.
pub async fn gate(State(state): State<Arc<AppState>>, mut request: Request, next: Next) -> Response {
    let headers = request.headers();
    let caller = if let Some(token) = bearer(headers) {
        match tokens::user_of(&state.state_db, token).await {
            Ok(user) => user.map(|u| Caller { name: u.name, role: u.role, csrf_token: None }),
            Err(error) => return ApiError::from(error).into_response(),
        }
    } else if let Some(id) = session_cookie(headers) {
        match sessions::find(&state.state_db, id).await {
            Ok(session) => {
                session.map(|s| Caller { name: s.user.name, role: s.user.role, csrf_token: Some(s.csrf_token) })
            }
            Err(error) => return ApiError::from(error).into_response(),
        }
    } else {
        None
    };
    let Some(caller) = caller else {
        return ApiError::new(StatusCode::UNAUTHORIZED, "sign in first (or send an API token)").into_response();
    };
    let changes_state = !matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if changes_state && let Some(expected) = &caller.csrf_token {
        let sent = request.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok()).unwrap_or("");
        if !same_secret(sent, expected) {
            return ApiError::new(StatusCode::FORBIDDEN, "this request lacks the session's CSRF token (X-CSRF-Token)")
                .into_response();
        }
    }
    request.extensions_mut().insert(caller);
    next.run(request).await
}

/// `GET /api/auth/status`: open to all; says how to create the first admin when no one exists.
pub async fn status(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Result<Json<AuthStatus>, ApiError> {
    let first_admin_command =
        if users::any_exist(&state.state_db).await? { None } else { Some(state.first_admin_command.clone()) };
    let me = match session_cookie(&headers) {
        Some(id) => sessions::find(&state.state_db, id).await?.map(|s| Me {
            name: s.user.name,
            role: s.user.role,
            csrf_token: s.csrf_token,
        }),
        None => None,
    };
    Ok(Json(AuthStatus { first_admin_command, me }))
}

/// `POST /api/auth/sign-in`: always a fresh session id (a cookie sent along is never adopted,
/// so a planted one gains nothing); throttled after repeated failures.
pub async fn sign_in(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Json(form): Json<SignIn>,
) -> Result<Response, ApiError> {
    let db = &state.state_db;
    let address = peer.ip().to_string();
    if let Some(seconds) = throttle::wait_needed(db, &form.name, &address).await? {
        audit::record(db, Event::new(&form.name, "sign-in-throttled").address(&address)).await?;
        let message = format!("too many failed sign-ins: try again in {seconds} s");
        let mut response = ApiError::new(StatusCode::TOO_MANY_REQUESTS, message).into_response();
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        return Ok(response);
    }
    let found = users::credentials(db, &form.name).await?;
    let stored = found.as_ref().map(|(_, hash)| hash.clone());
    let password = form.password.clone();
    // Hashing is deliberately slow: off the async threads.
    let matches = tokio::task::spawn_blocking(move || password::verify(&password, stored.as_deref()))
        .await
        .map_err(anyhow::Error::from)?;
    let Some((user, _)) = found.filter(|_| matches) else {
        audit::record(db, Event::new(&form.name, "sign-in-failed").address(&address)).await?;
        return Err(ApiError::new(StatusCode::UNAUTHORIZED, "wrong name or password"));
    };
    if let Some(old) = session_cookie(&headers) {
        sessions::end(db, old).await?;
    }
    let minutes = state.auth.session_minutes;
    let (id, csrf_token) = sessions::start(db, &user.name, minutes).await?;
    audit::record(db, Event::new(&user.name, "sign-in").address(&address)).await?;
    let cookie = sessions::cookie(&id, minutes, is_https(&headers));
    let me = Me { name: user.name, role: user.role, csrf_token };
    Ok(([(header::SET_COOKIE, cookie)], Json(me)).into_response())
}

/// `POST /api/auth/sign-out`.
pub async fn sign_out(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if let Some(id) = session_cookie(&headers) {
        sessions::end(&state.state_db, id).await?;
    }
    audit::record(&state.state_db, Event::new(&caller.name, "sign-out")).await?;
    let cookie = sessions::removal_cookie(is_https(&headers));
    Ok(([(header::SET_COOKIE, cookie)], StatusCode::NO_CONTENT).into_response())
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::AUTHORIZATION)?.to_str().ok()?.strip_prefix("Bearer ").map(str::trim)
}

fn session_cookie(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .find_map(|pair| pair.trim().strip_prefix(sessions::COOKIE)?.strip_prefix('='))
        .filter(|id| !id.is_empty())
}

/// Behind a TLS-terminating proxy the cookie must be `Secure`.
fn is_https(headers: &HeaderMap) -> bool {
    headers.get("x-forwarded-proto").and_then(|v| v.to_str().ok()).is_some_and(|v| v.eq_ignore_ascii_case("https"))
}
