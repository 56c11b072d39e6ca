//! Calls to the server's JSON API. State-changing calls carry the session's CSRF token; an
//! answer of 401 (the session ended) brings the sign-in page back.

use crate::i18n::tr;
use gloo_net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use std::cell::RefCell;
use strata_shared::access::{AuthStatus, FirstAdmin, Me, SignIn};
use strata_shared::api::{
    ApiFailure, EnvironmentStatus, ErrorCode, PlanPreview, PlanRequest, ProjectAnalysis, ProjectSnapshot, ProjectSql,
    REQUEST_ID_HEADER, RevisionDetail, RunOutcome,
};
use strata_shared::api_paths as paths;
use strata_shared::approval::Proposal;
use strata_shared::audit::{AuditPage, AuditQuery};
use strata_shared::rehearsal::Rehearsal;
use strata_shared::review::{NewComment, ReviewSummary, RevisionReview, Verdict};
use strata_shared::schema::drift::Drift;

thread_local! {
    static CSRF_TOKEN: RefCell<String> = const { RefCell::new(String::new()) };
}

pub fn remember_csrf_token(token: &str) {
    CSRF_TOKEN.with(|t| *t.borrow_mut() = token.to_owned());
}

pub async fn auth_status() -> Result<AuthStatus, String> {
    get_json(paths::AUTH_STATUS).await
}

pub async fn sign_in(form: &SignIn) -> Result<Me, String> {
    post_json(paths::SIGN_IN, form).await
}

pub async fn first_admin(form: &FirstAdmin) -> Result<Me, String> {
    post_json(paths::FIRST_ADMIN, form).await
}

pub async fn sign_out() -> Result<(), String> {
    let response = post(paths::SIGN_OUT, &serde_json::json!({})).await?;
    if response.ok() { Ok(()) } else { Err(reason(response).await) }
}

pub async fn project() -> Result<ProjectSnapshot, String> {
    get_json(paths::PROJECT).await
}

/// Every revision with its SQL: only the views that replay the schema in the browser ask.
pub async fn project_sql() -> Result<ProjectSql, String> {
    get_json(paths::PROJECT_SQL).await
}

pub async fn analysis() -> Result<ProjectAnalysis, String> {
    get_json(paths::ANALYSIS).await
}

pub async fn revision(id: &str) -> Result<RevisionDetail, String> {
    get_json(&paths::revision(&segment(id)?)).await
}

pub async fn environments() -> Result<Vec<EnvironmentStatus>, String> {
    get_json(paths::ENVIRONMENTS).await
}

pub async fn reviews() -> Result<Vec<ReviewSummary>, String> {
    get_json(paths::REVIEWS).await
}

pub async fn review(revision: &str) -> Result<RevisionReview, String> {
    get_json(&paths::revision_review(&segment(revision)?)).await
}

pub async fn comment(revision: &str, comment: &NewComment) -> Result<RevisionReview, String> {
    post_json(&paths::revision_comments(&segment(revision)?), comment).await
}

pub async fn verdict(revision: &str, verdict: Verdict) -> Result<RevisionReview, String> {
    let url = paths::revision_verdict(&segment(revision)?);
    post_json(&url, &serde_json::json!({ "verdict": verdict })).await
}

pub async fn resolve(thread: i64, resolved: bool) -> Result<RevisionReview, String> {
    post_json(&paths::thread_resolve(thread), &serde_json::json!({ "resolved": resolved })).await
}

pub async fn proposals(environment: &str) -> Result<Vec<Proposal>, String> {
    get_json(&paths::environment_proposals(&segment(environment)?)).await
}

pub async fn propose(request: &PlanRequest) -> Result<Proposal, String> {
    post_json(paths::PROPOSALS, request).await
}

pub async fn approve(proposal: &str) -> Result<Proposal, String> {
    post_json(&paths::proposal_approvals(&segment(proposal)?), &serde_json::json!({})).await
}

pub async fn rehearsals(environment: &str) -> Result<Vec<Rehearsal>, String> {
    get_json(&paths::environment_rehearsals(&segment(environment)?)).await
}

pub async fn drift(environment: &str) -> Result<Drift, String> {
    get_json(&paths::environment_drift(&segment(environment)?)).await
}

pub async fn rehearse(request: &PlanRequest) -> Result<Rehearsal, String> {
    post_json(paths::REHEARSALS, request).await
}

pub async fn audit(query: &AuditQuery) -> Result<AuditPage, String> {
    get_json(&audit_url(query, None)).await
}

