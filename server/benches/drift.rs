//! Drift of a 200-table database: the sample-like schema of 200 tables (identity keys,
//! defaults, CHECKs, foreign keys, expression and partial indexes, comments) and 20 views,
//! run by Strata, then `strata_server::drift::check` timed: the catalog read, the model's
//! expressions put through the server, and the comparison. Prints the figure (the issue asks
//! for under a second); not a pass/fail test.
//!
//! Run with `cargo bench -p strata-server --bench drift` (part of `scripts/bench`).

use sqlx::{Connection, PgConnection};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;
use strata_server::sandbox::Sandbox;
use strata_shared::offline::VersionTable;

const TABLES: usize = 200;
const PER_REVISION: usize = 10;
const RUNS: usize = 7;

fn table(i: usize) -> String {
    let parent = if i == 0 { String::new() } else { format!(",\n    parent_id bigint REFERENCES item_{} (id)", i - 1) };
    format!(
        "CREATE TABLE item_{i} (\n    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n    name varchar(80) NOT NULL DEFAULT '',\n    \
         amount numeric(12,2) NOT NULL DEFAULT 0 CHECK (amount >= 0),\n    status item_status NOT NULL DEFAULT 'open',\n    \
         created_at timestamptz NOT NULL DEFAULT now(){parent}\n);\n\
         CREATE INDEX item_{i}_name_idx ON item_{i} (lower(name)) WHERE amount > 0;\n\
         COMMENT ON TABLE item_{i} IS 'Table {i}.';\n"
    )
}

fn write_history(folder: &Path) {
    let versions = folder.join("versions");
    std::fs::create_dir_all(&versions).unwrap();
    let revisions = TABLES / PER_REVISION;
    for r in 0..revisions {
        let revises = if r == 0 { String::new() } else { format!("r{:03}", r - 1) };
        let mut upgrade =
            if r == 0 { "CREATE TYPE item_status AS ENUM ('open', 'closed');\n".to_owned() } else { String::new() };
        let tables = r * PER_REVISION..(r + 1) * PER_REVISION;
        for i in tables.clone() {
            upgrade.push_str(&table(i));
        }
        let first = tables.start;
        upgrade.push_str(&format!(
            "CREATE VIEW open_items_{r} AS SELECT id, upper(name) AS name, amount * 2 AS doubled FROM item_{first} WHERE status = 'open';\n"
        ));
        let mut downgrade = format!("DROP VIEW open_items_{r};\n");
        for i in tables.rev() {
            downgrade.push_str(&format!("DROP TABLE item_{i};\n"));
        }
        if r == 0 {
            downgrade.push_str("DROP TYPE item_status;\n");
        }
        let text = format!(
            "-- revision: r{r:03}\n-- revises: {revises}\n-- message: tables {first}+\n\n-- strata:upgrade\n{upgrade}\n-- strata:downgrade\n{downgrade}"
        );
        std::fs::write(versions.join(format!("r{r:03}.sql")), text).unwrap();
    }
}

#[tokio::main]
async fn main() {
    let state = tempfile::tempdir().unwrap();
    std::fs::set_permissions(state.path(), std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let sandbox = Sandbox::start(state.path()).await.unwrap();
    let folder = tempfile::tempdir().unwrap();
    write_history(folder.path());
    let mut admin = PgConnection::connect_with(&sandbox.connect_options()).await.unwrap();
    sqlx::raw_sql("CREATE DATABASE drift_bench").execute(&mut admin).await.unwrap();
    admin.close().await.unwrap();
    let url = format!("postgresql://postgres:{}@127.0.0.1:{}/drift_bench", sandbox.password(), sandbox.port());
    let output = Command::new(env!("CARGO_BIN_EXE_strata"))
        .arg("--migrations")
        .arg(folder.path())
        .args(["upgrade", "heads", "--yes", "--url", &url])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));

    let project = strata_server::migrations_dir::load(folder.path()).unwrap();
    let mut conn = PgConnection::connect(&url).await.unwrap();
    let mut times = Vec::new();
    for _ in 0..RUNS {
        let started = Instant::now();
        let drift =
            strata_server::drift::check(&mut conn, "bench", &project.graph, &VersionTable::default()).await.unwrap();
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        assert!(
            !drift.drifted(),
            "a clean run has no drift: {:?}",
            &drift.differences[..drift.differences.len().min(3)]
        );
    }
    let live =
        strata_server::drift::live_schema(&mut conn, &strata_shared::offline::VersionTable::default()).await.unwrap();
    conn.close().await.unwrap();
    let columns: usize = live.tables.values().map(|t| t.columns.len()).sum();
    let constraints: usize = live.tables.values().map(|t| t.constraints.len()).sum();
    times.sort_by(f64::total_cmp);
    println!(
        "drift of a {TABLES}-table database ({columns} columns, {constraints} constraints, {} indexes, {} views): \
         median {:.0} ms, best {:.0} ms of {RUNS} (catalog read, model expressions through the server, compare)",
        live.indexes.len(),
        live.views.len(),
        times[RUNS / 2],
        times[0]
    );
    sandbox.stop().await.unwrap();
}
