//! Data statements built with `sa.table(...)`, rendered with their values inline, as
//! Alembic's offline mode compiles them (`literal_binds`).

use super::quote::{ident, qualified, string_literal};
use super::value::{Dml, DmlKind, TableRef, Value, python_float};
use ruff_python_ast::CmpOp;
use std::rc::Rc;

/// SQL functions SQLAlchemy writes without parentheses when called without arguments.
const ANSI_FUNCTIONS: [&str; 8] = [
    "current_timestamp",
    "current_date",
    "current_time",
    "localtime",
    "localtimestamp",
    "current_user",
    "session_user",
    "user",
];

/// A Python value as an SQL literal.
pub fn literal(value: &Value) -> Option<String> {
    Some(match value {
        Value::Str(text) => string_literal(text),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => python_float(*f),
        Value::Bool(true) => "true".into(),
        Value::Bool(false) => "false".into(),
        Value::None => "NULL".into(),
        Value::Sql(sql) => sql.clone(),
        Value::ColumnRef(table, column) => column_sql(table, column),
        _ => return None,
    })
}

/// A boolean SQL expression: conditions built from columns, `sa.text(...)`, `sa.true()`.
pub fn condition(value: &Value) -> Option<String> {
    match value {
        Value::Sql(sql) => Some(sql.clone()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// `sa.func.name(args)`.
pub fn function_call(name: &str, args: &[Value]) -> Option<String> {
    if args.is_empty() && ANSI_FUNCTIONS.contains(&name.to_ascii_lowercase().as_str()) {
        return Some(name.to_ascii_uppercase());
    }
    let args: Option<Vec<String>> = args.iter().map(literal).collect();
    Some(format!("{name}({})", args?.join(", ")))
}

fn table_sql(table: &TableRef) -> String {
    qualified(table.schema.as_deref(), &table.name)
}

fn column_sql(table: &TableRef, column: &str) -> String {
    format!("{}.{}", table_sql(table), ident(column))
}

/// `table.c.column <op> value`.
pub fn column_comparison(table: &TableRef, column: &str, op: CmpOp, right: &Value) -> Option<Value> {
    let left = column_sql(table, column);
    let sql = match (op, right) {
        (CmpOp::Eq | CmpOp::Is, Value::None) => format!("{left} IS NULL"),
        (CmpOp::NotEq | CmpOp::IsNot, Value::None) => format!("{left} IS NOT NULL"),
        (CmpOp::In | CmpOp::NotIn, _) => return None,
        _ => {
            let symbol = match op {
                CmpOp::Eq => "=",
                CmpOp::NotEq => "!=",
                CmpOp::Lt => "<",
                CmpOp::LtE => "<=",
                CmpOp::Gt => ">",
                CmpOp::GtE => ">=",
                CmpOp::Is => "IS",
                _ => "IS NOT",
            };
            format!("{left} {symbol} {}", literal(right)?)
        }
    };
    Some(Value::Sql(sql))
}

/// `table.c.column.in_([...])`, `.is_(None)`, `.like('x%')`.
pub fn column_method(table: &TableRef, column: &str, method: &str, args: &[Value]) -> Option<Value> {
    let left = column_sql(table, column);
    let sql = match (method, args) {
        ("in_" | "not_in" | "notin_", [Value::List(items)]) => {
            let items: Option<Vec<String>> = items.iter().map(literal).collect();
            let not = if method == "in_" { "" } else { "NOT " };
            format!("({left} {not}IN ({}))", items?.join(", "))
        }
        ("is_", [value]) => format!("{left} IS {}", literal(value)?),
        ("is_not" | "isnot", [value]) => format!("{left} IS NOT {}", literal(value)?),
        ("like", [value]) => format!("{left} LIKE {}", literal(value)?),
        ("ilike", [value]) => format!("{left} ILIKE {}", literal(value)?),
        _ => return None,
    };
    Some(Value::Sql(sql))
}

/// `.where(...)` and `.values(...)` chained onto an insert, update or delete.
pub fn chain(statement: &Dml, method: &str, args: Vec<Value>, kwargs: Vec<(String, Value)>) -> Option<Rc<Dml>> {
    let mut next = statement.clone();
    if method == "where" {
        for condition_value in &args {
            next.wheres.push(condition(condition_value)?);
        }
        return Some(Rc::new(next));
    }
    for arg in args {
        let Value::Dict(items) = arg else { return None };
        for (key, value) in items {
            next.values.push((key.as_str()?.to_owned(), value));
        }
    }
    next.values.extend(kwargs);
    Some(Rc::new(next))
}

/// The statement's SQL: values in the table's column order, as SQLAlchemy lists them.
pub fn render(statement: &Dml) -> Option<String> {
    let table = table_sql(&statement.table);
    let values = ordered_values(&statement.table, &statement.values)?;
    let mut sql = match statement.kind {
        DmlKind::Insert => {
            let columns: Vec<String> = values.iter().map(|(column, _)| ident(column)).collect();
            let literals: Vec<&str> = values.iter().map(|(_, value)| value.as_str()).collect();
            format!("INSERT INTO {table} ({}) VALUES ({})", columns.join(", "), literals.join(", "))
        }
        DmlKind::Update => {
            let sets: Vec<String> = values.iter().map(|(column, value)| format!("{}={value}", ident(column))).collect();
            format!("UPDATE {table} SET {}", sets.join(", "))
        }
        DmlKind::Delete => format!("DELETE FROM {table}"),
    };
    if !statement.wheres.is_empty() && statement.kind != DmlKind::Insert {
        sql.push_str(" WHERE ");
        sql.push_str(&statement.wheres.join(" AND "));
    }
    Some(sql)
}

/// `op.bulk_insert(table, rows)` in offline mode: one INSERT per row.
pub fn bulk_insert(table: &Rc<TableRef>, rows: &Value) -> Option<Vec<String>> {
    let Value::List(rows) = rows else { return None };
    let mut statements = Vec::new();
    for row in rows {
        let Value::Dict(items) = row else { return None };
        let mut values = Vec::new();
        for (key, value) in items {
            values.push((key.as_str()?.to_owned(), value.clone()));
        }
        let insert = Dml { kind: DmlKind::Insert, table: table.clone(), wheres: Vec::new(), values };
        statements.push(render(&insert)?);
    }
    Some(statements)
}

fn ordered_values(table: &TableRef, values: &[(String, Value)]) -> Option<Vec<(String, String)>> {
    let mut ordered = Vec::new();
    for (column, _) in &table.columns {
        if let Some((_, value)) = values.iter().rev().find(|(key, _)| key == column) {
            ordered.push((column.clone(), literal(value)?));
        }
    }
    // SQLAlchemy refuses values for columns the table does not list.
    let all_known = values.iter().all(|(key, _)| table.columns.iter().any(|(column, _)| column == key));
    all_known.then_some(ordered)
}
