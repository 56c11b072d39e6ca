//! The frontend built into the binary by `build.rs` (empty when `dist/` was missing at build
//! time): client-side routes fall back to `index.html`. Where the build made a gzip copy
//! (`scripts/optimise-bundle`), a client that accepts gzip gets it as it is;
//! `frontend_files::cache_control` says how long each may be kept.

use axum::http::{HeaderMap, HeaderValue, Uri, header};
use axum::response::{IntoResponse, Response};

include!(concat!(env!("OUT_DIR"), "/frontend_assets.rs"));

/// The embedded `index.html`, if the frontend was built in.
pub fn index_html() -> Option<&'static str> {
    asset("index.html").and_then(|bytes| std::str::from_utf8(bytes).ok())
}

fn asset(name: &str) -> Option<&'static [u8]> {
    ASSETS.iter().find(|(path, _)| *path == name).map(|(_, bytes)| *bytes)
}

pub async fn serve(uri: Uri, headers: HeaderMap) -> Response {
    let requested = uri.path().trim_start_matches('/');
    let name = if asset(requested).is_some() { requested } else { "index.html" };
    let kind = mime_guess::from_path(name).first_or_octet_stream();
    let content_type =
        HeaderValue::from_str(kind.as_ref()).unwrap_or(HeaderValue::from_static("application/octet-stream"));
    let accepts_gzip = headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .any(|value| value.split(',').any(|coding| coding.trim().starts_with("gzip")));
    let vary = (header::VARY, HeaderValue::from_static("accept-encoding"));
    match asset(&format!("{name}.gz")) {
        Some(gzipped) if accepts_gzip => {
            let encoding = (header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            ([(header::CONTENT_TYPE, content_type), encoding, vary], gzipped).into_response()
        }
        _ => ([(header::CONTENT_TYPE, content_type), vary], asset(name).unwrap_or_default()).into_response(),
    }
}
