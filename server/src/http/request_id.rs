//! Every request gets an id: in the `x-request-id` header of its response, in the JSON of an
//! error, and in the log line of a server failure, so a user's report finds the cause.

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use strata_shared::api::REQUEST_ID_HEADER;

tokio::task_local! {
    static REQUEST_ID: String;
}

/// The middleware around everything the server answers.
pub async fn assign(request: Request, next: Next) -> Response {
    let id = crate::identity::random_hex(8).unwrap_or_else(|_| "unknown".to_owned());
    let mut response = REQUEST_ID.scope(id.clone(), next.run(request)).await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    response
}

/// The id of the request being handled (none outside a request, e.g. on a spawned task).
pub fn current() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}
