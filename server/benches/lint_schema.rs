//! `strata lint` and `strata schema` as whole processes on a 1,000-revision history in the
//! style of real projects (tables, foreign keys, indexes, plpgsql functions and triggers, views,
//! data migrations, enums, comments): wall time and peak memory against the goal of 0.5 s and
//! 150 MiB each. Prints figures; run with `cargo bench -p strata-server --bench lint_schema`.

use std::process::Command;

#[path = "../tests/support/mod.rs"]
mod support;

const REVISIONS: usize = 1_000;
const RUNS: usize = 3;
const GOAL_SECONDS: f64 = 0.5;
const GOAL_MIB: f64 = 150.0;

/// The best wall time, the best CPU time and the largest peak memory of `RUNS` runs of `strata ARGS`.
fn best_of(project: &std::path::Path, args: &[&str]) -> (f64, f64, f64) {
    let strata = env!("CARGO_BIN_EXE_strata");
    let (mut seconds, mut cpu, mut mib) = (f64::MAX, f64::MAX, 0.0_f64);
    for _ in 0..RUNS {
        let run = support::measure::measure(Command::new(strata).arg("--migrations").arg(project).args(args));
        assert!(run.exit_code <= 1, "strata {args:?} ran (1 = findings at the gate)");
        seconds = seconds.min(run.seconds);
        cpu = cpu.min(run.cpu_seconds);
        mib = mib.max(run.peak_mib);
    }
    (seconds, cpu, mib)
}

fn main() {
    let root = tempfile::tempdir().unwrap();
    support::app_history::write(root.path(), 11, REVISIONS);
    let loaded = strata_server::migrations_dir::load(root.path()).unwrap();
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    let bytes: u64 =
        std::fs::read_dir(root.path().join("versions")).unwrap().map(|e| e.unwrap().metadata().unwrap().len()).sum();
    println!(
        "`strata lint` and `strata schema`, whole processes, {REVISIONS} real-style revisions ({:.1} MiB of SQL), best of {RUNS}:",
        bytes as f64 / 1048576.0
    );
    println!("| command | wall time | CPU time | peak RSS | goal |");
    println!("|---|---:|---:|---:|---|");
    for (label, args) in [
        ("strata lint", vec!["lint"]),
        ("strata lint --target-version 15", vec!["lint", "--target-version", "15"]),
        ("strata schema", vec!["schema"]),
    ] {
        let (seconds, cpu, mib) = best_of(root.path(), &args);
        let met = if seconds <= GOAL_SECONDS && mib <= GOAL_MIB { "met" } else { "MISSED" };
        println!(
            "| `{label}` | {:.0} ms | {:.0} ms | {mib:.1} MiB | {met} (0.5 s, 150 MiB) |",
            seconds * 1000.0,
            cpu * 1000.0
        );
    }
}
