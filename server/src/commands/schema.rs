//! `strata schema`, `strata diff` and `strata blame`: the schema model from the terminal.

use super::{Loaded, Output};
use anyhow::{Result, bail};
use serde_json::json;
use std::process::ExitCode;
use strata_shared::graph::{Ident, Point, RevisionGraph};
use strata_shared::schema::{self, Action, Change, NotModelled, Replayer, Schema, describe};

/// `strata schema [--at SPEC]`: the schema at a revision (default: the heads).
pub fn show(loaded: &Loaded<'_>, out: Output, at: &str) -> Result<ExitCode> {
    let graph = &loaded.project.graph;
    let (schema, not_modelled) = Replayer::new(graph).schema_at(&resolve(graph, at)?);
    out.print(
        || json!({ "at": at, "schema": schema, "not_modelled": not_modelled }),
        || format!("{}{}", schema_text(&schema), not_modelled_text(&not_modelled)),
    );
    Ok(loaded.exit_code())
}

/// `strata diff A B`: schema A against schema B; `strata diff REV`: what REV's upgrade does.
pub fn diff(loaded: &Loaded<'_>, out: Output, from: &str, to: Option<&str>) -> Result<ExitCode> {
    let graph = &loaded.project.graph;
    let mut replayer = Replayer::new(graph);
    let (changes, not_modelled) = match to {
        Some(to) => {
            let (before, mut skipped) = replayer.schema_at(&resolve(graph, from)?);
            let (after, more) = replayer.schema_at(&resolve(graph, to)?);
            skipped.extend(more);
            skipped.dedup();
            (schema::diff(&before, &after), skipped)
        }
        None => {
            let [index] = resolve(graph, from)?[..] else { bail!("`{from}` names several revisions: give two specs") };
            let mut model = replayer.model_all().swap_remove(index);
            model.not_modelled.retain(|n| n.section == "upgrade");
            (model.changes, model.not_modelled)
        }
    };
    out.print(
        || json!({ "from": from, "to": to, "changes": changes, "not_modelled": not_modelled }),
        || {
            let text: String = changes.iter().map(change_text).collect();
            let text = if text.is_empty() { "no schema changes\n".to_owned() } else { text };
            format!("{text}{}", not_modelled_text(&not_modelled))
        },
    );
    Ok(loaded.exit_code())
}

/// `strata blame OBJECT [--at SPEC]`: who created the object (and its parts) and who changed it.
pub fn blame(loaded: &Loaded<'_>, out: Output, object: &str, at: &str) -> Result<ExitCode> {
    let graph = &loaded.project.graph;
    let targets = resolve(graph, at)?;
    let mut replayer = Replayer::new(graph);
    let (schema, _) = replayer.schema_at(&targets);
    let models = replayer.model_all();
    let lineage = replayer.lineage(&targets);
    let wanted = object.strip_prefix("public.").unwrap_or(object);
    let entries: Vec<_> = schema::blame(&schema, lineage.iter().map(|&i| &models[i]))
        .into_iter()
        .filter(|e| e.name == wanted || e.name.starts_with(&format!("{wanted}.")))
        .collect();
    if entries.is_empty() {
        bail!("no table, column, index, constraint or other object named `{object}` at `{at}`");
    }
    let message = |id: &str| graph.get(id).and_then(|r| r.message.clone()).unwrap_or_default();
    out.print(
        || json!({ "object": object, "at": at, "blame": entries }),
        || {
            let width = entries.iter().map(|e| e.kind.word().len() + 1 + e.name.len()).max().unwrap_or(0);
            let mut text = String::new();
            for entry in &entries {
                let object = format!("{} {}", entry.kind.word(), entry.name);
                text.push_str(&format!(
                    "{object:width$}  created by {} ({})",
                    entry.created_by,
                    message(&entry.created_by)
                ));
                if !entry.changed_by.is_empty() {
                    text.push_str(&format!("; changed by {}", entry.changed_by.join(", ")));
                }
                text.push('\n');
            }
            text
        },
    );
    Ok(loaded.exit_code())
}

