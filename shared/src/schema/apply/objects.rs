//! Everything beside tables: indexes, sequences, types, views, functions, triggers, schemas
//! and comments.

use super::{Applier, qualified, relation, strings, words};
use crate::schema::expr;
use crate::schema::model::{
    Column, DEFAULT_SCHEMA, Extension, Function, Index, Namespace, Origin, QualifiedName, Schema, Sequence, Statistics,
    Table, Trigger, TypeDef, TypeKind, View,
};
use crate::schema::{names, query_columns, types};
use pg_query::NodeEnum;
use pg_query::protobuf::{
    AlterEnumStmt, AlterSeqStmt, CommentStmt, CompositeTypeStmt, ConstrType, CreateDomainStmt, CreateEnumStmt,
    CreateExtensionStmt, CreateFunctionStmt, CreateSchemaStmt, CreateSeqStmt, CreateStatsStmt, CreateTableAsStmt,
    CreateTrigStmt, DefElem, FunctionParameter, FunctionParameterMode, IndexStmt, IntoClause, Node, ObjectType,
    ObjectWithArgs, SortByDir, SortByNulls, ViewStmt,
};
use std::sync::Arc;

impl Applier<'_> {
    pub(super) fn create_index(&mut self, stmt: &IndexStmt) {
        let table = relation(stmt.relation.as_ref());
        if !self.schema.tables.contains_key(&table) && !self.schema.views.contains_key(&table) {
            self.skip(format!("{table}, indexed here, is not in the model"));
            return;
        }
        let mut keys = Vec::new();
        let mut key_names = Vec::new();
        for param in &stmt.index_params {
            let Some(NodeEnum::IndexElem(element)) = &param.node else { continue };
            let (mut key, name) = match element.expr.as_deref() {
                Some(expression) => (expr::index_key(expression), expr::figure_name(expression)),
                // As pg_get_indexdef prints a column: quoted where its case or spelling needs it.
                None => (expr::quote(&element.name), element.name.clone()),
            };
            if let Some(collation) = strings(&element.collation).last() {
                key.push_str(&format!(" COLLATE {}", expr::quote(collation)));
            }
            if !element.opclass.is_empty() {
                key.push_str(&format!(" {}", qualified(&element.opclass)));
            }
            if SortByDir::try_from(element.ordering) == Ok(SortByDir::SortbyDesc) {
                key.push_str(" DESC");
            }
            match SortByNulls::try_from(element.nulls_ordering) {
                Ok(SortByNulls::SortbyNullsFirst) => key.push_str(" NULLS FIRST"),
                Ok(SortByNulls::SortbyNullsLast) => key.push_str(" NULLS LAST"),
                _ => {}
            }
            keys.push(key);
            key_names.push(if element.indexcolname.is_empty() { name } else { element.indexcolname.clone() });
        }
        let name = if stmt.idxname.is_empty() {
            table.sibling(&names::relation_name(self.schema, &table, &key_names, "idx"))
        } else {
            table.sibling(&stmt.idxname)
        };
        if names::relation_exists(self.schema, &name) {
            if !stmt.if_not_exists {
                self.skip(format!("{name} already exists in the model"));
            }
            return;
        }
        let index = Index {
            origin: self.new_origin(),
            table,
            unique: stmt.unique,
            method: if stmt.access_method.is_empty() { "btree".into() } else { stmt.access_method.clone() },
            keys,
            include: strings_of_elements(&stmt.index_including_params),
            nulls_not_distinct: stmt.nulls_not_distinct,
            options: storage_parameters(&stmt.options),
            predicate: stmt.where_clause.as_deref().map(expr::deparse),
            comment: None,
        };
        self.schema.indexes.insert(name, Arc::new(index));
    }

    pub(super) fn create_sequence(&mut self, stmt: &CreateSeqStmt) {
        let name = relation(stmt.sequence.as_ref());
        if names::relation_exists(self.schema, &name) {
            if !stmt.if_not_exists {
                self.skip(format!("{name} already exists in the model"));
            }
            return;
        }
        let sequence = Sequence { origin: self.new_origin(), owned_by: owned_by(&stmt.options), comment: None };
        self.schema.sequences.insert(name, Arc::new(sequence));
    }

    pub(super) fn alter_sequence(&mut self, stmt: &AlterSeqStmt) {
        let name = relation(stmt.sequence.as_ref());
        let Some(sequence) = self.schema.sequences.get_mut(&name) else {
            if !stmt.missing_ok {
                self.skip(format!("sequence {name} is not in the model"));
            }
            return;
        };
        if has_option(&stmt.options, "owned_by") {
            Arc::make_mut(sequence).owned_by = owned_by(&stmt.options);
        }
    }

    pub(super) fn create_enum(&mut self, stmt: &CreateEnumStmt) {
        let kind = TypeKind::Enum { labels: strings(&stmt.vals) };
        self.add_type(qualified(&stmt.type_name), kind);
    }

    pub(super) fn alter_enum(&mut self, stmt: &AlterEnumStmt) {
        let name = qualified(&stmt.type_name);
        let Some(TypeKind::Enum { labels }) = self.schema.types.get_mut(&name).map(|t| &mut Arc::make_mut(t).kind)
        else {
            self.skip(format!("enum {name} is not in the model"));
            return;
        };
        if !stmt.old_val.is_empty() {
            // RENAME VALUE old TO new: defaults hold the value by oid, so they show the new label.
            if let Some(label) = labels.iter_mut().find(|l| **l == stmt.old_val) {
                *label = stmt.new_val.clone();
            }
            rename_enum_value(self.schema, &name, &stmt.old_val, &stmt.new_val);
        } else if !labels.contains(&stmt.new_val) {
            let at = labels
                .iter()
                .position(|l| *l == stmt.new_val_neighbor)
                .map_or(labels.len(), |i| if stmt.new_val_is_after { i + 1 } else { i });
            labels.insert(at, stmt.new_val.clone());
        }
    }

    pub(super) fn create_composite(&mut self, stmt: &CompositeTypeStmt) {
        let attributes = stmt
            .coldeflist
            .iter()
            .filter_map(|n| match &n.node {
                Some(NodeEnum::ColumnDef(c)) => {
                    Some((c.colname.clone(), c.type_name.as_ref().map(types::canonical).unwrap_or_default()))
                }
                _ => None,
            })
            .collect();
        self.add_type(relation(stmt.typevar.as_ref()), TypeKind::Composite { attributes });
    }

    pub(super) fn create_domain(&mut self, stmt: &CreateDomainStmt) {
        let (mut not_null, mut default, mut checks) = (false, None, Vec::new());
        for node in &stmt.constraints {
            let Some(NodeEnum::Constraint(constraint)) = &node.node else { continue };
            let expression = constraint.raw_expr.as_deref().map(expr::deparse);
            match ConstrType::try_from(constraint.contype) {
                Ok(ConstrType::ConstrNotnull) => not_null = true,
                Ok(ConstrType::ConstrDefault) => default = expression,
                Ok(ConstrType::ConstrCheck) => checks.extend(expression),
                _ => {}
            }
        }
        let base = stmt.type_name.as_ref().map(types::canonical).unwrap_or_default();
        self.add_type(qualified(&stmt.domainname), TypeKind::Domain { base, not_null, default, checks });
    }

    fn add_type(&mut self, name: QualifiedName, kind: TypeKind) {
        if self.schema.types.contains_key(&name) {
            self.skip(format!("type {name} already exists in the model"));
            return;
        }
        let definition = TypeDef { origin: self.new_origin(), kind, comment: None };
        self.schema.types.insert(name, Arc::new(definition));
    }

    pub(super) fn create_view(&mut self, stmt: &ViewStmt) {
        if super::table::is_temporary(stmt.view.as_ref()) {
            return; // gone when the session ends: not part of the schema
        }
        let name = relation(stmt.view.as_ref());
        let Some(query) = self.with_column_names(stmt.query.as_deref(), &strings(&stmt.aliases)) else { return };
        self.put_view(name, deparse_query(&query), false, stmt.replace, false);
    }

    pub(super) fn create_table_as(&mut self, stmt: &CreateTableAsStmt) {
        let name = relation(stmt.into.as_ref().and_then(|i| i.rel.as_ref()));
        if ObjectType::try_from(stmt.objtype) != Ok(ObjectType::ObjectMatview) {
            if let (Some(into), Some(query)) = (stmt.into.as_deref(), stmt.query.as_deref()) {
                self.table_from_query(into, query, stmt.if_not_exists);
            }
            return;
        }
        let names = stmt.into.as_ref().map(|i| strings(&i.col_names)).unwrap_or_default();
        let Some(query) = self.with_column_names(stmt.query.as_deref(), &names) else { return };
        self.put_view(name, deparse_query(&query), true, false, stmt.if_not_exists);
    }

    /// A view's query with its column list (`CREATE VIEW v (a, b) AS …`) written into the
    /// select list as `AS a`, `AS b`, as `pg_get_viewdef` shows it. `None` (and a note) when
    /// the list does not meet plain select-list items.
    fn with_column_names(&mut self, query: Option<&Node>, names: &[String]) -> Option<Node> {
        let mut query = query?.clone();
        if names.is_empty() {
            return Some(query);
        }
        let named = match &mut query.node {
            Some(NodeEnum::SelectStmt(select)) if select.op == pg_query::protobuf::SetOperation::SetopNone as i32 => {
                let targets = &mut select.target_list;
                let plain = targets.len() >= names.len()
                    && targets.iter().take(names.len()).all(|t| {
                        matches!(&t.node, Some(NodeEnum::ResTarget(r))
                            if !matches!(r.val.as_deref().and_then(|v| v.node.as_ref()),
                                Some(NodeEnum::ColumnRef(c)) if matches!(c.fields.last().and_then(|f| f.node.as_ref()), Some(NodeEnum::AStar(_)))))
                    });
                if plain {
                    for (target, name) in targets.iter_mut().zip(names) {
                        if let Some(NodeEnum::ResTarget(target)) = &mut target.node {
                            target.name = name.clone();
                        }
                    }
                }
                plain
            }
            _ => false,
        };
        if !named {
            self.skip("a view's column list over `*` or a set operation is not modelled");
            return None;
        }
        Some(query)
    }

    /// `CREATE TABLE … AS` / `SELECT … INTO`: the query's columns, nullable, without
    /// defaults or constraints.
    pub(super) fn table_from_query(&mut self, into: &IntoClause, query: &Node, if_not_exists: bool) {
        if super::table::is_temporary(into.rel.as_ref()) {
            return; // gone when the session ends: not part of the schema
        }
        let name = relation(into.rel.as_ref());
        if names::relation_exists(self.schema, &name) {
            if !if_not_exists {
                self.skip(format!("{name} already exists in the model"));
            }
            return;
        }
        let Some(mut output) = query_columns::output_columns(self.schema, query) else {
            self.skip(format!("the columns of {name}'s query are not known to the model"));
            return;
        };
        for (column, written) in output.iter_mut().zip(strings(&into.col_names)) {
            column.name = written;
        }
        let origin = self.new_origin();
        let columns = output
            .into_iter()
            .map(|c| Column {
                name: c.name,
                origin: self.new_origin(),
                data_type: c.data_type,
                not_null: false,
                default: None,
                identity: None,
                generated: None,
                comment: None,
            })
            .collect();
        let table = Table {
            origin,
            columns,
            constraints: Vec::new(),
            triggers: Vec::new(),
            comment: None,
            row_security: Default::default(),
            policies: Vec::new(),
        };
        self.schema.tables.insert(name, Arc::new(table));
    }

    fn put_view(
        &mut self,
        name: QualifiedName,
        definition: String,
        materialized: bool,
        replace: bool,
        if_not_exists: bool,
    ) {
        let existing = self.schema.views.get(&name).cloned();
        if existing.is_some() && !replace || existing.is_none() && names::relation_exists(self.schema, &name) {
            if !if_not_exists {
                self.skip(format!("{name} already exists in the model"));
            }
            return;
        }
        let view = match existing {
            Some(view) => View { definition, ..(*view).clone() },
            None => View { origin: self.new_origin(), materialized, definition, comment: None },
        };
        self.schema.views.insert(name, Arc::new(view));
    }

    pub(super) fn create_function(&mut self, stmt: &CreateFunctionStmt) {
        let name = qualified(&stmt.funcname);
        let arguments = stmt
            .parameters
            .iter()
            .filter_map(|p| match &p.node {
                Some(NodeEnum::FunctionParameter(p)) if is_input(p.mode) => p.arg_type.as_ref().map(types::canonical),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join(", ");
        let returns = function_result(stmt);
        let language = stmt
            .options
            .iter()
            .find_map(|o| match &o.node {
                Some(NodeEnum::DefElem(d)) if d.defname == "language" => {
                    strings(std::slice::from_ref(d.arg.as_deref()?)).pop()
                }
                _ => None,
            })
            .unwrap_or_else(|| "sql".into());
        let key = Function::key(&name, &arguments);
        let origin = match self.schema.functions.get(&key) {
            Some(_) if !stmt.replace => {
                self.skip(format!("function {key} already exists in the model"));
                return;
            }
            Some(existing) => existing.origin.clone(),
            None => self.new_origin(),
        };
        let comment = self.schema.functions.get(&key).and_then(|f| f.comment.clone());
        let function = Function { origin, name, arguments, returns, language, procedure: stmt.is_procedure, comment };
        self.schema.functions.insert(key, Arc::new(function));
    }

    pub(super) fn create_trigger(&mut self, stmt: &CreateTrigStmt) {
        let table = relation(stmt.relation.as_ref());
        let trigger = trigger(stmt, self.new_origin());
        if self.schema.views.contains_key(&table) {
            self.skip(format!("triggers on views ({table}) are not modelled"));
            return;
        }
        let Some(entry) = self.known_table(&table, false) else { return };
        match entry.triggers.iter_mut().find(|t| t.name == stmt.trigname) {
            Some(existing) if stmt.replace => *existing = Trigger { origin: existing.origin.clone(), ..trigger },
            Some(_) => self.skip(format!("trigger {} on {table} already exists in the model", stmt.trigname)),
            None => entry.triggers.push(trigger),
        }
    }

    pub(super) fn create_extension(&mut self, stmt: &CreateExtensionStmt) {
        if self.schema.extensions.contains_key(&stmt.extname) {
            if !stmt.if_not_exists {
                self.skip(format!("extension {} already exists in the model", stmt.extname));
            }
            return;
        }
        let schema = stmt
            .options
            .iter()
            .find_map(|o| match &o.node {
                Some(NodeEnum::DefElem(d)) if d.defname == "schema" => {
                    strings(std::slice::from_ref(d.arg.as_deref()?)).pop()
                }
                _ => None,
            })
            .unwrap_or_else(|| DEFAULT_SCHEMA.to_owned());
        let extension = Extension { origin: self.new_origin(), schema };
        self.schema.extensions.insert(stmt.extname.clone(), extension);
    }

    pub(super) fn create_statistics(&mut self, stmt: &CreateStatsStmt) {
        let tables: Vec<QualifiedName> = stmt
            .relations
            .iter()
            .filter_map(|r| match &r.node {
                Some(NodeEnum::RangeVar(range)) => Some(relation(Some(range))),
                _ => None,
            })
            .collect();
        let [table] = tables.as_slice() else {
            self.skip("statistics over several tables are not modelled");
            return;
        };
        if !self.schema.tables.contains_key(table) && !self.schema.views.contains_key(table) {
            self.skip(format!("{table}, with statistics here, is not in the model"));
            return;
        }
        let mut keys = Vec::new();
        let mut key_names = Vec::new();
        for element in &stmt.exprs {
            let Some(NodeEnum::StatsElem(element)) = &element.node else { continue };
            match element.expr.as_deref() {
                Some(expression) => {
                    keys.push(format!("({})", expr::deparse(expression)));
                    key_names.push("expr".to_owned());
                }
                None => {
                    keys.push(expr::quote(&element.name));
                    key_names.push(element.name.clone());
                }
            }
        }
        let name = if stmt.defnames.is_empty() {
            table.sibling(&names::statistics_name(self.schema, table, &key_names))
        } else {
            qualified(&stmt.defnames)
        };
        if self.schema.statistics.contains_key(&name) {
            if !stmt.if_not_exists {
                self.skip(format!("statistics {name} already exists in the model"));
            }
            return;
        }
        // `pg_get_statisticsobjdef` lists the kinds only when not all of them are on.
        let written = strings(&stmt.stat_types);
        let all = ["ndistinct", "dependencies", "mcv"];
        let kinds = if written.is_empty() || all.iter().all(|k| written.iter().any(|w| w == k)) {
            Vec::new()
        } else {
            all.iter().filter(|k| written.iter().any(|w| w == *k)).map(|k| (*k).to_owned()).collect()
        };
        let statistics = Statistics { origin: self.new_origin(), table: table.clone(), kinds, keys, comment: None };
        self.schema.statistics.insert(name, Arc::new(statistics));
    }

    pub(super) fn create_schema(&mut self, stmt: &CreateSchemaStmt) {
        if self.schema.namespaces.contains_key(&stmt.schemaname) {
            if !stmt.if_not_exists {
                self.skip(format!("schema {} already exists in the model", stmt.schemaname));
            }
            return;
        }
        let namespace = Namespace { origin: self.new_origin(), comment: None };
        self.schema.namespaces.insert(stmt.schemaname.clone(), namespace);
        if !stmt.schema_elts.is_empty() {
            self.skip("statements inside CREATE SCHEMA are not modelled");
        }
    }

    pub(super) fn comment(&mut self, stmt: &CommentStmt) {
        let text = (!stmt.comment.is_empty()).then(|| stmt.comment.clone());
        let object = stmt.object.as_deref().and_then(|o| o.node.as_ref());
        let parts = match object {
            Some(NodeEnum::List(list)) => strings(&list.items),
            Some(NodeEnum::String(s)) => vec![s.sval.clone()],
            Some(NodeEnum::TypeName(t)) => strings(&t.names),
            _ => Vec::new(),
        };
        let kind = ObjectType::try_from(stmt.objtype).unwrap_or(ObjectType::Undefined);
        let found = match (kind, parts.as_slice(), object) {
            (ObjectType::ObjectSchema, [name], _) => {
                self.schema.namespaces.get_mut(name).map(|n| n.comment = text).is_some()
            }
            (ObjectType::ObjectTable, _, _) => self.with_table(&parts, |t| {
                t.comment = text;
                true
            }),
            (ObjectType::ObjectColumn, [table @ .., column], _) => {
                self.with_table(table, |t| t.column_mut(column).map(|c| c.comment = text).is_some())
            }
            (ObjectType::ObjectTabconstraint, [table @ .., constraint], _) => self.with_table(table, |t| {
                t.constraints.iter_mut().find(|c| c.name == *constraint).map(|c| c.comment = text).is_some()
            }),
            (ObjectType::ObjectTrigger, [table @ .., trigger], _) => self.with_table(table, |t| {
                t.triggers.iter_mut().find(|c| c.name == *trigger).map(|c| c.comment = text).is_some()
            }),
            (ObjectType::ObjectIndex, _, _) => {
                let name = qualified_strings(&parts);
                self.schema.indexes.get_mut(&name).map(|i| Arc::make_mut(i).comment = text).is_some()
            }
            (ObjectType::ObjectSequence, _, _) => {
                let name = qualified_strings(&parts);
                self.schema.sequences.get_mut(&name).map(|s| Arc::make_mut(s).comment = text).is_some()
            }
            (ObjectType::ObjectView | ObjectType::ObjectMatview, _, _) => {
                let name = qualified_strings(&parts);
                self.schema.views.get_mut(&name).map(|v| Arc::make_mut(v).comment = text).is_some()
            }
            (ObjectType::ObjectType | ObjectType::ObjectDomain, _, _) => {
                let name = qualified_strings(&parts);
                self.schema.types.get_mut(&name).map(|t| Arc::make_mut(t).comment = text).is_some()
            }
            (ObjectType::ObjectFunction | ObjectType::ObjectProcedure, _, Some(NodeEnum::ObjectWithArgs(f))) => {
                let key = self.function_key(f);
                self.schema.functions.get_mut(&key).map(|f| Arc::make_mut(f).comment = text).is_some()
            }
            _ => {
                self.skip(format!("COMMENT ON {} is not modelled", words(kind)));
                return;
            }
        };
        if !found {
            self.skip(format!("the {} {} is not in the model", words(kind), parts.join(".")));
        }
    }

    /// Runs `change` on the table `parts` names; `false` when the model lacks the table or
    /// `change` did not find its object.
    fn with_table(&mut self, parts: &[String], change: impl FnOnce(&mut Table) -> bool) -> bool {
        let name = qualified_strings(parts);
        self.table_mut(&name).is_some_and(change)
    }

    /// `name(argument types)` for a function named in DROP / COMMENT / ALTER. Without an
    /// argument list, the one function of that name.
    pub(super) fn function_key(&self, function: &ObjectWithArgs) -> String {
        let name = qualified(&function.objname);
        if function.args_unspecified {
            let prefix = format!("{name}(");
            let mut matching = self.schema.functions.keys().filter(|k| k.starts_with(&prefix));
            if let (Some(only), None) = (matching.next(), matching.next()) {
                return only.clone();
            }
        }
        let arguments: Vec<String> = function
            .objargs
            .iter()
            .filter_map(|a| match &a.node {
                Some(NodeEnum::TypeName(t)) => Some(types::canonical(t)),
                _ => None,
            })
            .collect();
        Function::key(&name, &arguments.join(", "))
    }
}

fn qualified_strings(parts: &[String]) -> QualifiedName {
    match parts {
        [.., schema, name] => QualifiedName::new(schema, name),
        [name] => QualifiedName::new("", name),
        [] => QualifiedName::new("", "?"),
    }
}

fn is_input(mode: i32) -> bool {
    matches!(
        FunctionParameterMode::try_from(mode),
        Ok(FunctionParameterMode::FuncParamIn
            | FunctionParameterMode::FuncParamInout
            | FunctionParameterMode::FuncParamVariadic
            | FunctionParameterMode::FuncParamDefault)
    )
}

/// A trigger as `pg_get_triggerdef` words it.
fn trigger(stmt: &CreateTrigStmt, origin: Origin) -> Trigger {
    const ROW: i32 = 1;
    const BEFORE: i32 = 1 << 1;
    const INSTEAD: i32 = 1 << 6;
    let timing = match stmt.timing {
        t if t & INSTEAD != 0 => "INSTEAD OF",
        t if t & BEFORE != 0 => "BEFORE",
        _ => "AFTER",
    };
    let events = [(1 << 2, "INSERT"), (1 << 3, "DELETE"), (1 << 4, "UPDATE"), (1 << 5, "TRUNCATE")]
        .into_iter()
        .filter(|(bit, _)| stmt.events & bit != 0)
        .map(|(_, event)| event.to_owned())
        .collect();
    let mut clauses = Vec::new();
    if stmt.isconstraint {
        if let Some(from) = stmt.constrrel.as_ref() {
            clauses.push(format!("FROM {}", relation(Some(from))));
        }
        let deferrable = if stmt.deferrable { "DEFERRABLE" } else { "NOT DEFERRABLE" };
        let initially = if stmt.initdeferred { "DEFERRED" } else { "IMMEDIATE" };
        clauses.push(format!("{deferrable} INITIALLY {initially}"));
    }
    let transitions: Vec<(bool, String)> = stmt
        .transition_rels
        .iter()
        .filter_map(|t| match &t.node {
            Some(NodeEnum::TriggerTransition(t)) => Some((t.is_new, t.name.clone())),
            _ => None,
        })
        .collect();
    if !transitions.is_empty() {
        let mut referencing = vec!["REFERENCING".to_owned()];
        for new in [false, true] {
            if let Some((_, name)) = transitions.iter().find(|(is_new, _)| *is_new == new) {
                let which = if new { "NEW" } else { "OLD" };
                referencing.push(format!("{which} TABLE AS {}", expr::quote(name)));
            }
        }
        clauses.push(referencing.join(" "));
    }
    clauses.push(format!("FOR EACH {}", if stmt.row || stmt.timing & ROW != 0 { "ROW" } else { "STATEMENT" }));
    let arguments: Vec<String> = strings(&stmt.args).iter().map(|a| format!("'{}'", a.replace('\'', "''"))).collect();
    Trigger {
        name: stmt.trigname.clone(),
        origin,
        timing: timing.to_owned(),
        events,
        update_columns: strings(&stmt.columns),
        clauses: clauses.join(" "),
        condition: stmt.when_clause.as_deref().map(expr::deparse),
        function_name: qualified(&stmt.funcname),
        arguments: arguments.join(", "),
        constraint: stmt.isconstraint,
        comment: None,
    }
}

/// What a function returns, as `pg_get_function_result` prints it: `TABLE(a integer, b text)`
/// for RETURNS TABLE, the OUT parameters' record (or their one type), `SETOF …`.
fn function_result(stmt: &CreateFunctionStmt) -> String {
    let parameters: Vec<&FunctionParameter> = stmt
        .parameters
        .iter()
        .filter_map(|p| match &p.node {
            Some(NodeEnum::FunctionParameter(p)) => Some(p.as_ref()),
            _ => None,
        })
        .collect();
    let mode = |p: &FunctionParameter| FunctionParameterMode::try_from(p.mode).ok();
    let type_of = |p: &FunctionParameter| p.arg_type.as_ref().map(types::canonical).unwrap_or_default();
    let table: Vec<String> = parameters
        .iter()
        .filter(|p| mode(p) == Some(FunctionParameterMode::FuncParamTable))
        .map(|p| format!("{} {}", expr::quote(&p.name), type_of(p)))
        .collect();
    if !table.is_empty() {
        return format!("TABLE({})", table.join(", "));
    }
    match &stmt.return_type {
        Some(t) if t.setof => format!("SETOF {}", types::canonical(t)),
        Some(t) => types::canonical(t),
        None if stmt.is_procedure => String::new(),
        None => {
            let outputs: Vec<&&FunctionParameter> = parameters
                .iter()
                .filter(|p| {
                    matches!(mode(p), Some(FunctionParameterMode::FuncParamOut | FunctionParameterMode::FuncParamInout))
                })
                .collect();
            match outputs.as_slice() {
                [only] => type_of(only),
                _ => "record".into(),
            }
        }
    }
}

/// Columns (and domains) of the enum `name` whose default is its value `old` show `new`.
fn rename_enum_value(schema: &mut Schema, name: &QualifiedName, old: &str, new: &str) {
    let type_name = types::type_text(name);
    let renamed = |default: &str| expr::rename_literal(default, old, new);
    schema.tables.for_each_mut_mentioning(&name.name, |_, table| {
        let uses = |c: &Column| {
            types::is_type_or_array_of(&c.data_type, &type_name)
                && c.default.as_deref().is_some_and(|d| renamed(d).is_some())
        };
        if table.columns.iter().any(uses) {
            for column in &mut Arc::make_mut(table).columns {
                if types::is_type_or_array_of(&column.data_type, &type_name)
                    && let Some(default) = column.default.as_deref().and_then(renamed)
                {
                    column.default = Some(default);
                }
            }
        }
    });
}

/// `INCLUDE (a, b)`: the columns named.
fn strings_of_elements(elements: &[Node]) -> Vec<String> {
    elements
        .iter()
        .filter_map(|e| match &e.node {
            Some(NodeEnum::IndexElem(element)) => Some(element.name.clone()),
            _ => None,
        })
        .collect()
}

/// `WITH (fillfactor = 70)` as `pg_get_indexdef` prints it: `fillfactor='70'`.
pub(super) fn storage_parameters(options: &[Node]) -> Vec<String> {
    options
        .iter()
        .filter_map(|o| match &o.node {
            Some(NodeEnum::DefElem(d)) => Some(storage_parameter(d)),
            _ => None,
        })
        .collect()
}

fn storage_parameter(option: &DefElem) -> String {
    let value = match option.arg.as_deref().and_then(|a| a.node.as_ref()) {
        Some(NodeEnum::Integer(i)) => i.ival.to_string(),
        Some(NodeEnum::Float(f)) => f.fval.clone(),
        Some(NodeEnum::String(s)) => s.sval.clone(),
        Some(NodeEnum::Boolean(b)) => b.boolval.to_string(),
        Some(NodeEnum::TypeName(t)) => strings(&t.names).join("."),
        _ => "true".to_owned(),
    };
    // Quoted unless it reads as a plain identifier (`flatten_reloptions`).
    let value = if expr::quote(&value) == value { value } else { format!("'{}'", value.replace('\'', "''")) };
    let name = if option.defnamespace.is_empty() {
        option.defname.clone()
    } else {
        format!("{}.{}", option.defnamespace, option.defname)
    };
    format!("{name}={value}")
}

fn has_option(options: &[Node], name: &str) -> bool {
    options.iter().any(|o| matches!(&o.node, Some(NodeEnum::DefElem(d)) if d.defname == name))
}

/// `OWNED BY table.column` (or `NONE`) among a sequence's options.
fn owned_by(options: &[Node]) -> Option<(QualifiedName, String)> {
    let owner = options.iter().find_map(|o| match &o.node {
        Some(NodeEnum::DefElem(d)) if d.defname == "owned_by" => match d.arg.as_deref().and_then(|a| a.node.as_ref()) {
            Some(NodeEnum::List(list)) => Some(strings(&list.items)),
            _ => None,
        },
        _ => None,
    })?;
    match owner.as_slice() {
        [.., table, column] => {
            Some((qualified_strings(&owner[..owner.len() - 1]), column.clone())).filter(|_| !table.is_empty())
        }
        _ => None, // OWNED BY NONE
    }
}

fn deparse_query(query: &Node) -> String {
    let statement = pg_query::protobuf::RawStmt { stmt: Some(Box::new(query.clone())), stmt_location: 0, stmt_len: 0 };
    let result = pg_query::protobuf::ParseResult { version: 0, stmts: vec![statement] };
    pg_query::deparse(&result, pg_query::DeparseOptions::default()).unwrap_or_default()
}
