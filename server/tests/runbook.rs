//! The runbook as evidence, on a real PostgreSQL: backups before a run (restored and compared
//! with pg_dump), a backup that fails stopping the run, SQL checks (row-level security per
//! tenant) that roll a whole-plan run back, and HTTP health checks after it.

use crate::support;

use sqlx::{Connection, PgConnection};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use strata_server::config::{Config, EnvironmentConfig};
use strata_server::execute::{self, Environment, Request, RunError};
use strata_server::sandbox::Sandbox;
use strata_shared::api::RunEvent;
use strata_shared::graph::RevisionGraph;
use strata_shared::offline::TransactionMode;
use strata_shared::runbook::{BackupKind, BackupRecord, CheckPhase, CheckResult};

struct Database {
    name: String,
    url: String,
}

async fn database(sandbox: &Sandbox, name: &str) -> Database {
    let mut admin = PgConnection::connect_with(&sandbox.connect_options()).await.unwrap();
    sqlx::raw_sql(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.unwrap();
    // Roles are the cluster's: the tenants' application role exists once.
    sqlx::raw_sql(
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'app_user') THEN CREATE ROLE app_user; END IF; END $$",
    )
    .execute(&mut admin)
    .await
    .unwrap();
    admin.close().await.unwrap();
    let url = format!("postgresql://postgres:{}@127.0.0.1:{}/{name}", sandbox.password(), sandbox.port());
    Database { name: name.to_owned(), url }
}

impl Database {
    async fn scalar(&self, sql: &str) -> Option<String> {
        let mut conn = PgConnection::connect(&self.url).await.unwrap();
        let value: Option<Option<String>> = sqlx::query_scalar(sql).fetch_optional(&mut conn).await.unwrap();
        value.flatten()
    }

    async fn rows(&self) -> Vec<String> {
        let value = self.scalar("SELECT string_agg(version_num, ',' ORDER BY version_num) FROM alembic_version").await;
        value.map(|v| v.split(',').map(str::to_owned).collect()).unwrap_or_default()
    }

    /// The environment `toml` describes (the body of `[environments.test]`), on this database.
    fn config(&self, toml: &str) -> EnvironmentConfig {
        let text = format!("[environments.test]\nurl = \"{}\"\n{toml}", self.url);
        let mut config = Config::parse(Path::new("/nowhere/strata.toml"), &text).unwrap();
        config.environments.remove("test").unwrap()
    }

