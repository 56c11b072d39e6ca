//! What each rule looks for in one statement's parse tree (PostgreSQL's own, from pg_query).

use super::RuleId;
use super::volatile_functions::VOLATILE_FUNCTIONS;
use pg_query::protobuf::{
    AlterTableCmd, AlterTableType, ColumnDef, ConstrType, Constraint, DropBehavior, Node, NullTestType, ObjectType,
    RangeVar, TypeName,
};
use pg_query::{NodeEnum, NodeRef};

/// A rule that fired on a statement, with what exactly it saw.
pub struct Hit {
    pub rule: RuleId,
    pub message: String,
}

/// PostgreSQL cuts identifiers at 63 bytes.
const MAX_IDENTIFIER_BYTES: usize = 63;

/// What the revision itself made: tables created earlier in the section (new and empty, so
/// cheap to lock) and, for its downgrade, the tables and columns its upgrade created (dropping
/// those is what a downgrade is for). Tables are named with their schema (see `qualified`).
#[derive(Default)]
pub struct Made {
    tables: Vec<String>,
    columns: Vec<(String, String)>,
    /// Columns with a validated CHECK (col IS NOT NULL): SET NOT NULL then skips its scan.
    checked_not_null: Vec<(String, String)>,
    /// Constraints added NOT VALID: table, constraint, and the column of an IS NOT NULL check.
    not_valid: Vec<(String, String, Option<String>)>,
}

impl Made {
    fn has_table(&self, relation: Option<&RangeVar>) -> bool {
        self.tables.contains(&qualified(relation))
    }

    /// Whether the revision made every table a DROP lists.
    fn made_all(&self, objects: &[Node]) -> bool {
        objects.iter().all(|object| qualified_object(object).is_some_and(|name| self.tables.contains(&name)))
    }

    /// Takes note of what `node` creates and validates.
    pub fn learn(&mut self, node: &NodeEnum) {
        self.tables.extend(created_table(node));
        self.columns.extend(added_columns(node));
        let NodeEnum::AlterTableStmt(stmt) = node else { return };
        let table = qualified(stmt.relation.as_ref());
        for command in &stmt.cmds {
            let Some(NodeEnum::AlterTableCmd(command)) = &command.node else { continue };
            match (AlterTableType::try_from(command.subtype), command.def.as_deref().and_then(|d| d.node.as_ref())) {
                (Ok(AlterTableType::AtAddConstraint), Some(NodeEnum::Constraint(constraint))) => {
                    let column = not_null_check(constraint);
                    if constraint.skip_validation {
                        self.not_valid.push((table.clone(), constraint.conname.clone(), column));
                    } else if let Some(column) = column {
                        self.checked_not_null.push((table.clone(), column));
                    }
                }
                (Ok(AlterTableType::AtValidateConstraint), _) => {
                    let validated = self.not_valid.iter().find(|(t, name, _)| *t == table && *name == command.name);
                    if let Some((_, _, Some(column))) = validated {
                        self.checked_not_null.push((table.clone(), column.clone()));
                    }
                }
                _ => {}
            }
        }
    }
}

