use super::*;

fn section(sql: &str, first_line: u32) -> SqlSection {
    SqlSection::written(sql, first_line)
}

fn at(line: u32, column: u32) -> Position {
    Position { line, column }
}

#[test]
fn valid_sql_splits_into_statements_at_their_file_lines() {
    let sql =
        "-- leading comment\nCREATE TABLE a (id int);\n\n/* why */ INSERT INTO a VALUES (1);\nSELECT ';' AS semi;\n";
    let analysis = analyze(&section(sql, 10));
    let texts: Vec<&str> = analysis.statements.iter().map(|s| s.sql.as_str()).collect();
    assert_eq!(texts, ["CREATE TABLE a (id int)", "INSERT INTO a VALUES (1)", "SELECT ';' AS semi"]);
    assert_eq!(analysis.statements[0].start, at(11, 1));
    assert_eq!(analysis.statements[1].start, at(13, 11));
    assert_eq!(analysis.statements[2].end, at(14, 19));
    assert_eq!(analysis.syntax_errors().count(), 0);
}

#[test]
fn a_syntax_error_carries_postgres_message_and_file_position() {
    let sql = "CREATE TABLE ok (id int);\nCREATE TABEL broken (id int);\nSELECT 1;\n";
    let analysis = analyze(&section(sql, 5));
    assert_eq!(analysis.statements.len(), 3);
    let error = analysis.statements[1].error.as_ref().expect("second statement is broken");
    assert_eq!(error.message, "syntax error at or near \"TABEL\"");
    assert_eq!(error.position, at(6, 8));
    assert!(analysis.statements[0].error.is_none() && analysis.statements[2].error.is_none());
}

#[test]
fn every_broken_statement_is_marked() {
    let analysis = analyze(&section("SELEC 1;\nSELECT 2;\nSELECT FROM WHERE;\n", 1));
    let positions: Vec<Position> = analysis.syntax_errors().map(|e| e.position).collect();
    assert_eq!(positions, [at(1, 1), at(3, 13)]);
}

#[test]
fn columns_count_characters_not_bytes() {
    let analysis = analyze(&section("SELECT 'é' AS ç FRM t;\n", 1));
    let error = analysis.syntax_errors().next().expect("error");
    assert_eq!(error.message, "syntax error at or near \"FRM\"");
    assert_eq!(error.position, at(1, 17));
}

#[test]
fn an_unterminated_string_is_reported_for_the_section() {
    let analysis = analyze(&section("SELECT 1;\nSELECT 'oops;\n", 3));
    let errors: Vec<&SyntaxError> = analysis.syntax_errors().collect();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].message, "unterminated quoted string at or near \"'oops;\n\"");
    assert_eq!(errors[0].position, at(4, 8));
}

#[test]
fn empty_and_comment_only_sections_have_no_statements() {
    assert_eq!(analyze(&section("", 1)), SectionAnalysis::default());
    assert_eq!(analyze(&section("-- nothing to undo\n", 1)), SectionAnalysis::default());
}
