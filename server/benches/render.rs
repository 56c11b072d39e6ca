//! Rendering Alembic scripts: Strata against `alembic upgrade base:head --sql` on 1,000
//! generated revisions (every operation and type the renderer supports, from the
//! differential test's generator). Prints wall time and peak memory of each command (a whole
//! process each: loading, rendering and printing the script), the rendering alone, and how
//! soon the studio in headless Chromium draws that history once its data arrived.
//!
//! Run with `scripts/bench` (needs the Alembic venv from scripts/setup).

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;
use support::measure::measure;

#[path = "../tests/support/mod.rs"]
mod support;

const REVISIONS: usize = 1_000;

fn main() {
    let root = tempfile::tempdir().unwrap();
    let generator = support::workspace_root().join("shared/tests/alembic/script_generator.py");
    let python = support::alembic::alembic_bin().with_file_name("python");
    let generated = Command::new(&python)
        .arg(&generator)
        .arg(root.path())
        .args(["1", &REVISIONS.to_string()])
        .output()
        .expect("the generator runs");
    assert!(generated.status.success(), "generator: {}", String::from_utf8_lossy(&generated.stderr));
    let migrations = root.path().join("alembic");

    let strata = PathBuf::from(env!("CARGO_BIN_EXE_strata"));
    let ours =
        measure(Command::new(&strata).arg("--migrations").arg(&migrations).args(["upgrade", "base:head", "--sql"]));
    let theirs = measure(
        Command::new(support::alembic::alembic_bin())
            .arg("-c")
            .arg(root.path().join("alembic.ini"))
            .args(["upgrade", "base:head", "--sql"])
            .env("PYTHONWARNINGS", "ignore"),
    );
    assert_eq!((ours.exit_code, theirs.exit_code), (0, 0), "both render the whole history");

    // The rendering alone, in this process: every script read and rendered once.
    let scripts: Vec<(String, String)> = std::fs::read_dir(migrations.join("versions"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "py"))
        .map(|p| (p.display().to_string(), std::fs::read_to_string(&p).unwrap()))
        .collect();
    let started = Instant::now();
    let statements: usize = scripts
        .iter()
        .map(|(path, text)| {
            let rendered = strata_shared::alembic::render::render_script(path, text);
            rendered.upgrade.statements.len() + rendered.downgrade.statements.len()
        })
        .sum();
    let render_ms = started.elapsed().as_secs_f64() * 1000.0;

    println!("| {REVISIONS} Alembic scripts | strata | alembic | speed-up |");
    println!("|---|---:|---:|---:|");
    println!(
        "| upgrade base:head --sql (s) | {:.3} | {:.2} | {:.0}x |",
        ours.seconds,
        theirs.seconds,
        theirs.seconds / ours.seconds
    );
    println!("| peak memory (MiB) | {:.1} | {:.1} | |", ours.peak_mib, theirs.peak_mib);
    println!("rendering alone: {} scripts, {statements} statements in {render_ms:.1} ms", scripts.len());

    // The studio on the same project: how soon the history is drawn once the data arrived.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (analysis_ms, _, drawn_ms) = runtime.block_on(support::chrome::overview_figures(&migrations, 3));
    println!(
        "studio, {REVISIONS} Alembic revisions: history drawn {drawn_ms:.0} ms after the data arrived; \
         the server's analysis of their rendered SQL took {analysis_ms:.0} ms (best of 3)"
    );
}
