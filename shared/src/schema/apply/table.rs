//! CREATE TABLE and ALTER TABLE: columns, their defaults and identity, and constraints.

use super::{Applier, relation, strings, words};
use crate::schema::expr;
use crate::schema::model::{Column, Constraint, ConstraintKind, Identity, QualifiedName, Reference, Sequence, Table};
use crate::schema::{names, types};
use pg_query::NodeEnum;
use pg_query::protobuf::{
    AlterTableCmd, AlterTableStmt, AlterTableType, ColumnDef, ConstrType, Constraint as ConstraintNode, CreateStmt,
    DropBehavior, ObjectType,
};
use std::sync::Arc;

/// A constraint written in a table or column definition, named once the columns exist
/// (PostgreSQL names them after it made the columns).
struct Pending<'a> {
    node: &'a ConstraintNode,
    column: Option<String>,
    /// `REFERENCES t DEFERRABLE INITIALLY DEFERRED` in a column: the parser gives the
    /// attributes as nodes of their own after the constraint.
    deferrable: Option<bool>,
    initially_deferred: Option<bool>,
}

impl<'a> Pending<'a> {
    fn new(node: &'a ConstraintNode, column: Option<String>) -> Self {
        Pending { node, column, deferrable: None, initially_deferred: None }
    }
}

