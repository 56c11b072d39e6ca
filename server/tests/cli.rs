//! The `strata` command line: its output reads like Alembic's (compared with the real
//! `alembic` on an equivalent project), `--json` works on every verb, and exit codes say what
//! happened (0 ok, 1 a user error with a one-line reason, 2 usage).

mod support;

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
    assert_eq!(plan["plan"]["steps"].as_array().unwrap().len(), 32);
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
