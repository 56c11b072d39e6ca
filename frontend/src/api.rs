//! Calls to the server's JSON API.

use gloo_net::http::Request;
use serde::de::DeserializeOwned;
use strata_shared::api::{EnvironmentStatus, ProjectSnapshot};

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
