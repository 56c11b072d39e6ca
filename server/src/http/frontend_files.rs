//! The built frontend. Trunk names its wasm, JS and CSS after a hash of their content, so the
//! browser may keep them for good (`immutable`); `index.html`, which names them (and answers
//! every client-side route), is asked for again on each load, so a new build reaches the
//! browser at once. The brotli and gzip copies made at build time (`scripts/optimise-bundle`)
//! are sent as they are rather than compressed on every request.

use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use std::path::Path;
use tower_http::services::{ServeDir, ServeFile};

pub fn service(dist: &Path) -> ServeDir<ServeFile> {
    let index = ServeFile::new(dist.join("index.html")).precompressed_br().precompressed_gzip();
    ServeDir::new(dist).precompressed_br().precompressed_gzip().fallback(index)
}

/// `Cache-Control` for the frontend's files by their names.
pub async fn cache_control(request: Request, next: Next) -> Response {
    let hashed = is_hashed(request.uri().path());
    let mut response = next.run(request).await;
    if response.status().is_success() {
        let value = if hashed { "public, max-age=31536000, immutable" } else { "no-cache" };
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    }
    response
}

/// `strata-frontend-0123456789abcdef_bg.wasm`, `style-0123456789abcdef.css`: a file name Trunk
/// gave from the content's hash (or `scripts/optimise-bundle`, to the SQL engine worker's
/// `engine-0123456789abcdef_loader.js` and its files). Trunk prints the 64-bit hash in hex
/// without leading zeros, so it can be shorter than 16 digits; a client-side route has no
/// extension, so it never counts.
fn is_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    let Some((stem, _extension)) = name.split_once('.') else { return false };
    let stem = ["_bg", "_loader"].iter().find_map(|suffix| stem.strip_suffix(suffix)).unwrap_or(stem);
    stem.rsplit_once('-').is_some_and(|(_, hash)| hash.len() >= 12 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::is_hashed;

    #[test]
    fn only_trunks_hashed_names_are_kept_for_good() {
        assert!(is_hashed("/strata-frontend-6f0e1d2c3b4a5968_bg.wasm"));
        assert!(is_hashed("/strata-frontend-6f0e1d2c3b4a5968.js"));
        assert!(is_hashed("/style-0123456789abcdef.css"));
        assert!(is_hashed("/engine-0123456789abcdef_loader.js"));
        assert!(is_hashed("/engine-0123456789abcdef_bg.wasm"));
        // One time in sixteen Trunk's hash has a leading zero it does not print.
        assert!(is_hashed("/strata-frontend-faa57e74b939d5b_bg.wasm"));
        assert!(!is_hashed("/revisions/some-revision-0123456789ab"));
        assert!(!is_hashed("/engine_loader.js"));
        assert!(!is_hashed("/"));
        assert!(!is_hashed("/index.html"));
        assert!(!is_hashed("/revisions/1e6a8c0e2b4d"));
        assert!(!is_hashed("/revisions/some-revision-with-dashes"));
    }
}
