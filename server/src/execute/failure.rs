//! A failed statement as a `StepFailure`: PostgreSQL's message, detail, hint and SQLSTATE,
//! and its error position mapped back to the revision file's line and column.

use sqlx::postgres::{PgDatabaseError, PgErrorPosition};
use strata_shared::api::StepFailure;
use strata_shared::revision::SqlSection;
use strata_shared::text::{LineIndex, byte_offset_of_char};

/// `sent` is what went to the server; it starts at byte `offset` of `section` (if it came from one).
pub fn describe(error: &sqlx::Error, source: Option<(&str, &SqlSection, usize)>, sent: &str) -> StepFailure {
    let Some(database) = error.as_database_error().and_then(|e| e.try_downcast_ref::<PgDatabaseError>()) else {
        return StepFailure {
            message: error.to_string(),
            detail: None,
            hint: None,
            sqlstate: None,
            path: source.map(|(path, _, _)| path.to_owned()),
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
    let source = source.filter(|&(_, section, offset)| {
        position.is_none_or(|p| offset + byte_offset_of_char(sent, p.saturating_sub(1)) <= section.sql.len())
    });
    let (line, column) = match (position, source) {
        (Some(position), Some((_, section, offset))) => {
            let byte = offset + byte_offset_of_char(sent, position.saturating_sub(1));
            let place = LineIndex::of_section(section).position(byte);
            (Some(place.line), Some(place.column))
        }
        (_, Some((_, section, offset))) => {
            let place = LineIndex::of_section(section).position(offset);
            (Some(place.line), None)
        }
        _ => (None, None),
    };
    StepFailure {
        message: database.message().to_owned(),
        detail: database.detail().map(str::to_owned),
        hint: database.hint().map(str::to_owned),
        sqlstate: Some(database.code().to_owned()),
        path: source.map(|(path, _, _)| path.to_owned()),
        line,
        column,
    }
}