/// The rules that fire on `node`; `transactional` tells whether the revision runs in one transaction.
pub fn check(node: &NodeEnum, made: &Made, transactional: bool) -> Vec<Hit> {
    let mut hits = Vec::new();
    let mut hit = |rule: RuleId, message: String| hits.push(Hit { rule, message });
    match node {
        NodeEnum::AlterTableStmt(stmt) => {
            let table = relname(stmt.relation.as_ref());
            let key = qualified(stmt.relation.as_ref());
            let existing = !made.has_table(stmt.relation.as_ref());
            for command in &stmt.cmds {
                let Some(NodeEnum::AlterTableCmd(command)) = &command.node else { continue };
                let definition = command.def.as_deref().and_then(|d| d.node.as_ref());
                match AlterTableType::try_from(command.subtype).unwrap_or(AlterTableType::Undefined) {
                    AlterTableType::AtAddColumn => {
                        if let Some(NodeEnum::ColumnDef(column)) = definition {
                            column_checks(column, &mut hit);
                            let (required, default) = (is_not_null(column), default_of(column));
                            let implicit_default = is_generated(column) || is_serial(column);
                            if existing && required && default.is_none() && !implicit_default {
                                hit(
                                    RuleId::AddingRequiredColumn,
                                    format!("column {} of {table} is NOT NULL without a default", column.colname),
                                );
                            }
                            if existing && is_stored_generated(column) {
                                let message = format!("column {} of {table} is computed for every row", column.colname);
                                hit(RuleId::StoredGeneratedColumn, message);
                            }
                            let volatile = if is_serial(column) {
                                Some("nextval".to_owned()) // of the serial's own sequence
                            } else {
                                default.and_then(volatile_call)
                            };
                            if let Some(function) = volatile.filter(|_| existing) {
                                hit(
                                    RuleId::VolatileDefault,
                                    format!("column {} of {table} defaults to {function}()", column.colname),
                                );
                            }
                        }
                    }
                    AlterTableType::AtAlterColumnType if existing => {
                        hit(RuleId::ChangingColumnType, format!("column {} of {table} changes type", command.name));
                    }
                    AlterTableType::AtSetNotNull
                        if existing && !made.checked_not_null.contains(&(key.clone(), command.name.clone())) =>
                    {
                        hit(RuleId::SettingNotNull, format!("column {} of {table} becomes NOT NULL", command.name));
                    }
                    AlterTableType::AtDropNotNull if existing => {
                        hit(
                            RuleId::DroppingNotNull,
                            format!("column {} of {table} may hold NULL from now on", command.name),
                        );
                    }
                    AlterTableType::AtDropColumn
                        if !made.columns.iter().any(|(t, c)| *t == key && *c == command.name) =>
                    {
                        hit(RuleId::DroppingColumn, format!("column {} of {table} is dropped", command.name))
                    }
                    AlterTableType::AtValidateConstraint
                        if existing
                            && transactional
                            && made.not_valid.iter().any(|(t, name, _)| *t == key && *name == command.name) =>
                    {
                        hit(
                            RuleId::ValidateInSameTransaction,
                            format!("{} is validated in the transaction that added it NOT VALID", command.name),
                        );
                    }
                    AlterTableType::AtDetachPartition if existing && !detaches_concurrently(command) => {
                        hit(
                            RuleId::DetachPartitionWithoutConcurrently,
                            format!("a partition of {table} is detached without CONCURRENTLY"),
                        );
                    }
                    AlterTableType::AtAddConstraint => {
                        if let Some(NodeEnum::Constraint(constraint)) = definition {
                            constraint_checks(constraint, table, existing, &mut hit);
                        }
                    }
                    _ => {}
                }
            }
        }
        NodeEnum::CreateStmt(stmt) => {
            for element in &stmt.table_elts {
                if let Some(NodeEnum::ColumnDef(column)) = &element.node {
                    column_checks(column, &mut hit);
                }
            }
        }
        NodeEnum::IndexStmt(stmt) => {
            let table = relname(stmt.relation.as_ref());
            if !stmt.concurrent && !made.has_table(stmt.relation.as_ref()) {
                hit(
                    RuleId::IndexWithoutConcurrently,
                    format!("index {} on {table} is built without CONCURRENTLY", stmt.idxname),
                );
            }
        }
        NodeEnum::DropStmt(stmt) => match ObjectType::try_from(stmt.remove_type).unwrap_or(ObjectType::Undefined) {
            ObjectType::ObjectTable if !made.made_all(&stmt.objects) => {
                hit(RuleId::DroppingTable, format!("{} is dropped", names_of(&stmt.objects)));
            }
            ObjectType::ObjectIndex if !stmt.concurrent => hit(
                RuleId::DropIndexWithoutConcurrently,
                format!("{} is dropped without CONCURRENTLY", names_of(&stmt.objects)),
            ),
            _ => {}
        },
        NodeEnum::RenameStmt(stmt) => {
            let table = relname(stmt.relation.as_ref());
            match ObjectType::try_from(stmt.rename_type).unwrap_or(ObjectType::Undefined) {
                ObjectType::ObjectTable => {
                    hit(RuleId::RenamingTable, format!("{table} is renamed to {}", stmt.newname))
                }
                ObjectType::ObjectColumn => hit(
                    RuleId::RenamingColumn,
                    format!("column {} of {table} is renamed to {}", stmt.subname, stmt.newname),
                ),
                _ => {}
            }
        }
        NodeEnum::ReindexStmt(stmt)
            if !has_option(&stmt.params, "concurrently") && !made.has_table(stmt.relation.as_ref()) =>
        {
            let what = stmt.relation.as_ref().map_or(stmt.name.as_str(), |r| r.relname.as_str());
            hit(RuleId::ReindexWithoutConcurrently, format!("{what} is reindexed without CONCURRENTLY"));
        }
        NodeEnum::VacuumStmt(stmt) if stmt.is_vacuumcmd && has_option(&stmt.options, "full") => {
            hit(RuleId::VacuumFullOrCluster, "VACUUM FULL rewrites the tables it names".to_owned());
        }
        NodeEnum::ClusterStmt(stmt) => {
            let what = stmt.relation.as_ref().map_or("every clustered table", |r| r.relname.as_str());
            hit(RuleId::VacuumFullOrCluster, format!("CLUSTER rewrites {what}"));
        }
        NodeEnum::DropdbStmt(stmt) => hit(RuleId::DroppingDatabase, format!("database {} is dropped", stmt.dbname)),
        NodeEnum::AlterDomainStmt(stmt) if stmt.subtype == "C" => {
            if let Some(NodeEnum::Constraint(constraint)) = stmt.def.as_deref().and_then(|d| d.node.as_ref())
                && !constraint.skip_validation
            {
                let domain = names_of(&stmt.type_name);
                hit(RuleId::DomainConstraintWithoutNotValid, format!("every column of domain {domain} is checked"));
            }
        }
        NodeEnum::TruncateStmt(stmt) if stmt.behavior == DropBehavior::DropCascade as i32 => {
            hit(RuleId::TruncateCascade, format!("{} is truncated with CASCADE", names_of(&stmt.relations)));
        }
        NodeEnum::TransactionStmt(_) => {
            hit(RuleId::TransactionControl, "the revision controls its own transaction".to_owned())
        }
        NodeEnum::AlterEnumStmt(stmt) if !stmt.new_val.is_empty() && stmt.new_val_neighbor.is_empty() => {
            hit(
                RuleId::EnumValueWithoutPosition,
                format!("'{}' is appended at the end of {}", stmt.new_val, names_of(&stmt.type_name)),
            );
        }
        _ => {}
    }
    hits
}

