//! How the API reports a failure: a status and `strata_shared::api::ApiFailure` (a code, a
//! message, the request's id). An unexpected failure answers 500 with a short message; its
//! chain of causes goes to the log only, under the request's id.

use super::request_id;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use strata_shared::api::{ApiFailure, ErrorCode};

pub struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self { status, message: message.into() }
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }
}

/// Unexpected failures (the migrations folder vanished, the state database went away, a task
/// panicked) are the server's fault: the log gets the whole chain, the caller a short message.
impl From<anyhow::Error> for ApiError {
    fn from(error: anyhow::Error) -> Self {
        let id = request_id::current().unwrap_or_default();
        tracing::error!(request_id = %id, "{error:#}");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "the server failed; its log has the cause under this request id")
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let failure = ApiFailure {
            code: ErrorCode::from_status(self.status.as_u16()),
            error: self.message,
            request_id: request_id::current(),
        };
        (self.status, Json(failure)).into_response()
    }
}
