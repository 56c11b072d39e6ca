//! Running plans on a real PostgreSQL (a sandbox cluster the test starts): round trips in
//! every transaction mode, failures that leave the database as promised, one run at a time,
//! a run killed midway, a database Alembic started, and edited revisions.

use crate::support;

use sqlx::{Connection, PgConnection};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use strata_server::config::EnvironmentConfig;
use strata_server::database_status;
use strata_server::execute::{self, Environment, Request, RunError};
use strata_server::sandbox::Sandbox;
use strata_shared::api::RunEvent;
use strata_shared::graph::RevisionGraph;
use strata_shared::offline::TransactionMode;

struct Database {
    url: String,
    config: EnvironmentConfig,
}

async fn database(sandbox: &Sandbox, name: &str) -> Database {
    let mut admin = PgConnection::connect_with(&sandbox.connect_options()).await.unwrap();
    sqlx::raw_sql(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.unwrap();
    admin.close().await.unwrap();
    let url = format!("postgresql://postgres:{}@127.0.0.1:{}/{name}", sandbox.password(), sandbox.port());
    Database { config: EnvironmentConfig::for_url(url.clone()), url }
}

impl Database {
    async fn connect(&self) -> PgConnection {
        PgConnection::connect(&self.url).await.unwrap()
    }

    async fn rows(&self) -> Vec<String> {
        let mut conn = self.connect().await;
        strata_server::version_table::rows(&mut conn, &self.config.version_table()).await.unwrap()
    }

    /// The first column of the first row; `None` for no row or NULL.
    async fn scalar(&self, sql: &str) -> Option<String> {
        self.try_scalar(sql).await.expect("the query runs")
    }

    /// Like `scalar`, for a query that may fail (a table that is not there yet).
    async fn try_scalar(&self, sql: &str) -> Result<Option<String>, sqlx::Error> {
        let value: Option<Option<String>> = sqlx::query_scalar(sql).fetch_optional(&mut self.connect().await).await?;
        Ok(value.flatten())
    }

    fn environment(&self, mode: TransactionMode) -> Environment<'_> {
        Environment { name: "test", config: &self.config, mode }
    }
}

fn graph(folder: &Path) -> RevisionGraph {
    let project = strata_server::migrations_dir::load(folder).unwrap();
    assert!(project.diagnostics.is_empty(), "{:?}", project.diagnostics);
    project.graph
}

/// Shows the plan, then runs it with the shown fingerprint; the events it reported.
async fn run(
    db: &Database,
    mode: TransactionMode,
    graph: &RevisionGraph,
    request: Request,
) -> (Result<(), RunError>, Vec<RunEvent>) {
    let environment = db.environment(mode);
    let mut conn = execute::connect(&environment).await.unwrap();
    let prepared = execute::prepare(&mut conn, &environment, graph, &request).await.unwrap();
    conn.close().await.unwrap();
    let mut events = Vec::new();
    let run_id = strata_server::identity::random_hex(8).unwrap();
    let by = execute::RunBy { run_id: &run_id, who: "tester" };
    let result = execute::run(&environment, graph, &request, &prepared.fingerprint, by, &mut |e| events.push(e)).await;
    (result, events)
}

const MODES: [TransactionMode; 2] = [TransactionMode::WholePlan, TransactionMode::PerRevision];

