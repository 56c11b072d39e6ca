//! The frontend built into the binary by `build.rs` (empty when `dist/` was missing at build
//! time): client-side routes fall back to `index.html`. Where the build made compressed
//! copies (`scripts/optimise-bundle`), a client gets the smallest it accepts as it is;
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
    let vary = (header::VARY, HeaderValue::from_static("accept-encoding"));
    let compressed = COPIES.iter().find_map(|(coding, suffix)| {
        let bytes = asset(&format!("{name}{suffix}"))?;
        accepts(&headers, coding).then_some((*coding, bytes))
    });
    match compressed {
        Some((coding, bytes)) => {
            let encoding = (header::CONTENT_ENCODING, HeaderValue::from_static(coding));
            ([(header::CONTENT_TYPE, content_type), encoding, vary], bytes).into_response()
        }
        None => ([(header::CONTENT_TYPE, content_type), vary], asset(name).unwrap_or_default()).into_response(),
    }
}

/// The compressed copies the build makes (content coding, file suffix), smallest first.
const COPIES: [(&str, &str); 2] = [("br", ".br"), ("gzip", ".gz")];

/// Whether `Accept-Encoding` lists `coding` without refusing it (`;q=0`).
fn accepts(headers: &HeaderMap, coding: &str) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|item| {
            let mut parts = item.split(';');
            let name = parts.next().unwrap_or_default().trim();
            let refused = parts
                .any(|part| part.trim().strip_prefix("q=").and_then(|q| q.trim().parse::<f32>().ok()) == Some(0.0));
            name.eq_ignore_ascii_case(coding) && !refused
        })
}

#[cfg(test)]
mod tests {
    use super::accepts;
    use axum::http::{HeaderMap, HeaderValue, header};

    fn accepting(value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_static(value));
        headers
    }

    #[test]
    fn a_coding_is_accepted_when_listed_and_not_refused() {
        assert!(accepts(&accepting("gzip, deflate, br, zstd"), "br"));
        assert!(accepts(&accepting("gzip, deflate, br, zstd"), "gzip"));
        assert!(accepts(&accepting("br;q=0.5"), "br"));
        assert!(!accepts(&accepting("gzip, deflate"), "br"));
        assert!(!accepts(&accepting("gzip, br;q=0"), "br"));
        assert!(!accepts(&accepting("gzipped"), "gzip"));
        assert!(!accepts(&HeaderMap::new(), "gzip"));
    }
}
