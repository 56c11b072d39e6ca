//! `strata upgrade|downgrade --sql` scripts run as they are with psql on a real PostgreSQL:
//! the sample goes from base to head and back to base, through its branches, merges and
//! non-transactional revisions, in each transaction mode.

use crate::support;

use sqlx::PgPool;
use std::io::Write;
use std::process::{Command, Stdio};
use strata_server::sandbox::Sandbox;

fn strata(args: &[&str]) -> String {
    strata_on(&support::sample_migrations(), args)
}

fn strata_on(migrations: &std::path::Path, args: &[&str]) -> String {
    let output =
        Command::new(env!("CARGO_BIN_EXE_strata")).arg("--migrations").arg(migrations).args(args).output().unwrap();
    assert!(output.status.success(), "strata {args:?} failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

fn psql(sandbox: &Sandbox, database: &str, script: &str) {
    let mut child = Command::new("psql")
        .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-U", "postgres", "-d", database])
        .args(["-p", &sandbox.port().to_string()])
        .env("PGPASSWORD", sandbox.password())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("psql runs");
    child.stdin.take().unwrap().write_all(script.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "psql failed: {}", String::from_utf8_lossy(&output.stderr));
}

async fn user_objects(pool: &PgPool) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND c.relkind IN ('r', 'v', 'm', 'S')
         UNION ALL
         SELECT 'type ' || t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
          WHERE n.nspname = 'public' AND t.typtype = 'e'
         UNION ALL
         SELECT 'schema ' || nspname FROM pg_namespace WHERE nspname = 'reporting'
         ORDER BY 1",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn the_sample_goes_from_base_to_head_and_back_with_psql_in_each_transaction_mode() {
    let state = support::state_dir();
    let sandbox = Sandbox::start(state.path()).await.expect("sandbox starts");
    let admin = PgPool::connect_with(sandbox.connect_options()).await.unwrap();
    let head = strata(&["heads", "--json"]);
    let head: serde_json::Value = serde_json::from_str(&head).unwrap();
    let head = head[0]["id"].as_str().unwrap().to_owned();

    for mode in ["whole-plan", "per-revision"] {
        let database = mode.replace('-', "_");
        sqlx::raw_sql(&format!("CREATE DATABASE {database}")).execute(&admin).await.unwrap();
        let pool = PgPool::connect_with(sandbox.connect_options().database(&database)).await.unwrap();

        psql(&sandbox, &database, &strata(&["upgrade", "head", "--sql", "--transactions", mode]));
        let rows: Vec<String> =
            sqlx::query_scalar("SELECT version_num FROM alembic_version").fetch_all(&pool).await.unwrap();
        assert_eq!(rows, std::slice::from_ref(&head), "{mode}: at head");
        let objects = user_objects(&pool).await;
        for expected in ["public.invoice", "public.receivable", "reporting.monthly_sales", "type order_status"] {
            assert!(objects.contains(&expected.to_owned()), "{mode}: {expected} exists: {objects:?}");
        }
        let statuses: Vec<String> =
            sqlx::query_scalar("SELECT unnest(enum_range(NULL::order_status))::text").fetch_all(&pool).await.unwrap();
        assert_eq!(statuses, ["draft", "confirmed", "shipped", "returned", "cancelled"]);

        psql(&sandbox, &database, &strata(&["downgrade", "head:base", "--sql", "--transactions", mode]));
        let rows: Vec<String> =
            sqlx::query_scalar("SELECT version_num FROM alembic_version").fetch_all(&pool).await.unwrap();
        assert!(rows.is_empty(), "{mode}: back at base: {rows:?}");
        assert_eq!(user_objects(&pool).await, ["public.alembic_version"], "{mode}: every downgrade undid its upgrade");
        pool.close().await;
    }
    admin.close().await;
    sandbox.stop().await.unwrap();
}

#[tokio::test]
async fn a_last_statement_without_a_semicolon_runs_with_psql() {
    let folder = tempfile::tempdir().unwrap();
    let versions = folder.path().join("versions");
    std::fs::create_dir(&versions).unwrap();
    let text = "-- revision: a1\n-- strata:upgrade\nCREATE FUNCTION one() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$\n\
                -- strata:downgrade\nDROP FUNCTION one() -- no semicolon either\n";
    std::fs::write(versions.join("a1_function.sql"), text).unwrap();
    let state = support::state_dir();
    let sandbox = Sandbox::start(state.path()).await.expect("sandbox starts");
    let admin = PgPool::connect_with(sandbox.connect_options()).await.unwrap();
    for mode in ["whole-plan", "per-revision"] {
        let database = format!("unterminated_{}", mode.replace('-', "_"));
        sqlx::raw_sql(&format!("CREATE DATABASE {database}")).execute(&admin).await.unwrap();
        psql(&sandbox, &database, &strata_on(folder.path(), &["upgrade", "head", "--sql", "--transactions", mode]));
        psql(
            &sandbox,
            &database,
            &strata_on(folder.path(), &["downgrade", "head:base", "--sql", "--transactions", mode]),
        );
    }
    admin.close().await;
    sandbox.stop().await.unwrap();
}