#[tokio::test]
async fn the_sample_goes_base_to_head_to_base_in_every_transaction_mode() {
    let state = support::state_dir();
    let sandbox = Sandbox::start(state.path()).await.unwrap();
    let graph = graph(&support::sample_migrations());
    for (n, mode) in MODES.into_iter().enumerate() {
        let db = database(&sandbox, &format!("round_trip_{n}")).await;
        let (result, events) = run(&db, mode, &graph, Request::Upgrade("heads".into())).await;
        result.unwrap();
        assert_eq!(db.rows().await, [support::sample_head().0], "{mode:?}: at head");
        let finished = events.iter().filter(|e| matches!(e, RunEvent::StepFinished { .. })).count();
        assert_eq!(finished, support::sample_head().1, "{mode:?}: a finished event per step");
        assert_eq!(
            db.scalar("SELECT count(*)::text FROM strata_history WHERE outcome = 'applied'").await.as_deref(),
            Some(support::sample_head().1.to_string().as_str())
        );

        // Part way down, then all the way, through the merges and the non-transactional revisions.
        run(&db, mode, &graph, Request::Downgrade("4b8e2f1c9a07".into())).await.0.unwrap();
        // Invoices depend on sales orders, so they go too; journal entries stay.
        assert_eq!(
            db.rows().await,
            ["4b8e2f1c9a07", "d7e9f1a3b5c7"],
            "{mode:?}: the accounting branch stays below invoices"
        );
        run(&db, mode, &graph, Request::Downgrade("base".into())).await.0.unwrap();
        assert!(db.rows().await.is_empty(), "{mode:?}: at base");
        let left: Option<String> = db
            .scalar("SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'")
            .await;
        assert_eq!(
            left.as_deref(),
            Some("alembic_version,strata_backup,strata_check,strata_history,strata_journal_version,strata_run"),
            "{mode:?}: every downgrade undid its upgrade"
        );
    }
    sandbox.stop().await.unwrap();
}

#[tokio::test]
async fn a_failing_statement_leaves_the_database_as_promised_in_each_mode() {
    let state = support::state_dir();
    let sandbox = Sandbox::start(state.path()).await.unwrap();
    let folder = support::workspace_root().join("server/tests/fixtures/failing");
    let graph = graph(&folder);
    for (n, mode) in MODES.into_iter().enumerate() {
        let db = database(&sandbox, &format!("failing_{n}")).await;
        let (result, events) = run(&db, mode, &graph, Request::Upgrade("head".into())).await;
        let Err(RunError::Failed { step, failure, rolled_back }) = result else { panic!("{mode:?}: the run fails") };
        assert_eq!(step, 1, "{mode:?}: the second step fails");
        assert_eq!(failure.sqlstate.as_deref(), Some("22P02"));
        assert!(failure.message.contains("invalid input syntax for type integer"), "{}", failure.message);
        assert_eq!(failure.path.as_deref(), Some("versions/b2_seed_warehouses.sql"));
        // PostgreSQL points at the opening quote of 'two'.
        assert_eq!((failure.line, failure.column), (Some(9), Some(42)), "PostgreSQL's position, in the file");
        assert!(events.iter().any(|e| matches!(e, RunEvent::StepFailed { index: 1, .. })));
        assert!(rolled_back, "{mode:?}: a transactional step's failure is rolled back");

        let bin_exists = db.scalar("SELECT to_regclass('bin')::text").await;
        assert_eq!(bin_exists, None, "{mode:?}: the failed step's work is rolled back");
        match mode {
            TransactionMode::WholePlan => {
                assert!(db.rows().await.is_empty(), "whole plan: nothing applied");
                assert_eq!(db.scalar("SELECT to_regclass('warehouse')::text").await, None);
            }
            TransactionMode::PerRevision => {
                assert_eq!(db.rows().await, ["a1"], "per revision: the first step stays");
                assert_eq!(db.scalar("SELECT count(*)::text FROM warehouse").await.as_deref(), Some("0"));
            }
        }
        let recorded = db
            .scalar("SELECT revision || ' ' || outcome || ' ' || error_sqlstate || ' line ' || error_line FROM strata_history WHERE outcome = 'failed'")
            .await;
        assert_eq!(recorded.as_deref(), Some("b2 failed 22P02 line 9"), "{mode:?}: the failure is recorded");
        assert_eq!(db.scalar("SELECT status FROM strata_run").await.as_deref(), Some("failed"));
    }
    sandbox.stop().await.unwrap();
}

