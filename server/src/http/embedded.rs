//! The frontend built into the binary by `build.rs` (empty when `dist/` was missing at build
//! time): client-side routes fall back to `index.html`; Trunk's hashed files are cached for
//! good, `index.html` is asked for again each time.

use axum::http::{HeaderValue, Uri, header};
use axum::response::{IntoResponse, Response};

include!(concat!(env!("OUT_DIR"), "/frontend_assets.rs"));

/// The embedded `index.html`, if the frontend was built in.
pub fn index_html() -> Option<&'static str> {
    asset("index.html").and_then(|bytes| std::str::from_utf8(bytes).ok())
}

fn asset(name: &str) -> Option<&'static [u8]> {
    ASSETS.iter().find(|(path, _)| *path == name).map(|(_, bytes)| *bytes)
}

pub async fn serve(uri: Uri) -> Response {
    let requested = uri.path().trim_start_matches('/');
    let (name, bytes) = match asset(requested) {
        Some(bytes) => (requested, bytes),
        None => ("index.html", asset("index.html").unwrap_or_default()),
    };
    let kind = mime_guess::from_path(name).first_or_octet_stream();
    let cache = if is_hashed(name) { "public, max-age=31536000, immutable" } else { "no-cache" };
    let content_type =
        HeaderValue::from_str(kind.as_ref()).unwrap_or(HeaderValue::from_static("application/octet-stream"));
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, HeaderValue::from_static(cache))], bytes)
        .into_response()
}

/// Trunk names what it builds `stem-<16 hex digits>[_bg].ext`: a new build, a new name.
fn is_hashed(name: &str) -> bool {
    let stem = name.rsplit('/').next().unwrap_or(name).split('.').next().unwrap_or("");
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-').is_some_and(|(_, hash)| hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::is_hashed;

    #[test]
    fn trunk_hashed_names_are_told_from_others() {
        assert!(is_hashed("strata-frontend-3c6a1f0d2e4b5a69_bg.wasm"));
        assert!(is_hashed("strata-frontend-3c6a1f0d2e4b5a69.js"));
        assert!(is_hashed("style-0123456789abcdef.css"));
        assert!(!is_hashed("index.html"));
        assert!(!is_hashed("favicon.ico"));
    }
}
