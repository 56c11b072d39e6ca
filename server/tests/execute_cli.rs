//! The command line against a real database: a run is shown, then confirmed; progress is
//! printed; `current`, `history --indicate-current`, `stamp --purge` and `check`.

use crate::support;

use sqlx::{Connection, PgConnection};
use strata_server::sandbox::Sandbox;
use support::{strata_at, text};

async fn rows(url: &str) -> Vec<String> {
    let mut conn = PgConnection::connect(url).await.unwrap();
    sqlx::query_scalar("SELECT version_num FROM alembic_version ORDER BY 1")
        .fetch_all(&mut conn)
        .await
        .unwrap_or_default()
}

#[tokio::test]
async fn runs_are_shown_then_confirmed_and_report_their_progress() {
    let state = support::state_dir();
    let sandbox = Sandbox::start(state.path()).await.unwrap();
    let mut admin = PgConnection::connect_with(&sandbox.connect_options()).await.unwrap();
    sqlx::raw_sql("CREATE DATABASE cli").execute(&mut admin).await.unwrap();
    let url = format!("postgresql://postgres:{}@127.0.0.1:{}/cli", sandbox.password(), sandbox.port());
    let folder = support::workspace_root().join("server/tests/fixtures/failing");

    let unconfirmed = strata_at(&folder, &url, &["upgrade", "a1"]);
    assert_eq!(unconfirmed.status.code(), Some(1));
    let shown = text(&unconfirmed.stdout);
    assert!(shown.contains("Plan for `default`, 1 step(s), one transaction for the whole plan:"), "{shown}");
    assert!(shown.contains("1. upgrade a1 create warehouses"), "{shown}");
    assert!(text(&unconfirmed.stderr).contains("not confirmed: add --yes"), "{}", text(&unconfirmed.stderr));
    assert!(rows(&url).await.is_empty(), "nothing ran");

    let stale = strata_at(&folder, &url, &["upgrade", "a1", "--fingerprint", "abc"]);
    assert_eq!(stale.status.code(), Some(1));
    assert!(text(&stale.stderr).contains("changed since this plan was shown"), "{}", text(&stale.stderr));

    let fingerprint = shown.lines().find_map(|l| l.strip_prefix("Fingerprint: ")).unwrap().trim().to_owned();
    let confirmed = strata_at(&folder, &url, &["upgrade", "a1", "--fingerprint", &fingerprint]);
    assert!(confirmed.status.success(), "{}", text(&confirmed.stderr));
    let progress = text(&confirmed.stderr);
    assert!(progress.contains("1/1 upgrade a1 ... ok ("), "{progress}");
    assert!(progress.contains("run succeeded"), "{progress}");
    assert_eq!(rows(&url).await, ["a1"]);

    assert_eq!(text(&strata_at(&folder, &url, &["current"]).stdout).trim(), "a1");
    let history = text(&strata_at(&folder, &url, &["history", "--indicate-current"]).stdout);
    assert!(history.contains("<base> -> a1 (current), create warehouses"), "{history}");
    let check = strata_at(&folder, &url, &["check"]);
    assert_eq!(check.status.code(), Some(1));
    assert!(text(&check.stdout).contains("2 revision(s) pending on `default`: b2, c3"), "{}", text(&check.stdout));

    let failed = strata_at(&folder, &url, &["upgrade", "head", "--yes"]);
    assert_eq!(failed.status.code(), Some(1));
    let reason = text(&failed.stderr);
    assert!(
        reason.contains("step 1 failed at versions/b2_seed_warehouses.sql:9: invalid input syntax for type integer"),
        "{reason}"
    );
    assert_eq!(rows(&url).await, ["a1"], "the failed plan changed nothing");

    let stamped = strata_at(&folder, &url, &["stamp", "c3", "--purge", "--yes"]);
    assert!(stamped.status.success(), "{}", text(&stamped.stderr));
    assert_eq!(rows(&url).await, ["c3"]);
    let kinds: Vec<String> =
        sqlx::query_scalar("SELECT kind FROM strata_history WHERE outcome = 'applied' ORDER BY id")
            .fetch_all(&mut PgConnection::connect(&url).await.unwrap())
            .await
            .unwrap();
    assert_eq!(kinds, ["migration", "stamp"], "a stamp is recorded as a stamp");
    sandbox.stop().await.unwrap();
}

