//! Health endpoints after a run has committed: a GET each, its status, time and a body excerpt.

use super::checks::{HttpCheck, parse_timeout};
use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use std::time::Instant;
use strata_shared::runbook::{CheckKind, CheckPhase, CheckResult, excerpt};

/// Every check in order; an endpoint that does not answer in time is a failed check.
pub async fn run(checks: &[HttpCheck]) -> Vec<CheckResult> {
    let client = Client::builder(TokioExecutor::new()).build_http::<Empty<Bytes>>();
    let mut results = Vec::with_capacity(checks.len());
    for check in checks {
        let started = Instant::now();
        // `Checks::validate` read every timeout when strata.toml was loaded.
        let timeout = parse_timeout(&check.timeout).unwrap_or(std::time::Duration::from_secs(5));
        let answer = tokio::time::timeout(timeout, get(&client, &check.url)).await;
        let (passed, status, returned) = match answer {
            Ok(Ok((status, body))) => {
                let text = String::from_utf8_lossy(&body);
                (status == check.expect_status, Some(status), format!("HTTP {status} {}", text.trim()))
            }
            Ok(Err(error)) => (false, None, format!("no answer: {error}")),
            Err(_) => (false, None, format!("no answer within {}", check.timeout)),
        };
        results.push(CheckResult {
            name: check.name.clone(),
            kind: CheckKind::Http,
            phase: CheckPhase::AfterCommit,
            passed,
            returned: excerpt(&returned),
            status,
            duration_ms: started.elapsed().as_millis() as u64,
        });
    }
    results
}

type HttpClient = Client<hyper_util::client::legacy::connect::HttpConnector, Empty<Bytes>>;

async fn get(client: &HttpClient, url: &str) -> Result<(u16, Bytes), String> {
    let uri: hyper::Uri = url.parse().map_err(|e| format!("bad url: {e}"))?;
    let response = client.get(uri).await.map_err(|e| error_chain(&e))?;
    let status = response.status().as_u16();
    // Enough for an excerpt; a health endpoint that streams forever is cut off.
    let limited = http_body_util::Limited::new(response.into_body(), 64 * 1024);
    let body = limited.collect().await.map_err(|e| e.to_string())?.to_bytes();
    Ok((status, body))
}

/// The legacy client's own message is only "client error (Connect)"; the cause says why.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
