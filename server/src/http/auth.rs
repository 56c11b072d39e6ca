//! Sign-in, sign-out, and the gate in front of every other `/api` route: who is calling
//! (session cookie or API token), and for state-changing requests from a browser, whether
//! they carry the session's CSRF token.

use super::AppState;
use super::error::ApiError;
use crate::auth::same_secret;
use crate::state::StateDb;
use crate::state::audit::{self, Event};
use crate::state::{sessions, throttle, tokens, users};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use std::net::SocketAddr;
use std::sync::Arc;
use strata_shared::access::{Action, AuthStatus, Me, Role, SignIn};
use strata_shared::audit::AuditAction;
use strata_shared::limits::{self, Field};
use strata_shared::words::{Deed, Message};

pub const CSRF_HEADER: &str = "x-csrf-token";

/// Who is calling, put in the request's extensions by `gate`.
#[derive(Clone)]
pub struct Caller {
    pub name: String,
    pub role: Role,
    credential: Credential,
    /// The session's CSRF token; none for an API token.
    csrf_token: Option<String>,
}

/// How the caller signed in, by the stored hash of its secret.
#[derive(Clone)]
enum Credential {
    Session(String),
    Token(String),
}

impl Caller {
    /// 403 unless the caller's role may do `action`.
    pub fn require(&self, action: Action, deed: Deed) -> Result<(), ApiError> {
        if self.role.may(action) {
            Ok(())
        } else {
            Err(ApiError::new(StatusCode::FORBIDDEN, Message::RoleMayNot { role: self.role, deed }))
        }
    }

    /// What per-credential state (event streams) is kept under.
    pub fn credential_key(&self) -> &str {
        match &self.credential {
            Credential::Session(key) | Credential::Token(key) => key,
        }
    }

    /// Whether the session or token is still live, for the same account in the same role.
    pub async fn still_holds(&self, db: &StateDb) -> bool {
        let user = match &self.credential {
            Credential::Session(key) => sessions::find_by_key(db, key).await.map(|s| s.map(|s| s.user)),
            Credential::Token(key) => tokens::user_of_key(db, key).await,
        };
        matches!(user, Ok(Some(user)) if user.name == self.name && user.role == self.role)
    }
}

/// The middleware of every protected route: 401 without a live session or token, 403 for a
/// browser's state-changing request without its CSRF token.
pub async fn gate(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    mut request: Request,
    next: Next,
) -> Response {
    let headers = request.headers();
    let https = state.proxies.client(peer, headers).https;
    let caller = if let Some(token) = bearer(headers) {
        match tokens::user_of(&state.state_db, token).await {
            Ok(user) => user.map(|u| Caller {
                name: u.name,
                role: u.role,
                credential: Credential::Token(tokens::key(token)),
                csrf_token: None,
            }),
            Err(error) => return ApiError::from(error).into_response(),
        }
    } else if let Some(id) = session_cookie(headers, https) {
        match sessions::find(&state.state_db, id).await {
            Ok(session) => session.map(|s| Caller {
                name: s.user.name,
                role: s.user.role,
                credential: Credential::Session(sessions::key(id)),
                csrf_token: Some(s.csrf_token),
            }),
            Err(error) => return ApiError::from(error).into_response(),
        }
    } else {
        None
    };
    let Some(caller) = caller else {
        return ApiError::new(StatusCode::UNAUTHORIZED, Message::SignInFirst).into_response();
    };
    let changes_state = !matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if changes_state && let Some(expected) = &caller.csrf_token {
        let sent = request.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok()).unwrap_or("");
        if !same_secret(sent, expected) {
            return ApiError::new(StatusCode::FORBIDDEN, Message::MissingCsrfToken).into_response();
        }
    }
    request.extensions_mut().insert(caller);
    next.run(request).await
}

