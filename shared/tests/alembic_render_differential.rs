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

use std::path::{Path, PathBuf};
use std::process::Command;
use strata_shared::alembic::render::render_script;

#[path = "common/alembic_sql.rs"]
mod alembic_sql;
use alembic_sql::{Difference, Statement, alembic_statements, compare, from_section};

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
    fn compare(&mut self, what: &str, script: &Path, alembic: Vec<Statement>, strata: Vec<Statement>) {
        let file = script.file_name().unwrap().to_string_lossy();
        let comparison = compare(alembic, strata);
        self.statements += comparison.statements;
        self.equal_trees += comparison.equal_trees;
        self.equal_text += comparison.equal_text;
        if let Some(difference) = &comparison.difference {
            if let Difference::AlembicUnparsable { alembic, .. } = difference {
                panic!("Alembic's SQL parses: {}", alembic.sql);
            }
            self.mismatches.push(format!("{what} ({file}), {}", difference.describe()));
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
                let expected = alembic.statements.get(id).cloned().unwrap_or_default();
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
