//! `op.create_exclude_constraint(name, table, (column, operator), ..., where=, using=)`.

use super::constraints::{deferrability, named, optional_str};
use super::quote::{ident, qualified};
use super::unknown::{Eval, UNSUPPORTED_KEYWORD, unexpected, unknown};
use super::value::Value;

pub fn create_exclude_constraint(args: &[Value], kwargs: &[(String, Value)]) -> Eval<Vec<String>> {
    let name = optional_str(args.first(), "a constraint name")?;
    let table =
        optional_str(args.get(1), "a table name")?.ok_or_else(|| unknown("create_exclude_constraint()", "no table"))?;
    let mut schema = None;
    let mut using = "gist".to_owned();
    let mut where_ = None;
    let mut deferrable = None;
    let mut initially = None;
    for (key, value) in kwargs {
        match key.as_str() {
            "schema" => schema = optional_str(Some(value), "a schema")?,
            "using" => using = optional_str(Some(value), "an index method")?.unwrap_or(using).to_lowercase(),
            "where" => match value {
                Value::Str(sql) | Value::Sql(sql) => where_ = Some(sql.clone()),
                Value::None => {}
                other => return Err(unexpected(other, "an exclusion condition")),
            },
            "deferrable" => deferrable = value.truthy(),
            "initially" => initially = optional_str(Some(value), "initially")?,
            other => return Err(unknown(format!("create_exclude_constraint({other}=...)"), UNSUPPORTED_KEYWORD)),
        }
    }
    let mut elements = Vec::new();
    for element in args.get(2..).unwrap_or_default() {
        let Value::List(pair) = element else { return Err(unexpected(element, "an exclusion element")) };
        let [expression, Value::Str(operator)] = pair.as_slice() else {
            return Err(unexpected(element, "an exclusion element"));
        };
        let expression = match expression {
            Value::Str(column) => ident(column),
            Value::Sql(sql) => sql.clone(),
            other => return Err(unexpected(other, "an exclusion element")),
        };
        elements.push(format!("{expression} WITH {operator}"));
    }
    let mut sql = format!("ALTER TABLE {} ADD ", qualified(schema.as_deref(), &table));
    sql.push_str(&named(&name));
    sql.push_str(&format!("EXCLUDE USING {using} ({})", elements.join(", ")));
    if let Some(condition) = where_ {
        sql.push_str(&format!(" WHERE ({condition})"));
    }
    sql.push_str(&deferrability(deferrable, &initially));
    Ok(vec![sql])
}