impl Applier<'_> {
    pub(super) fn create_table(&mut self, stmt: &CreateStmt) {
        if is_temporary(stmt.relation.as_ref()) {
            return; // gone when the session ends: not part of the schema
        }
        let name = relation(stmt.relation.as_ref());
        if names::relation_exists(self.schema, &name) {
            if !stmt.if_not_exists {
                self.skip(format!("{name} already exists in the model"));
            }
            return;
        }
        if !stmt.inh_relations.is_empty() || stmt.partbound.is_some() || stmt.of_typename.is_some() {
            self.skip("inheritance, partitions and typed tables are not modelled: only the table's own columns are");
        }
        let table = Table {
            origin: self.new_origin(),
            columns: Vec::new(),
            constraints: Vec::new(),
            triggers: Vec::new(),
            comment: None,
            row_security: Default::default(),
            policies: Vec::new(),
        };
        self.schema.tables.insert(name.clone(), Arc::new(table));
        let mut pending = Vec::new();
        for element in &stmt.table_elts {
            match &element.node {
                Some(NodeEnum::ColumnDef(column)) => self.add_column(&name, column, &mut pending),
                Some(NodeEnum::Constraint(node)) => pending.push(Pending::new(node, None)),
                Some(NodeEnum::TableLikeClause(_)) => self.skip("CREATE TABLE … (LIKE …) is not modelled"),
                _ => {}
            }
        }
        self.add_constraints(&name, pending);
    }

    pub(super) fn alter_table(&mut self, stmt: &AlterTableStmt) {
        let name = relation(stmt.relation.as_ref());
        let kind = ObjectType::try_from(stmt.objtype).unwrap_or(ObjectType::Undefined);
        let commands = stmt.cmds.iter().filter_map(|c| match &c.node {
            Some(NodeEnum::AlterTableCmd(command)) => Some(command.as_ref()),
            _ => None,
        });
        if kind == ObjectType::ObjectIndex {
            for command in commands {
                self.alter_index_command(&name, command, stmt.missing_ok);
            }
            return;
        }
        if kind != ObjectType::ObjectTable {
            for command in commands.filter(|c| !without_schema_effect(c)) {
                self.skip(format!("ALTER {} … {} is not modelled", words(kind), words(subtype(command))));
            }
            return;
        }
        if self.known_table(&name, stmt.missing_ok).is_none() {
            return;
        }
        for command in commands {
            if !self.row_security_command(&name, subtype(command)) {
                self.alter_table_command(&name, command);
            }
        }
    }

    fn alter_table_command(&mut self, table: &QualifiedName, command: &AlterTableCmd) {
        let definition = command.def.as_deref().and_then(|d| d.node.as_ref());
        let column_name = command.name.as_str();
        let has_column = self.schema.tables.get(table).is_some_and(|t| t.column(column_name).is_some());
        let missing_column = |this: &mut Self| {
            if !command.missing_ok {
                this.skip(format!("column {column_name} of {table} is not in the model"));
            }
        };
        match subtype(command) {
            AlterTableType::AtAddColumn => {
                let Some(NodeEnum::ColumnDef(column)) = definition else { return };
                if self.schema.tables.get(table).is_some_and(|t| t.column(&column.colname).is_some()) {
                    if !command.missing_ok {
                        self.skip(format!("column {} of {table} already exists in the model", column.colname));
                    }
                    return;
                }
                let mut pending = Vec::new();
                self.add_column(table, column, &mut pending);
                self.add_constraints(table, pending);
            }
            AlterTableType::AtDropColumn if has_column => {
                let cascade = DropBehavior::try_from(command.behavior) == Ok(DropBehavior::DropCascade);
                self.drop_column(table, column_name, cascade)
            }
            AlterTableType::AtAlterColumnType if has_column => {
                let Some(NodeEnum::ColumnDef(column)) = definition else { return };
                let data_type = column.type_name.as_ref().map(types::canonical).unwrap_or_default();
                let column = self.column_mut(table, column_name);
                // PostgreSQL keeps a quoted default as the constant it cooked for the old type
                // (without its length or precision), cast anew on use.
                if let Some(default) = column.default.as_mut().filter(|d| expr::is_string_literal(d)) {
                    *default = format!("{default}::{}", types::without_modifiers(&column.data_type));
                }
                column.data_type = data_type;
            }
            AlterTableType::AtColumnDefault if has_column => {
                let default = command.def.as_deref().and_then(expr::default);
                self.column_mut(table, column_name).default = default;
            }
            AlterTableType::AtSetNotNull if has_column => self.column_mut(table, column_name).not_null = true,
            AlterTableType::AtDropNotNull if has_column => self.column_mut(table, column_name).not_null = false,
            AlterTableType::AtAddIdentity if has_column => {
                let Some(NodeEnum::Constraint(constraint)) = definition else { return };
                let column = self.column_mut(table, column_name);
                column.identity = Some(identity(&constraint.generated_when));
                column.not_null = true;
            }
            AlterTableType::AtSetIdentity if has_column => {
                let Some(NodeEnum::List(options)) = definition else { return };
                for option in &options.items {
                    if let Some(NodeEnum::DefElem(option)) = &option.node
                        && option.defname == "generated"
                        && let Some(NodeEnum::Integer(value)) = option.arg.as_deref().and_then(|a| a.node.as_ref())
                    {
                        let when = char::from_u32(value.ival as u32).map(String::from).unwrap_or_default();
                        self.column_mut(table, column_name).identity = Some(identity(&when));
                    }
                }
            }
            AlterTableType::AtDropIdentity if has_column => self.column_mut(table, column_name).identity = None,
            AlterTableType::AtDropExpression if has_column => self.column_mut(table, column_name).generated = None,
            AlterTableType::AtDropColumn
            | AlterTableType::AtAlterColumnType
            | AlterTableType::AtColumnDefault
            | AlterTableType::AtSetNotNull
            | AlterTableType::AtDropNotNull
            | AlterTableType::AtAddIdentity
            | AlterTableType::AtSetIdentity
            | AlterTableType::AtDropIdentity
            | AlterTableType::AtDropExpression => missing_column(self),
            AlterTableType::AtAddConstraint => {
                let Some(NodeEnum::Constraint(node)) = definition else { return };
                self.add_constraints(table, vec![Pending::new(node, None)]);
            }
            AlterTableType::AtDropConstraint => {
                let Some(table_entry) = self.table_mut(table) else { return };
                let before = table_entry.constraints.len();
                table_entry.constraints.retain(|c| c.name != column_name);
                if table_entry.constraints.len() == before && !command.missing_ok {
                    self.skip(format!("constraint {column_name} of {table} is not in the model"));
                }
            }
            AlterTableType::AtAlterConstraint => {
                let Some(NodeEnum::AtalterConstraint(change)) = definition else { return };
                if change.alter_enforceability || change.alter_inheritability {
                    self.skip("ALTER CONSTRAINT … [NOT] ENFORCED / INHERIT is not modelled");
                }
                let Some(table_entry) = self.table_mut(table) else { return };
                match table_entry.constraints.iter_mut().find(|c| c.name == change.conname) {
                    Some(constraint) if change.alter_deferrability => {
                        constraint.deferrable = change.deferrable;
                        constraint.initially_deferred = change.initdeferred;
                    }
                    Some(_) => {}
                    None => self.skip(format!("constraint {} of {table} is not in the model", change.conname)),
                }
            }
            AlterTableType::AtValidateConstraint => {
                let Some(table_entry) = self.table_mut(table) else { return };
                match table_entry.constraints.iter_mut().find(|c| c.name == column_name) {
                    Some(constraint) => constraint.validated = true,
                    None => self.skip(format!("constraint {column_name} of {table} is not in the model")),
                }
            }
            _ if without_schema_effect(command) => {}
            other => self.skip(format!("ALTER TABLE … {} is not modelled", words(other))),
        }
    }

    /// ALTER INDEX … SET/RESET (storage parameters), which `pg_get_indexdef` prints.
    fn alter_index_command(&mut self, index: &QualifiedName, command: &AlterTableCmd, missing_ok: bool) {
        let kind = subtype(command);
        let options = match command.def.as_deref().and_then(|d| d.node.as_ref()) {
            Some(NodeEnum::List(list)) => list.items.as_slice(),
            _ => &[],
        };
        match kind {
            AlterTableType::AtSetRelOptions | AlterTableType::AtResetRelOptions => {
                let Some(entry) = self.schema.indexes.get_mut(index) else {
                    if !missing_ok {
                        self.skip(format!("index {index} is not in the model"));
                    }
                    return;
                };
                let entry = Arc::make_mut(entry);
                let changed: Vec<String> = super::objects::storage_parameters(options);
                let name_of = |option: &str| option.split_once('=').map_or(option, |(n, _)| n).to_owned();
                let names: Vec<String> = changed.iter().map(|o| name_of(o)).collect();
                entry.options.retain(|o| !names.contains(&name_of(o)));
                if kind == AlterTableType::AtSetRelOptions {
                    entry.options.extend(changed);
                }
            }
            _ if without_schema_effect(command) => {}
            other => self.skip(format!("ALTER INDEX … {} is not modelled", words(other))),
        }
    }

    fn column_mut(&mut self, table: &QualifiedName, column: &str) -> &mut Column {
        let table = self.table_mut(table).expect("checked by the caller");
        table.column_mut(column).expect("checked by the caller")
    }

    /// Adds a column from its definition; its constraints wait in `pending`.
    fn add_column<'n>(&mut self, table: &QualifiedName, definition: &'n ColumnDef, pending: &mut Vec<Pending<'n>>) {
        let serial = definition.type_name.as_ref().and_then(types::serial);
        let data_type = match (&serial, &definition.type_name) {
            (Some(serial), _) => serial.data_type.to_owned(),
            (None, Some(type_name)) => types::canonical(type_name),
            (None, None) => String::new(),
        };
        let mut column = Column {
            name: definition.colname.clone(),
            origin: self.new_origin(),
            data_type,
            not_null: definition.is_not_null,
            default: definition.raw_default.as_deref().and_then(expr::default),
            identity: None,
            generated: None,
            comment: None,
        };
        for node in &definition.constraints {
            let Some(NodeEnum::Constraint(constraint)) = &node.node else { continue };
            match ConstrType::try_from(constraint.contype).unwrap_or(ConstrType::Undefined) {
                ConstrType::ConstrNotnull => column.not_null = true,
                ConstrType::ConstrNull => column.not_null = false,
                ConstrType::ConstrDefault => column.default = constraint.raw_expr.as_deref().and_then(expr::default),
                ConstrType::ConstrIdentity => {
                    column.identity = Some(identity(&constraint.generated_when));
                    column.not_null = true;
                }
                ConstrType::ConstrGenerated => column.generated = constraint.raw_expr.as_deref().map(expr::deparse),
                ConstrType::ConstrCheck
                | ConstrType::ConstrPrimary
                | ConstrType::ConstrUnique
                | ConstrType::ConstrForeign
                | ConstrType::ConstrExclusion => {
                    pending.push(Pending::new(constraint, Some(definition.colname.clone())))
                }
                ConstrType::ConstrAttrDeferrable | ConstrType::ConstrAttrNotDeferrable => {
                    if let Some(last) = pending.last_mut() {
                        last.deferrable = Some(constraint.contype == ConstrType::ConstrAttrDeferrable as i32);
                    }
                }
                ConstrType::ConstrAttrDeferred | ConstrType::ConstrAttrImmediate => {
                    if let Some(last) = pending.last_mut() {
                        last.initially_deferred = Some(constraint.contype == ConstrType::ConstrAttrDeferred as i32);
                        // INITIALLY DEFERRED implies DEFERRABLE.
                        if last.initially_deferred == Some(true) {
                            last.deferrable.get_or_insert(true);
                        }
                    }
                }
                _ => {}
            }
        }
        if serial.is_some() {
            // serial = a sequence owned by the column, its nextval as the default, NOT NULL.
            let sequence = table.sibling(&names::relation_name(self.schema, table, &[column.name.clone()], "seq"));
            column.default = Some(format!("nextval({}::regclass)", expr::regclass_literal(&sequence)));
            column.not_null = true;
            let owned_by = Some((table.clone(), column.name.clone()));
            let origin = self.new_origin();
            self.schema.sequences.insert(sequence, Arc::new(Sequence { origin, owned_by, comment: None }));
        }
        if let Some(entry) = self.table_mut(table) {
            entry.columns.push(column);
        }
    }

    fn add_constraints(&mut self, table: &QualifiedName, pending: Vec<Pending<'_>>) {
        for Pending { node, column, deferrable, initially_deferred } in pending {
            if let Some(mut constraint) = self.constraint(table, node, column)
                && let Some(entry) = self.table_mut(table)
            {
                constraint.deferrable = deferrable.unwrap_or(constraint.deferrable);
                constraint.initially_deferred = initially_deferred.unwrap_or(constraint.initially_deferred);
                entry.constraints.push(constraint);
            }
        }
    }

    /// A constraint as PostgreSQL stores it: named, with its columns, and PRIMARY KEY
    /// columns made NOT NULL.
    fn constraint(
        &mut self,
        table: &QualifiedName,
        node: &ConstraintNode,
        column: Option<String>,
    ) -> Option<Constraint> {
        let kind = match ConstrType::try_from(node.contype).unwrap_or(ConstrType::Undefined) {
            ConstrType::ConstrPrimary => ConstraintKind::PrimaryKey,
            ConstrType::ConstrUnique => ConstraintKind::Unique,
            ConstrType::ConstrCheck => ConstraintKind::Check,
            ConstrType::ConstrForeign => ConstraintKind::ForeignKey,
            ConstrType::ConstrExclusion => ConstraintKind::Exclusion,
            other => {
                self.skip(format!("constraint {} is not modelled", words(other)));
                return None;
            }
        };
        let written = |nodes: &[pg_query::protobuf::Node]| -> Vec<String> {
            if nodes.is_empty() { column.iter().cloned().collect() } else { strings(nodes) }
        };
        let mut columns = match kind {
            ConstraintKind::PrimaryKey | ConstraintKind::Unique => written(&node.keys),
            ConstraintKind::ForeignKey => written(&node.fk_attrs),
            ConstraintKind::Check | ConstraintKind::Exclusion => Vec::new(),
        };
        if !node.indexname.is_empty() {
            // ADD … USING INDEX: the index becomes the constraint's.
            let index_name = table.sibling(&node.indexname);
            match self.schema.indexes.remove(&index_name) {
                Some(index) => columns = index.keys.clone(),
                None => self.skip(format!("index {index_name} is not in the model")),
            }
        }
        let expression = node.raw_expr.as_deref().map(expr::deparse).filter(|_| kind == ConstraintKind::Check);
        let name = if !node.conname.is_empty() {
            node.conname.clone()
        } else if !node.indexname.is_empty() {
            node.indexname.clone()
        } else {
            match kind {
                ConstraintKind::PrimaryKey => names::relation_name(self.schema, table, &[], "pkey"),
                ConstraintKind::Unique => names::relation_name(self.schema, table, &columns, "key"),
                ConstraintKind::Exclusion => names::relation_name(self.schema, table, &columns, "excl"),
                ConstraintKind::ForeignKey => names::constraint_name(self.schema, table, &columns, "fkey"),
                ConstraintKind::Check => {
                    let own: Vec<String> = expression
                        .as_deref()
                        .map(expr::column_names)
                        .unwrap_or_default()
                        .into_iter()
                        .filter(|c| self.schema.tables.get(table).is_some_and(|t| t.column(c).is_some()))
                        .collect();
                    let named_after = if own.len() == 1 { own } else { Vec::new() };
                    names::constraint_name(self.schema, table, &named_after, "check")
                }
            }
        };
        if kind == ConstraintKind::PrimaryKey
            && let Some(entry) = self.table_mut(table)
        {
            for column in entry.columns.iter_mut().filter(|c| columns.contains(&c.name)) {
                column.not_null = true;
            }
        }
        let references = (kind == ConstraintKind::ForeignKey).then(|| self.reference(table, node));
        Some(Constraint {
            name,
            origin: self.new_origin(),
            kind,
            columns,
            expression,
            references,
            validated: !node.skip_validation,
            deferrable: node.deferrable || node.initdeferred,
            initially_deferred: node.initdeferred,
            comment: None,
        })
    }

    fn reference(&mut self, table: &QualifiedName, node: &ConstraintNode) -> Reference {
        let target = relation(node.pktable.as_ref());
        let mut columns = strings(&node.pk_attrs);
        if columns.is_empty() {
            // REFERENCES t: its primary key.
            match self.schema.tables.get(&target).and_then(|t| t.primary_key()) {
                Some(primary_key) => columns = primary_key.columns.clone(),
                None => self.skip(format!("{target}, referenced by {table}, has no primary key in the model")),
            }
        }
        Reference {
            table: target,
            columns,
            on_delete: action(&node.fk_del_action).to_owned(),
            on_update: action(&node.fk_upd_action).to_owned(),
        }
    }

    /// DROP COLUMN: the column, and what PostgreSQL drops with it (the table's constraints,
    /// indexes and triggers on it, the sequence it owns); with CASCADE also the views that read
    /// it and the foreign keys that reference it. Without CASCADE PostgreSQL refuses while
    /// those exist, so a DROP that succeeded left none to drop.
    pub(super) fn drop_column(&mut self, table: &QualifiedName, column: &str, cascade: bool) {
        // Views first: their columns resolve against the table as it was.
        if cascade {
            self.drop_views_over_column(table, column);
            self.drop_references(table, |r| r.table == *table && r.columns.iter().any(|c| c == column));
        }
        let mentions = |text: &str| text == column || expr::column_names(text).iter().any(|c| c == column);
        if let Some(entry) = self.table_mut(table) {
            entry.columns.retain(|c| c.name != column);
            entry
                .constraints
                .retain(|c| !c.columns.iter().any(|c| c == column) && !c.expression.as_deref().is_some_and(mentions));
            entry.triggers.retain(|t| {
                !t.update_columns.iter().any(|c| c == column) && !t.condition.as_deref().is_some_and(mentions)
            });
        }
        self.schema
            .statistics
            .retain_mentioning(&table.name, |_, s| s.table != *table || !s.keys.iter().any(|k| mentions(k)));
        self.schema.indexes.retain_mentioning(&table.name, |_, index| {
            index.table != *table
                || !(index.keys.iter().any(|k| mentions(k))
                    || index.include.iter().any(|c| c == column)
                    || index.predicate.as_deref().is_some_and(mentions))
        });
        self.schema.sequences.retain_mentioning(&table.name, |_, s| {
            !s.owned_by.as_ref().is_some_and(|(t, c)| t == table && c == column)
        });
    }

    /// Drops the foreign keys (of any table) to `referenced` whose reference matches.
    pub(super) fn drop_references(&mut self, referenced: &QualifiedName, matches: impl Fn(&Reference) -> bool) {
        self.schema.tables.for_each_mut_mentioning(&referenced.name, |_, table| {
            let refers = |c: &Constraint| c.references.as_ref().is_some_and(&matches);
            if table.constraints.iter().any(refers) {
                Arc::make_mut(table).constraints.retain(|c| !refers(c));
            }
        });
    }
}

