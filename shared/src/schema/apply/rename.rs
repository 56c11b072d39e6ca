//! RENAME and SET SCHEMA. PostgreSQL refers to objects by oid, so every reference follows a
//! rename: indexes and foreign keys to a table, expressions to a column, columns to a type.

use super::{Applier, qualified, relation, words};
use crate::schema::mentions::Mentions;
use crate::schema::model::{ConstraintKind, Journaled, QualifiedName, Schema, TypeKind};
use crate::schema::{expr, types};
use pg_query::NodeEnum;
use pg_query::protobuf::{AlterObjectSchemaStmt, ObjectType, RenameStmt};
use std::collections::BTreeMap;
use std::sync::Arc;

impl Applier<'_> {
    pub(super) fn rename(&mut self, stmt: &RenameStmt) {
        let kind = ObjectType::try_from(stmt.rename_type).unwrap_or(ObjectType::Undefined);
        let target = relation(stmt.relation.as_ref());
        let object = stmt.object.as_deref().and_then(|o| o.node.as_ref());
        let found = match kind {
            ObjectType::ObjectTable
            | ObjectType::ObjectView
            | ObjectType::ObjectMatview
            | ObjectType::ObjectIndex
            | ObjectType::ObjectSequence => {
                let new = target.sibling(&stmt.newname);
                self.move_relation(&target, &new) || self.rename_constraint_index(&target, &stmt.newname)
            }
            ObjectType::ObjectStatisticExt => {
                let old = match object {
                    Some(NodeEnum::List(list)) => qualified(&list.items),
                    _ => QualifiedName::new("", "?"),
                };
                rekey(&mut self.schema.statistics, &old, &old.sibling(&stmt.newname))
            }
            ObjectType::ObjectColumn => self.rename_column(&target, &stmt.subname, &stmt.newname),
            ObjectType::ObjectTabconstraint => self.table_mut(&target).is_some_and(|table| {
                let constraint = table.constraints.iter_mut().find(|c| c.name == stmt.subname);
                constraint.map(|c| c.name = stmt.newname.clone()).is_some()
            }),
            ObjectType::ObjectPolicy => self.rename_policy(&target, &stmt.subname, &stmt.newname),
            ObjectType::ObjectTrigger => self.table_mut(&target).is_some_and(|table| {
                let trigger = table.triggers.iter_mut().find(|t| t.name == stmt.subname);
                trigger.map(|t| t.name = stmt.newname.clone()).is_some()
            }),
            ObjectType::ObjectType | ObjectType::ObjectDomain => {
                let old = match object {
                    Some(NodeEnum::List(list)) => qualified(&list.items),
                    Some(NodeEnum::TypeName(t)) => qualified(&t.names),
                    _ => QualifiedName::new("", "?"),
                };
                self.move_type(&old, &old.sibling(&stmt.newname))
            }
            ObjectType::ObjectSchema => self.rename_schema(&stmt.subname, &stmt.newname),
            ObjectType::ObjectFunction | ObjectType::ObjectProcedure => match object {
                Some(NodeEnum::ObjectWithArgs(function)) => {
                    let key = self.function_key(function);
                    match self.schema.functions.remove(&key) {
                        Some(mut function) => {
                            let renamed = Arc::make_mut(&mut function);
                            let old = renamed.name.clone();
                            renamed.name = renamed.name.sibling(&stmt.newname);
                            let new = renamed.name.clone();
                            let key = crate::schema::model::Function::key(&renamed.name, &renamed.arguments);
                            self.schema.functions.insert(key, function);
                            // Triggers name their function by oid.
                            self.schema.tables.for_each_mut_mentioning(&old.name, |_, table| {
                                if table.triggers.iter().any(|t| t.function_name == old) {
                                    for trigger in &mut Arc::make_mut(table).triggers {
                                        if trigger.function_name == old {
                                            trigger.function_name = new.clone();
                                        }
                                    }
                                }
                            });
                            true
                        }
                        None => false,
                    }
                }
                _ => false,
            },
            other => {
                self.skip(format!("ALTER {} … RENAME is not modelled", words(other)));
                return;
            }
        };
        if !found && !stmt.missing_ok {
            self.skip(format!("the object renamed to {} is not in the model", stmt.newname));
        }
    }

    pub(super) fn set_schema(&mut self, stmt: &AlterObjectSchemaStmt) {
        let kind = ObjectType::try_from(stmt.object_type).unwrap_or(ObjectType::Undefined);
        let found = match kind {
            ObjectType::ObjectTable
            | ObjectType::ObjectView
            | ObjectType::ObjectMatview
            | ObjectType::ObjectSequence => {
                let old = relation(stmt.relation.as_ref());
                let new = QualifiedName::new(&stmt.newschema, &old.name);
                let indexes = self.schema.indexes.keys_mentioning(&old.name, |_, i| i.table == old);
                let moved = self.move_relation(&old, &new);
                for index in indexes {
                    self.move_relation(&index, &QualifiedName::new(&stmt.newschema, &index.name));
                }
                moved
            }
            ObjectType::ObjectType | ObjectType::ObjectDomain => {
                let old = match stmt.object.as_deref().and_then(|o| o.node.as_ref()) {
                    Some(NodeEnum::List(list)) => qualified(&list.items),
                    Some(NodeEnum::TypeName(t)) => qualified(&t.names),
                    _ => QualifiedName::new("", "?"),
                };
                let new = QualifiedName::new(&stmt.newschema, &old.name);
                self.move_type(&old, &new)
            }
            other => {
                self.skip(format!("ALTER {} … SET SCHEMA is not modelled", words(other)));
                return;
            }
        };
        if !found && !stmt.missing_ok {
            self.skip("the object moved by SET SCHEMA is not in the model");
        }
    }

    /// ALTER INDEX of the index behind a PRIMARY KEY, UNIQUE or EXCLUDE constraint: the
    /// constraint is renamed with it (they share the name).
    fn rename_constraint_index(&mut self, index: &QualifiedName, new: &str) -> bool {
        let backs = |c: &crate::schema::model::Constraint| {
            c.name == index.name
                && matches!(c.kind, ConstraintKind::PrimaryKey | ConstraintKind::Unique | ConstraintKind::Exclusion)
        };
        let Some(table) = self
            .schema
            .tables
            .iter()
            .find(|(n, t)| n.schema == index.schema && t.constraints.iter().any(backs))
            .map(|(n, _)| n.clone())
        else {
            return false;
        };
        let Some(entry) = self.table_mut(&table) else { return false };
        for constraint in entry.constraints.iter_mut().filter(|c| backs(c)) {
            constraint.name = new.to_owned();
        }
        true
    }

    /// A table, view, index or sequence gets a new name; what refers to it follows.
    fn move_relation(&mut self, old: &QualifiedName, new: &QualifiedName) -> bool {
        let schema = &mut *self.schema;
        let moved = rekey(&mut schema.tables, old, new)
            || rekey(&mut schema.views, old, new)
            || rekey(&mut schema.indexes, old, new)
            || rekey(&mut schema.sequences, old, new);
        if !moved {
            return false;
        }
        schema.indexes.for_each_mut_mentioning(&old.name, |_, index| {
            if index.table != *old {
                return;
            }
            Arc::make_mut(index).table = new.clone();
        });
        schema.statistics.for_each_mut_mentioning(&old.name, |_, statistics| {
            if statistics.table != *old {
                return;
            }
            Arc::make_mut(statistics).table = new.clone();
        });
        schema.sequences.for_each_mut_mentioning(&old.name, |_, sequence| {
            if sequence.owned_by.as_ref().is_some_and(|(table, _)| table == old) {
                let owned_by = &mut Arc::make_mut(sequence).owned_by;
                if let Some((table, _)) = owned_by {
                    *table = new.clone();
                }
            }
        });
        let (old_literal, new_literal) = (expr::regclass_literal(old), expr::regclass_literal(new));
        schema.tables.for_each_mut_mentioning(&old.name, |_, table| {
            let refers = table.constraints.iter().any(|c| c.references.as_ref().is_some_and(|r| r.table == *old));
            let names_sequence =
                table.columns.iter().any(|c| c.default.as_ref().is_some_and(|d| d.contains(&old_literal)));
            if !refers && !names_sequence {
                return;
            }
            let table = Arc::make_mut(table);
            for reference in table.constraints.iter_mut().filter_map(|c| c.references.as_mut()) {
                if reference.table == *old {
                    reference.table = new.clone();
                }
            }
            // nextval('old_seq'::regclass) names the sequence by oid in PostgreSQL.
            for default in table.columns.iter_mut().filter_map(|c| c.default.as_mut()) {
                *default = default.replace(&old_literal, &new_literal);
            }
        });
        true
    }

    fn rename_column(&mut self, table: &QualifiedName, old: &str, new: &str) -> bool {
        let Some(entry) = self.table_mut(table) else { return false };
        let Some(column) = entry.column_mut(old) else { return false };
        column.name = new.to_owned();
        for column in &mut entry.columns {
            for expression in column.default.iter_mut().chain(column.generated.iter_mut()) {
                *expression = expr::rename_column(expression, old, new);
            }
        }
        for trigger in &mut entry.triggers {
            rename_in(&mut trigger.update_columns, old, new);
            if let Some(condition) = trigger.condition.as_mut() {
                *condition = expr::rename_column_qualified(condition, old, new, &["old", "new"]);
            }
        }
        for policy in &mut entry.policies {
            for expression in policy.using.iter_mut().chain(policy.with_check.iter_mut()) {
                *expression = expr::rename_column(expression, old, new);
            }
        }
        for constraint in &mut entry.constraints {
            rename_in(&mut constraint.columns, old, new);
            if let Some(expression) = constraint.expression.as_mut() {
                *expression = expr::rename_column(expression, old, new);
            }
        }
        let schema = &mut *self.schema;
        schema.indexes.for_each_mut_mentioning(&table.name, |_, index| {
            if index.table != *table {
                return;
            }
            let index = Arc::make_mut(index);
            for key in &mut index.keys {
                *key = expr::rename_column(key, old, new);
            }
            rename_in(&mut index.include, old, new);
            if let Some(predicate) = index.predicate.as_mut() {
                *predicate = expr::rename_column(predicate, old, new);
            }
        });
        schema.statistics.for_each_mut_mentioning(&table.name, |_, statistics| {
            if statistics.table != *table {
                return;
            }
            let statistics = Arc::make_mut(statistics);
            for key in &mut statistics.keys {
                *key = expr::rename_column(key, old, new);
            }
        });
        schema.tables.for_each_mut_mentioning(&table.name, |_, other| {
            let refers = |c: &crate::schema::model::Constraint| {
                c.references.as_ref().is_some_and(|r| r.table == *table && r.columns.iter().any(|c| c == old))
            };
            if other.constraints.iter().any(refers) {
                for reference in Arc::make_mut(other).constraints.iter_mut().filter_map(|c| c.references.as_mut()) {
                    if reference.table == *table {
                        rename_in(&mut reference.columns, old, new);
                    }
                }
            }
        });
        schema.sequences.for_each_mut_mentioning(&table.name, |_, sequence| {
            if sequence.owned_by.as_ref().is_some_and(|(t, c)| t == table && c == old) {
                Arc::make_mut(sequence).owned_by = Some((table.clone(), new.to_owned()));
            }
        });
        true
    }

    /// A type gets a new name or schema; columns, attributes and domains of it follow.
    fn move_type(&mut self, old: &QualifiedName, new: &QualifiedName) -> bool {
        let schema = &mut *self.schema;
        if !rekey(&mut schema.types, old, new) {
            return false;
        }
        rename_type_uses(schema, old, new);
        true
    }

    fn rename_schema(&mut self, old: &str, new: &str) -> bool {
        let schema = &mut *self.schema;
        let Some(namespace) = schema.namespaces.remove(old) else { return false };
        schema.namespaces.insert(new.to_owned(), namespace);
        let moved = |name: &QualifiedName| {
            if name.schema == old { QualifiedName::new(new, &name.name) } else { name.clone() }
        };
        schema.tables.replace_with(|map| map.into_iter().map(|(n, t)| (moved(&n), t)).collect());
        schema.views.replace_with(|map| map.into_iter().map(|(n, v)| (moved(&n), v)).collect());
        schema.sequences.replace_with(|map| map.into_iter().map(|(n, s)| (moved(&n), s)).collect());
        let types: Vec<QualifiedName> = schema.types.keys().filter(|n| n.schema == old).cloned().collect();
        schema.types.replace_with(|map| map.into_iter().map(|(n, t)| (moved(&n), t)).collect());
        for name in types {
            rename_type_uses(schema, &name, &moved(&name));
        }
        schema.indexes.replace_with(|map| {
            let mut indexes = BTreeMap::new();
            for (name, mut index) in map {
                if index.table.schema == old {
                    Arc::make_mut(&mut index).table = moved(&index.table);
                }
                indexes.insert(moved(&name), index);
            }
            indexes
        });
        schema.tables.for_each_mut(|_, table| {
            if table.constraints.iter().any(|c| c.references.as_ref().is_some_and(|r| r.table.schema == old)) {
                for reference in Arc::make_mut(table).constraints.iter_mut().filter_map(|c| c.references.as_mut()) {
                    reference.table = moved(&reference.table);
                }
            }
        });
        schema.sequences.for_each_mut(|_, sequence| {
            if let Some((table, column)) = sequence.owned_by.clone().filter(|(t, _)| t.schema == old) {
                Arc::make_mut(sequence).owned_by = Some((moved(&table), column));
            }
        });
        schema.functions.replace_with(|map| {
            let mut functions = BTreeMap::new();
            for (key, mut function) in map {
                if function.name.schema != old {
                    functions.insert(key, function);
                    continue;
                }
                let renamed = Arc::make_mut(&mut function);
                renamed.name = moved(&renamed.name);
                functions.insert(crate::schema::model::Function::key(&renamed.name, &renamed.arguments), function);
            }
            functions
        });
        true
    }
}

