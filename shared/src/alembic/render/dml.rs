//! Data statements built with `sa.table(...)`, rendered with their values inline, as
//! Alembic's offline mode compiles them (`literal_binds`).

use super::quote::{ident, qualified, string_literal};
use super::value::{Dml, DmlKind, TableRef, Value, last_segment, python_float};
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

/// SQL given to `sa.text(...)` as SQLAlchemy compiles it: `\\:name` (an escaped colon,
/// so that `:name` is not a bind parameter) loses its backslash.
pub fn text_clause(sql: &str) -> String {
    let chars: Vec<char> = sql.chars().collect();
    let mut out = String::with_capacity(sql.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '\\' && chars.get(i + 1) == Some(&':') {
            let mut end = i + 2;
            while chars.get(end).is_some_and(|c| c.is_alphanumeric() || *c == '_') {
                end += 1;
            }
            if chars.get(end) != Some(&':') {
                i += 1;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// `sa.text(...).bindparams(name=value)`: each `:name` (not after a colon, a word
/// character or a backslash, nor before a colon) replaced by its value as a literal.
pub fn bind_params(text: &str, values: &[(String, Value)]) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    let word = |c: &char| c.is_alphanumeric() || *c == '_';
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    while let Some(&c) = chars.get(at) {
        let before = at.checked_sub(1).and_then(|i| chars.get(i));
        if c == ':' && !before.is_some_and(|b| *b == ':' || *b == '\\' || word(b)) {
            let end = (at + 1..=chars.len()).find(|&i| !chars.get(i).is_some_and(word)).unwrap_or(chars.len());
            let name: String = chars.get(at + 1..end).unwrap_or_default().iter().collect();
            let bound = values.iter().find(|(key, _)| *key == name);
            if let (false, Some((_, value)), false) = (name.is_empty(), bound, chars.get(end) == Some(&':')) {
                out.push_str(&literal(value)?);
                at = end;
                continue;
            }
        }
        out.push(c);
        at += 1;
    }
    Some(out)
}

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
        // `sa.column('name')` outside a table: the bare name.
        Value::Object(object) if object.name() == "column" => ident(object.args.first()?.as_str()?),
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

/// Conditions joined with AND; one holding an OR is parenthesized, as SQLAlchemy groups it.
/// (Negation is left unknown: SQLAlchemy folds `not_(a = b)` into `a != b`.)
pub fn and(conditions: &[String]) -> String {
    let grouped: Vec<String> =
        conditions.iter().map(|c| if has_top_level_or(c) { format!("({c})") } else { c.clone() }).collect();
    grouped.join(" AND ")
}

/// Whether ` OR ` appears outside parentheses and string literals.
fn has_top_level_or(condition: &str) -> bool {
    let mut depth = 0usize;
    let mut quoted = false;
    for (at, c) in condition.char_indices() {
        match c {
            '\'' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => depth = depth.saturating_sub(1),
            ' ' if !quoted && depth == 0 && condition[at..].starts_with(" OR ") => return true,
            _ => {}
        }
    }
    false
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
            format!("{left} {not}IN ({})", items?.join(", "))
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
        sql.push_str(&and(&statement.wheres));
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

/// A value written for a column of the given type, as SQLAlchemy's literal processors
/// write it; `None` where Alembic's offline mode fails (e.g. a string for a DATE column,
/// any value for a column without a type).
fn typed_literal(column_type: Option<&Value>, value: &Value) -> Option<String> {
    if matches!(value, Value::None | Value::Sql(_) | Value::ColumnRef(..)) {
        return literal(value);
    }
    let type_name = match column_type? {
        Value::Path(path) => last_segment(path),
        Value::Object(object) => object.name(),
        _ => return None,
    };
    match (type_name, value) {
        ("Integer" | "INTEGER" | "INT" | "BigInteger" | "BIGINT" | "SmallInteger" | "SMALLINT", _) => match value {
            Value::Int(i) => Some(i.to_string()),
            Value::Bool(b) => Some(i64::from(*b).to_string()),
            Value::Float(f) if f.is_finite() => Some((f.trunc() as i64).to_string()),
            _ => None,
        },
        ("Numeric" | "NUMERIC" | "DECIMAL" | "Float" | "FLOAT" | "REAL" | "Double" | "DOUBLE_PRECISION", _) => {
            match value {
                Value::Int(_) | Value::Float(_) | Value::Bool(_) => value.to_python_str(),
                _ => None,
            }
        }
        (
            "String" | "VARCHAR" | "Unicode" | "NVARCHAR" | "CHAR" | "NCHAR" | "Text" | "TEXT" | "UnicodeText" | "Enum"
            | "ENUM",
            Value::Str(text),
        ) => Some(string_literal(text)),
        ("UUID" | "Uuid", _) => Some(string_literal(&value.to_python_str()?)),
        ("Boolean" | "BOOLEAN", Value::Bool(_)) => literal(value),
        _ => None,
    }
}

fn ordered_values(table: &TableRef, values: &[(String, Value)]) -> Option<Vec<(String, String)>> {
    let mut ordered = Vec::new();
    for (column, column_type) in &table.columns {
        if let Some((_, value)) = values.iter().rev().find(|(key, _)| key == column) {
            ordered.push((column.clone(), typed_literal(column_type.as_ref(), value)?));
        }
    }
    // SQLAlchemy refuses values for columns the table does not list.
    let all_known = values.iter().all(|(key, _)| table.columns.iter().any(|(column, _)| column == key));
    all_known.then_some(ordered)
}