    /// pg_dump's plain text of the whole database (the line pg_dump 17.6+ makes random per
    /// dump, `\restrict KEY`, left out).
    fn dump(&self) -> String {
        let output = Command::new(pg_bin("pg_dump"))
            .args(["--no-password", &self.name])
            .envs(self.libpq_env())
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let text = String::from_utf8(output.stdout).unwrap();
        text.lines()
            .filter(|l| !l.starts_with("\\restrict") && !l.starts_with("\\unrestrict"))
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn libpq_env(&self) -> Vec<(&'static str, String)> {
        EnvironmentConfig::for_url(self.url.clone()).libpq_env("test").unwrap()
    }
}

fn pg_bin(program: &str) -> PathBuf {
    let newest = std::fs::read_dir("/usr/lib/postgresql")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .max()
        .unwrap();
    PathBuf::from(format!("/usr/lib/postgresql/{newest}/bin/{program}"))
}

fn tenants() -> RevisionGraph {
    let project = strata_server::migrations_dir::load(&support::workspace_root().join("examples/tenants")).unwrap();
    assert!(project.diagnostics.is_empty(), "{:?}", project.diagnostics);
    project.graph
}

/// Shows the plan, runs it with the shown fingerprint; what it reported.
async fn run(
    config: &EnvironmentConfig,
    mode: TransactionMode,
    graph: &RevisionGraph,
    target: &str,
) -> (Result<(), RunError>, Vec<RunEvent>) {
    let environment = Environment { name: "test", config, mode };
    let request = Request::Upgrade(target.to_owned());
    let mut conn = execute::connect(&environment).await.unwrap();
    let prepared = execute::prepare(&mut conn, &environment, graph, &request).await.unwrap();
    conn.close().await.unwrap();
    let mut events = Vec::new();
    let run_id = strata_server::identity::random_hex(8).unwrap();
    let by = execute::RunBy { run_id: &run_id, who: "tester" };
    let result = execute::run(&environment, graph, &request, &prepared.fingerprint, by, &mut |e| events.push(e)).await;
    (result, events)
}

fn backup_of(events: &[RunEvent]) -> BackupRecord {
    events
        .iter()
        .find_map(|e| match e {
            RunEvent::BackupTaken { backup } => Some(backup.clone()),
            _ => None,
        })
        .expect("a backup was reported")
}

fn checks_of(events: &[RunEvent]) -> Vec<CheckResult> {
    events
        .iter()
        .filter_map(|e| match e {
            RunEvent::CheckFinished { check } => Some(check.clone()),
            _ => None,
        })
        .collect()
}

/// Runs the restore command the run showed, against `target`.
fn restore(backup: &BackupRecord, target: &Database) {
    let output = Command::new("sh")
        .arg("-c")
        .arg(&backup.restore_command)
        .env("RESTORE_URL", &target.url)
        .env("PATH", format!("{}:{}", pg_bin("").display(), std::env::var("PATH").unwrap()))
        .output()
        .unwrap();
    assert!(output.status.success(), "{}: {}", backup.restore_command, String::from_utf8_lossy(&output.stderr));
}

#[tokio::test]
async fn a_backup_restored_into_a_fresh_database_equals_the_database_before_the_run() {
    let state = support::state_dir();
    let sandbox = Sandbox::start(state.path()).await.unwrap();
    let graph = tenants();
    let backups = tempfile::tempdir().unwrap();
    let db = database(&sandbox, "backed_up").await;
    run(&db.config(""), TransactionMode::WholePlan, &graph, "a1").await.0.unwrap();
    let before = db.dump();

    let dir = backups.path().display();
    let config = db.config(&format!("backup = \"full\"\nbackup_dir = \"{dir}\"\n"));
    let (result, events) = run(&config, TransactionMode::WholePlan, &graph, "b2").await;
    result.unwrap();
    let backup = backup_of(&events);
    assert_eq!(backup.kind, BackupKind::Full);
    let bytes = std::fs::read(&backup.location).unwrap();
    assert_eq!(backup.size_bytes, bytes.len() as u64);
    assert_eq!(backup.sha256, strata_shared::digest::sha256_hex(&bytes));
    assert!(
        events.iter().position(|e| matches!(e, RunEvent::BackupTaken { .. }))
            < events.iter().position(|e| matches!(e, RunEvent::StepStarted { .. }))
    );
    let journal = db.scalar("SELECT kind || ' ' || size_bytes || ' ' || sha256 FROM strata_backup").await;
    assert_eq!(journal, Some(format!("full {} {}", backup.size_bytes, backup.sha256)), "the journal records it");
    assert_ne!(db.dump(), before, "the run changed the database");

    let fresh = database(&sandbox, "restored").await;
    restore(&backup, &fresh);
    assert_eq!(fresh.dump(), before, "the restored copy is the database as the run found it");
    sandbox.stop().await.unwrap();
}

#[tokio::test]
async fn a_touched_backup_keeps_the_written_tables_data_and_the_whole_schema() {
    let state = support::state_dir();
    let sandbox = Sandbox::start(state.path()).await.unwrap();
    let graph = tenants();
    let backups = tempfile::tempdir().unwrap();
    let db = database(&sandbox, "touched").await;
    run(&db.config(""), TransactionMode::WholePlan, &graph, "a1").await.0.unwrap();
    let dir = backups.path().display();
    let config = db.config(&format!("backup = \"touched\"\nbackup_dir = \"{dir}\"\n"));
    let (result, events) = run(&config, TransactionMode::WholePlan, &graph, "b2").await;
    result.unwrap();
    let backup = backup_of(&events);
    assert_eq!(backup.tables, ["public.alembic_version", "public.orders"], "b2 alters and updates orders");

    let fresh = database(&sandbox, "touched_restored").await;
    restore(&backup, &fresh);
    assert_eq!(
        fresh.scalar("SELECT string_agg(total::text, ',' ORDER BY id) FROM orders").await.as_deref(),
        Some("10,20,30")
    );
    assert_eq!(fresh.rows().await, ["a1"]);
    assert_eq!(
        fresh.scalar("SELECT count(*)::text FROM ledger").await.as_deref(),
        Some("0"),
        "untouched: its definition only"
    );
    sandbox.stop().await.unwrap();
}

#[tokio::test]
async fn a_backup_that_fails_stops_the_run_before_anything_changes() {
    let state = support::state_dir();
    let sandbox = Sandbox::start(state.path()).await.unwrap();
    let graph = tenants();
    let db = database(&sandbox, "no_backup").await;
    // A folder inside a file cannot be made, even by root.
    let blocker = tempfile::NamedTempFile::new().unwrap();
    let unwritable = blocker.path().join("backups");
    let config = db.config(&format!("backup = \"schema\"\nbackup_dir = \"{}\"\n", unwritable.display()));
    let (result, events) = run(&config, TransactionMode::WholePlan, &graph, "b2").await;
    let Err(error @ RunError::Backup(_)) = result else { panic!("the run stops on the backup: {result:?}") };
    let message = error.to_string();
    assert!(message.contains("the backup failed, so nothing was run"), "{message}");
    assert!(message.contains(&unwritable.display().to_string()), "names the folder: {message}");
    assert!(!events.iter().any(|e| matches!(e, RunEvent::StepStarted { .. })), "no step started");
    assert!(db.rows().await.is_empty(), "no version change");
    assert_eq!(db.scalar("SELECT to_regclass('orders')::text").await, None, "nothing ran");
    assert_eq!(db.scalar("SELECT count(*)::text FROM strata_run").await.as_deref(), Some("0"));

    // A backup_command that fails stops it the same way, and says what the command said.
    let config = db.config("backup = \"full\"\nbackup_command = \"cat >/dev/null; echo bucket is gone >&2; exit 3\"\n");
    let (result, _) = run(&config, TransactionMode::WholePlan, &graph, "b2").await;
    let Err(error @ RunError::Backup(_)) = result else { panic!("the run stops on the backup command") };
    assert!(error.to_string().contains("bucket is gone"), "{error}");
    assert!(db.rows().await.is_empty());
    sandbox.stop().await.unwrap();
}

#[tokio::test]
async fn a_backup_command_receives_the_dump_and_its_name() {
    let state = support::state_dir();
    let sandbox = Sandbox::start(state.path()).await.unwrap();
    let graph = tenants();
    let db = database(&sandbox, "piped").await;
    let target = tempfile::tempdir().unwrap();
    let command = format!("cat > '{}'/\"$STRATA_BACKUP_NAME\"", target.path().display());
    let config = db.config(&format!("backup = \"schema\"\nbackup_command = {command:?}\n"));
    let (result, events) = run(&config, TransactionMode::WholePlan, &graph, "a1").await;
    result.unwrap();
    let backup = backup_of(&events);
    let stored = std::fs::read(target.path().join(&backup.location)).unwrap();
    assert_eq!(strata_shared::digest::sha256_hex(&stored), backup.sha256);
    assert!(backup.location.starts_with("strata-test-") && backup.location.ends_with("-schema.dump"));
    assert!(backup.restore_command.starts_with(&format!("<your copy of {}> | pg_restore", backup.location)));
    sandbox.stop().await.unwrap();
}

/// The checks of the example (`examples/tenants/strata.toml`), as `[[checks.sql]]` tables.
fn tenant_checks() -> String {
    let example = std::fs::read_to_string(support::workspace_root().join("examples/tenants/strata.toml")).unwrap();
    let checks = &example[example.find("[[environments.local.checks.sql]]").unwrap()..];
    checks.replace("[[environments.local.checks.", "[[checks.")
}

/// `[[checks.sql]]` → `[[environments.test.checks.sql]]`.
fn checks(toml: &str) -> String {
    toml.replace("[[checks.", "[[environments.test.checks.")
}

#[tokio::test]
async fn tenant_checks_pass_under_row_level_security_and_a_leak_rolls_the_run_back() {
    let state = support::state_dir();
    let sandbox = Sandbox::start(state.path()).await.unwrap();
    let graph = tenants();
    let db = database(&sandbox, "tenants").await;
    let config = db.config(&checks(&tenant_checks()));

    let (result, events) = run(&config, TransactionMode::WholePlan, &graph, "b2").await;
    result.unwrap();
    let results = checks_of(&events);
    assert_eq!(results.len(), 2);
    assert!(results.iter().all(|c| c.passed && c.phase == CheckPhase::BeforeCommit), "{results:?}");
    assert_eq!(db.rows().await, ["b2"]);
    // The checks' role ended with them: as app_user, the journal's writes after them would fail.
    let recorded = db.scalar("SELECT string_agg(name || ':' || passed, ',' ORDER BY id) FROM strata_check").await;
    assert_eq!(recorded.as_deref(), Some("tenant a sees its orders:true,tenant a cannot see tenant b:true"));

    // c3 opens every tenant's rows: the check sees tenant b's order and the run rolls back.
    let (result, events) = run(&config, TransactionMode::WholePlan, &graph, "c3").await;
    let Err(error @ RunError::ChecksFailed(_)) = result else { panic!("the leak fails the run: {result:?}") };
    let results = checks_of(&events);
    assert!(results[0].passed, "tenant a still sees its own orders");
    let leak = &results[1];
    assert!(!leak.passed && leak.name == "tenant a cannot see tenant b");
    assert_eq!(leak.returned, r#"{"id":3,"tenant":"b"}"#, "what it saw");
    assert!(error.to_string().contains("check `tenant a cannot see tenant b` failed"), "{error}");
    assert_eq!(db.rows().await, ["b2"], "alembic_version untouched");
    let policies = db.scalar("SELECT string_agg(policyname, ',') FROM pg_policies WHERE tablename = 'orders'").await;
    assert_eq!(policies.as_deref(), Some("tenant_isolation"), "the leaky policy is rolled back");
    let runs = db.scalar("SELECT string_agg(status, ',' ORDER BY started_at) FROM strata_run").await;
    assert_eq!(runs.as_deref(), Some("succeeded,failed"));
    let failed = db.scalar("SELECT returned FROM strata_check WHERE NOT passed").await;
    assert_eq!(failed.as_deref(), Some(r#"{"id":3,"tenant":"b"}"#), "the journal keeps what it returned");

    // Per revision, the steps have committed: the failure is reported, the run stays applied.
    let (result, events) = run(&config, TransactionMode::PerRevision, &graph, "c3").await;
    result.expect("per revision, a failed check cannot undo the committed steps");
    let leak = checks_of(&events).into_iter().find(|c| !c.passed).expect("reported");
    assert_eq!(leak.phase, CheckPhase::AfterCommit);
    assert_eq!(db.rows().await, ["c3"]);
    sandbox.stop().await.unwrap();
}

#[tokio::test]
async fn a_failing_sql_check_rolls_back_a_whole_plan_run() {
    let state = support::state_dir();
    let sandbox = Sandbox::start(state.path()).await.unwrap();
    let graph = tenants();
    let db = database(&sandbox, "bad_check").await;
    let toml = checks(
        "[[checks.sql]]\nname = \"orders kept\"\nquery = \"SELECT count(*) = 99 FROM orders;\"\nexpect = \"true\"\n\
         [[checks.sql]]\nname = \"broken query\"\nquery = \"SELECT nosuch FROM orders\"\nexpect = \"no rows\"\n",
    );
    let (result, events) = run(&db.config(&toml), TransactionMode::WholePlan, &graph, "b2").await;
    let Err(RunError::ChecksFailed(results)) = result else { panic!("the run fails on its checks: {result:?}") };
    assert_eq!(results[0].returned, r#"{"?column?":false}"#);
    assert!(results[1].returned.contains("column \"nosuch\" does not exist"), "{:?}", results[1]);
    assert_eq!(checks_of(&events), results, "the events carry the same results");
    assert!(db.rows().await.is_empty(), "versions unchanged");
    assert_eq!(db.scalar("SELECT to_regclass('orders')::text").await, None, "schema unchanged");
    assert_eq!(
        db.scalar("SELECT count(*)::text FROM strata_history WHERE outcome = 'applied'").await.as_deref(),
        Some("0")
    );
    sandbox.stop().await.unwrap();
}

/// A one-shot HTTP server on a free port answering every request with `status` and `body`.
fn health_endpoint(status: &'static str, body: &'static str) -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut request = [0u8; 1024];
            let _ = stream.read(&mut request);
            let answer =
                format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
            let _ = stream.write_all(answer.as_bytes());
        }
    });
    port
}

#[tokio::test]
async fn http_checks_after_the_commit_are_recorded_and_a_failure_leaves_the_run_applied() {
    let state = support::state_dir();
    let sandbox = Sandbox::start(state.path()).await.unwrap();
    let graph = tenants();
    let db = database(&sandbox, "health").await;
    let healthy = health_endpoint("200 OK", r#"{"status":"ok"}"#);
    let unready = health_endpoint("503 Service Unavailable", "warming up");
    let toml = checks(&format!(
        "[[checks.http]]\nname = \"health\"\nurl = \"http://127.0.0.1:{healthy}/health\"\n\
         [[checks.http]]\nname = \"ready\"\nurl = \"http://127.0.0.1:{unready}/ready\"\ntimeout = \"2s\"\n"
    ));
    let (result, events) = run(&db.config(&toml), TransactionMode::WholePlan, &graph, "a1").await;
    result.expect("an HTTP check cannot undo a committed run");
    let results = checks_of(&events);
    assert_eq!(results.len(), 2);
    assert!(results[0].passed && results[0].status == Some(200), "{:?}", results[0]);
    assert_eq!(results[0].returned, r#"HTTP 200 {"status":"ok"}"#);
    assert!(!results[1].passed && results[1].status == Some(503));
    assert_eq!(results[1].returned, "HTTP 503 warming up");
    assert!(results.iter().all(|c| c.phase == CheckPhase::AfterCommit));
    assert_eq!(db.rows().await, ["a1"]);
    let recorded = db
        .scalar("SELECT string_agg(name || ' ' || http_status || ' ' || passed, ',' ORDER BY id) FROM strata_check")
        .await;
    assert_eq!(recorded.as_deref(), Some("health 200 true,ready 503 false"));
    sandbox.stop().await.unwrap();
}

/// The CLI: the backup and the checks in its output, and a check failure in its exit code.
#[test]
fn the_cli_shows_the_backup_with_its_restore_command_and_the_checks() {
    let state = support::state_dir();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sandbox = runtime.block_on(Sandbox::start(state.path())).unwrap();
    let db = runtime.block_on(database(&sandbox, "cli"));
    let config = state.path().join("strata.toml");
    let text = format!(
        "[environments.staging]\nurl = \"{}\"\nbackup = \"full\"\n{}",
        db.url,
        tenant_checks().replace("[[checks.", "[[environments.staging.checks.")
    );
    std::fs::write(&config, text).unwrap();
    let strata = |target: &str, extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_strata"))
            .arg("--migrations")
            .arg(support::workspace_root().join("examples/tenants"))
            .arg("--config")
            .arg(&config)
            .arg("--state-dir")
            .arg(state.path())
            .args(extra)
            .args(["upgrade", target, "--env", "staging", "--yes"])
            .output()
            .unwrap()
    };
    let output = strata("b2", &["--json"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let events: Vec<serde_json::Value> = stderr.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
    let backup = events.iter().find(|e| e["event"] == "backup_taken").expect("a backup_taken event");
    assert_eq!(backup["backup"]["kind"], "full");
    let checks: Vec<_> = events.iter().filter(|e| e["event"] == "check_finished").collect();
    assert_eq!(checks.len(), 2, "{stderr}");
    assert!(checks.iter().all(|c| c["check"]["passed"] == true && c["check"]["phase"] == "before-commit"));

    let output = strata("c3", &[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let backups = state.path().join("backups");
    assert!(stderr.contains(&format!("backup (full): {}/strata-staging-", backups.display())), "{stderr}");
    assert!(stderr.contains("restore into an empty database: pg_restore --exit-on-error"), "{stderr}");
    assert!(stderr.contains("check `tenant a sees its orders` (before commit): passed"), "{stderr}");
    assert!(!stderr.contains(sandbox.password()), "the password is never printed");
    assert!(
        stderr.contains("check `tenant a cannot see tenant b` (before commit): FAILED; returned: {\"id\":3"),
        "{stderr}"
    );
    assert!(stderr.contains("the open transaction was rolled back"), "{stderr}");
    assert_eq!(runtime.block_on(db.rows()), ["b2"]);

    // A backup that cannot be written: a clear error, nothing run.
    let blocker = state.path().join("not-a-folder");
    std::fs::write(&blocker, "").unwrap();
    let text = std::fs::read_to_string(&config).unwrap();
    let text = text
        .replace("backup = \"full\"", &format!("backup = \"full\"\nbackup_dir = \"{}/backups\"", blocker.display()));
    std::fs::write(&config, text).unwrap();
    let output = strata("c3", &[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("the backup failed, so nothing was run: cannot create the backup folder"), "{stderr}");
    assert_eq!(runtime.block_on(db.rows()), ["b2"]);
    runtime.block_on(sandbox.stop()).unwrap();
}

/// The studio: the run's answer, its journal and the audit log carry the backup and checks.
#[test]
fn the_studio_answers_journals_and_audits_the_backup_and_the_checks() {
    let target_state = support::state_dir();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sandbox = runtime.block_on(Sandbox::start(target_state.path())).unwrap();
    let db = runtime.block_on(database(&sandbox, "studio"));
    let state = support::state_dir();
    let config = state.path().join("strata.toml");
    let text = format!(
        "[environments.staging]\nurl = \"{}\"\nbackup = \"touched\"\n{}",
        db.url,
        tenant_checks().replace("[[checks.", "[[environments.staging.checks.")
    );
    std::fs::write(&config, text).unwrap();
    let folder = support::workspace_root().join("examples/tenants");
    let studio = support::Studio::start_with(&folder, state.path(), &config, &[]);
    let json = |(status, body): (u16, String)| {
        assert_eq!(status, 200, "{body}");
        serde_json::from_str::<serde_json::Value>(&body).unwrap()
    };
    let run = |target: &str| {
        let request = serde_json::json!({ "environment": "staging", "operation": "upgrade", "target": target });
        let preview = json(studio.post("/api/plans", &request));
        let mut confirmed = request.clone();
        confirmed["fingerprint"] = preview["fingerprint"].clone();
        json(studio.post("/api/runs", &confirmed))
    };
    let applied = run("b2");
    assert_eq!(applied["status"], "succeeded", "{applied}");
    assert_eq!(applied["backup"]["kind"], "touched");
    assert!(
        applied["backup"]["location"]
            .as_str()
            .unwrap()
            .starts_with(&state.path().join("backups").display().to_string())
    );
    assert_eq!(applied["checks"].as_array().unwrap().len(), 2);

    let refused = run("c3");
    assert_eq!(refused["status"], "failed", "{refused}");
    assert_eq!(refused["checks"][1]["passed"], false);
    assert_eq!(refused["checks"][1]["returned"], r#"{"id":3,"tenant":"b"}"#);
    assert_eq!(runtime.block_on(db.rows()), ["b2"], "rolled back");

    let runs = json(studio.get("/api/environments/staging/runs"));
    assert_eq!(runs[0]["status"], "failed");
    assert_eq!(runs[0]["backup"], refused["backup"], "the journal keeps the backup");
    assert_eq!(runs[0]["checks"], refused["checks"], "and the checks");
    let (_, audit) = studio.get("/api/audit");
    assert!(audit.contains("backup touched"), "{audit}");
    assert!(audit.contains("`tenant a cannot see tenant b` failed"), "{audit}");
    drop(studio);
    runtime.block_on(sandbox.stop()).unwrap();
}

/// The studio's run view: the backup with its restore command, and each check with its result.
#[tokio::test]
async fn the_run_view_shows_the_backup_its_restore_command_and_each_check() {
    use fantoccini::Locator;
    let target_state = support::state_dir();
    let sandbox = Sandbox::start(target_state.path()).await.unwrap();
    let db = database(&sandbox, "browser").await;
    let state = support::state_dir();
    let config = state.path().join("strata.toml");
    let text = format!(
        "[environments.staging]\nurl = \"{}\"\nbackup = \"schema\"\n{}",
        db.url,
        tenant_checks().replace("[[checks.", "[[environments.staging.checks.")
    );
    std::fs::write(&config, text).unwrap();
    let studio =
        support::Studio::start_with(&support::workspace_root().join("examples/tenants"), state.path(), &config, &[]);
    let driver = support::chrome::ChromeDriver::start();
    let browser = driver.browser(&state.path().join("chromium")).await;
    support::chrome::sign_in(&browser, &studio.url, "admin").await;
    let element = |css: &'static str| {
        let browser = browser.clone();
        async move {
            let wait = browser.wait().at_most(std::time::Duration::from_secs(30));
            wait.for_element(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}"))
        }
    };

    // Base to c3 in one transaction: c3 opens tenant b's rows, so the run is rolled back.
    browser.goto(&format!("{}/run?env=staging&op=upgrade&target=c3", studio.url)).await.unwrap();
    element("[data-test=preview]").await.click().await.unwrap();
    element("[data-test=confirm-name]").await.send_keys("staging").await.unwrap();
    browser.find(Locator::Css("[data-test=run]")).await.unwrap().click().await.unwrap();
    let outcome = element("[data-test=outcome]").await;
    assert_eq!(outcome.attr("data-status").await.unwrap().as_deref(), Some("failed"));
    assert!(outcome.text().await.unwrap().contains("rolled back"));
    let restore = element("[data-test=restore-command]").await.text().await.unwrap();
    assert!(restore.starts_with("pg_restore --exit-on-error") && restore.contains("-schema.dump"), "{restore}");
    let mut states = Vec::new();
    for check in browser.find_all(Locator::Css("[data-test=check]")).await.unwrap() {
        states.push(check.attr("data-state").await.unwrap().unwrap_or_default());
    }
    assert_eq!(states, ["passed", "failed"]);
    let checks = element("[data-test=checks]").await.text().await.unwrap();
    assert!(checks.contains(r#"{"id":3,"tenant":"b"}"#), "what the failed check returned: {checks}");
    assert!(db.rows().await.is_empty(), "rolled back");
    let scroll = "document.querySelector('[data-test=backup]').scrollIntoView()";
    browser.execute(scroll, Vec::new()).await.unwrap();
    let dir = support::workspace_root().join("test-artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("run-checks-failed.png"), browser.screenshot().await.unwrap()).unwrap();
    browser.close().await.unwrap();
    drop(studio);
    sandbox.stop().await.unwrap();
}

/// The sample as a newcomer serves it (`scripts/studio`): its strata.toml gives the sandbox a
/// runbook whose checks prove row-level security per reseller. A copy of the sample whose
/// policy no longer binds the table's owner fails the cross-tenant check and is rolled back;
/// below the revision that made the table, the checks wait (`since`).
#[test]
fn the_samples_sandbox_checks_row_level_security_per_tenant() {
    let sample = support::sample_migrations();
    let (head, _) = support::sample_head();
    let serve = |migrations: &std::path::Path| {
        let state = support::state_dir();
        let studio = support::Studio::start_with(migrations, state.path(), &sample.join("strata.toml"), &[]);
        (state, studio)
    };
    let run = |studio: &support::Studio, operation: &str, target: &str| {
        let request = serde_json::json!({ "environment": "sandbox", "operation": operation, "target": target });
        let (status, preview) = studio.post("/api/plans", &request);
        assert_eq!(status, 200, "{preview}");
        let mut confirmed = request.clone();
        confirmed["fingerprint"] = serde_json::from_str::<serde_json::Value>(&preview).unwrap()["fingerprint"].clone();
        let (status, outcome) = studio.post("/api/runs", &confirmed);
        assert_eq!(status, 200, "{outcome}");
        serde_json::from_str::<serde_json::Value>(&outcome).unwrap()
    };
    let passed = |outcome: &serde_json::Value| -> Vec<(String, bool)> {
        let checks = outcome["checks"].as_array().unwrap();
        checks.iter().map(|c| (c["name"].as_str().unwrap().to_owned(), c["passed"] == true)).collect()
    };

    let (_state, studio) = serve(&sample);
    let applied = run(&studio, "upgrade", "heads");
    assert_eq!(applied["status"], "succeeded", "{applied}");
    assert_eq!(applied["backup"]["kind"], "schema");
    assert_eq!(
        passed(&applied),
        [
            ("reseller north sees its prices".to_owned(), true),
            ("reseller north cannot see another reseller's prices".to_owned(), true),
            ("without a reseller, no prices".to_owned(), true),
        ]
    );
    let (_, environments) = studio.get("/api/environments");
    assert!(environments.contains(&head), "{environments}");
    let below = run(&studio, "downgrade", "-1");
    assert_eq!(below["status"], "succeeded", "{below}");
    assert_eq!(passed(&below), [], "the checks wait for the revision that made their table");

    // The same history, but the policy does not bind the owner (no FORCE).
    let copy = tempfile::tempdir().unwrap();
    std::fs::create_dir(copy.path().join("versions")).unwrap();
    for entry in std::fs::read_dir(sample.join("versions")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let text = text.replace("ALTER TABLE reseller_price FORCE ROW LEVEL SECURITY;\n", "");
        std::fs::write(copy.path().join("versions").join(path.file_name().unwrap()), text).unwrap();
    }
    let (_state, studio) = serve(copy.path());
    let refused = run(&studio, "upgrade", "heads");
    assert_eq!(refused["status"], "failed", "{refused}");
    assert_eq!(
        passed(&refused)[1],
        ("reseller north cannot see another reseller's prices".to_owned(), false),
        "{refused}"
    );
    // The revision before it runs outside a transaction (CREATE INDEX CONCURRENTLY), so the
    // plan commits up to there; the checked revision is what rolls back.
    let project = strata_server::migrations_dir::load(&sample).unwrap();
    let parents = &project.graph.get(&head).unwrap().parents;
    let (_, environments) = studio.get("/api/environments");
    let environments: serde_json::Value = serde_json::from_str(&environments).unwrap();
    assert_eq!(environments[0]["current"], serde_json::json!(parents), "the checked revision was rolled back");
}
