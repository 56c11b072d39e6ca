//! Strata's rendering of Alembic scripts against Alembic itself, on a real PostgreSQL: a
//! generated Alembic project (`shared/tests/alembic/script_generator.py`) is upgraded online by
//! Alembic in database A, and Strata's rendered SQL is applied revision by revision to database
//! B. Both catalogs (tables, columns, types, defaults, constraints, indexes, enums, comments,
//! sequences) must be equal, halfway and at the head; then both are downgraded to base and
//! must hold nothing again.

use crate::support;

use sqlx::{Connection, PgConnection};
use std::path::{Path, PathBuf};
use std::process::Command;
use strata_server::drift::facts::{self, Facts};
use strata_server::sandbox::Sandbox;
use strata_shared::alembic::RenderedSection;
use strata_shared::alembic::render::render_script;
use strata_shared::offline::VersionTable;

/// Another project locally: `STRATA_RENDER_CATALOG_SEED=N`.
fn seed() -> u64 {
    std::env::var("STRATA_RENDER_CATALOG_SEED").map(|s| s.trim().parse().expect("a number")).unwrap_or(7_2026)
}
const REVISIONS: usize = 120;

fn python() -> PathBuf {
    std::env::var_os("STRATA_ALEMBIC_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| support::workspace_root().join(".tools/alembic-venv/bin/python"))
}

fn run_python(args: &[&str], env: &[(&str, &str)]) -> String {
    let python = python();
    assert!(python.exists(), "no Alembic venv at {}: run scripts/setup", python.display());
    let output = Command::new(&python)
        .args(args)
        .envs(env.iter().copied())
        .env("PYTHONWARNINGS", "ignore")
        .output()
        .expect("python starts");
    assert!(output.status.success(), "python {args:?} failed:\n{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

/// The generated project in `dir`: (revision id, script path) in chain order.
fn generate(dir: &Path) -> Vec<(String, PathBuf)> {
    let generator = support::workspace_root().join("shared/tests/alembic/script_generator.py");
    let listing = run_python(
        &[generator.to_str().unwrap(), dir.to_str().unwrap(), &seed().to_string(), &REVISIONS.to_string()],
        // Without the spellings valid offline only.
        &[("STRATA_RENDER_EDGE", "0")],
    );
    listing
        .lines()
        .map(|line| {
            let (id, file) = line.split_once(' ').unwrap();
            (id.to_owned(), dir.join("alembic/versions").join(file))
        })
        .collect()
}

/// `alembic ARGS` online against `url`.
fn alembic(dir: &Path, url: &str, args: &[&str]) {
    let ini = dir.join("alembic.ini");
    let mut all = vec!["-m", "alembic", "-c", ini.to_str().unwrap()];
    all.extend_from_slice(args);
    run_python(&all, &[("STRATA_TEST_DATABASE_URL", url)]);
}

/// Runs one rendered function: its statements in one transaction, except those of an
/// `autocommit_block`, which run on their own between transactions (as Alembic runs them).
async fn apply(conn: &mut PgConnection, revision: &str, function: &str, section: &RenderedSection) {
    assert!(section.unknown.is_empty(), "{revision} {function}: unknown constructs {:?}", section.unknown);
    let mut in_transaction = false;
    for statement in &section.statements {
        if statement.autocommit == in_transaction {
            let switch = if in_transaction { "COMMIT" } else { "BEGIN" };
            sqlx::raw_sql(switch).execute(&mut *conn).await.unwrap();
            in_transaction = !in_transaction;
        }
        if let Err(error) = sqlx::raw_sql(&statement.sql).execute(&mut *conn).await {
            panic!("{revision} {function}, script line {}: {error}\n{}", statement.line, statement.sql);
        }
    }
    if in_transaction {
        sqlx::raw_sql("COMMIT").execute(&mut *conn).await.unwrap();
    }
}

async fn facts(url: &str) -> Facts {
    let mut conn = PgConnection::connect(url).await.unwrap();
    let facts = facts::facts(&strata_server::drift::live_schema(&mut conn, &VersionTable::default()).await.unwrap());
    conn.close().await.unwrap();
    facts
}

/// Both catalogs, equal kind by kind; returns how many objects were compared.
async fn assert_same_catalog(alembic_url: &str, strata_url: &str, at: &str) -> usize {
    let (theirs, ours) = (facts(alembic_url).await, facts(strata_url).await);
    let (rates, mismatches) = facts::compare(&theirs, &ours);
    // `compare` names its sides model and database: here Strata's SQL and Alembic.
    assert!(
        mismatches.is_empty(),
        "at {at}, {} differences (model = Strata's SQL, database = Alembic):\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
    rates.values().map(|(_, total)| total).sum()
}

#[tokio::test]
async fn strata_rendering_builds_the_same_catalog_as_alembic_online() {
    let state = support::state_dir();
    let project = tempfile::tempdir().unwrap();
    let revisions = generate(project.path());
    assert_eq!(revisions.len(), REVISIONS);
    let rendered: Vec<_> = revisions
        .iter()
        .map(|(id, path)| {
            let text = std::fs::read_to_string(path).unwrap();
            let script = render_script(&path.to_string_lossy(), &text);
            assert!(script.syntax_error.is_none(), "{id}: {:?}", script.syntax_error);
            (id.as_str(), script)
        })
        .collect();

    let sandbox = Sandbox::start(state.path()).await.unwrap();
    let mut admin = PgConnection::connect_with(&sandbox.connect_options()).await.unwrap();
    for database in ["by_alembic", "by_strata"] {
        sqlx::raw_sql(&format!("CREATE DATABASE {database}")).execute(&mut admin).await.unwrap();
    }
    admin.close().await.unwrap();
    let url = |database: &str| {
        format!("postgresql://postgres:{}@127.0.0.1:{}/{database}", sandbox.password(), sandbox.port())
    };
    let (alembic_url, strata_url) = (url("by_alembic"), url("by_strata"));
    let mut strata = PgConnection::connect(&strata_url).await.unwrap();

    // Halfway, then the head.
    let half = REVISIONS / 2;
    let mut compared = 0;
    for (range, target) in [(0..half, rendered[half - 1].0), (half..REVISIONS, "head")] {
        alembic(project.path(), &alembic_url, &["upgrade", target]);
        for (id, script) in &rendered[range] {
            apply(&mut strata, id, "upgrade", &script.upgrade).await;
        }
        compared += assert_same_catalog(&alembic_url, &strata_url, target).await;
    }
    let at_head = facts(&alembic_url).await;
    assert!(at_head.get("tables").is_some_and(|t| t.len() >= 5), "the project builds tables: {at_head:?}");
    assert!(compared > 100, "the catalogs had objects to compare: {compared}");

    alembic(project.path(), &alembic_url, &["downgrade", "base"]);
    for (id, script) in rendered.iter().rev() {
        apply(&mut strata, id, "downgrade", &script.downgrade).await;
    }
    strata.close().await.unwrap();
    for (side, url) in [("Alembic", &alembic_url), ("Strata", &strata_url)] {
        let left: Vec<String> = facts(url)
            .await
            .into_iter()
            .flat_map(|(kind, objects)| objects.into_keys().map(move |o| format!("{kind} {o}")))
            .collect();
        assert!(left.is_empty(), "{side}'s database at base still holds: {left:?}");
    }
    println!("renderer vs Alembic online: {REVISIONS} revisions, {compared} catalog objects equal, both empty at base");
}