/// Moves the entry at `old` to `new`; `false` when there is none.
fn rekey<T: Clone + Mentions>(map: &mut Journaled<QualifiedName, T>, old: &QualifiedName, new: &QualifiedName) -> bool {
    match map.remove(old) {
        Some(value) => {
            map.insert(new.clone(), value);
            true
        }
        None => false,
    }
}

fn rename_in(names: &mut [String], old: &str, new: &str) {
    for name in names.iter_mut().filter(|n| *n == old) {
        *name = new.to_owned();
    }
}

/// Columns, composite attributes and domains typed `old` (or `old[]`) become `new`.
fn rename_type_uses(schema: &mut Schema, old_name: &QualifiedName, new_name: &QualifiedName) {
    let (old, new) = (types::type_text(old_name), types::type_text(new_name));
    let (old, new) = (old.as_str(), new.as_str());
    let renamed = |data_type: &str| -> Option<String> {
        if data_type == old {
            Some(new.to_owned())
        } else {
            data_type.strip_prefix(old).filter(|rest| rest.starts_with('[')).map(|rest| format!("{new}{rest}"))
        }
    };
    // `'a'::status` in a default names the type by oid too.
    let cast = |default: &str| expr::rename_cast(default, old, new);
    schema.tables.for_each_mut_mentioning(&old_name.name, |_, table| {
        let uses = |c: &crate::schema::model::Column| {
            renamed(&c.data_type).is_some() || c.default.as_deref().and_then(cast).is_some()
        };
        if table.columns.iter().any(uses) {
            for column in &mut Arc::make_mut(table).columns {
                if let Some(data_type) = renamed(&column.data_type) {
                    column.data_type = data_type;
                }
                if let Some(default) = column.default.as_deref().and_then(cast) {
                    column.default = Some(default);
                }
            }
        }
    });
    schema.types.for_each_mut_mentioning(&old_name.name, |_, definition| {
        let uses = match &definition.kind {
            TypeKind::Composite { attributes } => attributes.iter().any(|(_, t)| renamed(t).is_some()),
            TypeKind::Domain { base, .. } => renamed(base).is_some(),
            TypeKind::Enum { .. } => false,
        };
        if uses {
            match &mut Arc::make_mut(definition).kind {
                TypeKind::Composite { attributes } => {
                    for (_, data_type) in attributes.iter_mut() {
                        if let Some(new_type) = renamed(data_type) {
                            *data_type = new_type;
                        }
                    }
                }
                TypeKind::Domain { base, .. } => *base = renamed(base).unwrap_or_else(|| base.clone()),
                TypeKind::Enum { .. } => {}
            }
        }
    });
}
