//! `op.alter_column`: on PostgreSQL the type change first (with `USING`), then nullability,
//! default, comment and rename, one statement each, as Alembic's implementation emits them.

use super::columns::server_default_sql;
use super::constraints::optional_str;
use super::quote::{ident, qualified};
use super::table::column_comment;
use super::types::sql_type;
use super::unknown::{Eval, UNSUPPORTED_KEYWORD, unexpected, unknown};
use super::value::Value;

/// Keyword arguments that describe the column as it is: Alembic needs them on other
/// databases, PostgreSQL's SQL does not change with them.
const EXISTING: [&str; 6] = [
    "existing_type",
    "existing_server_default",
    "existing_nullable",
    "existing_comment",
    "existing_autoincrement",
    "autoincrement",
];

pub fn alter_column(args: &[Value], kwargs: &[(String, Value)]) -> Eval<Vec<String>> {
    let table_name =
        optional_str(args.first(), "a table name")?.ok_or_else(|| unknown("alter_column()", "no table"))?;
    let column = optional_str(args.get(1), "a column name")?.ok_or_else(|| unknown("alter_column()", "no column"))?;
    let mut nullable = None;
    let mut server_default = None;
    let mut comment = None;
    let mut new_name = None;
    let mut new_type = None;
    let mut using = None;
    let mut schema = None;
    for (key, value) in kwargs {
        match key.as_str() {
            "nullable" => nullable = value.truthy().filter(|_| !value.is_none()),
            "server_default" => server_default = Some(value.clone()),
            "comment" => comment = Some(value.clone()),
            "new_column_name" => new_name = optional_str(Some(value), "a column name")?,
            "type_" if !value.is_none() => new_type = Some(sql_type(value)?),
            "type_" => {}
            "postgresql_using" => using = optional_str(Some(value), "a USING expression")?,
            "schema" => schema = optional_str(Some(value), "a schema")?,
            other if EXISTING.contains(&other) => {}
            other => return Err(unknown(format!("alter_column({other}=...)"), UNSUPPORTED_KEYWORD)),
        }
    }
    let table = qualified(schema.as_deref(), &table_name);
    let alter = format!("ALTER TABLE {table} ALTER COLUMN {}", ident(&column));
    let mut statements = Vec::new();
    if let Some(new_type) = new_type {
        let using = using.map(|using| format!(" USING {using}")).unwrap_or_default();
        statements.push(format!("{alter} TYPE {}{using}", new_type.sql));
    } else if using.is_some() {
        return Err(unknown("alter_column(postgresql_using=...)", "postgresql_using without type_"));
    }
    match nullable {
        Some(true) => statements.push(format!("{alter} DROP NOT NULL")),
        Some(false) => statements.push(format!("{alter} SET NOT NULL")),
        None => {}
    }
    // `server_default=False` (Alembic's default) leaves the default alone; None drops it.
    match server_default {
        None | Some(Value::Bool(false)) => {}
        Some(Value::None) => statements.push(format!("{alter} DROP DEFAULT")),
        Some(value @ (Value::Str(_) | Value::Sql(_))) => {
            let default = server_default_sql(&value)?.unwrap_or_default();
            statements.push(format!("{alter} SET DEFAULT {default}"));
        }
        Some(other) => return Err(unexpected(&other, "a server default")),
    }
    match comment {
        None | Some(Value::Bool(false)) => {}
        Some(Value::None) => statements.push(column_comment(&table, &column, None)),
        Some(Value::Str(text)) => statements.push(column_comment(&table, &column, Some(&text))),
        Some(other) => return Err(unexpected(&other, "a comment")),
    }
    if let Some(new_name) = new_name {
        statements.push(format!("ALTER TABLE {table} RENAME {} TO {}", ident(&column), ident(&new_name)));
    }
    Ok(statements)
}