/// A step that runs outside any transaction commits as it goes: its version row (and its
/// journal record) must be committed with it, or a later failure of a whole-plan run leaves
/// `alembic_version` behind what the database holds, and the next run fails on it.
#[tokio::test]
async fn alembic_version_holds_a_committed_step_outside_a_transaction_when_a_later_one_fails() {
    let state = support::state_dir();
    let sandbox = Sandbox::start(state.path()).await.unwrap();
    let graph = graph(&support::workspace_root().join("server/tests/fixtures/outside_transaction"));
    for (n, mode) in MODES.into_iter().enumerate() {
        let db = database(&sandbox, &format!("outside_{n}")).await;
        let (result, _) = run(&db, mode, &graph, Request::Upgrade("head".into())).await;
        let Err(RunError::Failed { step, .. }) = result else { panic!("{mode:?}: the run fails") };
        assert_eq!(step, 2, "{mode:?}: the third step fails");
        let index = db.scalar("SELECT to_regclass('shipment_status_idx')::text").await;
        assert_eq!(index.as_deref(), Some("shipment_status_idx"), "{mode:?}: the concurrent index was built");
        assert_eq!(db.rows().await, ["b2"], "{mode:?}: the version table says what the database holds");
        let applied = db
            .scalar("SELECT string_agg(revision, ',' ORDER BY position) FROM strata_history WHERE outcome = 'applied'")
            .await;
        assert_eq!(applied.as_deref(), Some("a1,b2"), "{mode:?}: the journal too");
        // The next run goes on from there (and fails on the same broken step, nothing else).
        let (again, _) = run(&db, mode, &graph, Request::Upgrade("head".into())).await;
        let Err(RunError::Failed { failure, .. }) = again else { panic!("{mode:?}: the broken step fails again") };
        assert_eq!(failure.path.as_deref(), Some("versions/c3_backfill.sql"), "{mode:?}");
    }
    sandbox.stop().await.unwrap();
}

/// A revision outside any transaction that fails midway keeps the statements it ran: the
/// failure must say so (found on crates.io's history, whose wrong `down.sql` for a concurrent
/// index was reported as "rolled back"), and no stray ROLLBACK is sent.
#[tokio::test]
async fn a_failure_outside_a_transaction_says_what_stays_applied() {
    let state = support::state_dir();
    let sandbox = Sandbox::start(state.path()).await.unwrap();
    let folder = tempfile::tempdir().unwrap();
    std::fs::create_dir(folder.path().join("versions")).unwrap();
    std::fs::write(
        folder.path().join("versions/a1_half.sql"),
        "-- revision: a1\n-- transactional: false\n-- strata:upgrade\nCREATE TABLE kept (id int);\n\
         CREATE INDEX CONCURRENTLY missing_idx ON missing (id);\n-- strata:downgrade\nDROP TABLE kept;\n",
    )
    .unwrap();
    let graph = graph(folder.path());
    for (n, mode) in MODES.into_iter().enumerate() {
        let db = database(&sandbox, &format!("half_{n}")).await;
        let (result, _) = run(&db, mode, &graph, Request::Upgrade("head".into())).await;
        let Err(error @ RunError::Failed { rolled_back: false, .. }) = result else {
            panic!("{mode:?}: the run fails outside a transaction: {result:?}")
        };
        let message = error.to_string();
        assert!(message.contains("its statements before this one stay applied"), "{message}");
        assert!(!message.contains("rolled back"), "{message}");
        assert_eq!(db.scalar("SELECT to_regclass('kept')::text").await.as_deref(), Some("kept"), "{mode:?}");
        assert!(db.rows().await.is_empty(), "{mode:?}: the revision is not recorded as applied");
    }
    sandbox.stop().await.unwrap();
}