#[test]
fn a_studio_killed_during_a_run_restarts_with_a_consistent_database_and_an_interrupted_run() {
    let state = support::state_dir();
    let folder = support::workspace_root().join("server/tests/fixtures/slow");
    let studio = support::Studio::start(&folder, state.path());
    let request = serde_json::json!({ "environment": "sandbox", "operation": "upgrade", "target": "head" });
    let (_, preview) = studio.post("/api/plans", &request);
    let preview: serde_json::Value = serde_json::from_str(&preview).unwrap();
    let mut run = request.clone();
    run["fingerprint"] = preview["fingerprint"].clone();
    let (url, auth) = (studio.url.clone(), format!("Bearer {}", studio.token));
    std::thread::spawn(move || support::http(&url, "POST", "/api/runs", &[("Authorization", &auth)], Some(&run)));
    // The slow step sleeps for seconds: kill the studio while it runs.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let (_, runs) = studio.get("/api/environments/sandbox/runs");
        if runs.contains("\"status\":\"running\"") {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the run did not start");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    studio.stop_with(libc::SIGKILL);

    let restarted = support::Studio::start(&folder, state.path());
    let (_, environments) = restarted.get("/api/environments");
    let environments: serde_json::Value = serde_json::from_str(&environments).unwrap();
    assert_eq!(environments[0]["current"], serde_json::json!([]), "nothing of the interrupted plan is applied");
    let (_, runs) = restarted.get("/api/environments/sandbox/runs");
    let runs: serde_json::Value = serde_json::from_str(&runs).unwrap();
    assert_eq!(runs[0]["status"], "interrupted");
}

/// A folder of `.sql` and Alembic `.py` revisions runs through the rendered SQL; a step whose
/// SQL cannot be known stops the run before anything changes; a failure in rendered SQL points
/// at the script's line.
#[tokio::test]
async fn alembic_scripts_run_from_their_rendered_sql_and_unknown_steps_are_refused_first() {
    let state = support::state_dir();
    let sandbox = Sandbox::start(state.path()).await.unwrap();
    let mut admin = PgConnection::connect_with(&sandbox.connect_options()).await.unwrap();
    for database in ["mixed", "failing"] {
        sqlx::raw_sql(&format!("CREATE DATABASE {database}")).execute(&mut admin).await.unwrap();
    }
    let url = |db: &str| format!("postgresql://postgres:{}@127.0.0.1:{}/{db}", sandbox.password(), sandbox.port());
    let fixtures = support::workspace_root().join("server/tests/fixtures");
    let mixed = fixtures.join("alembic_mixed");

    let refused = strata_at(&mixed, &url("mixed"), &["upgrade", "head", "--yes"]);
    assert_eq!(refused.status.code(), Some(1));
    let why = text(&refused.stderr);
    assert!(
        why.contains("versions/c3_backfill_roles.py:20: the upgrade of revision c3 has SQL Strata cannot know")
            && why.contains("`alembic upgrade c3`"),
        "{why}"
    );
    assert!(rows(&url("mixed")).await.is_empty(), "refused before the first step ran");

    let ran = strata_at(&mixed, &url("mixed"), &["upgrade", "b2", "--yes"]);
    assert!(ran.status.success(), "{}", text(&ran.stderr));
    assert_eq!(rows(&url("mixed")).await, ["b2"]);
    let mut conn = PgConnection::connect(&url("mixed")).await.unwrap();
    let role_fk: Option<String> = sqlx::query_scalar(
        "SELECT conname::text FROM pg_constraint WHERE conrelid = 'account'::regclass AND contype = 'f'",
    )
    .fetch_optional(&mut conn)
    .await
    .unwrap();
    assert_eq!(role_fk.as_deref(), Some("account_role_id_fkey"), "the Python revision's foreign key exists");

    let failed = strata_at(&fixtures.join("alembic_failing"), &url("failing"), &["upgrade", "head", "--yes"]);
    assert_eq!(failed.status.code(), Some(1));
    let failure = text(&failed.stderr);
    assert!(failure.contains("relation \"order_archive\" does not exist"), "{failure}");
    assert!(failure.contains("versions/a1_create_orders.py:19"), "the script's line of op.execute: {failure}");
    assert!(rows(&url("failing")).await.is_empty());
    sandbox.stop().await.unwrap();
}