/// Statements PostgreSQL refuses to run inside a transaction block.
pub fn cannot_run_in_transaction(node: &NodeEnum) -> bool {
    match node {
        NodeEnum::IndexStmt(stmt) => stmt.concurrent,
        NodeEnum::DropStmt(stmt) => stmt.concurrent,
        NodeEnum::AlterTableStmt(stmt) => stmt.cmds.iter().any(|command| match &command.node {
            Some(NodeEnum::AlterTableCmd(command)) => detaches_concurrently(command),
            _ => false,
        }),
        NodeEnum::ReindexStmt(stmt) => has_option(&stmt.params, "concurrently"),
        // VACUUM refuses a transaction block; ANALYZE (the same statement node) runs in one.
        NodeEnum::VacuumStmt(stmt) => stmt.is_vacuumcmd,
        NodeEnum::CreatedbStmt(_) | NodeEnum::DropdbStmt(_) | NodeEnum::AlterSystemStmt(_) => true,
        _ => false,
    }
}

/// Statements with a reason to run outside a transaction: those above, and ALTER TYPE ... ADD
/// VALUE (a new enum value cannot be used in the transaction that adds it).
pub fn wants_no_transaction(node: &NodeEnum) -> bool {
    cannot_run_in_transaction(node) || matches!(node, NodeEnum::AlterEnumStmt(stmt) if !stmt.new_val.is_empty())
}

