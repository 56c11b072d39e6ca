//! What `revision` and `merge` write: the parents Alembic would give a new revision, its file
//! name, and its text.

use crate::graph::{GraphError, Ident, Point, RevisionGraph};
use crate::revision_file::{DOWNGRADE_MARKER, UPGRADE_MARKER};
use crate::words::Target;

pub struct NewRevision {
    pub id: String,
    pub parents: Vec<String>,
    pub message: String,
    pub created: String,
    pub branch_labels: Vec<String>,
    pub depends_on: Vec<String>,
    /// The sections' SQL: empty for a revision to fill in by hand.
    pub upgrade: String,
    pub downgrade: String,
}

/// The parents of a revision created on `heads` (specs such as `head`, `base`, an id, or
/// several ids for a merge), as Alembic's `generate_revision` resolves them. Without
/// `splice`, every parent must be a head.
pub fn resolve_parents(graph: &RevisionGraph, heads: &[String], splice: bool) -> Result<Vec<String>, GraphError> {
    let specs: Vec<String> = if heads.is_empty() { vec!["head".to_owned()] } else { heads.to_vec() };
    let points = graph.get_revisions(Ident::Rows(&specs)).map_err(|error| match error.kind {
        crate::graph::ErrorKind::MultipleHeads => GraphError::other(Target::SeveralHeadsForNew),
        _ => error,
    })?;
    let mut parents: Vec<usize> = Vec::new();
    for point in points {
        match point {
            Point::Rev(index) if parents.contains(&index) => {
                return Err(GraphError::other(Target::NamedTwice { id: graph.id(index).to_owned() }));
            }
            Point::Rev(index) => parents.push(index),
            _ => return Err(GraphError::other(Target::NewBelowBases)),
        }
    }
    if !splice && let Some(&inner) = parents.iter().find(|&&p| !graph.node(p).is_head()) {
        return Err(GraphError::other(Target::NotAHead { id: graph.id(inner).to_owned() }));
    }
    Ok(graph.ids(parents))
}

/// `depends_on` entries as written in the file: labels stay labels, anything else becomes a full id.
pub fn resolve_dependencies(graph: &RevisionGraph, specs: &[String]) -> Result<Vec<String>, GraphError> {
    specs
        .iter()
        .map(|spec| match graph.get_revision(Some(spec))? {
            Point::Rev(index) if graph.carries_label(index, spec) => Ok(spec.clone()),
            Point::Rev(index) => Ok(graph.id(index).to_owned()),
            _ => Err(GraphError::other(Target::NothingToDependOn { spec: spec.clone() })),
        })
        .collect()
}

/// Alembic's default file name: `<id>_<slug>.sql`, the slug cut at a word near 40 characters.
pub fn file_name(id: &str, message: &str) -> String {
    let words: Vec<String> = message
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let mut slug = words.join("_");
    if slug.chars().count() > 40 {
        let cut: String = slug.chars().take(40).collect();
        slug = match cut.rsplit_once('_') {
            Some((head, _)) => format!("{head}_"),
            None => format!("{cut}_"),
        };
    }
    if slug.is_empty() { format!("{id}.sql") } else { format!("{id}_{slug}.sql") }
}

/// The file's text: the header, then the upgrade and downgrade sections (empty ones to fill in).
pub fn render(new: &NewRevision) -> String {
    let mut text = format!("-- revision: {}\n-- revises: {}\n", new.id, new.parents.join(", "));
    text.push_str(&format!("-- message: {}\n-- created: {}\n", new.message, new.created));
    if !new.branch_labels.is_empty() {
        text.push_str(&format!("-- branch-labels: {}\n", new.branch_labels.join(", ")));
    }
    if !new.depends_on.is_empty() {
        text.push_str(&format!("-- depends-on: {}\n", new.depends_on.join(", ")));
    }
    let (upgrade, downgrade) = (new.upgrade.trim_end(), new.downgrade.trim_end());
    text.push_str(&format!("\n{UPGRADE_MARKER}\n{upgrade}\n\n{DOWNGRADE_MARKER}\n{downgrade}\n"));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_follow_alembics_slug_rule() {
        assert_eq!(file_name("ae1027a6acf", "Add a column!"), "ae1027a6acf_add_a_column.sql");
        assert_eq!(
            file_name("1", "create the very long table name for all the invoices of the year"),
            "1_create_the_very_long_table_name_for_all_.sql"
        );
        assert_eq!(file_name("2", "  "), "2.sql");
    }

    #[test]
    fn a_rendered_revision_parses_back() {
        let new = NewRevision {
            id: "f00dcafe0001".into(),
            parents: vec!["a1".into(), "b2".into()],
            message: "merge sales and auth".into(),
            created: "2026-11-21 18:00:00.000000".into(),
            branch_labels: vec!["ops".into()],
            depends_on: vec!["c3".into()],
            upgrade: String::new(),
            downgrade: String::new(),
        };
        let revision = crate::revision_file::parse_revision_file("x.sql", &render(&new)).expect("parses");
        assert_eq!(revision.parents, ["a1", "b2"]);
        assert_eq!(revision.branch_labels, ["ops"]);
        assert_eq!(revision.depends_on, ["c3"]);
        assert_eq!(revision.upgrade.sql.trim(), "");
    }

    #[test]
    fn sections_written_into_a_revision_read_back_at_their_lines() {
        let new = NewRevision {
            id: "f00dcafe0002".into(),
            parents: vec!["a1".into()],
            message: "hotfix".into(),
            created: "2026-11-21 18:00:00.000000".into(),
            branch_labels: vec![],
            depends_on: vec![],
            upgrade: "-- made by hand on prod\nCREATE TABLE t (a integer);\n".into(),
            downgrade: "DROP TABLE t;\n".into(),
        };
        let text = render(&new);
        let revision = crate::revision_file::parse_revision_file("x.sql", &text).expect("parses");
        assert_eq!(revision.upgrade.sql.trim(), "-- made by hand on prod\nCREATE TABLE t (a integer);");
        assert_eq!(revision.downgrade.sql.trim(), "DROP TABLE t;");
        let line = text.lines().position(|l| l == "DROP TABLE t;").unwrap() + 1;
        let at = revision.downgrade.sql.lines().position(|l| l == "DROP TABLE t;").unwrap();
        assert_eq!(revision.downgrade.file_line(at) as usize, line, "{text}");
    }
}
