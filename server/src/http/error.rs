//! How the API reports a failure: a status and `strata_shared::api::ApiFailure` (a code, a
//! message, the request's id). Strata's own messages are `Message`s, worded in the request's
//! language as the response is made; text from elsewhere (PostgreSQL, a file's parse error)
//! goes out as it was written. An unexpected failure answers 500 with a short message; its
//! chain of causes goes to the log only, under the request's id.

use super::{lang, request_id};
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use strata_shared::api::{ApiFailure, ErrorCode};
use strata_shared::limits::TooLong;
use strata_shared::words::{Cause, Lang, Message};

pub struct ApiError {
    status: StatusCode,
    message: Text,
}

enum Text {
    Ours(Message),
    /// Somebody else's words (PostgreSQL's, a parser's): never translated.
    Verbatim(String),
}

impl ApiError {
    pub fn new(status: StatusCode, message: Message) -> Self {
        Self { status, message: Text::Ours(message) }
    }

    /// Text that is not Strata's to translate.
    pub fn verbatim(status: StatusCode, message: impl Into<String>) -> Self {
        Self { status, message: Text::Verbatim(message.into()) }
    }

    /// The message in `lang`.
    pub fn words(&self, lang: Lang) -> String {
        match &self.message {
            Text::Ours(message) => message.words(lang),
            Text::Verbatim(text) => text.clone(),
        }
    }

    /// The message in the request's language.
    pub fn message(&self) -> String {
        self.words(lang::current())
    }

    pub fn not_found(message: Message) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }

    /// An error a use case returned: its own message when it is Strata's, else its text as
    /// written (PostgreSQL's, a program's).
    pub fn caused(status: StatusCode, error: &anyhow::Error) -> Self {
        match crate::cause::of(error) {
            Cause::Ours(message) => Self::new(status, *message),
            Cause::Theirs(text) => Self::verbatim(status, text),
        }
    }

    /// A database that could not be used: Strata's message when it has one, else
    /// "cannot be reached" with the driver's text.
    pub fn unavailable(error: &anyhow::Error) -> Self {
        match crate::cause::of(error) {
            Cause::Ours(message) => Self::new(StatusCode::SERVICE_UNAVAILABLE, *message),
            Cause::Theirs(cause) => Self::new(StatusCode::SERVICE_UNAVAILABLE, Message::DatabaseUnreachable { cause }),
        }
    }
}

/// Unexpected failures (the migrations folder vanished, the state database went away, a task
/// panicked) are the server's fault: the log gets the whole chain, the caller a short message.
impl From<anyhow::Error> for ApiError {
    fn from(error: anyhow::Error) -> Self {
        let id = request_id::current().unwrap_or_default();
        tracing::error!(request_id = %id, "{error:#}");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, Message::ServerFailed)
    }
}

impl From<TooLong> for ApiError {
    fn from(too_long: TooLong) -> Self {
        Self::new(StatusCode::BAD_REQUEST, Message::TooLong { field: too_long.field, limit: too_long.limit })
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let failure = ApiFailure {
            code: ErrorCode::from_status(self.status.as_u16()),
            error: self.message(),
            request_id: request_id::current(),
        };
        (self.status, Json(failure)).into_response()
    }
}