/// Locks that queue other queries behind them on a table that already exists.
pub fn takes_strong_lock(node: &NodeEnum, made: &Made) -> bool {
    let existing = |relation: Option<&RangeVar>| !made.has_table(relation);
    match node {
        NodeEnum::AlterTableStmt(stmt) => existing(stmt.relation.as_ref()),
        NodeEnum::IndexStmt(stmt) => !stmt.concurrent && existing(stmt.relation.as_ref()),
        NodeEnum::RenameStmt(stmt) => existing(stmt.relation.as_ref()),
        NodeEnum::DropStmt(stmt) => stmt.remove_type == ObjectType::ObjectTable as i32 && !made.made_all(&stmt.objects),
        NodeEnum::TruncateStmt(_) => true,
        _ => false,
    }
}

pub fn sets_lock_timeout(node: &NodeEnum) -> bool {
    matches!(node, NodeEnum::VariableSetStmt(stmt) if stmt.name == "lock_timeout")
}

/// The table, view or materialized view a statement creates.
fn created_table(node: &NodeEnum) -> Option<String> {
    match node {
        NodeEnum::CreateStmt(stmt) => Some(qualified(stmt.relation.as_ref())),
        NodeEnum::CreateTableAsStmt(stmt) => Some(qualified(stmt.into.as_ref()?.rel.as_ref())),
        NodeEnum::ViewStmt(stmt) => Some(qualified(stmt.view.as_ref())),
        _ => None,
    }
}

/// The columns a statement adds to a table (`table`, `column`).
fn added_columns(node: &NodeEnum) -> Vec<(String, String)> {
    let NodeEnum::AlterTableStmt(stmt) = node else { return Vec::new() };
    let table = qualified(stmt.relation.as_ref());
    stmt.cmds
        .iter()
        .filter_map(|command| match &command.node {
            Some(NodeEnum::AlterTableCmd(command)) if command.subtype == AlterTableType::AtAddColumn as i32 => {
                match command.def.as_deref().and_then(|d| d.node.as_ref()) {
                    Some(NodeEnum::ColumnDef(column)) => Some((table.to_owned(), column.colname.clone())),
                    _ => None,
                }
            }
            _ => None,
        })
        .collect()
}

fn column_checks(column: &ColumnDef, hit: &mut impl FnMut(RuleId, String)) {
    let Some(type_name) = type_name(column.type_name.as_ref()) else { return };
    let name = &column.colname;
    match type_name.as_str() {
        "int4" | "int2" => hit(
            RuleId::PreferBigint,
            format!("column {name} is {}", if type_name == "int4" { "integer" } else { "smallint" }),
        ),
        serial if SERIAL_TYPES.contains(&serial) => {
            hit(RuleId::PreferIdentity, format!("column {name} is {type_name}"))
        }
        "timestamp" => hit(RuleId::PreferTimestamptz, format!("column {name} is timestamp without time zone")),
        // Unbounded varchar is text by another name; only a length limit costs later.
        "varchar" if column.type_name.as_ref().is_some_and(|t| !t.typmods.is_empty()) => {
            hit(RuleId::PreferText, format!("column {name} is varchar(n)"))
        }
        _ => {}
    }
}