/// `CREATE TEMP …`: the relation lives in the session's own schema and ends with it.
pub(super) fn is_temporary(range: Option<&pg_query::protobuf::RangeVar>) -> bool {
    range.is_some_and(|r| r.relpersistence == "t")
}

fn subtype(command: &AlterTableCmd) -> AlterTableType {
    AlterTableType::try_from(command.subtype).unwrap_or(AlterTableType::Undefined)
}

/// Commands about storage and planning, which the schema model does not describe.
fn without_schema_effect(command: &AlterTableCmd) -> bool {
    matches!(
        subtype(command),
        AlterTableType::AtSetStatistics
            | AlterTableType::AtSetOptions
            | AlterTableType::AtResetOptions
            | AlterTableType::AtSetStorage
            | AlterTableType::AtSetCompression
            | AlterTableType::AtClusterOn
            | AlterTableType::AtDropCluster
            | AlterTableType::AtSetLogged
            | AlterTableType::AtSetUnLogged
            | AlterTableType::AtSetAccessMethod
            | AlterTableType::AtSetTableSpace
            | AlterTableType::AtSetRelOptions
            | AlterTableType::AtResetRelOptions
            | AlterTableType::AtReplaceRelOptions
            | AlterTableType::AtReplicaIdentity
    )
}

fn identity(generated_when: &str) -> Identity {
    if generated_when == "a" { Identity::Always } else { Identity::ByDefault }
}

/// A foreign key action as `pg_get_constraintdef` words it.
fn action(code: &str) -> &'static str {
    match code {
        "r" => "restrict",
        "c" => "cascade",
        "n" => "set null",
        "d" => "set default",
        _ => "no action",
    }
}
