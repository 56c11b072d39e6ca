//! DROP of every modelled kind, with what PostgreSQL drops along (a table's indexes, triggers,
//! statistics and owned sequences) and, with CASCADE, what depends on it: foreign keys to a
//! table, views over a table or view, triggers of a function, columns and domains of a type.
//! Without CASCADE PostgreSQL refuses while such dependents exist, so dropping them is right
//! whenever the statement succeeds.

use super::{Applier, qualified, strings, view_columns, words};
use crate::schema::model::{QualifiedName, Schema, TypeKind};
use crate::schema::{expr, types};
use pg_query::NodeEnum;
use pg_query::protobuf::{DropStmt, Node, ObjectType};
use std::sync::Arc;

impl Applier<'_> {
    pub(super) fn drop(&mut self, stmt: &DropStmt) {
        let kind = ObjectType::try_from(stmt.remove_type).unwrap_or(ObjectType::Undefined);
        for object in &stmt.objects {
            let name = object_name(object);
            let found = match kind {
                ObjectType::ObjectTable => self.drop_table(&name),
                ObjectType::ObjectIndex => self.schema.indexes.remove(&name).is_some(),
                ObjectType::ObjectSequence => self.schema.sequences.remove(&name).is_some(),
                ObjectType::ObjectView | ObjectType::ObjectMatview => self.drop_view(&name),
                ObjectType::ObjectType | ObjectType::ObjectDomain => self.drop_type(&name),
                ObjectType::ObjectSchema => self.drop_schema(&name.name),
                ObjectType::ObjectFunction | ObjectType::ObjectProcedure => match &object.node {
                    Some(NodeEnum::ObjectWithArgs(function)) => {
                        let key = self.function_key(function);
                        self.drop_function(&key)
                    }
                    _ => false,
                },
                ObjectType::ObjectStatisticExt => self.schema.statistics.remove(&name).is_some(),
                ObjectType::ObjectExtension => self.schema.extensions.remove(&name.name).is_some(),
                ObjectType::ObjectTrigger => {
                    table_part(object).is_some_and(|(table, trigger)| self.drop_trigger(&table, &trigger))
                }
                ObjectType::ObjectPolicy => {
                    table_part(object).is_some_and(|(table, policy)| self.drop_policy(&table, &policy))
                }
                other => {
                    self.skip(format!("DROP {} is not modelled", words(other)));
                    continue;
                }
            };
            if !found && !stmt.missing_ok {
                self.skip(format!("{name}, dropped here, is not in the model"));
            }
        }
    }

    fn drop_table(&mut self, name: &QualifiedName) -> bool {
        if self.schema.tables.remove(name).is_none() {
            return false;
        }
        self.schema.indexes.retain_mentioning(&name.name, |_, index| index.table != *name);
        self.schema.statistics.retain_mentioning(&name.name, |_, s| s.table != *name);
        self.schema
            .sequences
            .retain_mentioning(&name.name, |_, s| s.owned_by.as_ref().is_none_or(|(table, _)| table != name));
        self.drop_references(name, |reference| reference.table == *name);
        self.drop_views_over(name, |_, _| true);
        true
    }

    fn drop_view(&mut self, name: &QualifiedName) -> bool {
        if self.schema.views.remove(name).is_none() {
            return false;
        }
        self.schema.indexes.retain_mentioning(&name.name, |_, index| index.table != *name);
        self.schema.statistics.retain_mentioning(&name.name, |_, s| s.table != *name);
        self.drop_views_over(name, |_, _| true);
        true
    }

    /// Drops the views (and views over those) whose query reads `relation` and, given the
    /// schema and the view's definition, `depends` too.
    pub(super) fn drop_views_over(&mut self, relation: &QualifiedName, depends: impl Fn(&Schema, &str) -> bool) {
        let schema = &*self.schema;
        let dependent = schema.views.keys_mentioning(&relation.name, |_, view| {
            // A query that reads a relation spells its name: the text test spares parsing
            // views that only share a word with it.
            names(&view.definition, &relation.name)
                && view_relations(&view.definition).contains(relation)
                && depends(schema, &view.definition)
        });
        for view in dependent {
            self.drop_view(&view);
        }
    }

    /// DROP COLUMN … CASCADE: the views whose query reads the column.
    pub(super) fn drop_views_over_column(&mut self, table: &QualifiedName, column: &str) {
        self.drop_views_over(table, |schema, definition| {
            view_columns::view_reads_column(schema, definition, table, column)
        });
    }

    /// A function, and the triggers that execute it and the defaults that call it.
    fn drop_function(&mut self, key: &str) -> bool {
        let Some(function) = self.schema.functions.remove(key) else { return false };
        let name = function.name.clone();
        let overloaded = self.schema.functions.any_mentioning(&name.name, |_, f| f.name == name);
        self.schema.tables.for_each_mut_mentioning(&name.name, |_, table| {
            let executes = |t: &crate::schema::model::Trigger| t.function_name == name && function.arguments.is_empty();
            // The text test spares scanning every default of every table.
            let calls = |d: &Option<String>| {
                !overloaded && d.as_deref().is_some_and(|d| names(d, &name.name) && expr::calls(d, &name))
            };
            if table.triggers.iter().any(executes) || table.columns.iter().any(|c| calls(&c.default)) {
                let table = Arc::make_mut(table);
                table.triggers.retain(|t| !executes(t));
                for column in table.columns.iter_mut().filter(|c| calls(&c.default)) {
                    column.default = None;
                }
            }
        });
        true
    }

    /// A type or domain, and the columns, domains and functions of it.
    fn drop_type(&mut self, name: &QualifiedName) -> bool {
        if self.schema.types.remove(name).is_none() {
            return false;
        }
        let type_name = types::type_text(name);
        let of_type = |data_type: &str| types::is_type_or_array_of(data_type, &type_name);
        let tables =
            self.schema.tables.keys_mentioning(&name.name, |_, t| t.columns.iter().any(|c| of_type(&c.data_type)));
        for table in tables {
            let columns: Vec<String> = self.schema.tables[&table]
                .columns
                .iter()
                .filter(|c| of_type(&c.data_type))
                .map(|c| c.name.clone())
                .collect();
            for column in columns {
                self.drop_column(&table, &column, true);
            }
        }
        let domains = self
            .schema
            .types
            .keys_mentioning(&name.name, |_, t| matches!(&t.kind, TypeKind::Domain { base, .. } if of_type(base)));
        for domain in domains {
            self.drop_type(&domain);
        }
        let functions = self.schema.functions.keys_mentioning(&name.name, |_, f| {
            f.arguments.split(", ").chain([f.returns.as_str()]).any(|t| of_type(t.trim_start_matches("SETOF ")))
        });
        for function in functions {
            self.drop_function(&function);
        }
        true
    }

    /// DROP SCHEMA: everything in it goes too (PostgreSQL refuses that without CASCADE).
    fn drop_schema(&mut self, schema: &str) -> bool {
        let outside = |name: &QualifiedName| name.schema != schema;
        let dropped: Vec<QualifiedName> = self.schema.tables.keys().filter(|n| !outside(n)).cloned().collect();
        for table in dropped {
            self.drop_table(&table);
        }
        self.schema.views.retain(|name, _| outside(name));
        self.schema.indexes.retain(|name, _| outside(name));
        self.schema.sequences.retain(|name, _| outside(name));
        self.schema.types.retain(|name, _| outside(name));
        self.schema.functions.retain(|_, function| outside(&function.name));
        self.schema.namespaces.remove(schema).is_some()
    }

    fn drop_trigger(&mut self, table: &QualifiedName, trigger: &str) -> bool {
        let Some(entry) = self.schema.tables.get_mut(table) else { return false };
        let position = entry.triggers.iter().position(|t| t.name == trigger);
        position.map(|i| Arc::make_mut(entry).triggers.remove(i)).is_some()
    }
}

