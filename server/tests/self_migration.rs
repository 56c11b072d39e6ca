//! Strata migrates its own tables: a fresh state database and journal get the built-in
//! revisions; a state database and a journal the release before versioning made (its SQL in
//! `fixtures/previous_release/`) are adopted with their rows; a revision from a newer Strata is
//! refused; two processes starting at once take turns.

use crate::support;

use sqlx::{Connection, PgConnection};
use strata_server::config::EnvironmentConfig;
use strata_server::execute::{self, Environment, Request};
use strata_server::sandbox::Sandbox;
use strata_server::state::StateDb;
use strata_shared::offline::TransactionMode;
use strata_shared::project::{Project, SourceFile};

const PREVIOUS_STATE: &str = include_str!("fixtures/previous_release/state_schema.sql");
const PREVIOUS_JOURNAL: &str = include_str!("fixtures/previous_release/journal.sql");

/// A new database in the sandbox cluster, and how to connect to it.
async fn database(sandbox: &Sandbox, name: &str) -> sqlx::postgres::PgConnectOptions {
    let mut admin = PgConnection::connect_with(&sandbox.connect_options()).await.unwrap();
    sqlx::raw_sql(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.unwrap();
    admin.close().await.unwrap();
    sandbox.connect_options().database(name)
}

async fn strings(options: &sqlx::postgres::PgConnectOptions, sql: &str) -> Vec<String> {
    let mut conn = PgConnection::connect_with(options).await.unwrap();
    sqlx::query_scalar(sql).fetch_all(&mut conn).await.unwrap()
}

async fn run_sql(options: &sqlx::postgres::PgConnectOptions, sql: &str) {
    let mut conn = PgConnection::connect_with(options).await.unwrap();
    sqlx::raw_sql(sql).execute(&mut conn).await.unwrap();
}

#[tokio::test]
async fn state_databases_new_old_and_newer() {
    let state = support::state_dir();
    let sandbox = Sandbox::start(state.path()).await.unwrap();

    // A fresh database: the baseline, recorded.
    let fresh = database(&sandbox, "fresh_state").await;
    StateDb::open(fresh.clone()).await.unwrap().close().await;
    assert_eq!(strings(&fresh, "SELECT version_num FROM strata.strata_state_version").await, ["state_0001"]);
    let tables = strings(&fresh, "SELECT tablename::text FROM pg_tables WHERE schemaname = 'strata' ORDER BY 1").await;
    assert!(tables.contains(&"users".to_owned()) && tables.contains(&"rehearsals".to_owned()), "{tables:?}");
    // Opening again changes nothing.
    StateDb::open(fresh.clone()).await.unwrap().close().await;
    assert_eq!(strings(&fresh, "SELECT version_num FROM strata.strata_state_version").await, ["state_0001"]);

    // A database the previous release made and used: adopted, every row kept.
    let previous = database(&sandbox, "previous_state").await;
    run_sql(&previous, PREVIOUS_STATE).await;
    run_sql(
        &previous,
        "INSERT INTO strata.users (name, role, password_hash) VALUES ('ana', 'admin', 'hash');
         INSERT INTO strata.sessions (id_hash, user_name, csrf_token, expires_at) VALUES ('s', 'ana', 'c', now() + interval '1 day');
         INSERT INTO strata.audit (actor, action, detail, count) VALUES ('ana', 'sign-in', 'from the old release', 3);
         INSERT INTO strata.threads (revision, line) VALUES ('r1', 4);
         INSERT INTO strata.rehearsals (id, environment, fingerprint, succeeded, report, by_user)
              VALUES ('h1', 'prod', 'f', true, '{}', 'ana');",
    )
    .await;
    let db = StateDb::open(previous.clone()).await.unwrap();
    db.close().await;
    assert_eq!(strings(&previous, "SELECT version_num FROM strata.strata_state_version").await, ["state_0001"]);
    assert_eq!(strings(&previous, "SELECT name || ':' || role FROM strata.users").await, ["ana:admin"]);
    assert_eq!(strings(&previous, "SELECT user_name FROM strata.sessions").await, ["ana"]);
    assert_eq!(strings(&previous, "SELECT detail || ':' || count FROM strata.audit").await, ["from the old release:3"]);
    assert_eq!(strings(&previous, "SELECT revision FROM strata.threads").await, ["r1"]);
    assert_eq!(strings(&previous, "SELECT id FROM strata.rehearsals").await, ["h1"]);

    // A revision a newer Strata wrote: refused, with what and why, and nothing touched.
    run_sql(&previous, "INSERT INTO strata.strata_state_version VALUES ('state_9999')").await;
    let error = format!("{:#}", StateDb::open(previous.clone()).await.err().expect("a newer state is refused"));
    assert!(error.contains("state_9999") && error.contains("newer Strata"), "{error}");
    assert!(error.contains("strata.strata_state_version"), "{error}");

    sandbox.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn two_processes_opening_a_new_state_database_take_turns() {
    let state = support::state_dir();
    let sandbox = Sandbox::start(state.path()).await.unwrap();
    for round in 0..3 {
        let options = database(&sandbox, &format!("race_{round}")).await;
        // Separate pools, as two processes have.
        let (a, b) = tokio::join!(StateDb::open(options.clone()), StateDb::open(options.clone()));
        a.unwrap().close().await;
        b.unwrap().close().await;
        assert_eq!(strings(&options, "SELECT version_num FROM strata.strata_state_version").await, ["state_0001"]);
    }
    sandbox.stop().await.unwrap();
}

const REVISION: &str =
    "-- revision: r1\n-- strata:upgrade\nCREATE TABLE items (id bigint);\n-- strata:downgrade\nDROP TABLE items;\n";

async fn upgrade(options: &sqlx::postgres::PgConnectOptions, sandbox: &Sandbox) -> Result<(), execute::RunError> {
    upgrade_in(options, sandbox, None).await
}

/// Upgrades to `r1` with the version table (and so the journal) in `schema`.
async fn upgrade_in(
    options: &sqlx::postgres::PgConnectOptions,
    sandbox: &Sandbox,
    schema: Option<&str>,
) -> Result<(), execute::RunError> {
    let project = Project::load(vec![SourceFile { path: "versions/r1.sql".into(), text: REVISION.into() }]);
    let database = options.get_database().unwrap();
    let url = format!("postgresql://postgres:{}@127.0.0.1:{}/{database}", sandbox.password(), sandbox.port());
    let mut config = EnvironmentConfig::for_url(url);
    config.version_table_schema = schema.map(str::to_owned);
    let environment = Environment { name: "test", config: &config, mode: TransactionMode::WholePlan };
    let request = Request::Upgrade("heads".into());
    let mut conn = execute::connect(&environment).await.unwrap();
    let prepared = execute::prepare(&mut conn, &environment, &project.graph, &request).await.unwrap();
    conn.close().await.unwrap();
    let by = execute::RunBy { run_id: "run-new", who: "tester" };
    execute::run(&environment, &project.graph, &request, &prepared.fingerprint, by, &mut |_| {}).await
}

#[tokio::test]
async fn journals_new_old_and_newer() {
    let state = support::state_dir();
    let sandbox = Sandbox::start(state.path()).await.unwrap();

    let fresh = database(&sandbox, "fresh_target").await;
    upgrade(&fresh, &sandbox).await.unwrap();
    assert_eq!(strings(&fresh, "SELECT version_num FROM strata_journal_version").await, ["journal_0001"]);
    assert_eq!(strings(&fresh, "SELECT status FROM strata_run").await, ["succeeded"]);

    // A target the previous release ran on: its journal is adopted, its runs kept, and the
    // next run is recorded beside them.
    let previous = database(&sandbox, "previous_target").await;
    run_sql(&previous, PREVIOUS_JOURNAL).await;
    run_sql(
        &previous,
        "INSERT INTO strata_run (id, environment, operation, target, fingerprint, from_rows, transaction_mode, started_by, status)
              VALUES ('run-old', 'test', 'upgrade', 'heads', 'f', '{}', 'whole-plan', 'ana', 'succeeded');
         INSERT INTO strata_history (run_id, position, revision, direction, kind, checksum, rows_after, duration_ms, outcome)
              VALUES ('run-old', 0, 'r0', 'up', 'migration', 'c', '{r0}', 5, 'applied');
         INSERT INTO strata_check (run_id, name, kind, phase, passed, returned, duration_ms)
              VALUES ('run-old', 'rows', 'sql', 'before-commit', true, '1', 2);",
    )
    .await;
    upgrade(&previous, &sandbox).await.unwrap();
    assert_eq!(strings(&previous, "SELECT version_num FROM strata_journal_version").await, ["journal_0001"]);
    assert_eq!(strings(&previous, "SELECT id FROM strata_run ORDER BY started_at").await, ["run-old", "run-new"]);
    assert_eq!(strings(&previous, "SELECT revision FROM strata_history ORDER BY id").await, ["r0", "r1"]);
    assert_eq!(strings(&previous, "SELECT name FROM strata_check").await, ["rows"]);

    // Beside a version table in a schema of its own, the journal lands in that schema.
    let schema = database(&sandbox, "schema_target").await;
    run_sql(&schema, "CREATE SCHEMA ops").await;
    upgrade_in(&schema, &sandbox, Some("ops")).await.unwrap();
    let tables = strings(
        &schema,
        "SELECT schemaname || '.' || tablename FROM pg_tables WHERE tablename LIKE 'strata%' ORDER BY 1",
    )
    .await;
    assert_eq!(
        tables,
        ["ops.strata_backup", "ops.strata_check", "ops.strata_history", "ops.strata_journal_version", "ops.strata_run"]
    );

    // A journal a newer Strata shaped: the run is refused before anything runs.
    let newer = database(&sandbox, "newer_target").await;
    run_sql(&newer, PREVIOUS_JOURNAL).await;
    run_sql(&newer, "CREATE TABLE strata_journal_version (version_num varchar(32) PRIMARY KEY); INSERT INTO strata_journal_version VALUES ('journal_0001'), ('journal_9999');").await;
    let error = upgrade(&newer, &sandbox).await.expect_err("a newer journal is refused").to_string();
    assert!(error.contains("journal_9999") && error.contains("newer Strata"), "{error}");
    assert!(strings(&newer, "SELECT tablename::text FROM pg_tables WHERE tablename = 'items'").await.is_empty());

    sandbox.stop().await.unwrap();
}
