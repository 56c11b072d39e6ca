//! Blame: for every table, column, constraint, trigger, index and other object of a schema,
//! the revision that created it and every revision that changed it since.

use super::diff::{Action, ObjectKind};
use super::model::{Origin, Schema};
use super::replay::RevisionModel;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlameEntry {
    pub kind: ObjectKind,
    /// `customer`, `customer.email`, `customer.customer_pkey`.
    pub name: String,
    pub created_by: String,
    /// Oldest first. A table's list includes the revisions that changed its parts.
    pub changed_by: Vec<String>,
}

/// Blames every object of `schema`, from the models of the revisions that built it, given
/// oldest first.
pub fn blame<'m>(schema: &Schema, history: impl IntoIterator<Item = &'m RevisionModel>) -> Vec<BlameEntry> {
    let mut changed_by: HashMap<&Origin, Vec<String>> = HashMap::new();
    for model in history {
        for change in &model.changes {
            let mut note = |origin| {
                let revisions = changed_by.entry(origin).or_default();
                if revisions.last() != Some(&model.revision) {
                    revisions.push(model.revision.clone());
                }
            };
            if change.action == Action::Changed {
                note(&change.origin);
            }
            if let Some(table) = &change.table {
                note(table);
            }
        }
    }
    let mut entries = Vec::new();
    let mut entry = |kind, name: String, origin: &Origin| {
        let mut changed = changed_by.get(origin).cloned().unwrap_or_default();
        changed.retain(|r| *r != origin.revision);
        entries.push(BlameEntry { kind, name, created_by: origin.revision.clone(), changed_by: changed });
    };
    for (name, namespace) in &schema.namespaces {
        entry(ObjectKind::Schema, name.clone(), &namespace.origin);
    }
    for (name, definition) in &schema.types {
        entry(ObjectKind::Type, name.to_string(), &definition.origin);
    }
    for (name, sequence) in &schema.sequences {
        entry(ObjectKind::Sequence, name.to_string(), &sequence.origin);
    }
    for (key, function) in &schema.functions {
        entry(ObjectKind::Function, key.clone(), &function.origin);
    }
    for (name, table) in &schema.tables {
        entry(ObjectKind::Table, name.to_string(), &table.origin);
        for column in &table.columns {
            entry(ObjectKind::Column, format!("{name}.{}", column.name), &column.origin);
        }
        for constraint in &table.constraints {
            entry(ObjectKind::Constraint, format!("{name}.{}", constraint.name), &constraint.origin);
        }
        for trigger in &table.triggers {
            entry(ObjectKind::Trigger, format!("{name}.{}", trigger.name), &trigger.origin);
        }
        for policy in &table.policies {
            entry(ObjectKind::Policy, format!("{name}.{}", policy.name), &policy.origin);
        }
    }
    for (name, index) in &schema.indexes {
        entry(ObjectKind::Index, name.to_string(), &index.origin);
    }
    for (name, view) in &schema.views {
        entry(ObjectKind::View, name.to_string(), &view.origin);
    }
    entries
}
