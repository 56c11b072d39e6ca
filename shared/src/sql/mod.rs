//! A revision's SQL seen through PostgreSQL's own parser (libpg_query, via `pg_query`).
//!
//! Runs the same natively and in the browser's wasm, so a reviewer sees PostgreSQL's exact
//! error message at its line and column without a server round trip.

mod describe;
pub mod highlight;
mod parser_error;
mod split;

pub use describe::{StatementInfo, StatementKind, describe};

use crate::revision::{Revision, SqlSection};
use crate::text::{LineIndex, Position};
use pg_query::NodeEnum;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::ops::Range;

/// One statement of a section, with where it lies in the revision file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    pub sql: String,
    /// Byte offset of the statement in its section's text.
    pub offset: usize,
    pub start: Position,
    pub end: Position,
    /// PostgreSQL's syntax error for this statement, if it has one.
    pub error: Option<SyntaxError>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyntaxError {
    /// PostgreSQL's own message, e.g. `syntax error at or near "TABL"`.
    pub message: String,
    /// Where PostgreSQL's cursor points, in file coordinates.
    pub position: Position,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionAnalysis {
    pub statements: Vec<Statement>,
    /// Errors that belong to no single statement (e.g. an unterminated quoted string).
    pub errors: Vec<SyntaxError>,
}

impl SectionAnalysis {
    /// Every syntax error of the section, in file order.
    pub fn syntax_errors(&self) -> impl Iterator<Item = &SyntaxError> {
        self.statements.iter().filter_map(|s| s.error.as_ref()).chain(&self.errors)
    }
}

/// `sql` with a `;` after its last statement if that has none (a function body ending in `$$`,
/// say), so that more statements can follow it in one script.
pub fn terminated(sql: &str) -> Cow<'_, str> {
    match split::missing_terminator(sql) {
        Some(end) => Cow::Owned(format!("{};{}", &sql[..end], &sql[end..])),
        None => Cow::Borrowed(sql),
    }
}

/// Splits a section into statements and finds each statement's syntax error.
pub fn analyze(section: &SqlSection) -> SectionAnalysis {
    parse_section(section).analysis
}

/// A section's statements, each with PostgreSQL's parse tree (`None` where it has a syntax
/// error): one parse serves the statement list, the linter and the schema model.
pub struct ParsedSection {
    pub analysis: SectionAnalysis,
    pub trees: Vec<Option<NodeEnum>>,
}

/// A revision's upgrade and downgrade, each parsed once: what the linter and the schema model
/// share, so that neither parses the SQL again.
pub struct ParsedRevision {
    pub upgrade: ParsedSection,
    pub downgrade: ParsedSection,
}

impl ParsedRevision {
    pub fn of(revision: &Revision) -> Self {
        ParsedRevision { upgrade: parse_section(&revision.upgrade), downgrade: parse_section(&revision.downgrade) }
    }
}

/// Parses a section once. The parser's split is exact but needs valid SQL; when the section
/// does not parse, the scanner's tokens give the boundaries and every statement is parsed
/// alone, so that all broken statements are marked, not only the first.
pub fn parse_section(section: &SqlSection) -> ParsedSection {
    let text = section.sql.as_str();
    let lines = LineIndex::of_section(section);
    if let Ok(parsed) = pg_query::parse(text, 0) {
        let (mut statements, mut trees) = (Vec::new(), Vec::new());
        for raw in parsed.protobuf.stmts {
            let start = raw.stmt_location as usize;
            let end = if raw.stmt_len == 0 { text.len() } else { start + raw.stmt_len as usize };
            let trimmed = skip_leading_trivia(&text[start..end]).trim_end();
            if trimmed.is_empty() {
                continue;
            }
            let offset = offset_in(text, trimmed);
            statements.push(statement(text, offset..offset + trimmed.len(), &lines, None));
            trees.push(raw.stmt.and_then(|s| s.node));
        }
        return ParsedSection { analysis: SectionAnalysis { statements, errors: Vec::new() }, trees };
    }
    let whole_text_error = || {
        parser_error::first_syntax_error(text)
            .map(|e| SyntaxError { message: e.message, position: lines.position(e.byte_offset) })
    };
    let Some(ranges) = split::statement_ranges(text) else {
        let analysis = SectionAnalysis { statements: Vec::new(), errors: whole_text_error().into_iter().collect() };
        return ParsedSection { analysis, trees: Vec::new() };
    };
    let (mut statements, mut trees) = (Vec::new(), Vec::new());
    for range in ranges {
        let alone = &text[range.clone()];
        let tree = pg_query::parse(alone, 0).ok().and_then(|p| p.protobuf.stmts.into_iter().next()?.stmt?.node);
        let error = match tree {
            Some(_) => None,
            None => parser_error::first_syntax_error(alone)
                .map(|e| SyntaxError { message: e.message, position: lines.position(range.start + e.byte_offset) }),
        };
        statements.push(statement(text, range, &lines, error));
        trees.push(tree);
    }
    // Statements that each parse alone but not together: report what the whole text says.
    let errors = if statements.iter().any(|s| s.error.is_some()) {
        Vec::new()
    } else {
        whole_text_error().into_iter().collect()
    };
    ParsedSection { analysis: SectionAnalysis { statements, errors }, trees }
}

fn statement(text: &str, range: Range<usize>, lines: &LineIndex<'_>, error: Option<SyntaxError>) -> Statement {
    Statement {
        sql: text[range.clone()].to_owned(),
        offset: range.start,
        start: lines.position(range.start),
        end: lines.position(range.end),
        error,
    }
}

/// Byte offset of `part`, a slice of `text`, within `text`.
fn offset_in(text: &str, part: &str) -> usize {
    part.as_ptr() as usize - text.as_ptr() as usize
}

/// Drops white space and `--` / `/* */` comments from the front of a parser-split statement.
fn skip_leading_trivia(mut sql: &str) -> &str {
    loop {
        sql = sql.trim_start();
        if let Some(rest) = sql.strip_prefix("--") {
            sql = rest.find('\n').map_or("", |end| &rest[end..]);
        } else if let Some(rest) = sql.strip_prefix("/*") {
            match rest.find("*/") {
                Some(end) => sql = &rest[end + 2..],
                None => return sql,
            }
        } else {
            return sql;
        }
    }
}

#[cfg(test)]
mod tests;
