//! The language of each request: the studio sends its language preference as
//! `Accept-Language` on every API call. The server's own messages (`strata_shared::words`) are
//! worded in it where the answer is made (`ApiError`); the use cases never see it.

use axum::extract::Request;
use axum::http::header::ACCEPT_LANGUAGE;
use axum::middleware::Next;
use axum::response::Response;
use strata_shared::words::Lang;

tokio::task_local! {
    static LANG: Lang;
}

/// The middleware around everything the server answers. A task-local, as the request id:
/// an error is worded when it becomes a response, where no request is at hand.
pub async fn choose(request: Request, next: Next) -> Response {
    let lang = request
        .headers()
        .get(ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok())
        .map_or(Lang::En, Lang::from_accept_language);
    LANG.scope(lang, next.run(request)).await
}

/// The language of the request being handled (English outside a request).
pub fn current() -> Lang {
    LANG.try_with(|lang| *lang).unwrap_or_default()
}
