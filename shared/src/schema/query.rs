//! The questions people ask the model, by target spec: the schema at a revision, what changed
//! between two, and who made an object. One home for the CLI, the API and the browser.

use super::blame::{BlameEntry, blame};
use super::diff::{Change, diff};
use super::model::Schema;
use super::replay::{NotModelled, Replayer};
use crate::graph::{GraphError, Ident, Point, RevisionGraph};
use crate::words::Target;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemaAt {
    pub at: String,
    pub schema: Schema,
    /// What of the upgrades up to `at` the model skipped.
    pub not_modelled: Vec<NotModelled>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comparison {
    pub from: String,
    /// `None`: what `from`'s own upgrade changes.
    pub to: Option<String>,
    pub changes: Vec<Change>,
    pub not_modelled: Vec<NotModelled>,
}

/// The revisions a spec names (`heads`, an id, `label@head`, ...); `base` names none.
pub fn resolve(graph: &RevisionGraph, spec: &str) -> Result<Vec<usize>, GraphError> {
    Ok(graph.get_revisions(Ident::Spec(spec))?.into_iter().filter_map(Point::revision).collect())
}

pub fn schema_at(graph: &RevisionGraph, at: &str) -> Result<SchemaAt, GraphError> {
    let (schema, not_modelled) = Replayer::new(graph).into_schema_at(&resolve(graph, at)?);
    Ok(SchemaAt { at: at.to_owned(), schema, not_modelled })
}

/// The schema at the revisions a database's version table names (several heads possible;
/// none is base, the empty schema).
pub fn schema_at_rows(graph: &RevisionGraph, rows: &[String]) -> Result<SchemaAt, GraphError> {
    let mut targets = Vec::new();
    for row in rows {
        let Some(index) = graph.index_of(row) else {
            return Err(GraphError::other(Target::RowNotInFolder { row: row.clone() }));
        };
        targets.push(index);
    }
    let (schema, not_modelled) = Replayer::new(graph).into_schema_at(&targets);
    Ok(SchemaAt { at: rows.join(" "), schema, not_modelled })
}

/// Schema `from` against schema `to`; without `to`, what revision `from` itself changes.
pub fn compare(graph: &RevisionGraph, from: &str, to: Option<&str>) -> Result<Comparison, GraphError> {
    let mut replayer = Replayer::new(graph);
    let (changes, not_modelled) = match to {
        Some(to) => {
            let (before, mut skipped) = replayer.schema_at(&resolve(graph, from)?);
            let (after, more) = replayer.schema_at(&resolve(graph, to)?);
            skipped.extend(more.into_iter().filter(|n| !skipped.contains(n)).collect::<Vec<_>>());
            (diff(&before, &after), skipped)
        }
        None => {
            let [index] = resolve(graph, from)?[..] else {
                return Err(GraphError::other(Target::NotOneRevision { from: from.to_owned() }));
            };
            let mut model = replayer.model_all().swap_remove(index);
            model.not_modelled.retain(|n| n.section == "upgrade");
            (model.changes, model.not_modelled)
        }
    };
    Ok(Comparison { from: from.to_owned(), to: to.map(str::to_owned), changes, not_modelled })
}

/// Blame for `object` (`table`, `table.column`, `schema.table`, ...) and its parts, at `at`.
pub fn blame_object(graph: &RevisionGraph, object: &str, at: &str) -> Result<Vec<BlameEntry>, GraphError> {
    let targets = resolve(graph, at)?;
    let mut replayer = Replayer::new(graph);
    let (schema, _) = replayer.schema_at(&targets);
    let models = replayer.model_all();
    let lineage = replayer.lineage(&targets);
    let wanted = object.strip_prefix("public.").unwrap_or(object);
    let part_of = format!("{wanted}.");
    let entries: Vec<BlameEntry> = blame(&schema, lineage.iter().map(|&i| &models[i]))
        .into_iter()
        .filter(|e| e.name == wanted || e.name.starts_with(&part_of))
        .collect();
    if entries.is_empty() {
        return Err(GraphError::other(Target::NoObject { object: object.to_owned(), at: at.to_owned() }));
    }
    Ok(entries)
}
