//! Every request's body is read here, whole, before any handler sees it: it must arrive within
//! `[server] body_timeout_seconds` and fit in the API's limit. A client trickling a byte now
//! and then would otherwise hold a connection slot (and a task) for as long as it liked, since
//! the header timeout stops counting once the head is in.

use super::error::ApiError;
use super::{API_BODY_LIMIT, AppState};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use std::sync::Arc;
use strata_shared::words::Message;

pub async fn read_whole(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let read = tokio::time::timeout(state.body_timeout, Limited::new(body, API_BODY_LIMIT).collect()).await;
    let bytes = match read {
        Ok(Ok(collected)) => collected.to_bytes(),
        Ok(Err(error)) if error.downcast_ref::<LengthLimitError>().is_some() => {
            return ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, Message::BodyTooLarge { limit: API_BODY_LIMIT })
                .into_response();
        }
        // The client broke off or sent a malformed chunk: nobody is left to answer.
        Ok(Err(error)) => {
            tracing::debug!(%error, "request body unreadable");
            return closing(StatusCode::BAD_REQUEST.into_response());
        }
        Err(_) => {
            let seconds = state.body_timeout.as_secs();
            return closing(
                ApiError::new(StatusCode::REQUEST_TIMEOUT, Message::BodyTooSlow { seconds }).into_response(),
            );
        }
    };
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

/// The rest of the body may still be on its way: the connection ends with this answer.
fn closing(mut response: Response) -> Response {
    response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}