/// `/api/audit` with the page and filters of `query` (and an export `format`), each value
/// percent-encoded.
pub fn audit_url(query: &AuditQuery, format: Option<&str>) -> String {
    let numbers = [("limit", query.limit), ("before", query.before)];
    let texts = [("actor", &query.actor), ("action", &query.action), ("environment", &query.environment)];
    let pairs: Vec<String> = numbers
        .into_iter()
        .filter_map(|(key, value)| Some(format!("{key}={}", value?)))
        .chain(
            texts
                .into_iter()
                .filter_map(|(key, value)| Some(format!("{key}={}", js_sys::encode_uri_component(value.as_deref()?)))),
        )
        .chain(format.map(|f| format!("format={f}")))
        .collect();
    if pairs.is_empty() { paths::AUDIT.to_owned() } else { format!("{}?{}", paths::AUDIT, pairs.join("&")) }
}

pub async fn plan(request: &PlanRequest) -> Result<PlanPreview, String> {
    post_json(paths::PLANS, request).await
}

pub async fn run(request: &PlanRequest) -> Result<RunOutcome, String> {
    post_json(paths::RUNS, request).await
}

/// A value as one URL path segment: every character that could end the segment, start a query
/// or escape (`/ ? # % =` …) is percent-encoded, so a crafted revision id or name cannot turn a
/// request into another one. A segment of only dots would still be read as `.`/`..` by the
/// browser (even encoded), so it is refused.
fn segment(value: &str) -> Result<String, String> {
    if value.is_empty() || value.chars().all(|c| c == '.') {
        return Err(tr("`{value}` cannot be used in a URL").replace("{value}", value));
    }
    Ok(String::from(js_sys::encode_uri_component(value)))
}

/// Every call says the page's language, so the server's own messages come in it.
fn in_page_language(request: RequestBuilder) -> RequestBuilder {
    request.header("Accept-Language", crate::i18n::current().code())
}

async fn get_json<T: DeserializeOwned>(url: &str) -> Result<T, String> {
    let response = in_page_language(Request::get(url)).send().await.map_err(unreachable)?;
    signed_out_if_401(&response);
    if !response.ok() {
        return Err(reason(response).await);
    }
    response.json().await.map_err(|e| unexpected(url, e))
}

fn unreachable(error: gloo_net::Error) -> String {
    format!("{} {error}", tr("The server cannot be reached:"))
}

fn unexpected(url: &str, error: gloo_net::Error) -> String {
    format!("{} {error}", tr("{url} sent something unexpected:").replace("{url}", url))
}

async fn post(url: &str, body: &impl serde::Serialize) -> Result<Response, String> {
    let csrf = CSRF_TOKEN.with(|t| t.borrow().clone());
    let request =
        in_page_language(Request::post(url)).header("X-CSRF-Token", &csrf).json(body).map_err(|e| e.to_string())?;
    request.send().await.map_err(unreachable)
}

async fn post_json<T: DeserializeOwned>(url: &str, body: &impl serde::Serialize) -> Result<T, String> {
    let response = post(url, body).await?;
    // A refused sign-in answers 401 too: that is the form's message, not a session ending.
    if ![paths::SIGN_IN, paths::FIRST_ADMIN].contains(&url) {
        signed_out_if_401(&response);
    }
    if !response.ok() {
        return Err(reason(response).await);
    }
    response.json().await.map_err(|e| unexpected(url, e))
}

/// Why a request failed, as the page shows it.
async fn reason(response: Response) -> String {
    shown(&failure(response).await)
}

/// The API's typed failure; a body that is not one (a proxy's page) keeps its status and text.
async fn failure(response: Response) -> ApiFailure {
    let status = response.status();
    let header_id = response.headers().get(REQUEST_ID_HEADER);
    let text = response.text().await.unwrap_or_default();
    serde_json::from_str(&text).unwrap_or_else(|_| ApiFailure {
        code: ErrorCode::from_status(status),
        error: format!(
            "{} {}",
            tr("The server answered {status}:").replace("{status}", &status.to_string()),
            text.trim()
        ),
        request_id: header_id,
    })
}

/// A server failure says only that, with the request id to find its cause in the log.
fn shown(failure: &ApiFailure) -> String {
    match (failure.code, &failure.request_id) {
        (ErrorCode::Internal, Some(id)) => {
            tr("The server failed (request {id}); its log has the cause.").replace("{id}", id)
        }
        _ => failure.error.clone(),
    }
}

/// A session that ended (expired, signed out elsewhere) shows the sign-in page again.
fn signed_out_if_401(response: &Response) {
    if response.status() == 401 {
        let _ = web_sys::window().map(|w| w.location().reload());
    }
}