#[tokio::test]
async fn of_two_concurrent_runs_exactly_one_proceeds() {
    let state = support::state_dir();
    let sandbox = Sandbox::start(state.path()).await.unwrap();
    let db = database(&sandbox, "concurrent").await;
    let graph = graph(&support::workspace_root().join("server/tests/fixtures/slow"));
    let request = Request::Upgrade("head".into());
    let (first, second) = tokio::join!(run(&db, TransactionMode::WholePlan, &graph, request.clone()), async {
        tokio::time::sleep(Duration::from_millis(700)).await;
        run(&db, TransactionMode::WholePlan, &graph, request.clone()).await
    });
    first.0.expect("the first run proceeds");
    let Err(RunError::Locked(holder)) = second.0 else { panic!("the second run is refused at once") };
    assert!(holder.contains("strata"), "the message names the holder: {holder}");
    assert!(second.1.is_empty(), "the refused run ran nothing");
    assert_eq!(db.rows().await, ["b2"]);
    sandbox.stop().await.unwrap();
}

#[tokio::test]
async fn a_run_killed_midway_leaves_a_consistent_database_and_shows_as_interrupted() {
    let state = support::state_dir();
    let sandbox = Sandbox::start(state.path()).await.unwrap();
    let db = database(&sandbox, "killed").await;
    let folder = support::workspace_root().join("server/tests/fixtures/slow");
    let mut child = Command::new(env!("CARGO_BIN_EXE_strata"))
        .arg("--migrations")
        .arg(&folder)
        .args(["upgrade", "head", "--yes", "--url", &db.url])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the slow step runs, then kill strata without warning.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let running = db.try_scalar("SELECT status FROM strata_run WHERE status = 'running'").await;
        if running.is_ok_and(|r| r.is_some()) {
            break;
        }
        assert!(Instant::now() < deadline, "the run did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    support::send_signal(child.id() as i32, libc::SIGKILL);
    child.wait().unwrap();

    // PostgreSQL rolls the open transaction back when it notices the client is gone.
    let deadline = Instant::now() + Duration::from_secs(30);
    while db.scalar("SELECT pid::text FROM pg_locks WHERE locktype = 'advisory'").await.is_some() {
        assert!(Instant::now() < deadline, "the killed session did not end");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(db.rows().await.is_empty(), "nothing of the interrupted plan is applied");
    assert_eq!(db.scalar("SELECT to_regclass('item')::text").await, None);

    // The next run finds the interrupted one and says so, then completes.
    let graph = graph(&folder);
    run(&db, TransactionMode::WholePlan, &graph, Request::Upgrade("head".into())).await.0.unwrap();
    let statuses = db.scalar("SELECT string_agg(status, ',' ORDER BY started_at) FROM strata_run").await;
    assert_eq!(statuses.as_deref(), Some("interrupted,succeeded"));
    assert_eq!(db.rows().await, ["b2"]);
    sandbox.stop().await.unwrap();
}

#[tokio::test]
async fn a_database_that_alembic_upgraded_halfway_is_continued_to_head() {
    let state = support::state_dir();
    let sandbox = Sandbox::start(state.path()).await.unwrap();
    let db = database(&sandbox, "from_alembic").await;
    let sample = support::sample_migrations();
    let revisions: Vec<_> = graph(&sample).nodes().iter().map(|n| n.revision.clone()).collect();
    let project = tempfile::tempdir().unwrap();
    support::alembic::write_project(project.path(), &revisions);
    let env = [("STRATA_TEST_DATABASE_URL", db.url.replace("postgresql://", "postgresql+psycopg2://"))];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    support::alembic::run(project.path(), &["upgrade", "sales@6e9f13a8d250"], &env);
    let alembic_rows = db.rows().await;
    assert_eq!(alembic_rows, ["6e9f13a8d250"], "Alembic took the sales branch up to the index");

    let current = Command::new(env!("CARGO_BIN_EXE_strata"))
        .arg("--migrations")
        .arg(&sample)
        .args(["current", "--url", &db.url])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&current.stdout).trim(), "6e9f13a8d250", "strata reads what Alembic wrote");

    run(&db, TransactionMode::WholePlan, &graph(&sample), Request::Upgrade("heads".into())).await.0.unwrap();
    assert_eq!(db.rows().await, [support::sample_head().0]);
    // And Alembic reads what Strata wrote.
    let theirs = support::alembic::run(project.path(), &["current"], &env);
    assert_eq!(theirs.trim(), format!("{} (head)", support::sample_head().0));
    sandbox.stop().await.unwrap();
}

