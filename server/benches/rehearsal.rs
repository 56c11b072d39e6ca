//! What a rehearsal costs beyond the run itself, on the sample: `prod` stands ten revisions
//! behind the head; `strata rehearse heads --env prod` (schema copy, the plan on the copy with
//! its lock and rewrite probes, the copy dropped) is timed against `strata upgrade heads` of
//! the same plan on `prod` itself. Both are whole commands (process start and loading the
//! project included), so the difference is the rehearsal's own overhead. Prints figures; not
//! a pass/fail test.
//!
//! Run with `cargo bench -p strata-server --bench rehearsal` (part of `scripts/bench`).

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

#[path = "../tests/support/mod.rs"]
mod support;

use support::targets::Targets;

const BEHIND: usize = 10;
const RUNS: usize = 5;

fn strata(migrations: &Path, dir: &Path, targets: &Targets, args: &[&str]) -> (Output, Duration) {
    let started = Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_strata"))
        .arg("--migrations")
        .arg(migrations)
        .arg("--config")
        .arg(dir.join("strata.toml"))
        .arg("--state-dir")
        .arg(dir)
        .args(args)
        .envs(targets.env())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let took = started.elapsed();
    assert!(
        output.status.success(),
        "strata {args:?}: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output, took)
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn main() {
    let dir = support::state_dir();
    let migrations = support::sample_migrations();
    let targets = Targets::start(dir.path(), &["prod"]);
    targets.config(dir.path(), &[("prod", "rehearsal = \"schema\"")]);
    let run = |args: &[&str]| strata(&migrations, dir.path(), &targets, args);
    let behind = format!("-{BEHIND}");
    run(&["upgrade", "heads", "--env", "prod", "--yes"]);
    run(&["downgrade", &behind, "--env", "prod", "--yes"]);

    let (mut rehearsals, mut upgrades, mut steps) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..RUNS {
        let (output, took) = run(&["rehearse", "heads", "--env", "prod", "--json"]);
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let ran: u64 = report["steps"].as_array().unwrap().iter().map(|s| s["duration_ms"].as_u64().unwrap()).sum();
        rehearsals.push(took);
        steps.push(Duration::from_millis(ran));
        upgrades.push(run(&["upgrade", "heads", "--env", "prod", "--yes"]).1);
        run(&["downgrade", &behind, "--env", "prod", "--yes"]);
    }
    let (rehearsal, upgrade, steps) = (median(rehearsals), median(upgrades), median(steps));
    println!("The sample, {BEHIND} revisions behind its head; median of {RUNS} runs, whole commands:");
    println!("| | ms |");
    println!("|---|---:|");
    println!("| `strata upgrade heads` on the environment | {:.0} |", ms(upgrade));
    println!("| `strata rehearse heads` (schema copy) | {:.0} |", ms(rehearsal));
    println!("| of which the plan's steps on the copy | {:.0} |", ms(steps));
    println!("| rehearsal overhead beyond the run | {:.0} |", ms(rehearsal.saturating_sub(upgrade)));
}