/// `DROP TRIGGER/POLICY name ON table` names the table's parts, then the object's own name.
fn table_part(object: &Node) -> Option<(QualifiedName, String)> {
    let Some(NodeEnum::List(list)) = &object.node else { return None };
    let parts = strings(&list.items);
    let (name, table) = parts.split_last()?;
    let table = match table {
        [.., schema, table] => QualifiedName::new(schema, table),
        [table] => QualifiedName::new("", table),
        [] => return None,
    };
    Some((table, name.clone()))
}

/// The name a DROP names: `a.b` lists, plain strings (schemas) and type names.
fn object_name(object: &Node) -> QualifiedName {
    match &object.node {
        Some(NodeEnum::List(list)) => qualified(&list.items),
        Some(NodeEnum::String(s)) => QualifiedName::new("", &s.sval),
        Some(NodeEnum::TypeName(t)) => qualified(&t.names),
        Some(NodeEnum::ObjectWithArgs(f)) => qualified(&f.objname),
        _ => QualifiedName::new("", "?"),
    }
}

/// Whether `definition` spells the identifier `name`, bare or quoted (`"a""b"` for `a"b`).
fn names(definition: &str, name: &str) -> bool {
    definition.contains(name) || (name.contains('"') && definition.contains(&name.replace('"', "\"\"")))
}

/// The relations a view's query reads.
fn view_relations(definition: &str) -> Vec<QualifiedName> {
    pg_query::parse(definition, 0)
        .map(|parsed| parsed.tables())
        .unwrap_or_default()
        .iter()
        .map(|t| QualifiedName::parse(t))
        .collect()
}