#[tokio::test]
async fn an_applied_revision_edited_afterwards_is_reported() {
    let state = support::state_dir();
    let sandbox = Sandbox::start(state.path()).await.unwrap();
    let db = database(&sandbox, "edited").await;
    let folder = tempfile::tempdir().unwrap();
    let versions = folder.path().join("versions");
    std::fs::create_dir(&versions).unwrap();
    let failing = support::workspace_root().join("server/tests/fixtures/failing/versions");
    std::fs::copy(failing.join("a1_create_warehouse.sql"), versions.join("a1_create_warehouse.sql")).unwrap();
    run(&db, TransactionMode::WholePlan, &graph(folder.path()), Request::Upgrade("head".into())).await.0.unwrap();

    let check = |expect_ok: bool| {
        let output = Command::new(env!("CARGO_BIN_EXE_strata"))
            .arg("--migrations")
            .arg(folder.path())
            .args(["check", "--url", &db.url])
            .output()
            .unwrap();
        assert_eq!(output.status.success(), expect_ok, "{}", String::from_utf8_lossy(&output.stdout));
        String::from_utf8(output.stdout).unwrap()
    };
    assert!(check(true).contains("nothing pending, nothing edited"));

    let file = versions.join("a1_create_warehouse.sql");
    let text = std::fs::read_to_string(&file).unwrap().replace("name text NOT NULL", "name varchar(80) NOT NULL");
    std::fs::write(&file, text).unwrap();
    assert!(check(false).contains("applied revisions were edited after they ran: a1"));
    let preview = Command::new(env!("CARGO_BIN_EXE_strata"))
        .arg("--migrations")
        .arg(folder.path())
        .args(["upgrade", "head", "--url", &db.url])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&preview.stdout);
    assert!(
        shown.contains("Warning: applied revisions were edited after they ran: a1"),
        "a run's preview says so too: {shown}"
    );
    let mut conn = db.connect().await;
    let status = database_status::read(&mut conn, &db.config.version_table(), &graph(folder.path())).await.unwrap();
    assert_eq!(status.edited, ["a1"]);
    sandbox.stop().await.unwrap();
}

/// A revision whose upgrade runs `failing` from line 10 of its file, after statements that succeed.
fn failing_late_folder(failing: &str) -> tempfile::TempDir {
    let folder = tempfile::tempdir().unwrap();
    let versions = folder.path().join("versions");
    std::fs::create_dir(&versions).unwrap();
    let text = format!(
        "-- revision: a1\n-- message: fails late\n\n-- strata:upgrade\nCREATE TABLE depot (id integer PRIMARY KEY);\n\n\
         -- a comment between statements\nINSERT INTO depot (id)\n  VALUES (1);\n{failing}\nSELECT 1;\n\n-- strata:downgrade\nDROP TABLE depot;\n"
    );
    std::fs::write(versions.join("a1_fails_late.sql"), text).unwrap();
    folder
}

