//! Errors: every response carries a request id; a server failure (here: the state database's
//! tables went away) answers 500 with a short typed message and that id, and only the log has
//! the cause, under the same id.

use crate::support;

use sqlx::{Connection, PgConnection};
use strata_server::sandbox;
use strata_shared::api::{ApiFailure, ErrorCode};
use support::Studio;

async fn on_state_db(state: &std::path::Path, sql: &str) {
    let options = sandbox::running_state_options(state).await.unwrap().unwrap();
    let mut conn = PgConnection::connect_with(&options).await.unwrap();
    sqlx::raw_sql(sql).execute(&mut conn).await.unwrap();
    conn.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_failure_answers_a_request_id_and_logs_the_cause_under_it() {
    let state = support::state_dir();
    let studio = Studio::start(&support::sample_migrations(), state.path());
    let auth = format!("Bearer {}", studio.token);

    let fine = support::http(&studio.url, "GET", "/api/auth/status", &[], None);
    assert_eq!(fine.status, 200);
    let page = support::http(&studio.url, "GET", "/", &[], None);
    let missing = support::http(&studio.url, "GET", "/api/no-such-thing", &[("Authorization", &auth)], None);
    for response in [&fine, &page, &missing] {
        let id = response.header("x-request-id").unwrap_or_default();
        assert_eq!(id.len(), 16, "every response has a request id: {}", response.head);
    }
    let not_found: ApiFailure = serde_json::from_str(&missing.body).unwrap();
    assert_eq!(not_found.code, ErrorCode::NotFound);
    assert_eq!(not_found.request_id.as_deref(), missing.header("x-request-id"));

    on_state_db(state.path(), "ALTER SCHEMA strata RENAME TO strata_gone").await;
    let failed = support::http(&studio.url, "GET", "/api/project", &[("Authorization", &auth)], None);
    assert_eq!(failed.status, 500, "{}", failed.body);
    let failure: ApiFailure = serde_json::from_str(&failed.body).expect("a typed failure");
    assert_eq!(failure.code, ErrorCode::Internal);
    let id = failed.header("x-request-id").unwrap().to_owned();
    assert_eq!(failure.request_id.as_deref(), Some(id.as_str()));
    assert!(
        !failed.body.contains("does not exist") && !failed.body.contains("strata."),
        "no internals: {}",
        failed.body
    );

    let log = studio.log();
    let line = log.lines().find(|line| line.contains(&id)).expect("the log names the request id");
    assert!(line.contains("ERROR") && line.contains("does not exist"), "the cause is in the log: {line}");
    on_state_db(state.path(), "ALTER SCHEMA strata_gone RENAME TO strata").await;
}
