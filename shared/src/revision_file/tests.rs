use super::*;
use crate::revision::HeaderLines;

const GOOD: &str = "\
-- revision: 4f1c2a9e7b30
-- revises: 9d2e61b0c4aa, 77aa00bb11cc
-- message: add invoices
-- created: 2026-03-02 10:15:00.123456
-- branch-labels: accounting, billing
-- depends-on: 1b7a3c5d9e02
-- transactional: false
-- Free text that explains the revision is allowed in the header.

-- strata:upgrade
CREATE TABLE invoice (id bigint);

-- strata:downgrade
DROP TABLE invoice;
";

fn errors_of(text: &str) -> Vec<String> {
    match parse_revision_file("versions/x.sql", text) {
        Ok(revision) => panic!("expected errors, got {revision:?}"),
        Err(errors) => errors.into_iter().map(|e| e.to_string()).collect(),
    }
}

/// Builds a file from header lines and a body, for the malformed cases.
fn file(header: &str, body: &str) -> String {
    format!("{header}\n{body}")
}

const BODY: &str = "-- strata:upgrade\nSELECT 1;\n-- strata:downgrade\nSELECT 2;\n";

#[test]
fn reads_every_header_field_and_both_sections() {
    let revision = parse_revision_file("versions/4f1c.sql", GOOD).expect("valid file");
    assert_eq!(revision.id, "4f1c2a9e7b30");
    assert_eq!(revision.parents, ["9d2e61b0c4aa", "77aa00bb11cc"]);
    assert_eq!(revision.branch_labels, ["accounting", "billing"]);
    assert_eq!(revision.depends_on, ["1b7a3c5d9e02"]);
    assert_eq!(revision.message.as_deref(), Some("add invoices"));
    assert_eq!(revision.created.as_deref(), Some("2026-03-02 10:15:00.123456"));
    assert!(!revision.transactional);
    assert!(revision.is_merge());
    assert_eq!(revision.path, "versions/4f1c.sql");
    assert_eq!(revision.upgrade.sql, "CREATE TABLE invoice (id bigint);\n\n");
    assert_eq!(revision.upgrade.first_line, 11);
    assert_eq!(revision.downgrade.sql, "DROP TABLE invoice;\n");
    assert_eq!(revision.downgrade.first_line, 14);
    assert_eq!(
        revision.lines,
        HeaderLines { revision: 1, revises: Some(2), depends_on: Some(6), branch_labels: Some(5) }
    );
}

#[test]
fn a_base_has_no_parents_and_defaults_apply() {
    let revision = parse_revision_file("a.sql", &file("-- revision: a1\n-- revises:", BODY)).expect("valid");
    assert!(revision.is_base());
    assert!(revision.transactional, "transactional defaults to true");
    assert_eq!(revision.message, None);
    let without_revises = parse_revision_file("a.sql", &file("-- revision: a1", BODY)).expect("valid");
    assert!(without_revises.is_base());
}

#[test]
fn windows_line_endings_and_marker_spacing_are_accepted() {
    let text = "-- revision: a1\r\n--strata:upgrade  \r\nSELECT 1;\r\n--   strata:downgrade\r\nSELECT 2;\r\n";
    let revision = parse_revision_file("a.sql", text).expect("valid");
    assert_eq!(revision.upgrade.sql, "SELECT 1;\r\n");
    assert_eq!(revision.downgrade.first_line, 5);
}

#[test]
fn an_empty_downgrade_section_is_a_valid_file() {
    let revision = parse_revision_file("a.sql", "-- revision: a1\n-- strata:upgrade\nSELECT 1;\n-- strata:downgrade\n")
        .expect("valid");
    assert_eq!(revision.downgrade.sql, "");
}

#[test]
fn missing_id() {
    assert_eq!(
        errors_of(&file("-- message: no id", BODY)),
        ["versions/x.sql: missing revision id: add a header line `-- revision: <id>`"]
    );
}

#[test]
fn unknown_key() {
    let errors = errors_of(&file("-- revision: a1\n-- author: me", BODY));
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].starts_with("versions/x.sql:2: unknown header key `author` (known keys: revision, revises"),
        "{errors:?}"
    );
}

#[test]
fn duplicate_key() {
    assert_eq!(
        errors_of(&file("-- revision: a1\n-- message: one\n-- message: two", BODY)),
        ["versions/x.sql:3: `message` is given twice (first at line 2)"]
    );
}

#[test]
fn two_upgrade_sections() {
    let text =
        "-- revision: a1\n-- strata:upgrade\nSELECT 1;\n-- strata:upgrade\nSELECT 3;\n-- strata:downgrade\nSELECT 2;\n";
    assert_eq!(errors_of(text), ["versions/x.sql:4: a second upgrade section (the first starts at line 2)"]);
}

#[test]
fn two_downgrade_sections() {
    let text = "-- revision: a1\n-- strata:upgrade\n-- strata:downgrade\n-- strata:downgrade\n";
    assert_eq!(errors_of(text), ["versions/x.sql:4: a second downgrade section (the first starts at line 3)"]);
}