/// The revisions a spec names (`heads`, an id, `label@head`, ...); `base` names none.
fn resolve(graph: &RevisionGraph, spec: &str) -> Result<Vec<usize>> {
    Ok(graph.get_revisions(Ident::Spec(spec))?.into_iter().filter_map(Point::revision).collect())
}

fn schema_text(schema: &Schema) -> String {
    let mut text = String::new();
    for (name, namespace) in &schema.namespaces {
        text.push_str(&format!("schema {name}{}\n", comment(&namespace.comment)));
    }
    for (name, definition) in &schema.types {
        text.push_str(&format!(
            "type {name}: {}{}\n",
            describe::type_kind(&definition.kind),
            comment(&definition.comment)
        ));
    }
    for (name, sequence) in &schema.sequences {
        text.push_str(&format!("sequence {name}: {}{}\n", describe::sequence(sequence), comment(&sequence.comment)));
    }
    for (key, function) in &schema.functions {
        let kind = if function.procedure { "procedure" } else { "function" };
        text.push_str(&format!("{kind} {key}: returns {}, language {}\n", function.returns, function.language));
    }
    for (name, table) in &schema.tables {
        text.push_str(&format!("table {name}{}\n", comment(&table.comment)));
        let width = table.columns.iter().map(|c| c.name.len()).max().unwrap_or(0);
        for column in &table.columns {
            let definition = describe::column(column);
            text.push_str(&format!("    {:width$}  {definition}{}\n", column.name, comment(&column.comment)));
        }
        for constraint in &table.constraints {
            text.push_str(&format!("    constraint {} {}\n", constraint.name, describe::constraint(constraint)));
        }
        for trigger in &table.triggers {
            text.push_str(&format!("    trigger {} {}\n", trigger.name, describe::trigger(trigger)));
        }
    }
    for (name, index) in &schema.indexes {
        text.push_str(&format!("index {name} on {}: {}\n", index.table, describe::index(index)));
    }
    for (name, view) in &schema.views {
        text.push_str(&format!("view {name}: {}{}\n", describe::view(view), comment(&view.comment)));
    }
    if !schema.unknown_effects.is_empty() {
        let unknown = schema.unknown_effects.join(", ");
        text.push_str(&format!("unknown: the effect of the Python revision(s) {unknown} is not known to the model\n"));
    }
    text
}

fn comment(comment: &Option<String>) -> String {
    comment.as_ref().map(|c| format!("  -- {c}")).unwrap_or_default()
}

/// `+ table t`, `- column t.c`, `~ column t.c: type integer -> bigint`, with details indented.
fn change_text(change: &Change) -> String {
    let sign = match change.action {
        Action::Added => '+',
        Action::Dropped => '-',
        Action::Changed => '~',
    };
    let renamed = change.renamed_from.as_ref().map(|from| format!(" (renamed from {from})")).unwrap_or_default();
    let mut text = format!("{sign} {} {}{renamed}\n", change.kind.word(), change.name);
    for detail in &change.details {
        let value = |v: &Option<String>| v.clone().unwrap_or_else(|| "(none)".into());
        let line = match change.action {
            Action::Added => format!("{}: {}", detail.field, value(&detail.after)),
            Action::Dropped => format!("{}: {}", detail.field, value(&detail.before)),
            Action::Changed => format!("{}: {} -> {}", detail.field, value(&detail.before), value(&detail.after)),
        };
        text.push_str(&format!("    {line}\n"));
    }
    text
}

fn not_modelled_text(not_modelled: &[NotModelled]) -> String {
    not_modelled
        .iter()
        .map(|n| format!("not modelled: {} {}:{} `{}`: {}\n", n.revision, n.section, n.line, n.statement, n.reason))
        .collect()
}
