//! Statement boundaries from PostgreSQL's scanner, for SQL that does not parse.
//!
//! libpg_query's own scanner split drops statements that contain no keyword (`SELEC 1;`
//! vanishes), which is exactly the SQL a reviewer needs to see. This splits on `;` tokens
//! outside parentheses and outside `BEGIN ATOMIC ... END` function bodies.

use pg_query::protobuf::Token;
use std::ops::Range;

/// Byte ranges of the statements in `sql`, from first to last token (no `;`, no comments
/// around). `None` when the scanner itself fails (e.g. an unterminated string).
pub(crate) fn statement_ranges(sql: &str) -> Option<Vec<Range<usize>>> {
    let tokens = pg_query::scan_tokens(sql).ok()?;
    let mut ranges = Vec::new();
    let mut current: Option<Range<usize>> = None;
    let mut nesting = Nesting::default();
    let mut previous = Token::Nul;
    for token in &tokens {
        let kind = Token::try_from(token.token).unwrap_or(Token::Nul);
        if matches!(kind, Token::SqlComment | Token::CComment) {
            continue;
        }
        let span = to_usize(token.start)..to_usize(token.end);
        if kind == Token::Ascii59 && nesting.is_top_level() {
            ranges.extend(current.take());
        } else {
            nesting.step(previous, kind);
            current = Some(current.map_or(span.clone(), |open| open.start..span.end));
        }
        previous = kind;
    }
    ranges.extend(current);
    Some(ranges)
}

/// Where a `;` must go for the last statement of `sql` to end: just after its last token, when
/// that is not a `;` already. `None` when it ends, when there is no statement, or when the
/// scanner cannot read the text (PostgreSQL reports such text either way).
pub(crate) fn missing_terminator(sql: &str) -> Option<usize> {
    if sql.trim().is_empty() {
        return None; // and pg_query's scan_tokens builds a slice from a null pointer for no tokens
    }
    let tokens = pg_query::scan_tokens(sql).ok()?;
    let last = tokens.iter().rev().find(|token| {
        !matches!(Token::try_from(token.token).unwrap_or(Token::Nul), Token::SqlComment | Token::CComment)
    })?;
    (last.token != Token::Ascii59 as i32).then(|| to_usize(last.end))
}

fn to_usize(offset: i32) -> usize {
    usize::try_from(offset).unwrap_or(0)
}

/// What a `;` would be inside of.
#[derive(Default)]
struct Nesting {
    parentheses: usize,
    atomic_bodies: usize,
    /// `CASE ... END` inside an atomic body, whose `END` does not close the body.
    cases: usize,
}

impl Nesting {
    fn is_top_level(&self) -> bool {
        self.parentheses == 0 && self.atomic_bodies == 0
    }

    fn step(&mut self, previous: Token, kind: Token) {
        match kind {
            Token::Ascii40 => self.parentheses += 1,
            Token::Ascii41 => self.parentheses = self.parentheses.saturating_sub(1),
            Token::Atomic if previous == Token::BeginP => self.atomic_bodies += 1,
            Token::Case if self.atomic_bodies > 0 => self.cases += 1,
            Token::EndP if self.cases > 0 => self.cases -= 1,
            Token::EndP if self.atomic_bodies > 0 => self.atomic_bodies -= 1,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(sql: &str) -> Vec<&str> {
        statement_ranges(sql).expect("scans").into_iter().map(|r| &sql[r]).collect()
    }

    #[test]
    fn keeps_statements_without_keywords() {
        assert_eq!(pieces("SELEC 1;\n-- c\nSELECT 2; ;"), ["SELEC 1", "SELECT 2"]);
    }

    #[test]
    fn does_not_split_inside_parentheses_strings_or_atomic_bodies() {
        let sql = "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN true THEN 1 END; SELECT 2; END;\
                   SELECT ';' FROM (SELECT 1; ) x; SELEC";
        assert_eq!(
            pieces(sql),
            [
                "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN true THEN 1 END; SELECT 2; END",
                "SELECT ';' FROM (SELECT 1; ) x",
                "SELEC",
            ]
        );
    }

    #[test]
    fn a_missing_terminator_goes_after_the_last_token() {
        assert_eq!(missing_terminator("SELECT 1; -- done"), None);
        assert_eq!(missing_terminator("-- nothing"), None);
        assert_eq!(missing_terminator(" \n"), None);
        assert_eq!(missing_terminator("SELECT $$;$$ -- done"), Some(12));
    }

    #[test]
    fn scanner_errors_give_none() {
        assert_eq!(statement_ranges("SELECT 'open"), None);
    }
}