#[test]
fn no_downgrade_section() {
    let errors = errors_of("-- revision: a1\n-- strata:upgrade\nSELECT 1;\n");
    assert_eq!(errors.len(), 1);
    assert!(errors[0].starts_with("versions/x.sql: no downgrade section"), "{errors:?}");
}

#[test]
fn no_upgrade_section() {
    let errors = errors_of("-- revision: a1\nSELECT 1;\n");
    assert_eq!(
        errors,
        [
            "versions/x.sql:2: SQL before the `-- strata:upgrade` line: the header holds only `-- key: value` lines and comments",
            "versions/x.sql: no upgrade section: add a line `-- strata:upgrade` followed by the upgrade SQL",
            "versions/x.sql: no downgrade section: add a line `-- strata:downgrade` after the upgrade, followed by the SQL that reverses it",
        ]
    );
}

#[test]
fn downgrade_before_upgrade() {
    let text = "-- revision: a1\n-- strata:downgrade\nSELECT 2;\n-- strata:upgrade\nSELECT 1;\n";
    let errors = errors_of(text);
    assert_eq!(
        errors[0],
        "versions/x.sql:2: the downgrade section comes before any upgrade section (`-- strata:upgrade`)"
    );
}

#[test]
fn unknown_marker() {
    let text = "-- revision: a1\n-- strata:upgrade\n-- strata:up\n-- strata:downgrade\n";
    assert_eq!(
        errors_of(text),
        ["versions/x.sql:3: unknown section marker `strata:up`: expected `-- strata:upgrade` or `-- strata:downgrade`"]
    );
}

#[test]
fn invalid_values() {
    let header =
        "-- revision: a@1\n-- revises: b1 c1\n-- created: yesterday\n-- transactional: maybe\n-- depends-on: d1, d1";
    assert_eq!(
        errors_of(&file(header, BODY)),
        [
            "versions/x.sql:1: invalid revision id `a@1`: only ASCII letters, digits and `_` may be used (ids appear in target specs, file names and URLs)",
            "versions/x.sql:2: invalid entry `b1 c1` in `revises`: it contains white space (separate several with commas)",
            "versions/x.sql:5: `d1` is listed twice in `depends-on`",
            "versions/x.sql: missing revision id: add a header line `-- revision: <id>`",
            // Warnings about optional fields come along when the file has errors.
            "versions/x.sql:3: created date `yesterday` is not `YYYY-MM-DD HH:MM:SS`; kept as text",
            "versions/x.sql:4: transactional must be `true` or `false`, not `maybe`; taken as `true`, the default",
        ]
    );
}

#[test]
fn out_of_range_dates_are_warned_about() {
    for bad in ["2026-13-01 00:00:00", "2026-01-01 24:00:00", "2026-01-01 10:00:00.", "2026-1-01 10:00:00"] {
        let read = read_revision_file("x.sql", &file(&format!("-- revision: a1\n-- created: {bad}"), BODY));
        let read = read.unwrap_or_else(|errors| panic!("{bad}: {errors:?}"));
        assert_eq!(read.warnings.len(), 1, "{bad}: {:?}", read.warnings);
        assert_eq!(read.revision.created.as_deref(), Some(bad));
    }
}

#[test]
fn every_problem_of_a_file_is_reported_at_once() {
    let text = "-- author: me\nSELECT 0;\n-- strata:upgrade\n-- strata:upgrade\n";
    let errors = errors_of(text);
    assert_eq!(errors.len(), 5, "{errors:?}"); // unknown key, SQL in header, second upgrade, no downgrade, no id
}

#[test]
fn a_malformed_optional_field_warns_at_its_line_and_keeps_the_revision() {
    use crate::project::{Project, SourceFile};
    let first = file("-- revision: a1\n-- created: last tuesday", BODY);
    let second = file("-- revision: b2\n-- revises: a1\n-- transactional: yes please", BODY);
    let third = file("-- revision: c3\n-- revises: b2", BODY);
    let files = [("a1.sql", first), ("b2.sql", second), ("c3.sql", third)]
        .map(|(path, text)| SourceFile { path: path.into(), text });
    let project = Project::load(files.into());
    assert!(!project.has_errors(), "{:?}", project.diagnostics);
    let warnings: Vec<String> = project.diagnostics.iter().map(ToString::to_string).collect();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(warnings[0].starts_with("a1.sql:2: "), "{warnings:?}");
    assert!(warnings[1].starts_with("b2.sql:3: "), "{warnings:?}");
    assert_eq!(project.graph.len(), 3, "every revision loads");
    let a1 = project.graph.get("a1").expect("a1 loads");
    assert_eq!(a1.created.as_deref(), Some("last tuesday"), "kept as text, as Alembic keeps Create Date");
    assert!(project.graph.get("b2").expect("b2 loads").transactional, "an unreadable value keeps the default");
    let heads: Vec<&str> = project.graph.heads().iter().map(|&h| project.graph.node(h).revision.id.as_str()).collect();
    assert_eq!(heads, ["c3"]);
}
