//! The `strata` command line: its output reads like Alembic's (compared with the real
//! `alembic` on an equivalent project), `--json` works on every verb, and exit codes say what
//! happened (0 ok, 1 a user error with a one-line reason, 2 usage).

use crate::support;

use std::path::Path;
use std::process::{Command, Output};
use support::alembic;

fn strata(migrations: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_strata")).arg("--migrations").arg(migrations).args(args).output().unwrap()
}

fn stdout_of(migrations: &Path, args: &[&str]) -> String {
    let output = strata(migrations, args);
    assert!(output.status.success(), "strata {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

/// The sample, as an Alembic project in a temp folder.
fn alembic_sample() -> (tempfile::TempDir, std::path::PathBuf) {
    let project = strata_server::migrations_dir::load(&support::sample_migrations()).unwrap();
    let revisions: Vec<_> = project.graph.nodes().iter().map(|n| n.revision.clone()).collect();
    let root = tempfile::tempdir().unwrap();
    let script_dir = alembic::write_project(root.path(), &revisions);
    (root, script_dir)
}

#[test]
fn history_heads_branches_and_show_print_what_alembic_prints() {
    let (root, script_dir) = alembic_sample();
    let cases: [&[&str]; 9] = [
        &["history"],
        &["history", "-v"],
        &["history", "-r", "27c6:4b8e"],
        &["history", "-r", "sales@base:sales@head"],
        &["heads"],
        &["heads", "-v"],
        &["branches"],
        &["show", "e1a2b3c4d5e6"],
        &["show", "c8f1"],
    ];
    for args in cases {
        let theirs = alembic::run(root.path(), args, &[]);
        // Strata reads the very same Python scripts.
        let ours = stdout_of(&script_dir, args);
        let (ours, theirs) = (unordered_labels(&ours), unordered_labels(&theirs));
        let lines = |text: &str| text.lines().map(str::to_owned).collect::<Vec<_>>();
        assert_same(&lines(&ours), &lines(&theirs), &format!("strata {args:?}"));
    }
}

/// Alembic keeps branch labels and children in Python sets, so it prints them in hash order,
/// which changes from run to run; compare those lists as sets.
fn unordered_labels(text: &str) -> String {
    let sorted = |list: &str| {
        let mut items: Vec<&str> = list.split(", ").collect();
        items.sort_unstable();
        items.join(", ")
    };
    text.trim_end()
        .lines()
        .map(|line| {
            for prefix in ["Branch names: ", "Branches into: "] {
                if let Some(names) = line.strip_prefix(prefix) {
                    return format!("{prefix}{}", sorted(names));
                }
            }
            let mut out = String::new();
            let mut rest = line;
            while let Some(open) = rest.find(" (") {
                let Some(close) = rest[open..].find(')') else { break };
                out.push_str(&rest[..open + 2]);
                out.push_str(&sorted(&rest[open + 2..open + close]));
                rest = &rest[open + close..];
            }
            out.push_str(rest);
            out
        })
        .collect::<Vec<_>>()
        // `branches` lists a branch point's children in set order too.
        .chunk_by(|a, b| a.trim_start().starts_with("-> ") && b.trim_start().starts_with("-> "))
        .flat_map(|run| {
            let mut run = run.to_vec();
            run.sort();
            run
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The offline scripts' framing: transactions, the version table's creation, each step, and
/// the version rows after it. (Which row a merge deletes and which it updates depends on
/// Python's set order in Alembic, so the rows are compared, not the statements.)
fn framing(script: &str) -> Vec<String> {
    let literal =
        |line: &str, from: &str| line.split(from).nth(1).and_then(|rest| rest.split('\'').nth(1)).map(str::to_owned);
    let mut rows: Vec<String> = Vec::new();
    let mut out = Vec::new();
    let flush = |rows: &Vec<String>, out: &mut Vec<String>| {
        let mut sorted = rows.clone();
        sorted.sort();
        out.push(format!("rows: {}", sorted.join(",")));
    };
    for line in script.lines() {
        if line.starts_with("INSERT INTO alembic_version") {
            rows.extend(literal(line, "VALUES ("));
        } else if line.starts_with("DELETE FROM alembic_version") {
            let gone = literal(line, "version_num = ");
            rows.retain(|r| Some(r) != gone.as_ref());
        } else if line.starts_with("UPDATE alembic_version") {
            let (to, from) = (literal(line, "SET version_num="), literal(line, "version_num = "));
            rows.retain(|r| Some(r) != from.as_ref());
            rows.extend(to);
        } else if line.starts_with("-- Running") || line == "COMMIT;" {
            flush(&rows, &mut out);
            out.push(line.to_owned());
        } else if line == "BEGIN;" || line.starts_with("CREATE TABLE alembic_version") {
            out.push(line.to_owned());
        }
    }
    out
}

/// Equal, or a short message about the first difference.
fn assert_same(ours: &[String], theirs: &[String], what: &str) {
    if let Some(at) = (0..ours.len().max(theirs.len())).find(|&i| ours.get(i) != theirs.get(i)) {
        panic!("{what}: first difference at line {at}: strata {:?}, alembic {:?}", ours.get(at), theirs.get(at));
    }
}

#[test]
fn offline_scripts_frame_the_sql_as_alembic_does() {
    let (root, _) = alembic_sample();
    let sample = support::sample_migrations();
    let cases: [(&[&str], &[&str], bool); 5] = [
        (&["upgrade", "head", "--sql"], &["upgrade", "base:head", "--sql"], false),
        (&["upgrade", "head", "--sql", "--transactions", "per-revision"], &["upgrade", "base:head", "--sql"], true),
        (&["upgrade", "4b8e:sales@head", "--sql"], &["upgrade", "4b8e:sales@head", "--sql"], false),
        (&["downgrade", "head:base", "--sql"], &["downgrade", "head:base", "--sql"], false),
        (&["stamp", "c8f1", "--sql"], &["stamp", "c8f1", "--sql"], false),
    ];
    for (ours, theirs, per_migration) in cases {
        let env: &[(&str, &str)] = if per_migration { &[("STRATA_TEST_PER_MIGRATION", "1")] } else { &[] };
        let theirs = alembic::run(root.path(), theirs, env);
        assert_same(&framing(&stdout_of(&sample, ours)), &framing(&theirs), &format!("strata {ours:?}"));
    }
}

#[test]
fn every_verb_answers_in_json() {
    let sample = support::sample_migrations();
    for args in [
        &["heads", "--json"][..],
        &["history", "--json"],
        &["branches", "--json"],
        &["show", "head", "--json"],
        &["upgrade", "head", "--sql", "--json"],
        &["downgrade", "head:-1", "--sql", "--json"],
        &["stamp", "head", "--sql", "--json"],
        &["schema", "--json"],
        &["diff", "base", "heads", "--json"],
        &["blame", "customer", "--json"],
    ] {
        let out = stdout_of(&sample, args);
        let value: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: {e}: {out}"));
        assert!(value.is_array() || value.is_object(), "{args:?}");
    }
    let plan: serde_json::Value =
        serde_json::from_str(&stdout_of(&sample, &["upgrade", "head", "--sql", "--json"])).unwrap();
    assert_eq!(plan["plan"]["steps"].as_array().unwrap().len(), support::sample_head().1);
    assert!(plan["sql"].as_str().unwrap().starts_with("BEGIN;"));
}

#[test]
fn exit_codes_and_one_line_reasons() {
    let sample = support::sample_migrations();
    let refused = strata(&sample, &["upgrade", "nosuchrev", "--sql"]);
    assert_eq!(refused.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("error: no revision or branch named `nosuchrev`"), "{stderr}");

    let usage = strata(&sample, &["upgrade"]);
    assert_eq!(usage.status.code(), Some(2), "a missing argument is a usage error");

    let no_start = strata(&sample, &["downgrade", "base", "--sql"]);
    assert_eq!(no_start.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&no_start.stderr).contains("write `<from>:<to>`"));

    // A folder with broken files: the answer, then the problems, and exit code 1.
    let broken = strata(&support::broken_fixture(), &["heads"]);
    assert_eq!(broken.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&broken.stdout).contains("b2c3d4e5f6a1 (head)"));
    assert!(
        String::from_utf8_lossy(&broken.stderr)
            .contains("error: versions/c3d4e5f6a1b2_malformed_header.sql:3: unknown header key `author`")
    );
    // ... and no script is written from it.
    let script = strata(&support::broken_fixture(), &["upgrade", "heads", "--sql"]);
    assert_eq!(script.status.code(), Some(1));
    assert!(script.stdout.is_empty());
}

#[test]
fn revision_and_merge_write_files_that_join_the_graph() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("versions")).unwrap();
    let new = |args: &[&str]| -> String {
        let out: serde_json::Value =
            serde_json::from_str(&stdout_of(dir.path(), &[args, &["--json"]].concat())).unwrap();
        out["id"].as_str().unwrap().to_owned()
    };
    let base = new(&["revision", "-m", "create accounts"]);
    let left = new(&["revision", "-m", "left side", "--branch-label", "left"]);
    let refused = strata(dir.path(), &["revision", "-m", "on the base again", "--head", &base]);
    assert_eq!(refused.status.code(), Some(1), "the base is no longer a head");
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--splice"));
    let right = new(&["revision", "-m", "right side", "--head", &base, "--splice", "--depends-on", "left"]);
    let several = strata(dir.path(), &["revision", "-m", "ambiguous"]);
    assert!(String::from_utf8_lossy(&several.stderr).contains("several heads"), "two heads now");
    let merge = new(&["merge", &left, &right, "-m", "join both sides", "--rev-id", "f00d00000001"]);
    assert_eq!(merge, "f00d00000001");

    assert_eq!(stdout_of(dir.path(), &["heads"]).trim(), "f00d00000001 (left) (head)");
    let history = stdout_of(dir.path(), &["history"]);
    assert!(
        history.starts_with(&format!("{left}, {right} -> f00d00000001 (left) (head) (mergepoint), join both sides")),
        "{history}"
    );
    assert!(history.contains(&format!("{base} (left) -> {right}, right side")), "depends_on shows: {history}");
    let file = std::fs::read_dir(dir.path().join("versions"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .find(|n| n.starts_with("f00d00000001"))
        .unwrap();
    assert_eq!(file, "f00d00000001_join_both_sides.sql");
}

#[test]
fn lint_gates_on_a_chosen_severity_and_answers_in_json() {
    let sample = support::sample_migrations();
    assert!(strata(&sample, &["lint"]).status.success(), "the sample has no error-level finding");
    let strict = strata(&sample, &["lint", "--fail-on", "warning"]);
    assert_eq!(strict.status.code(), Some(1), "but it has warnings");
    let text = String::from_utf8_lossy(&strict.stdout);
    assert!(text.contains("1e6a8c0e2b4d_require_customer_owner.sql:11 warning[setting-not-null] upgrade:"), "{text}");
    assert!(text.contains("why: SET NOT NULL scans the whole table"), "{text}");

    let out = stdout_of(&sample, &["lint", "1e6a8c0e2b4d", "--json"]);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let rules: Vec<&str> = report["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap()).collect();
    for rule in
        ["setting-not-null", "changing-column-type", "index-without-concurrently", "constraint-without-not-valid"]
    {
        assert!(rules.contains(&rule), "{rule} in {rules:?}");
    }
    assert_eq!(report["revisions"], 1);
}

#[test]
fn lint_fails_on_sql_postgresql_rejects_whatever_fail_on() {
    let folder = tempfile::tempdir().unwrap();
    let versions = folder.path().join("versions");
    std::fs::create_dir(&versions).unwrap();
    let text = "-- revision: a1\n-- strata:upgrade\nSELEC 1;\n-- strata:downgrade\nSELECT 1;\n";
    std::fs::write(versions.join("a1_broken.sql"), text).unwrap();
    for fail_on in ["hint", "warning", "error"] {
        let output = strata(folder.path(), &["lint", "--fail-on", fail_on]);
        let text = String::from_utf8_lossy(&output.stdout);
        assert_eq!(output.status.code(), Some(1), "--fail-on {fail_on}: {text}");
        assert!(text.contains("a1_broken.sql:3 error[syntax-error] upgrade:"), "{text}");
    }
}

#[test]
fn schema_diff_and_blame_read_the_model() {
    let sample = support::sample_migrations();
    let schema = stdout_of(&sample, &["schema", "--at", "5d02c7b4e3f1"]);
    assert!(schema.contains("type order_status: ENUM ('draft', 'confirmed', 'shipped', 'cancelled')"), "{schema}");
    assert!(
        schema.contains("    constraint sales_order_line_quantity_check CHECK (quantity > 0)"),
        "unnamed constraints get PostgreSQL's names: {schema}"
    );
    assert!(!schema.contains("table invoice"), "invoices come later: {schema}");

    let diff = stdout_of(&sample, &["diff", "7f90a1d3c5e8"]);
    assert_eq!(
        diff,
        "~ type order_status\n    definition: ENUM ('draft', 'confirmed', 'shipped', 'cancelled') -> \
         ENUM ('draft', 'confirmed', 'shipped', 'returned', 'cancelled')\n"
    );
    let compared = stdout_of(&sample, &["diff", "5d02c7b4e3f1", "1e6a8c0e2b4d"]);
    assert!(compared.contains("~ column customer.owner_id\n    nullable: null -> not null\n"), "{compared}");

    let blame = stdout_of(&sample, &["blame", "customer.owner_id"]);
    assert_eq!(
        blame,
        "column customer.owner_id  created by 3a41d9e05f6b (create customers); changed by 1e6a8c0e2b4d\n"
    );
    let missing = strata(&sample, &["blame", "customer.nope"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no table, column, index"));
}

#[test]
fn ids_outside_the_alphabet_are_refused_and_symlinks_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("versions")).unwrap();
    let outside = dir.path().join("x_escaped.sql");
    let refused = strata(dir.path(), &["revision", "-m", "escape", "--rev-id", "../x"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("invalid revision id `../x`: only ASCII letters"));
    assert!(std::fs::read_dir(dir.path()).unwrap().count() == 1 && !outside.exists(), "nothing written");

    // A link to a file elsewhere is reported, not read.
    let secret = dir.path().join("secret.sql");
    std::fs::write(&secret, "-- revision: leaked\n-- strata:upgrade\nSELECT 1;\n-- strata:downgrade\n").unwrap();
    std::os::unix::fs::symlink(&secret, dir.path().join("versions/leaked_link.sql")).unwrap();
    let heads = strata(dir.path(), &["heads"]);
    let stderr = String::from_utf8_lossy(&heads.stderr);
    assert!(!String::from_utf8_lossy(&heads.stdout).contains("leaked"), "the link was not followed");
    assert!(stderr.contains("versions/leaked_link.sql: is a symbolic link: not followed"), "{stderr}");
}

/// `strata ARGS` with extra environment variables.
fn strata_with(migrations: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_strata"))
        .arg("--migrations")
        .arg(migrations)
        .args(args)
        .envs(env.iter().copied())
        .output()
        .unwrap()
}

#[test]
fn negative_relative_targets_are_targets_not_flags() {
    let (root, script_dir) = alembic_sample();
    // (Alembic's argparse needs `-r-3:`; `-r -3:` is its usage error.)
    for (args, alembic_args) in [
        (&["show", "-2"][..], &["show", "-2"][..]),
        (&["show", "sales@-1"], &["show", "sales@-1"]),
        (&["history", "-r", "-3:"], &["history", "-r-3:"]),
        (&["history", "-r-3:"], &["history", "-r-3:"]),
        (&["history", "-r", "-2:head"], &["history", "-r-2:head"]),
    ] {
        let theirs = alembic::run(root.path(), alembic_args, &[]);
        let ours = stdout_of(&script_dir, args);
        let lines = |text: &str| unordered_labels(text).lines().map(str::to_owned).collect::<Vec<_>>();
        assert_same(&lines(&ours), &lines(&theirs), &format!("strata {args:?}"));
    }
    // Verbs that need a database get past the command line (and fail at the connection).
    let nowhere = "postgresql://strata@127.0.0.1:1/nowhere";
    for args in [
        &["downgrade", "-1", "--url", nowhere][..],
        &["upgrade", "-1", "--url", nowhere, "--yes"],
        &["stamp", "-1", "--url", nowhere],
        &["downgrade", "-1", "--sql"],
        &["lint", "-1"],
        &["diff", "-1", "head"],
        &["schema", "--at", "-1"],
    ] {
        let output = strata(&support::sample_migrations(), args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_ne!(output.status.code(), Some(2), "strata {args:?} is no usage error: {stderr}");
    }
    // A flag after a relative target is still a flag.
    let stamp = strata(&support::sample_migrations(), &["stamp", "-1", "--sql", "-2"]);
    let stderr = String::from_utf8_lossy(&stamp.stderr);
    assert!(!stderr.contains("name a database") && stamp.status.code() != Some(2), "{stderr}");
    let downgrade = strata(&support::sample_migrations(), &["downgrade", "-1", "--sql"]);
    assert!(String::from_utf8_lossy(&downgrade.stderr).contains("write `<from>:<to>`, e.g. `head:-1`"));
    assert!(strata(&support::sample_migrations(), &["lint", "-1"]).status.success());
}

#[test]
fn an_explicit_env_wins_over_an_exported_database_url() {
    let sample = support::sample_migrations();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("strata.toml");
    std::fs::write(&config, "[environments.staging]\nurl = \"postgresql://strata@127.0.0.1:1/staging\"\n").unwrap();
    let exported = [("DATABASE_URL", "postgresql://strata@127.0.0.1:1/from_the_environment")];
    let config = config.to_str().unwrap();
    let unknown = strata_with(&sample, &["current", "--env", "nosuch", "--config", config], &exported);
    assert_eq!(unknown.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&unknown.stderr);
    assert!(stderr.contains("no environment `nosuch`") && stderr.contains("known: staging"), "{stderr}");
    for args in
        [&["current", "--env", "staging"][..], &["history", "-i", "--env", "staging"], &["check", "--env", "staging"]]
    {
        let output = strata_with(&sample, &[args, &["--config", config]].concat(), &exported);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
    }
    let both = strata_with(&sample, &["current", "--env", "staging", "--url", "postgresql://x/y"], &exported);
    assert_eq!(both.status.code(), Some(2), "an explicit --url with --env is still a usage error");
    let neither = strata_with(&sample, &["current", "--config", config], &[("DATABASE_URL", "")]);
    assert!(String::from_utf8_lossy(&neither.stderr).contains("name a database"));
}

#[test]
fn a_closed_pipe_ends_the_command_quietly() {
    use std::process::Stdio;
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("versions")).unwrap();
    // Long enough to fill any pipe buffer.
    for n in 0..600 {
        let parent = if n == 0 { String::new() } else { format!("{:012x}", n - 1) };
        let text = format!(
            "-- revision: {n:012x}\n-- revises: {parent}\n-- message: revision number {n} with a long message\n\n\
             -- strata:upgrade\n\n-- strata:downgrade\n"
        );
        std::fs::write(dir.path().join(format!("versions/{n:012x}.sql")), text).unwrap();
    }
    for args in [&["history"][..], &["history", "-v"], &["show", "heads", "--json"]] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_strata"))
            .arg("--migrations")
            .arg(dir.path())
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take()); // as `| head -0` would
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
    }
}

/// An Alembic project with hand-written scripts: Alembic's template docstring, a custom one,
/// none, and one whose docstring disagrees with its code.
fn alembic_scripts(scripts: &[(&str, &str)]) -> (tempfile::TempDir, std::path::PathBuf) {
    let root = tempfile::tempdir().unwrap();
    let script_dir = alembic::write_project(root.path(), &[]);
    for (name, text) in scripts {
        std::fs::write(script_dir.join("versions").join(name), text).unwrap();
    }
    (root, script_dir)
}

const TEMPLATE: &str = "\"\"\"create accounts\n\nRevision ID: a1a1a1a1\nRevises: \nCreate Date: 2024-01-02 \
                        03:04:05.000000\n\n\"\"\"\nfrom alembic import op\n\nrevision = 'a1a1a1a1'\ndown_revision = \
                        None\nbranch_labels = ('core',)\ndepends_on = None\n\n\ndef upgrade():\n    pass\n\n\ndef \
                        downgrade():\n    pass\n";
const CUSTOM: &str = "'''A custom docstring,\nwith a \\\"quote\\\".\n\n  An indented second paragraph.\n\n'''\nrevision \
                      = 'b2b2b2b2'\ndown_revision = 'a1a1a1a1'\n\n\ndef upgrade():\n    pass\n\n\ndef downgrade():\n    \
                      pass\n";
const NO_DOC: &str = "from alembic import op\n\nrevision = 'c3c3c3c3'\ndown_revision = 'b2b2b2b2'\n\n\ndef upgrade():\n    \
                      pass\n\n\ndef downgrade():\n    pass\n";
const DISAGREEING: &str = "\"\"\"add a flag\n\nRevision ID: d4d4d4d4\nRevises: a1a1a1a1\nCreate Date: 2024-02-03 \
                           04:05:06\n\n\"\"\"\nrevision = 'd4d4d4d4'\ndown_revision = 'c3c3c3c3'\n\n\ndef upgrade():\n    \
                           pass\n\n\ndef downgrade():\n    pass\n";

#[test]
fn show_and_history_print_the_docstring_as_alembic_does() {
    let (root, script_dir) = alembic_scripts(&[
        ("a1_create_accounts.py", TEMPLATE),
        ("b2_custom.py", CUSTOM),
        ("c3_none.py", NO_DOC),
        ("d4_disagreeing.py", DISAGREEING),
    ]);
    for args in [
        &["show", "a1a1a1a1"][..],
        &["show", "b2b2b2b2"],
        &["show", "c3c3c3c3"],
        &["show", "d4d4d4d4"],
        &["history", "-v"],
        &["history"],
        &["heads", "-v"],
    ] {
        let theirs = alembic::run(root.path(), args, &[]);
        let ours = stdout_of(&script_dir, args);
        let lines = |text: &str| text.split('\n').map(str::to_owned).collect::<Vec<_>>();
        assert_same(&lines(&ours), &lines(&theirs), &format!("strata {args:?}"));
    }
}

#[test]
fn docstring_warnings_are_for_check_not_for_every_verb() {
    let (_root, script_dir) = alembic_scripts(&[
        ("a1_create_accounts.py", TEMPLATE),
        ("b2_custom.py", CUSTOM),
        ("c3_none.py", NO_DOC),
        ("d4_disagreeing.py", DISAGREEING),
    ]);
    let warning = "warning: versions/d4_disagreeing.py:4: the docstring says `Revises: a1a1a1a1` but `down_revision` \
                   is `c3c3c3c3`; the code wins";
    for args in [&["heads"][..], &["history"], &["show", "head"], &["branches"], &["history", "-v"]] {
        let output = strata(&script_dir, args);
        assert!(output.status.success());
        assert_eq!(String::from_utf8_lossy(&output.stderr), "", "{args:?}");
    }
    let check = strata(&script_dir, &["check", "--url", "postgresql://strata@127.0.0.1:1/nowhere"]);
    assert!(String::from_utf8_lossy(&check.stderr).contains(warning), "{}", String::from_utf8_lossy(&check.stderr));
    // Errors in files are still printed by every verb.
    let broken = strata(&support::broken_fixture(), &["history"]);
    assert!(String::from_utf8_lossy(&broken.stderr).contains("error: versions/"));
}

#[test]
fn base_label_base_and_odd_specs_answer_as_alembic_does() {
    let (root, script_dir) = alembic_sample();
    for spec in ["base", "sales@base", "nosuch@-1", "@head", "@-1", "nosuch@head", "zzzz", "head:", "sales@nosuch"] {
        let args = ["show", spec];
        let theirs = alembic::output(root.path(), &args, &[]);
        let ours = strata(&script_dir, &args);
        assert_eq!(ours.status.success(), theirs.status.success(), "strata {args:?}: {ours:?}");
        let text = |bytes: &[u8]| unordered_labels(&String::from_utf8_lossy(bytes));
        if theirs.status.success() {
            assert_eq!(text(&ours.stdout), text(&theirs.stdout), "strata {args:?}");
        } else {
            // Alembic prints `FAILED: ...` on stdout; Strata says why on stderr.
            assert!(ours.stdout.is_empty(), "strata {args:?}");
            let stderr = String::from_utf8_lossy(&ours.stderr);
            assert_eq!(stderr.lines().count(), 1, "{stderr}");
            assert!(stderr.contains(&format!("`{spec}`")), "the spec as typed: {stderr}");
        }
    }
}

/// `strata import alembic SCRIPTS --out OUT`.
fn import_alembic(scripts: &Path, out: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(["import", "alembic"])
        .arg(scripts)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

#[test]
fn import_alembic_writes_the_same_history_as_strata_files() {
    let (root, script_dir) = alembic_sample();
    let out = root.path().join("imported");
    let import = import_alembic(&script_dir, &out);
    let stderr = String::from_utf8_lossy(&import.stderr);
    for args in [&["heads"][..], &["history"], &["branches"], &["history", "-r", "sales@base:sales@head"]] {
        assert_eq!(stdout_of(&out, args), stdout_of(&script_dir, args), "strata {args:?}");
    }
    // The imported files parse, with nothing left out: each section is the sample's SQL, or it
    // stops its revision until its SQL is written by hand, and the import says so.
    let imported = strata_server::migrations_dir::load(&out).unwrap();
    assert!(imported.diagnostics.is_empty(), "{:?}", imported.diagnostics);
    let sample = strata_server::migrations_dir::load(&support::sample_migrations()).unwrap();
    let mut incomplete = 0;
    for node in imported.graph.nodes() {
        let ours = &node.revision;
        let original = sample.graph.get(&ours.id).unwrap();
        assert_eq!(
            (&ours.parents, &ours.branch_labels, &ours.depends_on, &ours.message, &ours.created),
            (&original.parents, &original.branch_labels, &original.depends_on, &original.message, &original.created)
        );
        for (section, before) in [(&ours.upgrade, &original.upgrade), (&ours.downgrade, &original.downgrade)] {
            let has_sql = before.sql.lines().any(|l| !l.trim().is_empty() && !l.trim_start().starts_with("--"));
            if section.sql.contains("RAISE EXCEPTION") {
                incomplete += 1;
                assert!(section.sql.contains("-- strata-import: versions/"), "{}", section.sql);
            } else if has_sql {
                assert_eq!(ours.transactional, original.transactional, "{}", ours.id);
                assert!(!section.sql.trim().is_empty(), "{}: its SQL was dropped", ours.id);
            }
        }
    }
    assert_eq!(import.status.success(), incomplete == 0, "{stderr}");
    if incomplete > 0 {
        assert!(stderr.contains("could not be rendered"), "{stderr}");
        assert!(stderr.lines().any(|l| l.starts_with("error: ") && l.contains(".py:")), "file and line: {stderr}");
    }
    // A second import into the same folder refuses to overwrite.
    let again = import_alembic(&script_dir, &out);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("will not overwrite existing files"));
}
