//! Strata and Alembic side by side on generated histories of 1,000 and 10,000 revisions:
//! load + heads, the full history, and `upgrade base:head --sql`. Prints wall time and
//! peak memory of each command (a whole process each, so loading is included).
//!
//! Run with `scripts/bench` (needs the Alembic venv from scripts/setup).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// A plausible long history: mostly linear, with a two-revision side branch every 40
/// revisions that merges back, and a labelled branch point now and then.
fn write_history(root: &Path, count: usize) {
    let strata = root.join("strata/versions");
    let alembic = root.join("alembic/versions");
    std::fs::create_dir_all(&strata).unwrap();
    std::fs::create_dir_all(&alembic).unwrap();
    std::fs::write(
        root.join("alembic.ini"),
        "[alembic]\nscript_location = %(here)s/alembic\nsqlalchemy.url = postgresql://localhost/unused\n",
    )
    .unwrap();
    std::fs::write(
        root.join("alembic/env.py"),
        "from alembic import context\ncontext.configure(url=context.config.get_main_option('sqlalchemy.url'), literal_binds=True)\nwith context.begin_transaction():\n    context.run_migrations()\n",
    )
    .unwrap();
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
                if i % 40 == 2 {
                    // the side branch merges back into the main line next
                }
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
        let on_side = matches!(i % 40, 1 | 2) && i > 40;
        if !on_side {
            main_tip = Some(this.clone());
        }
        let message = format!("revision number {i}");
        let mut sql = format!("-- revision: {this}\n-- revises: {}\n-- message: {message}\n", parents.join(", "));
        sql.push_str("\n-- strata:upgrade\nSELECT 1;\n\n-- strata:downgrade\nSELECT 2;\n");
        std::fs::write(strata.join(format!("{this}_r{i}.sql")), sql).unwrap();
        let down = match parents.as_slice() {
            [] => "None".to_owned(),
            [one] => format!("{one:?}"),
            many => format!("({})", many.iter().map(|p| format!("{p:?}")).collect::<Vec<_>>().join(", ")),
        };
        let py = format!(
            "\"\"\"{message}\"\"\"\nfrom alembic import op\nrevision = {this:?}\ndown_revision = {down}\nbranch_labels = None\ndepends_on = None\n\
             def upgrade():\n    op.execute(\"SELECT 1\")\ndef downgrade():\n    op.execute(\"SELECT 2\")\n"
        );
        std::fs::write(alembic.join(format!("{this}_r{i}.py")), py).unwrap();
    }
}

struct Measured {
    seconds: f64,
    peak_mib: f64,
}

/// Runs a command to its end; wall time and the child's peak resident memory.
fn measure(command: &mut Command) -> Measured {
    let started = Instant::now();
    let child = command.stdout(Stdio::null()).stderr(Stdio::piped()).spawn().expect("the command starts");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: zeroed rusage is a valid out-parameter; wait4 reaps exactly this child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let seconds = started.elapsed().as_secs_f64();
    assert_eq!(waited, pid, "wait4 failed");
    assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0, "{command:?} failed");
    std::mem::forget(child); // already reaped
    Measured { seconds, peak_mib: usage.ru_maxrss as f64 / 1024.0 }
}

fn main() {
    let strata = PathBuf::from(env!("CARGO_BIN_EXE_strata"));
    let alembic = Path::new(env!("CARGO_MANIFEST_DIR")).join("../.tools/alembic-venv/bin/alembic");
    assert!(alembic.exists(), "no Alembic venv: run scripts/setup");
    let mut table = String::new();
    writeln!(
        table,
        "| revisions | operation | strata (s) | alembic (s) | speed-up | strata peak (MiB) | alembic peak (MiB) |"
    )
    .unwrap();
    writeln!(table, "|---:|---|---:|---:|---:|---:|---:|").unwrap();
    for count in [1_000, 10_000] {
        let root = tempfile::tempdir().unwrap();
        write_history(root.path(), count);
        let operations: [(&str, &[&str], &[&str]); 3] = [
            ("load + heads", &["heads"], &["heads"]),
            ("history", &["history"], &["history"]),
            ("upgrade base:head --sql", &["upgrade", "base:head", "--sql"], &["upgrade", "base:head", "--sql"]),
        ];
        for (name, ours, theirs) in operations {
            let s = measure(Command::new(&strata).arg("--migrations").arg(root.path().join("strata")).args(ours));
            let a = measure(
                Command::new(&alembic)
                    .arg("-c")
                    .arg(root.path().join("alembic.ini"))
                    .args(theirs)
                    .env("PYTHONWARNINGS", "ignore"),
            );
            writeln!(
                table,
                "| {count} | {name} | {:.3} | {:.2} | {:.0}x | {:.1} | {:.1} |",
                s.seconds,
                a.seconds,
                a.seconds / s.seconds,
                s.peak_mib,
                a.peak_mib
            )
            .unwrap();
            eprintln!("{count} {name}: done");
        }
    }
    println!("{table}");
}