#[tokio::test]
async fn a_failure_without_a_position_is_reported_at_the_failing_statements_line() {
    let state = support::state_dir();
    let sandbox = Sandbox::start(state.path()).await.unwrap();
    // Line 10 of the file: a missing relation (no position) and a bad value (a position).
    let cases = [
        ("ALTER TABLE no_such_table ADD COLUMN x int;", "42P01", (Some(10), None)),
        ("DROP TABLE depot;\nDROP TABLE depot;", "42P01", (Some(11), None)),
        ("INSERT INTO depot (id) VALUES ('two');", "22P02", (Some(10), Some(32))),
    ];
    for (n, (failing, sqlstate, place)) in cases.into_iter().enumerate() {
        let folder = failing_late_folder(failing);
        let graph = graph(folder.path());
        for (m, mode) in MODES.into_iter().enumerate() {
            let db = database(&sandbox, &format!("fails_late_{n}_{m}")).await;
            let (result, _) = run(&db, mode, &graph, Request::Upgrade("head".into())).await;
            let Err(RunError::Failed { failure, .. }) = result else { panic!("{failing}: the run fails") };
            assert_eq!(failure.sqlstate.as_deref(), Some(sqlstate), "{failing}: {}", failure.message);
            assert_eq!((failure.line, failure.column), place, "{failing} ({mode:?}): {}", failure.message);
            assert!(db.rows().await.is_empty(), "{mode:?}: nothing applied");
        }
    }
    sandbox.stop().await.unwrap();
}

/// Around a revision that runs outside a transaction (b2), with slow steps before and after it:
/// `fail` makes the last step fail after its work.
fn around_outside_transaction(fail: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let versions = dir.path().join("versions");
    std::fs::create_dir_all(&versions).unwrap();
    let last = if fail { "SELECT nosuch_column FROM shipment;" } else { "" };
    for (name, text) in [
        (
            "a1_shipment.sql",
            "-- revision: a1\n\n-- strata:upgrade\nCREATE TABLE shipment (id bigint PRIMARY KEY, status text);\n\
             INSERT INTO shipment SELECT n, 'new' FROM generate_series(1, 20000) n;\nSELECT pg_sleep(0.4);\n\n\
             -- strata:downgrade\nDROP TABLE shipment;\n"
                .to_owned(),
        ),
        (
            "b2_index.sql",
            "-- revision: b2\n-- revises: a1\n-- transactional: false\n\n-- strata:upgrade\n\
             CREATE INDEX CONCURRENTLY shipment_status_idx ON shipment (status);\n\n\
             -- strata:downgrade\nDROP INDEX CONCURRENTLY shipment_status_idx;\n"
                .to_owned(),
        ),
        (
            "c3_events.sql",
            format!(
                "-- revision: c3\n-- revises: b2\n\n-- strata:upgrade\nCREATE TABLE shipment_event (id bigint);\n\
                 SELECT pg_sleep(0.4);\n{last}\n\n-- strata:downgrade\nDROP TABLE shipment_event;\n"
            ),
        ),
    ] {
        std::fs::write(versions.join(name), text).unwrap();
    }
    dir
}

/// How many of a1, b2, c3 the database holds, by their objects, and by `alembic_version`.
async fn held_and_recorded(db: &Database) -> (usize, usize) {
    let table = db.scalar("SELECT to_regclass('shipment')::text").await.is_some();
    let index = db
        .scalar("SELECT 'valid' FROM pg_index WHERE indexrelid = to_regclass('shipment_status_idx') AND indisvalid")
        .await
        .is_some();
    let events = db.scalar("SELECT to_regclass('shipment_event')::text").await.is_some();
    let held = match (table, index, events) {
        (false, false, false) => 0,
        (true, false, false) => 1,
        (true, true, false) => 2,
        (true, true, true) => 3,
        other => panic!("objects of a later revision without an earlier one's: {other:?}"),
    };
    let recorded = match db.rows().await.as_slice() {
        [] => 0,
        [row] => ["a1", "b2", "c3"].iter().position(|id| id == row).unwrap() + 1,
        rows => panic!("more than one head: {rows:?}"),
    };
    (held, recorded)
}

