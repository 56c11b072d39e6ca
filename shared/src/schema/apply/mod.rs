//! Replays one parsed statement on a [`Schema`], as PostgreSQL would change its catalog.
//!
//! What the model does not cover is reported back as "not modelled" reasons, never an error:
//! the replay goes on, and the revision shows which of its statements the model skipped.

mod do_block;
mod drop;
mod objects;
mod policy;
mod rename;
mod table;
mod view_columns;

use super::model::{Origin, QualifiedName, Schema, Table};
use pg_query::NodeEnum;
use pg_query::protobuf::{Node, RangeVar, SelectStmt};
use std::sync::Arc;

/// Applies `statement`; returns why parts of it are not modelled (empty when all of it is).
pub fn apply_statement(schema: &mut Schema, statement: &NodeEnum, origin: Origin) -> Vec<String> {
    let mut applier = Applier { schema, origin, not_modelled: Vec::new() };
    applier.statement(statement);
    applier.not_modelled
}

struct Applier<'a> {
    schema: &'a mut Schema,
    /// The origin the next new object gets.
    origin: Origin,
    not_modelled: Vec<String>,
}

impl Applier<'_> {
    fn statement(&mut self, statement: &NodeEnum) {
        match statement {
            NodeEnum::CreateStmt(stmt) => self.create_table(stmt),
            NodeEnum::AlterTableStmt(stmt) => self.alter_table(stmt),
            NodeEnum::IndexStmt(stmt) => self.create_index(stmt),
            NodeEnum::DropStmt(stmt) => self.drop(stmt),
            NodeEnum::RenameStmt(stmt) => self.rename(stmt),
            NodeEnum::AlterObjectSchemaStmt(stmt) => self.set_schema(stmt),
            NodeEnum::CreateSeqStmt(stmt) => self.create_sequence(stmt),
            NodeEnum::AlterSeqStmt(stmt) => self.alter_sequence(stmt),
            NodeEnum::CreateEnumStmt(stmt) => self.create_enum(stmt),
            NodeEnum::AlterEnumStmt(stmt) => self.alter_enum(stmt),
            NodeEnum::CompositeTypeStmt(stmt) => self.create_composite(stmt),
            NodeEnum::CreateDomainStmt(stmt) => self.create_domain(stmt),
            NodeEnum::ViewStmt(stmt) => self.create_view(stmt),
            NodeEnum::CreateTableAsStmt(stmt) => self.create_table_as(stmt),
            NodeEnum::CreateFunctionStmt(stmt) => self.create_function(stmt),
            NodeEnum::CreateTrigStmt(stmt) => self.create_trigger(stmt),
            NodeEnum::CreatePolicyStmt(stmt) => self.create_policy(stmt),
            NodeEnum::AlterPolicyStmt(stmt) => self.alter_policy(stmt),
            NodeEnum::CommentStmt(stmt) => self.comment(stmt),
            NodeEnum::CreateSchemaStmt(stmt) => self.create_schema(stmt),
            NodeEnum::CreateExtensionStmt(stmt) => self.create_extension(stmt),
            NodeEnum::CreateStatsStmt(stmt) => self.create_statistics(stmt),
            NodeEnum::DoStmt(_) => self.do_block(statement),
            NodeEnum::SelectStmt(stmt) if stmt.into_clause.is_some() => {
                // SELECT … INTO t: a CREATE TABLE t AS over the same query, without its INTO.
                let into = stmt.into_clause.as_deref().cloned().unwrap_or_default();
                let query = Node {
                    node: Some(NodeEnum::SelectStmt(Box::new(SelectStmt { into_clause: None, ..(**stmt).clone() }))),
                };
                self.table_from_query(&into, &query, false);
            }
            NodeEnum::VariableSetStmt(stmt) if stmt.name == "search_path" => {
                self.skip("SET search_path: the model puts unqualified names in `public`")
            }
            // Rows, sessions and maintenance: nothing in the schema changes.
            NodeEnum::SelectStmt(_)
            | NodeEnum::InsertStmt(_)
            | NodeEnum::UpdateStmt(_)
            | NodeEnum::DeleteStmt(_)
            | NodeEnum::MergeStmt(_)
            | NodeEnum::TruncateStmt(_)
            | NodeEnum::CopyStmt(_)
            | NodeEnum::TransactionStmt(_)
            | NodeEnum::VariableSetStmt(_)
            | NodeEnum::VariableShowStmt(_)
            | NodeEnum::VacuumStmt(_)
            | NodeEnum::RefreshMatViewStmt(_)
            | NodeEnum::NotifyStmt(_)
            | NodeEnum::LockStmt(_)
            | NodeEnum::ExplainStmt(_)
            | NodeEnum::CheckPointStmt(_)
            | NodeEnum::ClusterStmt(_)
            | NodeEnum::ReindexStmt(_) => {}
            // (Not named through the tree's Debug: that would put every node's printer in the wasm.)
            _ => self.skip("this kind of statement is not part of the schema model"),
        }
    }

    fn skip(&mut self, reason: impl Into<String>) {
        self.not_modelled.push(reason.into());
    }

    fn new_origin(&mut self) -> Origin {
        let origin = self.origin.clone();
        self.origin.part += 1;
        origin
    }

    fn table_mut(&mut self, name: &QualifiedName) -> Option<&mut Table> {
        self.schema.tables.get_mut(name).map(Arc::make_mut)
    }

    /// The table, or a "not modelled" note saying the model does not know it.
    fn known_table(&mut self, name: &QualifiedName, missing_ok: bool) -> Option<&mut Table> {
        if !self.schema.tables.contains_key(name) {
            if !missing_ok {
                self.skip(format!("table {name} is not in the model"));
            }
            return None;
        }
        self.table_mut(name)
    }
}

pub(super) fn relation(range: Option<&RangeVar>) -> QualifiedName {
    range.map_or_else(|| QualifiedName::new("", "?"), |r| QualifiedName::new(&r.schemaname, &r.relname))
}

/// `schema.name` from a list of name parts (`DROP TYPE a.b`, `CREATE TYPE b`).
pub(super) fn qualified(parts: &[Node]) -> QualifiedName {
    let names: Vec<String> = strings(parts);
    match names.as_slice() {
        [.., schema, name] => QualifiedName::new(schema, name),
        [name] => QualifiedName::new("", name),
        [] => QualifiedName::new("", "?"),
    }
}

pub(super) fn strings(nodes: &[Node]) -> Vec<String> {
    nodes
        .iter()
        .filter_map(|n| match &n.node {
            Some(NodeEnum::String(s)) => Some(s.sval.clone()),
            _ => None,
        })
        .collect()
}

/// A parse-tree enum value in words: `ObjectMatview` → `matview`, `AtChangeOwner` →
/// `change owner`, `ConstrExclusion` → `exclusion`.
pub(super) fn words(value: impl std::fmt::Debug) -> String {
    let name = format!("{value:?}");
    let name = ["Object", "Constr", "At"].iter().find_map(|p| name.strip_prefix(p)).unwrap_or(&name);
    let mut text = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            text.push(' ');
        }
        text.extend(c.to_lowercase());
    }
    text
}
