//! Running 1,000 one-statement revisions on a durable PostgreSQL (fsync on): Strata with one
//! transaction per revision against psql running the same SQL and against Alembic, and Strata
//! with one transaction for the whole plan. Prints wall times (whole processes) and ratios.
//!
//! Run with `scripts/bench` (needs the Alembic venv from scripts/setup).

use sqlx::{Connection, PgConnection};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;
use strata_server::sandbox::{Durability, Sandbox};

#[path = "../tests/support/mod.rs"]
mod support;

const REVISIONS: usize = 1_000;

fn write_history(folder: &Path) {
    let versions = folder.join("versions");
    std::fs::create_dir_all(&versions).unwrap();
    for i in 0..REVISIONS {
        let revises = if i == 0 { String::new() } else { format!("r{:05}", i - 1) };
        let text = format!(
            "-- revision: r{i:05}\n-- revises: {revises}\n-- message: table {i}\n\n\
             -- strata:upgrade\nCREATE TABLE bench_{i} (id integer);\n\n-- strata:downgrade\nDROP TABLE bench_{i};\n"
        );
        std::fs::write(versions.join(format!("r{i:05}.sql")), text).unwrap();
    }
}

fn timed(command: &mut Command) -> f64 {
    let started = Instant::now();
    let output = command.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::piped()).output().unwrap();
    assert!(output.status.success(), "{command:?}: {}", String::from_utf8_lossy(&output.stderr));
    started.elapsed().as_secs_f64()
}

#[tokio::main]
async fn main() {
    let strata = env!("CARGO_BIN_EXE_strata");
    let state = tempfile::tempdir().unwrap();
    std::fs::set_permissions(state.path(), std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let sandbox = Sandbox::start_with(state.path(), Durability::Full).await.unwrap();
    let folder = tempfile::tempdir().unwrap();
    write_history(folder.path());

    let mut admin = PgConnection::connect_with(&sandbox.connect_options()).await.unwrap();
    let url = |db: &str| format!("postgresql://postgres:{}@127.0.0.1:{}/{db}", sandbox.password(), sandbox.port());
    for db in ["by_psql", "per_revision", "whole_plan", "by_alembic"] {
        sqlx::raw_sql(&format!("CREATE DATABASE {db}")).execute(&mut admin).await.unwrap();
    }
    let migrations = folder.path().to_str().unwrap();

    let script = Command::new(strata)
        .args(["--migrations", migrations, "upgrade", "head", "--sql", "--transactions", "per-revision"])
        .output()
        .unwrap()
        .stdout;
    let script_path = folder.path().join("per-revision.sql");
    std::fs::write(&script_path, script).unwrap();
    let psql = timed(
        Command::new("psql")
            .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-f"])
            .arg(&script_path)
            .arg(url("by_psql"))
            .env("PGPASSWORD", sandbox.password()),
    );
    let run = |db: &str, mode: &str| {
        timed(Command::new(strata).args([
            "--migrations",
            migrations,
            "upgrade",
            "head",
            "--yes",
            "--transactions",
            mode,
            "--url",
            &url(db),
        ]))
    };
    let per_revision = run("per_revision", "per-revision");
    let whole_plan = run("whole_plan", "whole-plan");

    let alembic_root = tempfile::tempdir().unwrap();
    let project = strata_server::migrations_dir::load(folder.path()).unwrap();
    let revisions: Vec<_> = project.graph.nodes().iter().map(|n| n.revision.clone()).collect();
    support::alembic::write_project(alembic_root.path(), &revisions);
    let alembic = timed(
        Command::new(support::alembic::alembic_bin())
            .arg("-c")
            .arg(alembic_root.path().join("alembic.ini"))
            .args(["upgrade", "head"])
            .env("STRATA_TEST_DATABASE_URL", url("by_alembic").replace("postgresql://", "postgresql+psycopg2://"))
            .env("STRATA_TEST_PER_MIGRATION", "1")
            .env("PYTHONWARNINGS", "ignore"),
    );

    println!("| {REVISIONS} one-statement revisions, fsync on | seconds | vs psql |");
    println!("|---|---:|---:|");
    println!("| psql, the same SQL, one transaction per revision | {psql:.2} | 1.00 |");
    println!("| strata, one transaction per revision | {per_revision:.2} | {:.2} |", per_revision / psql);
    println!("| alembic, one transaction per revision | {alembic:.2} | {:.2} |", alembic / psql);
    println!("| strata, one transaction for the whole plan | {whole_plan:.2} | {:.2} |", whole_plan / psql);
    println!("\nwhole plan vs per revision: {:.1}x faster", per_revision / whole_plan);
    admin.close().await.unwrap();
    sandbox.stop().await.unwrap();
}