fn constraint_checks(constraint: &Constraint, table: &str, existing: bool, hit: &mut impl FnMut(RuleId, String)) {
    if !existing {
        return;
    }
    let kind = ConstrType::try_from(constraint.contype).unwrap_or(ConstrType::Undefined);
    let label =
        if constraint.conname.is_empty() { format!("a constraint on {table}") } else { constraint.conname.clone() };
    match kind {
        ConstrType::ConstrForeign | ConstrType::ConstrCheck if !constraint.skip_validation => {
            hit(RuleId::ConstraintWithoutNotValid, format!("{label} is validated while it is added"));
        }
        ConstrType::ConstrPrimary | ConstrType::ConstrUnique if constraint.indexname.is_empty() => {
            hit(RuleId::ConstraintBuildsIndex, format!("{label} builds its index under an exclusive lock"));
        }
        _ => {}
    }
}

fn detaches_concurrently(command: &AlterTableCmd) -> bool {
    command.subtype == AlterTableType::AtDetachPartition as i32
        && matches!(command.def.as_deref().and_then(|d| d.node.as_ref()), Some(NodeEnum::PartitionCmd(p)) if p.concurrent)
}

/// Whether a statement's options (`(CONCURRENTLY)`, `(FULL, ANALYZE)`) turn `name` on.
fn has_option(options: &[Node], name: &str) -> bool {
    options.iter().any(|option| match &option.node {
        Some(NodeEnum::DefElem(element)) if element.defname == name => {
            match element.arg.as_deref().and_then(|a| a.node.as_ref()) {
                Some(NodeEnum::Boolean(value)) => value.boolval,
                Some(NodeEnum::String(value)) => !matches!(value.sval.to_lowercase().as_str(), "false" | "off" | "0"),
                Some(NodeEnum::Integer(value)) => value.ival != 0,
                _ => true,
            }
        }
        _ => false,
    })
}

/// Identifiers longer than PostgreSQL keeps. Read from the source: the parse tree already
/// holds them cut to 63 bytes.
pub fn long_identifiers(sql: &str) -> Vec<String> {
    let Ok(tokens) = pg_query::scan_tokens(sql) else { return Vec::new() };
    tokens
        .iter()
        .filter(|t| t.token == pg_query::protobuf::Token::Ident as i32)
        .filter_map(|t| sql.get(usize::try_from(t.start).ok()?..usize::try_from(t.end).ok()?))
        .map(|text| text.trim_matches('"'))
        .filter(|name| name.len() > MAX_IDENTIFIER_BYTES)
        .map(str::to_owned)
        .collect()
}

fn constraints(column: &ColumnDef) -> impl Iterator<Item = &Constraint> {
    column.constraints.iter().filter_map(|c| match &c.node {
        Some(NodeEnum::Constraint(constraint)) => Some(&**constraint),
        _ => None,
    })
}

fn has_constraint(column: &ColumnDef, kind: ConstrType) -> bool {
    constraints(column).any(|c| c.contype == kind as i32)
}

/// The column of a `CHECK (col IS NOT NULL)`.
fn not_null_check(constraint: &Constraint) -> Option<String> {
    if constraint.contype != ConstrType::ConstrCheck as i32 {
        return None;
    }
    let Some(NodeEnum::NullTest(test)) = constraint.raw_expr.as_deref()?.node.as_ref() else { return None };
    if test.nulltesttype != NullTestType::IsNotNull as i32 {
        return None;
    }
    match test.arg.as_deref()?.node.as_ref()? {
        NodeEnum::ColumnRef(column) if column.fields.len() == 1 => last_string(&column.fields),
        _ => None,
    }
}

fn is_not_null(column: &ColumnDef) -> bool {
    column.is_not_null
        || has_constraint(column, ConstrType::ConstrNotnull)
        || has_constraint(column, ConstrType::ConstrPrimary)
}

const SERIAL_TYPES: [&str; 6] = ["serial", "serial4", "bigserial", "serial8", "smallserial", "serial2"];

