//! Calls to the server's JSON API.

use gloo_net::http::Request;
use serde::de::DeserializeOwned;
use strata_shared::api::{EnvironmentStatus, PlanPreview, PlanRequest, ProjectSnapshot, RunOutcome};

pub async fn project() -> Result<ProjectSnapshot, String> {
    get_json("/api/project").await
}

pub async fn environments() -> Result<Vec<EnvironmentStatus>, String> {
    get_json("/api/environments").await
}

async fn get_json<T: DeserializeOwned>(url: &str) -> Result<T, String> {
    let response = Request::get(url).send().await.map_err(|e| format!("the server cannot be reached: {e}"))?;
    if !response.ok() {
        let body = response.text().await.unwrap_or_default();
        return Err(format!("{url} answered {}: {body}", response.status()));
    }
    response.json().await.map_err(|e| format!("{url} sent something unexpected: {e}"))
}

pub async fn plan(request: &PlanRequest) -> Result<PlanPreview, String> {
    post_json("/api/plans", request).await
}

pub async fn run(request: &PlanRequest) -> Result<RunOutcome, String> {
    post_json("/api/runs", request).await
}

async fn post_json<T: DeserializeOwned>(url: &str, body: &impl serde::Serialize) -> Result<T, String> {
    let request = Request::post(url).json(body).map_err(|e| e.to_string())?;
    let response = request.send().await.map_err(|e| format!("the server cannot be reached: {e}"))?;
    if !response.ok() {
        // The API says why in `{"error": …}`.
        let body: serde_json::Value = response.json().await.unwrap_or_default();
        let reason = body["error"].as_str().map(str::to_owned).unwrap_or_else(|| body.to_string());
        return Err(reason);
    }
    response.json().await.map_err(|e| format!("{url} sent something unexpected: {e}"))
}
