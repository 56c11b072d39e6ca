//! Fuzzing the readers and analyses that take what a user (or an attacker) wrote: revision
//! files, Alembic scripts, target specs and SQL. No input may panic; see `fuzz/engine.rs`
//! for how inputs are made and `STRATA_FUZZ_INPUTS` for the budget. `strata.toml` is fuzzed
//! beside its reader, in the server's tests.
//!
//! Release builds only (`scripts/test` runs `cargo test --release -p strata-shared
//! --features render --test fuzz`): that is what ships, and a debug build compiles
//! pg_query's C code with its assertions, which abort on trees the grammar accepts and the
//! release deparser prints (a type modifier that is an expression: `x::t(sum(y))`).
#![cfg(not(debug_assertions))]

#[path = "fuzz/engine.rs"]
mod engine;

use engine::{Target, fuzz};
use std::path::{Path, PathBuf};
use strata_shared::graph::RevisionGraph;
use strata_shared::lint::lint_revisions;
use strata_shared::offline::{TransactionMode, VersionTable};
use strata_shared::project::{Project, SourceFile};
use strata_shared::schema::Replayer;
use strata_shared::{history, offline, plan, schema};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn corpus_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz/corpus")
}

fn crash_root() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("fuzz-crashes")
}

/// Every file with one of `extensions` under the sample and the server's fixtures.
fn files_ending(extensions: &[&str]) -> Vec<(String, String)> {
    let roots = [workspace().join("migrations/versions"), workspace().join("server/tests/fixtures")];
    let mut found = Vec::new();
    let mut folders: Vec<PathBuf> = roots.to_vec();
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else if extensions.iter().any(|e| path.extension().is_some_and(|x| x == *e)) {
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                found.push((name, std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    found.sort();
    found
}

fn sample_project() -> Project {
    let files = files_ending(&["sql", "py"])
        .into_iter()
        .filter(|(name, _)| std::fs::metadata(workspace().join("migrations/versions").join(name)).is_ok())
        .map(|(name, text)| SourceFile { path: format!("versions/{name}"), text })
        .collect();
    Project::load(files)
}

const HEADER_AND_SQL: &[&str] = &[
    "-- revision: ",
    "-- revises: ",
    "-- message: ",
    "-- created: ",
    "-- branch_labels: ",
    "-- depends_on: ",
    "-- transactional: false\n",
    "-- strata:upgrade\n",
    "-- strata:downgrade\n",
    "-- strata:allow ",
    "\n",
    "--",
    ",",
    "(",
    ")",
    ";",
    "'",
    "\"",
    "$$",
    "$fn$",
    "/*",
    "*/",
    "\\",
    "E'\\",
    "abc",
    "0a2c4e6f8b1d",
    "2026-13-45",
    "CREATE TABLE t (id int);",
    "DROP TABLE ",
    "ALTER TABLE ",
    "ADD COLUMN ",
    "NOT NULL",
    "DEFAULT ",
    "CASCADE",
    "CREATE INDEX CONCURRENTLY ",
    "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;",
    "CREATE VIEW v AS SELECT ",
    "RENAME TO ",
    "CASE WHEN ",
    " END",
    "SELECT ",
    "::",
    "\u{0}",
    "é",
    "\u{feff}",
];

#[test]
fn revision_file_reader_never_panics() {
    let seeds = files_ending(&["sql"]).into_iter().map(|(_, text)| text).collect();
    fuzz(Target { name: "revision_file", seeds, dictionary: HEADER_AND_SQL }, &corpus_root(), &crash_root(), |text| {
        let _ = Project::load(vec![SourceFile { path: "versions/fuzzed.sql".into(), text: text.into() }]);
    });
}

#[cfg(feature = "render")]
#[test]
fn alembic_script_reader_never_panics() {
    const PYTHON: &[&str] = &[
        "revision = ",
        "down_revision = ",
        "branch_labels = ",
        "depends_on = ",
        "None",
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        ",",
        ":",
        "'",
        "\"",
        "\"\"\"",
        "f'",
        "{x}",
        "%s",
        ".format(",
        "\n",
        "    ",
        "\t",
        "#",
        "\\",
        "def upgrade():\n",
        "def downgrade():\n",
        "pass\n",
        "op.",
        "sa.",
        "op.create_table(",
        "op.add_column(",
        "op.drop_column(",
        "op.alter_column(",
        "op.execute(",
        "op.create_index(",
        "op.batch_alter_table(",
        "with ",
        " as batch_op:\n",
        "sa.Column(",
        "sa.Integer()",
        "sa.String(",
        "sa.Enum(",
        "nullable=False",
        "server_default=",
        "for x in ",
        "if ",
        "else:",
        "lambda ",
        "*",
        "**",
        "+",
        "-",
        "1e309",
        "0x",
        "import sqlalchemy as sa\n",
        "from alembic import op\n",
    ];
    let seeds = files_ending(&["py"]).into_iter().map(|(_, text)| text).collect();
    fuzz(Target { name: "alembic_script", seeds, dictionary: PYTHON }, &corpus_root(), &crash_root(), |text| {
        let _ = Project::load(vec![SourceFile { path: "versions/fuzzed.py".into(), text: text.into() }]);
    });
}

#[test]
fn target_specs_never_panic() {
    let project = sample_project();
    let graph = &project.graph;
    let ids: Vec<String> = graph.ids(0..graph.len());
    let mut seeds: Vec<String> =
        ["head", "heads", "base", "+2", "-1", "head-1", "base+3", "current", "@head", ":", "a:b", "heads@head"]
            .map(String::from)
            .to_vec();
    seeds.extend(ids.iter().take(5).map(|id| format!("{}+1", &id[..4])));
    let mut dictionary: Vec<&str> =
        vec!["@", "+", "-", ":", "head", "heads", "base", "current", "0", "9", "99999999999999999999", "%", "/"];
    dictionary.extend(ids.iter().map(String::as_str));
    let rows = vec![ids[0].clone()];
    fuzz(Target { name: "target_spec", seeds, dictionary: &dictionary }, &corpus_root(), &crash_root(), |spec| {
        exercise_spec(graph, &rows, spec);
    });
}

fn exercise_spec(graph: &RevisionGraph, rows: &[String], spec: &str) {
    for at in [&[][..], rows] {
        let _ = plan::upgrade(graph, at, spec);
        let _ = plan::downgrade(graph, at, spec);
        let _ = plan::stamp(graph, at, &[spec.to_owned()], false);
    }
    let _ = history::revisions_in_range(graph, Some(spec), Some(rows));
    let _ = schema::query::resolve(graph, spec);
}

#[test]
fn sql_analysis_never_panics() {
    let seeds = files_ending(&["sql"]).into_iter().map(|(_, text)| sql_of(&text)).collect();
    fuzz(Target { name: "sql_analysis", seeds, dictionary: HEADER_AND_SQL }, &corpus_root(), &crash_root(), analyse);
}

/// What lies between the markers of a revision file: the seeds for the SQL target.
fn sql_of(file: &str) -> String {
    file.lines().filter(|line| !line.starts_with("-- ")).collect::<Vec<_>>().join("\n")
}

/// The SQL as a base revision's upgrade and downgrade, through everything that reads SQL:
/// the statement split, the linter, the schema model and the offline script.
fn analyse(sql: &str) {
    let text = format!(
        "-- revision: fuzz1\n-- revises:\n-- message: fuzzed\n\n-- strata:upgrade\n{sql}\n-- strata:downgrade\n{sql}\n"
    );
    let project = Project::load(vec![SourceFile { path: "versions/fuzz1.sql".into(), text }]);
    let graph = &project.graph;
    if graph.len() == 0 {
        return;
    }
    let models = Replayer::new(graph).model_all();
    let _ = lint_revisions(graph, &[0], &models);
    if let Ok(plan) = plan::upgrade(graph, &[], "heads") {
        let _ = offline::render(graph, &plan, TransactionMode::WholePlan, &VersionTable::default());
    }
}

/// The harness itself: a mutation that reaches a panic is caught, saved and fails the test.
#[test]
#[should_panic(expected = "inputs panicked")]
fn a_panicking_input_fails_the_run() {
    let target = Target { name: "self_check", seeds: vec!["SELECT 1;".into()], dictionary: &["boom"] };
    fuzz(target, &corpus_root(), &crash_root(), |text| assert!(!text.contains("boom")));
}