/// What a kill waits for before it strikes, then how long after.
const KILL_POINTS: [(&str, u64); 5] = [
    ("SELECT status FROM strata_run WHERE status = 'running'", 200), // during a1
    ("SELECT to_regclass('shipment')::text", 0),                     // a1 committed: around b2
    ("SELECT to_regclass('shipment')::text", 20),
    ("SELECT indexrelid::text FROM pg_index WHERE indexrelid = to_regclass('shipment_status_idx') AND indisvalid", 0),
    ("SELECT indexrelid::text FROM pg_index WHERE indexrelid = to_regclass('shipment_status_idx') AND indisvalid", 200), // during c3
];

/// Kills the process running a plan before, during and after a step outside a transaction,
/// in both transaction modes: `alembic_version` says what the database holds, or (cut off
/// between that step's statement and its version row) no plan runs until a stamp says where
/// the database is; then the next run goes on to the head (or fails on the failing step alone).
#[tokio::test]
async fn killed_or_failed_around_a_step_outside_a_transaction_alembic_version_matches_the_database() {
    let state = support::state_dir();
    let sandbox = Sandbox::start(state.path()).await.unwrap();
    let mut seen = std::collections::BTreeSet::new();
    let cases = ["whole-plan", "per-revision"].into_iter().flat_map(|mode| KILL_POINTS.map(|point| (mode, point)));
    for (n, (mode, (wait_for, then_ms))) in cases.enumerate() {
        let fail = n % 2 == 1;
        let folder = around_outside_transaction(fail);
        let db = database(&sandbox, &format!("around_{n}")).await;
        let mut child = Command::new(env!("CARGO_BIN_EXE_strata"))
            .arg("--migrations")
            .arg(folder.path())
            .args(["upgrade", "head", "--yes", "--transactions", mode, "--url", &db.url])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(60);
        while !db.try_scalar(wait_for).await.is_ok_and(|found| found.is_some()) {
            assert!(Instant::now() < deadline, "{mode}: never saw {wait_for}");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        tokio::time::sleep(Duration::from_millis(then_ms)).await;
        support::send_signal(child.id() as i32, libc::SIGKILL);
        child.wait().unwrap();
        // PostgreSQL ends the killed session (and rolls back its open transaction) on its own.
        let deadline = Instant::now() + Duration::from_secs(30);
        while db.scalar("SELECT pid::text FROM pg_locks WHERE locktype = 'advisory'").await.is_some() {
            assert!(Instant::now() < deadline, "the killed session did not end");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let graph = graph(folder.path());
        let (held, recorded) = held_and_recorded(&db).await;
        seen.insert((held, recorded));
        let case = format!("{mode}, killed {then_ms} ms after {wait_for}");
        assert!(held == recorded || (held, recorded) == (2, 1), "{case}: held {held}, recorded {recorded}");

        // The next run continues from there; a failing last step fails alone, and leaves b2
        // recorded. Cut off while b2 ran, no plan runs (the version table may be behind)
        // until a stamp says where the database is.
        let upgrade = || run(&db, TransactionMode::WholePlan, &graph, Request::Upgrade("head".into()));
        let (mut result, _) = upgrade().await;
        if let Err(RunError::Other(error)) = &result
            && error.to_string().contains("revision b2 ran outside a transaction")
        {
            let holds = ["a1", "b2", "c3"][held - 1].to_owned();
            run(&db, TransactionMode::WholePlan, &graph, Request::Stamp { targets: vec![holds], purge: false })
                .await
                .0
                .unwrap();
            result = upgrade().await.0;
        } else {
            assert_eq!(held, recorded, "{case}: a version table behind the database was run from");
        }
        assert_eq!(result.is_ok(), !fail, "{mode}, fail {fail}: {result:?}");
        let (held, recorded) = held_and_recorded(&db).await;
        assert_eq!((held, recorded), if fail { (2, 2) } else { (3, 3) }, "{mode}, fail {fail}, after the next run");
    }
    let held: std::collections::BTreeSet<usize> = seen.iter().map(|(held, _)| *held).collect();
    assert!(held.contains(&0) && held.contains(&2), "kills landed before and after b2: {seen:?}");
    sandbox.stop().await.unwrap();
}
