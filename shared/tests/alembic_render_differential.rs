//! The renderer against the real Alembic: on generated Alembic projects (every operation,
//! option and type the renderer supports, at random, `tests/alembic/script_generator.py`),
//! `alembic upgrade base:head --sql` and `alembic downgrade head:base --sql` run once each,
//! their output is cut per revision, and every revision's statements must equal
//! `render_script`'s, in order, as PostgreSQL parse trees (both sides deparsed by pg_query),
//! inside or outside a transaction alike, with nothing left unknown.
//!
//! Alembic runs in the venv scripts/setup creates (`.tools/alembic-venv`, or
//! `$STRATA_ALEMBIC_PYTHON`). More projects locally: `STRATA_RENDER_SEEDS=1,2,3,4`
//! (comma-separated) and `STRATA_RENDER_REVISIONS=400` (revisions per project).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use strata_shared::alembic::render::render_script;
use strata_shared::alembic::{RenderedSection, RenderedStatement};

fn python() -> PathBuf {
    std::env::var_os("STRATA_ALEMBIC_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.tools/alembic-venv/bin/python"))
}

fn run_python(args: &[&str], dir: &Path) -> String {
    let python = python();
    assert!(python.exists(), "no Alembic venv at {}: run scripts/setup", python.display());
    let output = Command::new(&python)
        .args(args)
        .current_dir(dir)
        .env("PYTHONHASHSEED", "0")
        .env("PYTHONWARNINGS", "ignore")
        .output()
        .expect("python starts");
    assert!(output.status.success(), "python {args:?} failed:\n{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

/// A generated project in a fresh folder: its folder and (revision id, script file) in chain order.
fn generate(seed: u64, count: usize) -> (PathBuf, Vec<(String, PathBuf)>) {
    let dir = std::env::temp_dir().join(format!("strata-render-differential-{}-{seed}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let generator = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/alembic/script_generator.py");
    let listing = run_python(&[generator, dir.to_str().unwrap(), &seed.to_string(), &count.to_string()], &dir);
    let revisions = listing
        .lines()
        .map(|line| {
            let (id, file) = line.split_once(' ').unwrap();
            (id.to_owned(), dir.join("alembic/versions").join(file))
        })
        .collect::<Vec<_>>();
    assert_eq!(revisions.len(), count, "the generator wrote every revision");
    (dir, revisions)
}

/// One statement as Alembic or Strata gives it.
#[derive(Clone, Debug)]
struct Statement {
    sql: String,
    autocommit: bool,
    /// The script line (Strata's side only).
    line: Option<u32>,
}

/// Alembic's offline output cut per revision (the `-- Running upgrade A -> B` comments): the
/// statements of each, without BEGIN/COMMIT and the version table's. A statement between a
/// COMMIT and the next BEGIN ran in `autocommit_block`.
fn alembic_statements(output: &str) -> HashMap<String, Vec<Statement>> {
    let mut by_revision: HashMap<String, Vec<Statement>> = HashMap::new();
    let mut current: Option<String> = None;
    let mut in_transaction = false;
    let mut chunk = String::new();
    let mut flush = |chunk: &mut String, current: &Option<String>, in_transaction: &mut bool| {
        for statement in pg_query::split_with_scanner(chunk).unwrap_or_else(|e| panic!("{e}: {chunk}")) {
            let sql = statement.trim();
            let upper = sql.to_ascii_uppercase();
            if upper == "BEGIN" {
                *in_transaction = true;
                continue;
            }
            if upper == "COMMIT" {
                *in_transaction = false;
                continue;
            }
            if sql.is_empty() || upper.contains("ALEMBIC_VERSION") {
                continue;
            }
            let revision = current.clone().unwrap_or_else(|| panic!("a statement before any revision: {sql}"));
            by_revision.entry(revision).or_default().push(Statement {
                sql: sql.to_owned(),
                autocommit: !*in_transaction,
                line: None,
            });
        }
        chunk.clear();
    };
    for line in output.lines() {
        let running = line.strip_prefix("-- Running upgrade ").or_else(|| line.strip_prefix("-- Running downgrade "));
        if let Some(step) = running {
            flush(&mut chunk, &current, &mut in_transaction);
            let (from, to) = step.split_once(" -> ").unwrap();
            // Upgrades name the revision on the right, downgrades on the left.
            let revision = if line.contains("upgrade") { to } else { from };
            current = Some(revision.trim().to_owned());
            continue;
        }
        chunk.push_str(line);
        chunk.push('\n');
    }
    flush(&mut chunk, &current, &mut in_transaction);
    by_revision
}

fn from_section(section: &RenderedSection) -> Vec<Statement> {
    section
        .statements
        .iter()
        .map(|RenderedStatement { sql, line, autocommit }| Statement {
            sql: sql.trim().trim_end_matches(';').trim().to_owned(),
            autocommit: *autocommit,
            line: Some(*line),
        })
        .collect()
}

/// The statement as a parse tree, printed back by pg_query; None when it does not parse.
fn tree(sql: &str) -> Option<String> {
    let parsed = pg_query::parse(sql, 0).ok()?;
    pg_query::deparse(&parsed.protobuf, pg_query::DeparseOptions::default()).ok()
}

/// Alembic creates a new table's indexes in the order of a Python set (`Table.indexes`, hashed by
/// object id), so the order of two or more is arbitrary: the CREATE INDEX statements right after
/// a CREATE TABLE are put in one order (by their trees) on both sides.
fn canonical_order(statements: &mut [Statement]) {
    let is = |s: &Statement, prefix: &str| s.sql.to_ascii_uppercase().starts_with(prefix);
    let mut i = 0;
    while i < statements.len() {
        if is(&statements[i], "CREATE TABLE") {
            let start = i + 1;
            let mut end = start;
            while end < statements.len()
                && (is(&statements[end], "CREATE INDEX") || is(&statements[end], "CREATE UNIQUE INDEX"))
                && !is(&statements[end], "CREATE INDEX CONCURRENTLY")
            {
                end += 1;
            }
            statements[start..end].sort_by_cached_key(|s| tree(&s.sql).unwrap_or_else(|| s.sql.clone()));
            i = end;
        } else {
            i += 1;
        }
    }
}

#[derive(Default)]
struct Figures {
    revisions: usize,
    statements: usize,
    equal_trees: usize,
    equal_text: usize,
    mismatches: Vec<String>,
}

impl Figures {
    /// Compares one function of one revision, statement by statement; stops at the first
    /// difference (what follows it is shifted).
    fn compare(&mut self, what: &str, script: &Path, mut alembic: Vec<Statement>, mut strata: Vec<Statement>) {
        canonical_order(&mut alembic);
        canonical_order(&mut strata);
        let file = script.file_name().unwrap().to_string_lossy();
        self.statements += alembic.len();
        for (index, expected) in alembic.iter().enumerate() {
            let Some(ours) = strata.get(index) else {
                self.mismatches.push(format!(
                    "{what} ({file}), statement {}: Strata renders nothing; Alembic:\n    {}",
                    index + 1,
                    expected.sql
                ));
                return;
            };
            let expected_tree = tree(&expected.sql).unwrap_or_else(|| panic!("Alembic's SQL parses: {}", expected.sql));
            let same_tree = tree(&ours.sql).as_deref() == Some(expected_tree.as_str());
            if !same_tree || ours.autocommit != expected.autocommit {
                self.mismatches.push(format!(
                    "{what} ({file}), statement {} (script line {}){}:\n    Alembic: {}\n    Strata:  {}",
                    index + 1,
                    ours.line.unwrap_or(0),
                    if same_tree {
                        format!(" autocommit: Alembic {}, Strata {}", expected.autocommit, ours.autocommit)
                    } else {
                        String::new()
                    },
                    expected.sql.replace('\n', "\n             "),
                    ours.sql.replace('\n', "\n             "),
                ));
                return;
            }
            self.equal_trees += 1;
            if ours.sql == expected.sql {
                self.equal_text += 1;
            }
        }
        if let Some(extra) = strata.get(alembic.len()) {
            self.mismatches.push(format!(
                "{what} ({file}), statement {} (script line {}): Alembic has no more; Strata renders:\n    {}",
                alembic.len() + 1,
                extra.line.unwrap_or(0),
                extra.sql
            ));
        }
    }
}

fn settings() -> (Vec<u64>, usize) {
    let seeds = std::env::var("STRATA_RENDER_SEEDS")
        .map(|s| s.split(',').map(|seed| seed.trim().parse().expect("STRATA_RENDER_SEEDS: numbers")).collect())
        .unwrap_or_else(|_| vec![20_261, 20_262]);
    let revisions = std::env::var("STRATA_RENDER_REVISIONS")
        .map(|n| n.trim().parse().expect("STRATA_RENDER_REVISIONS: a number"))
        .unwrap_or(150);
    (seeds, revisions)
}

#[test]
fn rendered_sql_equals_alembics_offline_sql_on_generated_scripts() {
    let (seeds, count) = settings();
    let mut figures = Figures::default();
    let projects = seeds.len();
    for seed in seeds {
        let (dir, revisions) = generate(seed, count);
        let ini = dir.join("alembic.ini");
        let alembic = |range: &str, direction: &str| {
            run_python(&["-m", "alembic", "-c", ini.to_str().unwrap(), direction, range, "--sql"], &dir)
        };
        let upgrades = alembic_statements(&alembic("base:head", "upgrade"));
        let downgrades = alembic_statements(&alembic("head:base", "downgrade"));
        for (id, script) in &revisions {
            let text = std::fs::read_to_string(script).unwrap();
            let rendered = render_script(&script.to_string_lossy(), &text);
            figures.revisions += 1;
            let what = |function: &str| format!("seed {seed}, revision {id}, {function}");
            if let Some((line, message)) = &rendered.syntax_error {
                figures.mismatches.push(format!("{}: not valid Python at line {line}: {message}", what("script")));
                continue;
            }
            for (function, section, alembic) in
                [("upgrade", &rendered.upgrade, &upgrades), ("downgrade", &rendered.downgrade, &downgrades)]
            {
                for unknown in &section.unknown {
                    figures.mismatches.push(format!(
                        "{}: unknown at line {}: `{}`: {}",
                        what(function),
                        unknown.line,
                        unknown.construct,
                        unknown.reason
                    ));
                }
                let expected = alembic.get(id).cloned().unwrap_or_default();
                figures.compare(&what(function), script, expected, from_section(section));
            }
        }
        // Kept on failure, to look at.
        if figures.mismatches.is_empty() {
            let _ = std::fs::remove_dir_all(&dir);
        }
    }
    let percent = |n: usize| 100.0 * n as f64 / figures.statements.max(1) as f64;
    println!(
        "renderer vs Alembic --sql: {} revisions, {} statements, {} equal as parse trees ({:.1}%), {} equal as text ({:.1}%)",
        figures.revisions,
        figures.statements,
        figures.equal_trees,
        percent(figures.equal_trees),
        figures.equal_text,
        percent(figures.equal_text),
    );
    assert_eq!(figures.revisions, projects * count, "every generated revision was rendered");
    assert!(figures.statements >= figures.revisions, "Alembic emitted statements for the revisions");
    assert!(
        figures.mismatches.is_empty(),
        "{} mismatches (first 40):\n{}",
        figures.mismatches.len(),
        figures.mismatches.iter().take(40).cloned().collect::<Vec<_>>().join("\n")
    );
}