/// `GET /api/auth/status`: open to all; says how to create the first admin when no one exists.
pub async fn status(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Result<Json<AuthStatus>, ApiError> {
    let first_admin_command =
        if users::any_exist(&state.state_db).await? { None } else { Some(state.first_admin_command.clone()) };
    let https = state.proxies.client(peer, &headers).https;
    let me = match session_cookie(&headers, https) {
        Some(id) => sessions::find(&state.state_db, id).await?.map(|s| Me {
            name: s.user.name,
            role: s.user.role,
            csrf_token: s.csrf_token,
        }),
        None => None,
    };
    Ok(Json(AuthStatus { first_admin_command, me }))
}

/// Refused sign-ins of one name from one address within this many minutes are one audit entry.
const REFUSALS_WINDOW_MINUTES: i32 = 15;

/// `POST /api/auth/sign-in`: always a fresh session id (a cookie sent along is never adopted,
/// so a planted one gains nothing). Each name and address backs off after failures
/// (`throttle`); the password check runs on the bounded `verifier` pool.
pub async fn sign_in(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Json(form): Json<SignIn>,
) -> Result<Response, ApiError> {
    let db = &state.state_db;
    let client = state.proxies.client(peer, &headers);
    let address = client.address.to_string();
    // Over-long text is refused before anything is stored or hashed.
    for (field, text) in [(Field::UserName, &form.name), (Field::Password, &form.password)] {
        limits::check(field, text)?;
    }
    let refused = |action: AuditAction| Event::new(&form.name, action).address(&address);
    let attempt = match throttle::reserve(db, &form.name, &address).await? {
        Ok(attempt) => attempt,
        Err(seconds) => {
            audit::record_repeated(db, refused(AuditAction::SignInThrottled), REFUSALS_WINDOW_MINUTES).await?;
            let throttled = ApiError::new(StatusCode::TOO_MANY_REQUESTS, Message::SignInThrottled { seconds });
            return Ok(with_retry_after(throttled, seconds));
        }
    };
    let found = users::credentials(db, &form.name).await?;
    let stored = found.as_ref().map(|(_, hash)| hash.clone());
    let Ok(matches) = state.verifier.verify(form.password.clone(), stored).await else {
        attempt.release().await?;
        audit::record_repeated(db, refused(AuditAction::SignInBusy), REFUSALS_WINDOW_MINUTES).await?;
        let busy = ApiError::new(StatusCode::SERVICE_UNAVAILABLE, Message::TooManySignIns);
        return Ok(with_retry_after(busy, 1));
    };
    let Some((user, _)) = found.filter(|_| matches) else {
        attempt.failed().await?;
        audit::record_repeated(db, refused(AuditAction::SignInFailed), REFUSALS_WINDOW_MINUTES).await?;
        return Err(ApiError::new(StatusCode::UNAUTHORIZED, Message::WrongNameOrPassword));
    };
    attempt.succeeded().await?;
    throttle::forget_old(db).await?;
    if let Some(old) = session_cookie(&headers, client.https) {
        sessions::end(db, old).await?;
        state.streams.close_all(&sessions::key(old));
    }
    let minutes = state.auth.session_minutes;
    let (id, csrf_token) = sessions::start(db, &user.name, minutes).await?;
    audit::record(db, Event::new(&user.name, AuditAction::SignIn).address(&address)).await?;
    let cookie = sessions::cookie(&id, minutes, client.https);
    let me = Me { name: user.name, role: user.role, csrf_token };
    Ok(([(header::SET_COOKIE, cookie)], Json(me)).into_response())
}

fn with_retry_after(error: ApiError, seconds: u64) -> Response {
    let mut response = error.into_response();
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    response
}

/// `POST /api/auth/sign-out`: ends the session and its event streams.
pub async fn sign_out(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let client = state.proxies.client(peer, &headers);
    if let Some(id) = session_cookie(&headers, client.https) {
        sessions::end(&state.state_db, id).await?;
    }
    state.streams.close_all(caller.credential_key());
    let address = client.address.to_string();
    audit::record(&state.state_db, Event::new(&caller.name, AuditAction::SignOut).address(&address)).await?;
    let cookie = sessions::removal_cookie(client.https);
    Ok(([(header::SET_COOKIE, cookie)], StatusCode::NO_CONTENT).into_response())
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::AUTHORIZATION)?.to_str().ok()?.strip_prefix("Bearer ").map(str::trim)
}

/// The session id from the cookie of this scheme: over HTTPS only the `__Host-` one, which no
/// neighbouring origin can have planted.
fn session_cookie(headers: &HeaderMap, https: bool) -> Option<&str> {
    let name = sessions::cookie_name(https);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .find_map(|pair| pair.trim().strip_prefix(name)?.strip_prefix('='))
        .filter(|id| !id.is_empty())
}