/// A serial column brings its own default: its sequence's nextval.
fn is_serial(column: &ColumnDef) -> bool {
    type_name(column.type_name.as_ref()).is_some_and(|name| SERIAL_TYPES.contains(&name.as_str()))
}

/// `GENERATED ALWAYS AS (...) STORED` (PostgreSQL 18's VIRTUAL ones are computed on read).
fn is_stored_generated(column: &ColumnDef) -> bool {
    constraints(column).any(|c| c.contype == ConstrType::ConstrGenerated as i32 && c.generated_kind == "s")
}

fn is_generated(column: &ColumnDef) -> bool {
    has_constraint(column, ConstrType::ConstrIdentity) || has_constraint(column, ConstrType::ConstrGenerated)
}

fn default_of(column: &ColumnDef) -> Option<&Node> {
    column.raw_default.as_deref().or_else(|| {
        constraints(column).find(|c| c.contype == ConstrType::ConstrDefault as i32).and_then(|c| c.raw_expr.as_deref())
    })
}

/// The first function anywhere in a default that PostgreSQL marks volatile.
fn volatile_call(expression: &Node) -> Option<String> {
    expression.node.as_ref()?.nodes().into_iter().find_map(|(node, ..)| match node {
        NodeRef::FuncCall(call) => {
            last_string(&call.funcname).filter(|name| VOLATILE_FUNCTIONS.binary_search(&name.as_str()).is_ok())
        }
        _ => None,
    })
}

/// A relation's name with its schema, so that `tmp.orders` is not `orders`. An unqualified
/// name is taken to be in `public`, where the default search_path puts it.
fn qualified(relation: Option<&RangeVar>) -> String {
    relation.map_or_else(String::new, |r| in_schema(&r.schemaname, &r.relname))
}

fn in_schema(schema: &str, name: &str) -> String {
    format!("{}.{name}", if schema.is_empty() { "public" } else { schema })
}

/// The qualified name of an object a DROP lists (`[schema.]name`, as a list of strings).
fn qualified_object(object: &Node) -> Option<String> {
    let Some(NodeEnum::List(list)) = &object.node else { return None };
    let parts: Vec<&str> = list
        .items
        .iter()
        .filter_map(|item| match &item.node {
            Some(NodeEnum::String(s)) => Some(s.sval.as_str()),
            _ => None,
        })
        .collect();
    match parts.as_slice() {
        [.., schema, name] => Some(in_schema(schema, name)),
        [name] => Some(in_schema("", name)),
        [] => None,
    }
}

fn relname(relation: Option<&RangeVar>) -> &str {
    relation.map_or("", |r| r.relname.as_str())
}

fn type_name(type_name: Option<&TypeName>) -> Option<String> {
    last_string(&type_name?.names)
}

fn last_string(nodes: &[Node]) -> Option<String> {
    nodes.iter().rev().find_map(|n| match &n.node {
        Some(NodeEnum::String(s)) => Some(s.sval.clone()),
        _ => None,
    })
}

/// Dotted names of the objects a statement lists (`DROP TABLE a, b` → `a, b`).
fn names_of(objects: &[Node]) -> String {
    let name = |node: &Node| -> String {
        match &node.node {
            Some(NodeEnum::List(list)) => list
                .items
                .iter()
                .filter_map(|i| match &i.node {
                    Some(NodeEnum::String(s)) => Some(s.sval.clone()),
                    _ => None,
                })
                .collect::<Vec<_>>()
                .join("."),
            Some(NodeEnum::RangeVar(range)) => range.relname.clone(),
            Some(NodeEnum::String(s)) => s.sval.clone(),
            _ => "?".to_owned(),
        }
    };
    if objects.iter().all(|o| matches!(&o.node, Some(NodeEnum::String(_)))) {
        return objects.iter().map(name).collect::<Vec<_>>().join(".");
    }
    objects.iter().map(name).collect::<Vec<_>>().join(", ")
}
