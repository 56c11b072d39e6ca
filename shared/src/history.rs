//! `history -r RANGE`: which revisions a range shows, in Alembic's order.

use crate::graph::{GraphError, Ident, RevisionGraph, Selection};
use crate::words::Target;

/// The revisions `range` (`start:end`, either side optional, `current` allowed) covers,
/// newest first. `current` is the database's version rows, needed only when the range says
/// `current`.
pub fn revisions_in_range(
    graph: &RevisionGraph,
    range: Option<&str>,
    current: Option<&[String]>,
) -> Result<Vec<usize>, GraphError> {
    let (lower, upper) = match range {
        None => ("", ""),
        Some(range) => range
            .trim()
            .split_once(':')
            .ok_or_else(|| GraphError::other(Target::NotARange { range: range.to_owned() }))?,
    };
    let rows_for = |side: &str| -> Result<Option<&[String]>, GraphError> {
        if side != "current" {
            return Ok(None);
        }
        current.map(Some).ok_or_else(|| GraphError::other(Target::CurrentNeedsDatabase))
    };
    let (lower_rows, upper_rows) = (rows_for(lower)?, rows_for(upper)?);
    let how = Selection { inclusive: true, allow_short_relative: true, ..Selection::default() };
    graph.select_upgrade(range_end(upper, upper_rows, "heads"), range_end(lower, lower_rows, "base"), how)
}

/// One end of a range. As in Alembic, an empty `current` (a database at base) falls back to
/// the default end.
fn range_end<'a>(side: &'a str, rows: Option<&'a [String]>, default: &'static str) -> Ident<'a> {
    match rows {
        Some(rows) if !rows.is_empty() => Ident::Rows(rows),
        Some(_) => Ident::Spec(default),
        None if side.is_empty() => Ident::Spec(default),
        None => Ident::Spec(side),
    }
}
