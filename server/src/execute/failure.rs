//! A failed statement as a `StepFailure`: PostgreSQL's message, detail, hint and SQLSTATE,
//! and the failing statement's place in the revision file (PostgreSQL's error position where
//! it gives one, else the statement's first line).

use sqlx::postgres::{PgDatabaseError, PgErrorPosition};
use strata_shared::api::StepFailure;
use strata_shared::revision::SqlSection;
use strata_shared::text::{LineIndex, byte_offset_of_char};

/// Where the SQL that failed came from in a revision file.
#[derive(Clone, Copy)]
pub struct Source<'a> {
    pub path: &'a str,
    pub section: &'a SqlSection,
    /// Byte offset in the section of the text that was sent.
    pub sent_at: usize,
    /// Byte offset in the section of the statement that failed; `None` when the failure came
    /// after the section's SQL (its version-table write).
    pub statement_at: Option<usize>,
}

/// The byte offset of a section's statement number `completed` (0-based): the one that
/// failed after `completed` statements of a round trip completed.
pub fn statement_after(section: &SqlSection, completed: usize) -> Option<usize> {
    strata_shared::sql::analyze(section).statements.get(completed).map(|statement| statement.offset)
}

/// `sent` is what went to the server.
pub fn describe(error: &sqlx::Error, source: Option<Source<'_>>, sent: &str) -> StepFailure {
    let path = source.map(|s| s.path.to_owned());
    let Some(database) = error.as_database_error().and_then(|e| e.try_downcast_ref::<PgDatabaseError>()) else {
        return StepFailure {
            message: error.to_string(),
            detail: None,
            hint: None,
            sqlstate: None,
            path,
            line: None,
            column: None,
        };
    };
    // PostgreSQL counts characters from 1 in the text it was sent. The text may go on past the
    // section (its version-table write): a position there is not in the revision file.
    let position = match database.position() {
        Some(PgErrorPosition::Original(position)) => Some(position),
        _ => None,
    };
    let (line, column) = match source {
        Some(source) => place(source, position, sent),
        None => (None, None),
    };
    StepFailure {
        message: database.message().to_owned(),
        detail: database.detail().map(str::to_owned),
        hint: database.hint().map(str::to_owned),
        sqlstate: Some(database.code().to_owned()),
        path,
        line,
        column,
    }
}

/// The file line and column of PostgreSQL's `position` in `sent`, or else the failing
/// statement's first line.
fn place(source: Source<'_>, position: Option<usize>, sent: &str) -> (Option<u32>, Option<u32>) {
    let lines = LineIndex::of_section(source.section);
    if let Some(position) = position {
        let byte = source.sent_at + byte_offset_of_char(sent, position.saturating_sub(1));
        if byte > source.section.sql.len() {
            return (None, None);
        }
        let place = lines.position(byte);
        return (Some(place.line), Some(place.column));
    }
    match source.statement_at {
        Some(offset) => (Some(lines.position(offset).line), None),
        None => (None, None),
    }
}
