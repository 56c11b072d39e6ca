//! `strata schema`, `strata diff` and `strata blame`: the schema model from the terminal.

use super::{Loaded, Output};
use anyhow::Result;
use serde_json::json;
use std::process::ExitCode;
use strata_shared::schema::{Action, Change, NotModelled, Schema, describe, query};

/// `strata schema [--at SPEC]`: the schema at a revision (default: the heads).
pub fn show(loaded: &Loaded<'_>, out: Output, at: &str) -> Result<ExitCode> {
    let found = query::schema_at(&loaded.project.graph, at)?;
    out.print(|| json!(found), || format!("{}{}", schema_text(&found.schema), not_modelled_text(&found.not_modelled)));
    Ok(loaded.exit_code())
}

/// `strata diff A B`: schema A against schema B; `strata diff REV`: what REV's upgrade does.
pub fn diff(loaded: &Loaded<'_>, out: Output, from: &str, to: Option<&str>) -> Result<ExitCode> {
    let comparison = query::compare(&loaded.project.graph, from, to)?;
    out.print(
        || json!(comparison),
        || {
            let text: String = comparison.changes.iter().map(change_text).collect();
            let text = if text.is_empty() { "no schema changes\n".to_owned() } else { text };
            format!("{text}{}", not_modelled_text(&comparison.not_modelled))
        },
    );
    Ok(loaded.exit_code())
}

/// `strata blame OBJECT [--at SPEC]`: who created the object (and its parts) and who changed it.
pub fn blame(loaded: &Loaded<'_>, out: Output, object: &str, at: &str) -> Result<ExitCode> {
    let graph = &loaded.project.graph;
    let entries = query::blame_object(graph, object, at)?;
    let message = |id: &str| graph.get(id).and_then(|r| r.message.clone()).unwrap_or_default();
    out.print(
        || json!({ "object": object, "at": at, "blame": entries }),
        || {
            let width = entries.iter().map(|e| e.kind.word().len() + 1 + e.name.len()).max().unwrap_or(0);
            let mut text = String::new();
            for entry in &entries {
                let object = format!("{} {}", entry.kind.word(), entry.name);
                let created = format!("created by {} ({})", entry.created_by, message(&entry.created_by));
                text.push_str(&format!("{object:width$}  {created}"));
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
        let returns = if function.procedure { String::new() } else { format!("returns {}, ", function.returns) };
        let kind = if function.procedure { "procedure" } else { "function" };
        text.push_str(&format!("{kind} {key}: {returns}language {}\n", function.language));
    }
    for (name, table) in &schema.tables {
        let row_security =
            describe::row_security(table.row_security).map_or(String::new(), |r| format!(" (row security {r})"));
        text.push_str(&format!("table {name}{row_security}{}\n", comment(&table.comment)));
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
        for policy in &table.policies {
            text.push_str(&format!("    policy {} {}\n", policy.name, describe::policy(policy)));
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
        text.push_str(&format!(
            "incomplete: the upgrade of {unknown} has Python code Strata could not render; its effect is missing here\n"
        ));
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

pub(super) fn not_modelled_text(not_modelled: &[NotModelled]) -> String {
    not_modelled
        .iter()
        .map(|n| format!("not modelled: {} {}:{} `{}`: {}\n", n.revision, n.section, n.line, n.statement, n.reason))
        .collect()
}
