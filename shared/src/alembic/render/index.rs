//! Indexes: `op.create_index`, `sa.Index` among a table's arguments, `column(index=True)`.

use super::constraints::{names, optional_str, sql_text};
use super::quote::{check_given_name, generated_name, ident, qualified};
use super::unknown::{Eval, UNSUPPORTED_KEYWORD, unexpected, unknown};
use super::value::Value;

#[derive(Clone, Debug, Default)]
pub struct Index {
    pub name: String,
    pub table: String,
    pub schema: Option<String>,
    /// Each expression's SQL, and the column name when it is a plain column (for `ops`).
    pub expressions: Vec<(String, Option<String>)>,
    pub unique: bool,
    pub if_not_exists: bool,
    pub concurrently: bool,
    pub using: Option<String>,
    pub include: Vec<String>,
    pub nulls_not_distinct: Option<bool>,
    pub with: Vec<(String, Value)>,
    pub tablespace: Option<String>,
    pub where_: Option<String>,
    pub ops: Vec<(String, String)>,
}

/// The name SQLAlchemy's default naming convention gives `column(index=True)`:
/// `ix_<schema>_<table>_<column>`.
pub fn column_index_name(schema: Option<&str>, table: &str, column: &str) -> String {
    generated_name(match schema {
        Some(schema) => format!("ix_{schema}_{table}_{column}"),
        None => format!("ix_{table}_{column}"),
    })
}

/// Reads an index's expressions (names, `sa.text(...)`) and keyword arguments.
/// `label` names the call in diagnostics: `op.create_index` or `Index`.
pub fn read_index(
    label: &str,
    name: String,
    table: String,
    schema: Option<String>,
    expressions: &[Value],
    kwargs: &[(String, Value)],
) -> Eval<Index> {
    check_given_name(&name)?;
    let mut index = Index { name, table, schema, ..Index::default() };
    for expression in expressions {
        match expression {
            Value::Str(column) => index.expressions.push((ident(column), Some(column.clone()))),
            Value::Sql(sql) => index.expressions.push((sql.clone(), None)),
            Value::Object(object) if object.name() == "column" => {
                let column = object
                    .args
                    .first()
                    .and_then(Value::as_str)
                    .ok_or_else(|| unexpected(expression, "an index column"))?;
                index.expressions.push((ident(column), Some(column.to_owned())));
            }
            other => return Err(unexpected(other, "an index expression")),
        }
    }
    for (key, value) in kwargs {
        match key.as_str() {
            "unique" => index.unique = value.truthy().unwrap_or(false),
            "if_not_exists" => index.if_not_exists = value.truthy().unwrap_or(false),
            "postgresql_concurrently" => index.concurrently = value.truthy().unwrap_or(false),
            "postgresql_using" => index.using = optional_str(Some(value), "an index method")?.map(|m| m.to_lowercase()),
            "postgresql_include" => index.include = names(Some(value), "an included column")?,
            "postgresql_nulls_not_distinct" => {
                index.nulls_not_distinct = if let Value::Bool(b) = value { Some(*b) } else { None }
            }
            "postgresql_with" => match value {
                Value::Dict(items) => {
                    for (key, value) in items {
                        let key = key.as_str().ok_or_else(|| unexpected(key, "a storage parameter"))?;
                        index.with.push((key.to_owned(), value.clone()));
                    }
                }
                other => return Err(unexpected(other, "storage parameters")),
            },
            "postgresql_tablespace" => index.tablespace = optional_str(Some(value), "a tablespace")?,
            "postgresql_where" => {
                index.where_ = if value.is_none() { None } else { Some(sql_text(value, "an index condition")?) }
            }
            "postgresql_ops" => match value {
                Value::Dict(items) => {
                    for (column, class) in items {
                        let (Some(column), Some(class)) = (column.as_str(), class.as_str()) else {
                            return Err(unexpected(class, "an operator class"));
                        };
                        index.ops.push((column.to_owned(), class.to_owned()));
                    }
                }
                other => return Err(unexpected(other, "operator classes")),
            },
            "schema" | "table_name" | "info" | "quote" | "_table" => {}
            other => return Err(unknown(format!("{label}({other}=...)"), UNSUPPORTED_KEYWORD)),
        }
    }
    Ok(index)
}

impl Index {
    pub fn create_sql(&self) -> String {
        let mut sql = String::from("CREATE ");
        if self.unique {
            sql.push_str("UNIQUE ");
        }
        sql.push_str("INDEX ");
        if self.concurrently {
            sql.push_str("CONCURRENTLY ");
        }
        if self.if_not_exists {
            sql.push_str("IF NOT EXISTS ");
        }
        sql.push_str(&format!("{} ON {} ", ident(&self.name), qualified(self.schema.as_deref(), &self.table)));
        if let Some(using) = &self.using {
            sql.push_str(&format!("USING {using} "));
        }
        let expressions: Vec<String> = self
            .expressions
            .iter()
            .map(|(expression, column)| {
                // A column by its name; a `sa.text(...)` expression by its text exactly as written.
                let key = column.as_ref().unwrap_or(expression);
                let class = self.ops.iter().find(|(name, _)| name == key);
                match class {
                    Some((_, class)) => format!("{expression} {class}"),
                    None => expression.clone(),
                }
            })
            .collect();
        sql.push_str(&format!("({})", expressions.join(", ")));
        if !self.include.is_empty() {
            let included: Vec<String> = self.include.iter().map(|c| ident(c)).collect();
            sql.push_str(&format!(" INCLUDE ({})", included.join(", ")));
        }
        match self.nulls_not_distinct {
            Some(true) => sql.push_str(" NULLS NOT DISTINCT"),
            Some(false) => sql.push_str(" NULLS DISTINCT"),
            None => {}
        }
        if !self.with.is_empty() {
            let options: Vec<String> = self
                .with
                .iter()
                .map(|(key, value)| match value {
                    Value::None => key.clone(),
                    Value::Bool(b) => format!("{key} = {b}"),
                    other => format!("{key} = {}", other.to_python_str().unwrap_or_default()),
                })
                .collect();
            sql.push_str(&format!(" WITH ({})", options.join(", ")));
        }
        if let Some(tablespace) = &self.tablespace {
            sql.push_str(&format!(" TABLESPACE {}", ident(tablespace)));
        }
        if let Some(condition) = &self.where_ {
            sql.push_str(&format!(" WHERE {condition}"));
        }
        sql
    }
}
