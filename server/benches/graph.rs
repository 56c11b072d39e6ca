//! Strata and Alembic side by side on generated histories of 1,000 and 10,000 revisions, and
//! labelled ones of 10,000 and 50,000 (a branch label every 25 revisions, a `depends_on` every
//! 50): load + heads, the full history, and `upgrade base:head --sql`. Prints wall time and
//! peak memory of each command (a whole process each, so loading is included).
//!
//! Run with `scripts/bench` (needs the Alembic venv from scripts/setup).

use std::path::{Path, PathBuf};
use std::process::Command;
use support::measure::measure;

#[path = "../tests/support/mod.rs"]
mod support;

/// A plausible long history, as Strata files under `root/strata` and the same revisions as an
/// Alembic project under `root`: mostly linear, with a two-revision side branch every 40
/// revisions that merges back; `labelled`, a branch label on every 25th revision of the main
/// line and, every 50th, a `depends_on` on the label 50 revisions back.
fn write_history(root: &Path, count: usize, labelled: bool) {
    let strata = root.join("strata/versions");
    std::fs::create_dir_all(&strata).unwrap();
    let id = |i: usize| format!("{:012x}", (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 16);
    let mut main_tip: Option<String> = None;
    let mut side_tip: Option<String> = None;
    for i in 0..count {
        let this = id(i);
        let parents: Vec<String> = match (i % 40, &main_tip, &side_tip) {
            (0, Some(tip), _) if i > 0 => {
                side_tip = Some(tip.clone()); // the side branch starts from here
                vec![tip.clone()]
            }
            (1 | 2, _, Some(side)) => {
                let parent = side.clone();
                side_tip = Some(this.clone());
                vec![parent]
            }
            (3, Some(tip), Some(side)) => {
                let merged = vec![tip.clone(), side.clone()];
                side_tip = None;
                merged
            }
            (_, Some(tip), _) => vec![tip.clone()],
            (_, None, _) => Vec::new(),
        };
        if !(matches!(i % 40, 1 | 2) && i > 40) {
            main_tip = Some(this.clone());
        }
        let on_main_line = !matches!(i % 40, 1 | 2) || i < 40;
        let mut extra = String::new();
        if labelled && on_main_line && i % 25 == 5 {
            extra.push_str(&format!("-- branch-labels: l{i}\n"));
            if i >= 55 && i % 50 == 5 {
                extra.push_str(&format!("-- depends-on: l{}\n", i - 50));
            }
        }
        let sql = format!(
            "-- revision: {this}\n-- revises: {}\n-- message: revision number {i}\n{extra}\n\
             -- strata:upgrade\nSELECT 1;\n\n-- strata:downgrade\nSELECT 2;\n",
            parents.join(", ")
        );
        std::fs::write(strata.join(format!("{this}_r{i}.sql")), sql).unwrap();
    }
    let project = strata_server::migrations_dir::load(&root.join("strata")).unwrap();
    let revisions: Vec<_> = project.graph.nodes().iter().map(|n| n.revision.clone()).collect();
    support::alembic::write_project(root, &revisions);
}

fn main() {
    let strata = PathBuf::from(env!("CARGO_BIN_EXE_strata"));
    let alembic = support::alembic::alembic_bin();
    // Each row as soon as it is measured: the last case takes Alembic many minutes.
    println!(
        "| revisions | history | operation | strata (s) | alembic (s) | speed-up | strata peak (MiB) | alembic peak (MiB) |"
    );
    println!("|---:|---|---|---:|---:|---:|---:|---:|");
    let operations: [(&str, &[&str], &[&str]); 3] = [
        ("load + heads", &["heads"], &["heads"]),
        ("history", &["history"], &["history"]),
        ("upgrade base:head --sql", &["upgrade", "base:head", "--sql"], &["upgrade", "base:head", "--sql"]),
    ];
    // Alembic needs many minutes per command on 50,000 labelled revisions: heads only there.
    let cases = [(1_000, false, 3), (10_000, false, 3), (10_000, true, 3), (50_000, true, 1)];
    for (count, labelled, operation_count) in cases {
        let root = tempfile::tempdir().unwrap();
        write_history(root.path(), count, labelled);
        let kind = if labelled { "labelled" } else { "plain" };
        for &(name, ours, theirs) in &operations[..operation_count] {
            let s = measure(Command::new(&strata).arg("--migrations").arg(root.path().join("strata")).args(ours));
            let a = measure(
                Command::new(&alembic)
                    .arg("-c")
                    .arg(root.path().join("alembic.ini"))
                    .args(theirs)
                    .env("PYTHONWARNINGS", "ignore"),
            );
            assert_eq!((s.exit_code, a.exit_code), (0, 0), "{name}: both succeed");
            println!(
                "| {count} | {kind} | {name} | {:.3} | {:.2} | {:.0}x | {:.1} | {:.1} |",
                s.seconds,
                a.seconds,
                a.seconds / s.seconds,
                s.peak_mib,
                a.peak_mib
            );
        }
    }
}
