//! What a change forces besides itself: PostgreSQL refuses to retype a column a view or a
//! trigger's condition reads, to drop a unique key a foreign key leans on, and drops a
//! sequence with the column that owns it. Worked out once, before any statement is written.

use super::same;
use crate::schema::expr;
use crate::schema::model::{ConstraintKind, Origin, QualifiedName, Schema, Table, View};
use std::collections::BTreeSet;

pub struct Context<'a> {
    pub from: &'a Schema,
    pub to: &'a Schema,
    /// Columns of tables both sides have that `to` lacks.
    pub dropped_columns: BTreeSet<(QualifiedName, String)>,
    /// Columns both sides have, of another type in `to`.
    pub retyped_columns: BTreeSet<(QualifiedName, String)>,
    /// Views of `from` that go: dropped, changed, or over something that changes under them.
    pub rebuilt_views: BTreeSet<QualifiedName>,
    /// Tables both sides have whose unique keys (constraints or unique indexes) go or change:
    /// the foreign keys that reference them go and come back around that.
    pub rekeyed_tables: BTreeSet<QualifiedName>,
}

impl<'a> Context<'a> {
    pub fn new(from: &'a Schema, to: &'a Schema) -> Self {
        let mut context = Context {
            from,
            to,
            dropped_columns: BTreeSet::new(),
            retyped_columns: BTreeSet::new(),
            rebuilt_views: BTreeSet::new(),
            rekeyed_tables: BTreeSet::new(),
        };
        for (name, old) in &from.tables {
            let Some(new) = to.tables.get(name) else { continue };
            for column in &old.columns {
                match new.column(&column.name) {
                    None => context.dropped_columns.insert((name.clone(), column.name.clone())),
                    Some(c) if c.data_type != column.data_type => {
                        context.retyped_columns.insert((name.clone(), column.name.clone()))
                    }
                    Some(_) => false,
                };
            }
            if rekeyed(old, new) {
                context.rekeyed_tables.insert(name.clone());
            }
        }
        for (name, index) in &from.indexes {
            let kept = to.indexes.get(name).is_some_and(|new| same_index(index, new));
            if index.unique && !kept && to.tables.contains_key(&index.table) {
                context.rekeyed_tables.insert(index.table.clone());
            }
        }
        context.rebuilt_views = context.views_to_rebuild();
        context
    }

    pub fn table_dropped(&self, table: &QualifiedName) -> bool {
        self.from.tables.contains_key(table) && !self.to.tables.contains_key(table)
    }

    /// Gone with `to`: the column's table or the column itself.
    pub fn column_dropped(&self, table: &QualifiedName, column: &str) -> bool {
        self.table_dropped(table) || self.dropped_columns.contains(&(table.clone(), column.to_owned()))
    }

    pub fn retyped(&self, table: &QualifiedName, column: &str) -> bool {
        self.retyped_columns.contains(&(table.clone(), column.to_owned()))
    }

    /// Views that go, then those over them, until nothing more follows.
    fn views_to_rebuild(&self) -> BTreeSet<QualifiedName> {
        let mut rebuilt: BTreeSet<QualifiedName> = self
            .from
            .views
            .iter()
            .filter(|(name, view)| self.to.views.get(*name).is_none_or(|new| !same_view(view, new)))
            .map(|(name, _)| name.clone())
            .collect();
        let changed_tables: BTreeSet<&QualifiedName> = self
            .from
            .tables
            .keys()
            .filter(|t| self.table_dropped(t))
            .chain(self.dropped_columns.iter().chain(&self.retyped_columns).map(|(t, _)| t))
            .collect();
        loop {
            let more: Vec<QualifiedName> = self
                .from
                .views
                .iter()
                .filter(|(name, view)| {
                    !rebuilt.contains(*name)
                        && references(view).iter().any(|r| changed_tables.contains(r) || rebuilt.contains(r))
                })
                .map(|(name, _)| name.clone())
                .collect();
            if more.is_empty() {
                return rebuilt;
            }
            rebuilt.extend(more);
        }
    }
}

/// The relations a view's query reads (unqualified ones in the default schema).
pub fn references(view: &View) -> Vec<QualifiedName> {
    let Ok(parsed) = pg_query::parse(&view.definition, 0) else { return Vec::new() };
    parsed.tables().iter().map(|t| QualifiedName::parse(t)).collect()
}

/// A placeholder origin, so that two objects compare by what they say.
pub fn no_origin() -> Origin {
    Origin { revision: String::new(), downgrade: false, statement: 0, part: 0 }
}

pub fn same_view(a: &View, b: &View) -> bool {
    same(a, b, |v| {
        v.origin = no_origin();
        v.comment = None;
    })
}

pub fn same_index(a: &crate::schema::model::Index, b: &crate::schema::model::Index) -> bool {
    same(a, b, |i| {
        i.origin = no_origin();
        i.comment = None;
    })
}

pub fn same_constraint(a: &crate::schema::model::Constraint, b: &crate::schema::model::Constraint) -> bool {
    same(a, b, |c| {
        c.origin = no_origin();
        c.comment = None;
    })
}

/// A unique key (primary, unique or exclusion constraint) of `old` that `new` lacks or has
/// otherwise.
fn rekeyed(old: &Table, new: &Table) -> bool {
    old.constraints
        .iter()
        .filter(|c| !matches!(c.kind, ConstraintKind::Check | ConstraintKind::ForeignKey))
        .any(|c| new.constraint(&c.name).is_none_or(|n| !same_constraint(c, n)))
}

/// The columns a trigger names (UPDATE OF, WHEN): PostgreSQL will not retype them under it.
pub fn trigger_columns(trigger: &crate::schema::model::Trigger) -> Vec<String> {
    let mut columns = trigger.update_columns.clone();
    if let Some(condition) = &trigger.condition {
        columns.extend(expr::column_names(condition));
    }
    columns
}

/// `expression` (of `table`) names a column that changes type.
pub fn mentions_retyped(context: &Context<'_>, table: &QualifiedName, expression: &str) -> bool {
    expr::column_names(expression).iter().any(|c| context.retyped(table, c))
}
