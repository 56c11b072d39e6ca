//! Headers on every response (API, frontend files, errors) that keep the studio's pages from
//! being framed, sniffed, leaking their address, or running script the studio did not ship.

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine;
use sha2::{Digest, Sha256};
use std::sync::Arc;

pub struct SecurityHeaders {
    policy: HeaderValue,
}

impl SecurityHeaders {
    /// The policy for the frontend in `dist`: Trunk's inline loader script is allowed by its
    /// hash, computed from the `index.html` served, so a rebuilt frontend needs no change here.
    pub fn for_index(index_html: &str) -> Arc<Self> {
        Arc::new(Self { policy: HeaderValue::from_str(&content_security_policy(index_html)).expect("ASCII policy") })
    }
}

/// Script from the studio's origin and the inline loader only; `'wasm-unsafe-eval'` lets it
/// compile the wasm module (not JavaScript `eval`). Workers from the origin only: the SQL
/// engine, whose scripts are served with this same policy, so it may compile its wasm too.
/// Inline styles stay allowed: the graph and the views set `style` attributes, and a style
/// cannot run code.
pub fn content_security_policy(index_html: &str) -> String {
    let hashes: String = inline_scripts(index_html)
        .map(|script| {
            let digest = Sha256::digest(script.as_bytes());
            format!(" 'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(digest))
        })
        .collect();
    // blob: is what the page itself makes: the schema diagram's SVG export, drawn on a canvas
    // for the PNG and read back.
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; style-src 'self' 'unsafe-inline'; \
         worker-src 'self'; img-src 'self' data: blob:; connect-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'"
    )
}

/// The text of every `<script>` without a `src`, exactly as the browser hashes it.
fn inline_scripts(html: &str) -> impl Iterator<Item = &str> {
    let mut rest = html;
    std::iter::from_fn(move || {
        loop {
            let start = rest.find("<script")?;
            let open_end = start + rest[start..].find('>')?;
            let open_tag = &rest[start..open_end];
            let body_start = open_end + 1;
            let body_end = body_start + rest[body_start..].find("</script>")?;
            let body = &rest[body_start..body_end];
            rest = &rest[body_end..];
            if !open_tag.contains("src=") {
                return Some(body);
            }
        }
    })
}

pub async fn add(State(headers): State<Arc<SecurityHeaders>>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let set = response.headers_mut();
    set.insert(header::CONTENT_SECURITY_POLICY, headers.policy.clone());
    set.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    set.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    // For browsers that predate `frame-ancestors`.
    set.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    set.insert(HeaderName::from_static("cross-origin-opener-policy"), HeaderValue::from_static("same-origin"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_are_allowed_by_hash_and_external_ones_by_origin() {
        let html = "<head><script src=\"/a.js\"></script>\n<script type=\"module\">\nimport init from '/x.js';\n</script></head>";
        let scripts: Vec<&str> = inline_scripts(html).collect();
        assert_eq!(scripts, ["\nimport init from '/x.js';\n"]);
        let policy = content_security_policy(html);
        // printf "\nimport init from '/x.js';\n" | openssl dgst -sha256 -binary | base64
        let expected = "rj6Ycg9yhc/aUqwo3hrIlxp86VVEQZR3LKMlG/J1o6s=";
        assert!(policy.contains(&format!("script-src 'self' 'wasm-unsafe-eval' 'sha256-{expected}';")), "{policy}");
        assert!(policy.contains("; worker-src 'self';"), "{policy}");
        assert!(policy.ends_with("frame-ancestors 'none'"));
        assert!(!content_security_policy("").contains("sha256"));
    }
}
