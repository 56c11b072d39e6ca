//! The model in a database's words, where those words are sound. Drift puts the model's
//! expressions through the database's printers (so that `'x'` and `'x'::text` are no drift),
//! but it prints them on the live tables: where a column went or changed type there, a CHECK
//! comes back with the live type's casts, and a probe on a missing column is refused. Those
//! objects keep the model's own words, which are valid SQL for the schema the model describes.

use super::context::references;
use crate::schema::expr;
use crate::schema::model::{QualifiedName, Schema, Table};
use std::collections::BTreeSet;
use std::sync::Arc;

/// What drift writes instead of an expression PostgreSQL would not take.
const REFUSED: &str = "refused by PostgreSQL";

/// `printed` (the model `raw` in the database's words) with the model's own words wherever
/// they were printed against columns `live` does not have as the model has them.
pub fn sound_wording(raw: &Schema, printed: &Schema, live: &Schema) -> Schema {
    let mut schema = printed.clone();
    let moved: BTreeSet<(QualifiedName, String)> = raw
        .tables
        .iter()
        .flat_map(|(name, table)| table.columns.iter().map(move |c| (name, c)))
        .filter(|(name, column)| {
            let live_column = live.tables.get(*name).and_then(|t| t.column(&column.name));
            live_column.is_none_or(|c| c.data_type != column.data_type)
        })
        .map(|(name, column)| (name.clone(), column.name.clone()))
        .collect();
    let unsound = |table: &QualifiedName, text: &str| {
        text.contains(REFUSED) || expr::column_names(text).into_iter().any(|c| moved.contains(&(table.clone(), c)))
    };
    schema.tables.for_each_mut(|name, table| {
        if let Some(own) = raw.tables.get(name) {
            restore_table(Arc::make_mut(table), own, |text| unsound(name, text));
        }
    });
    schema.indexes.for_each_mut(|name, index| {
        let Some(own) = raw.indexes.get(name) else { return };
        if index.keys.iter().chain(&index.predicate).any(|text| unsound(&index.table, text)) {
            *index = own.clone();
        }
    });
    let moved_tables: BTreeSet<&QualifiedName> = moved.iter().map(|(table, _)| table).collect();
    schema.views.for_each_mut(|name, view| {
        let Some(own) = raw.views.get(name) else { return };
        let over_moved = references(own)
            .iter()
            .any(|r| moved_tables.contains(r) || !(live.tables.contains_key(r) || live.views.contains_key(r)));
        if over_moved || view.definition.contains(REFUSED) {
            *view = own.clone();
        }
    });
    schema.types.for_each_mut(|name, definition| {
        if let Some(own) = raw.types.get(name)
            && format!("{:?}", definition.kind).contains(REFUSED)
        {
            *definition = own.clone();
        }
    });
    schema
}

fn restore_table(table: &mut Table, own: &Table, unsound: impl Fn(&str) -> bool) {
    for column in &mut table.columns {
        let Some(own) = own.column(&column.name) else { continue };
        if column.default.as_deref().is_some_and(&unsound) {
            column.default = own.default.clone();
        }
    }
    for constraint in &mut table.constraints {
        let Some(own) = own.constraint(&constraint.name) else { continue };
        if constraint.expression.as_deref().is_some_and(&unsound) {
            constraint.expression = own.expression.clone();
        }
    }
    for trigger in &mut table.triggers {
        let Some(own) = own.triggers.iter().find(|t| t.name == trigger.name) else { continue };
        if trigger.condition.as_deref().is_some_and(&unsound) {
            trigger.condition = own.condition.clone();
        }
    }
}
