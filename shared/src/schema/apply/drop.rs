//! DROP of every modelled kind, with what PostgreSQL drops along (a table's indexes, triggers
//! and owned sequences; with CASCADE, the foreign keys that point at it).

use super::{Applier, qualified, strings, words};
use crate::schema::model::QualifiedName;
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
                ObjectType::ObjectView | ObjectType::ObjectMatview => {
                    self.schema.indexes.retain(|_, index| index.table != name);
                    self.schema.views.remove(&name).is_some()
                }
                ObjectType::ObjectType | ObjectType::ObjectDomain => self.schema.types.remove(&name).is_some(),
                ObjectType::ObjectSchema => self.drop_schema(&name.name),
                ObjectType::ObjectFunction | ObjectType::ObjectProcedure => match &object.node {
                    Some(NodeEnum::ObjectWithArgs(function)) => {
                        let key = self.function_key(function);
                        self.schema.functions.remove(&key).is_some()
                    }
                    _ => false,
                },
                ObjectType::ObjectTrigger => self.drop_trigger(object),
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
        self.schema.indexes.retain(|_, index| index.table != *name);
        self.schema.sequences.retain(|_, s| s.owned_by.as_ref().is_none_or(|(table, _)| table != name));
        // Without CASCADE PostgreSQL refuses while a foreign key points here; with it, they go.
        self.drop_references(|reference| reference.table == *name);
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

    fn drop_trigger(&mut self, object: &Node) -> bool {
        let Some(NodeEnum::List(list)) = &object.node else { return false };
        let parts = strings(&list.items);
        let Some((trigger, table)) = parts.split_last() else { return false };
        let table = match table {
            [.., schema, name] => QualifiedName::new(schema, name),
            [name] => QualifiedName::new("", name),
            [] => return false,
        };
        let Some(entry) = self.schema.tables.get_mut(&table) else { return false };
        let position = entry.triggers.iter().position(|t| t.name == *trigger);
        position.map(|i| Arc::make_mut(entry).triggers.remove(i)).is_some()
    }
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
