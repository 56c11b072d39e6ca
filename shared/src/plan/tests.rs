use super::*;
use crate::graph::tests_support::revision;
use crate::offline::{self, TransactionMode, VersionTable};

fn graph() -> RevisionGraph {
    let mut c3 = revision("c3", &["b2"]);
    c3.branch_labels = vec!["lbl".into()];
    let (graph, diagnostics) = RevisionGraph::build(vec![
        revision("a1", &[]),
        revision("b2", &["a1"]),
        c3,
        revision("d4", &["b2"]),
        revision("e5", &["c3", "d4"]),
    ]);
    assert!(diagnostics.is_empty());
    graph
}

fn rows(ids: &[&str]) -> Vec<String> {
    ids.iter().map(|s| s.to_string()).collect()
}

/// (revision, writes as SQL-ish text, rows after) per step.
fn summary(plan: &Plan) -> Vec<(String, Vec<String>, Vec<String>)> {
    plan.steps
        .iter()
        .map(|s| {
            let writes = s
                .writes
                .iter()
                .map(|w| match w {
                    VersionWrite::Insert(id) => format!("+{id}"),
                    VersionWrite::Delete(id) => format!("-{id}"),
                    VersionWrite::Update { from, to } => format!("{from}>{to}"),
                })
                .collect();
            (s.revision.clone().unwrap_or_else(|| "stamp".into()), writes, s.rows_after.clone())
        })
        .collect()
}

fn step(rev: &str, writes: &[&str], after: &[&str]) -> (String, Vec<String>, Vec<String>) {
    (rev.to_owned(), rows(writes), rows(after))
}

#[test]
fn upgrade_from_base_through_a_branch_point_and_a_merge() {
    // The same steps and writes as `alembic upgrade head --sql` on this history.
    let plan = upgrade(&graph(), &[], "head").expect("plan");
    assert_eq!(
        summary(&plan),
        [
            step("a1", &["+a1"], &["a1"]),
            step("b2", &["a1>b2"], &["b2"]),
            step("d4", &["b2>d4"], &["d4"]),
            step("c3", &["+c3"], &["c3", "d4"]),
            step("e5", &["-c3", "d4>e5"], &["e5"]),
        ]
    );
}

#[test]
fn downgrade_to_base_undoes_the_merge() {
    // The same steps and writes as `alembic downgrade e5:base --sql`.
    let plan = downgrade(&graph(), &rows(&["e5"]), "base").expect("plan");
    assert_eq!(
        summary(&plan),
        [
            step("e5", &["+c3", "e5>d4"], &["c3", "d4"]),
            step("c3", &["-c3"], &["d4"]),
            step("d4", &["d4>b2"], &["b2"]),
            step("b2", &["b2>a1"], &["a1"]),
            step("a1", &["-a1"], &[]),
        ]
    );
}

#[test]
fn a_branch_target_upgrades_only_that_branch() {
    let plan = upgrade(&graph(), &rows(&["b2"]), "c3").expect("plan");
    assert_eq!(summary(&plan), [step("c3", &["b2>c3"], &["c3"])]);
}

#[test]
fn head_with_several_heads_is_refused_with_what_to_type_instead() {
    let (graph, _) = RevisionGraph::build(vec![revision("a1", &[]), revision("b2", &["a1"]), revision("c3", &["a1"])]);
    let error = upgrade(&graph, &[], "head").expect_err("two heads");
    assert!(error.message().contains("several heads (b2, c3)"), "{error}");
    assert!(error.message().contains("or use `heads` for all of them"), "{error}");
    assert_eq!(upgrade(&graph, &[], "heads").expect("plan").rows_after(), ["b2", "c3"]);
}

#[test]
fn unknown_rows_are_reported() {
    let error = upgrade(&graph(), &rows(&["zz99"]), "head").expect_err("unknown row");
    assert!(error.message().contains("the version table holds `zz99`"), "{error}");
}

#[test]
fn stamps_write_rows_without_steps_of_sql() {
    let graph = graph();
    let plan = stamp(&graph, &rows(&["b2"]), &rows(&["e5"]), false).expect("plan");
    assert_eq!(summary(&plan), [step("stamp", &["b2>e5"], &["e5"])]);
    let plan = stamp(&graph, &rows(&["e5"]), &[], false).expect("plan");
    assert_eq!(summary(&plan), [step("stamp", &["-e5"], &[])]);
    let plan = stamp(&graph, &rows(&["e5"]), &rows(&["a1"]), true).expect("plan");
    assert_eq!(summary(&plan), [step("stamp", &["+a1"], &["a1"])]);
}

#[test]
fn the_offline_script_reads_like_alembics() {
    let graph = graph();
    let plan = upgrade(&graph, &[], "b2").expect("plan");
    let script = offline::render(&graph, &plan, TransactionMode::WholePlan, &VersionTable::default());
    assert_eq!(
        script,
        "BEGIN;\n\nCREATE TABLE alembic_version (\n    version_num VARCHAR(32) NOT NULL, \n    \
         CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n);\n\n-- Running upgrade  -> a1\n\n\
         INSERT INTO alembic_version (version_num) VALUES ('a1') RETURNING alembic_version.version_num;\n\n\
         -- Running upgrade a1 -> b2\n\n\
         UPDATE alembic_version SET version_num='b2' WHERE alembic_version.version_num = 'a1';\n\nCOMMIT;\n\n"
    );
}

#[test]
fn a_last_statement_without_a_semicolon_is_ended_before_the_version_write() {
    let mut a1 = revision("a1", &[]);
    a1.upgrade = crate::revision::SqlSection::written(
        "CREATE FUNCTION one() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$ -- no semicolon\n",
        5,
    );
    let (graph, diagnostics) = RevisionGraph::build(vec![a1]);
    assert!(diagnostics.is_empty());
    let plan = upgrade(&graph, &[], "a1").expect("plan");
    for mode in [TransactionMode::WholePlan, TransactionMode::PerRevision] {
        let script = offline::render(&graph, &plan, mode, &VersionTable::default());
        assert!(script.contains("AS $$ SELECT 1 $$; -- no semicolon\n"), "{script}");
        let statements = pg_query::parse(&script, 0).expect("the script parses").protobuf.stmts.len();
        assert_eq!(statements, 5, "BEGIN, the version table, the function, its version row, COMMIT: {script}");
    }
}
