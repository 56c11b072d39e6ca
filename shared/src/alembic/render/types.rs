//! SQLAlchemy column types as the PostgreSQL dialect compiles them.

use super::quote::{ident, qualified, string_literal};
use super::unknown::{Eval, unexpected, unknown};
use super::value::{Object, Value, last_segment};

/// A compiled type, with what DDL around it needs to know.
#[derive(Clone, Debug, PartialEq)]
pub struct SqlType {
    pub sql: String,
    /// The SERIAL spelling for an autoincrementing primary key of an integer type.
    pub serial: Option<&'static str>,
    /// A native enum the type names (created by `create_table` unless `create_type=False`).
    pub enum_type: Option<EnumType>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct EnumType {
    pub name: String,
    pub schema: Option<String>,
    pub values: Vec<String>,
    pub create: bool,
    /// `inherit_schema=True`: the type lives in its table's schema.
    pub inherit_schema: bool,
}

impl SqlType {
    /// The type in a table of schema `schema`: an enum that inherits the schema moves there.
    pub fn in_table_schema(mut self, schema: Option<&str>) -> SqlType {
        let (Some(schema), Some(enum_type)) = (schema, self.enum_type.as_mut()) else { return self };
        if enum_type.inherit_schema && enum_type.schema.is_none() {
            let unqualified = enum_type.qualified_name();
            enum_type.schema = Some(schema.to_owned());
            if let Some(rest) = self.sql.strip_prefix(&unqualified) {
                self.sql = format!("{}{rest}", enum_type.qualified_name());
            }
        }
        self
    }
}

impl EnumType {
    pub fn qualified_name(&self) -> String {
        qualified(self.schema.as_deref(), &self.name)
    }

    pub fn create_sql(&self) -> String {
        let values: Vec<String> = self.values.iter().map(|v| string_literal(v)).collect();
        format!("CREATE TYPE {} AS ENUM ({})", self.qualified_name(), values.join(", "))
    }
}

/// A type given as a class (`sa.Integer`) or an instance (`sa.String(50)`).
pub fn sql_type(value: &Value) -> Eval<SqlType> {
    let owned;
    let object = match value {
        Value::Object(object) => object.as_ref(),
        Value::Path(path) if path.starts_with("sqlalchemy") => {
            owned = Object { path: path.clone(), args: Vec::new(), kwargs: Vec::new() };
            &owned
        }
        other => return Err(unexpected(other, "a column type")),
    };
    let plain = |sql: &str| Ok(SqlType { sql: sql.to_owned(), serial: None, enum_type: None });
    let int = |key: &str, position: usize| -> Eval<Option<i64>> {
        match object.arg(key, position) {
            None | Some(Value::None) => Ok(None),
            Some(Value::Int(i)) => Ok(Some(*i)),
            Some(other) => Err(unexpected(other, "a type length")),
        }
    };
    let flag = |key: &str| object.kwarg(key).and_then(Value::truthy).unwrap_or(false);
    let name = object.name();
    // The CHECK constraint a Boolean or non-native Enum may bring is not rendered.
    if flag("create_constraint") {
        return Err(unknown(format!("{name}(create_constraint=True)"), super::unknown::UNSUPPORTED_KEYWORD));
    }
    match name {
        "Integer" | "INTEGER" | "INT" => Ok(integer("INTEGER", "SERIAL")),
        "BigInteger" | "BIGINT" => Ok(integer("BIGINT", "BIGSERIAL")),
        "SmallInteger" | "SMALLINT" => Ok(integer("SMALLINT", "SMALLSERIAL")),
        "String" | "VARCHAR" | "Unicode" | "NVARCHAR" | "CHAR" | "NCHAR" | "Text" | "TEXT" | "UnicodeText" => {
            let base = match name {
                "CHAR" | "NCHAR" => "CHAR",
                "Text" | "TEXT" | "UnicodeText" => "TEXT",
                _ => "VARCHAR",
            };
            let mut sql = match int("length", 0)? {
                Some(length) if base != "TEXT" => format!("{base}({length})"),
                _ => base.to_owned(),
            };
            if let Some(collation) = object.kwarg("collation").and_then(Value::as_str) {
                sql = format!("{sql} COLLATE {}", ident(collation));
            }
            plain(&sql)
        }
        "Boolean" | "BOOLEAN" => plain("BOOLEAN"),
        "DateTime" | "TIMESTAMP" => {
            let precision = if name == "TIMESTAMP" { int("precision", 1)? } else { None };
            let zone =
                if flag("timezone") || object.args.first() == Some(&Value::Bool(true)) { "WITH" } else { "WITHOUT" };
            plain(&format!("TIMESTAMP{} {zone} TIME ZONE", precision.map(|p| format!("({p})")).unwrap_or_default()))
        }
        "Time" | "TIME" => {
            let precision = if name == "TIME" { int("precision", 1)? } else { None };
            let zone =
                if flag("timezone") || object.args.first() == Some(&Value::Bool(true)) { "WITH" } else { "WITHOUT" };
            plain(&format!("TIME{} {zone} TIME ZONE", precision.map(|p| format!("({p})")).unwrap_or_default()))
        }
        "Date" | "DATE" => plain("DATE"),
        "Interval" | "INTERVAL" => {
            let mut sql = "INTERVAL".to_owned();
            if name == "INTERVAL" {
                if let Some(fields) = object.kwarg("fields").and_then(Value::as_str) {
                    sql = format!("{sql} {fields}");
                }
                if let Some(precision) = int("precision", 0)? {
                    sql = format!("{sql} ({precision})");
                }
            }
            plain(&sql)
        }
        "Numeric" | "NUMERIC" | "DECIMAL" => {
            let base = if name == "DECIMAL" { "DECIMAL" } else { "NUMERIC" };
            match (int("precision", 0)?, int("scale", 1)?) {
                (Some(p), Some(s)) => plain(&format!("{base}({p}, {s})")),
                (Some(p), None) => plain(&format!("{base}({p})")),
                _ => plain(base),
            }
        }
        "Float" | "FLOAT" => match int("precision", 0)? {
            Some(p) if p != 0 => plain(&format!("FLOAT({p})")),
            _ => plain("FLOAT"),
        },
        "REAL" => plain("REAL"),
        "Double" | "DOUBLE_PRECISION" | "DOUBLE" => plain("DOUBLE PRECISION"),
        "LargeBinary" | "BYTEA" | "BLOB" | "BINARY" | "VARBINARY" => plain("BYTEA"),
        "JSON" => plain("JSON"),
        "JSONB" => plain("JSONB"),
        "UUID" | "Uuid" => plain("UUID"),
        "INET" | "CIDR" | "MACADDR" | "MACADDR8" | "MONEY" | "OID" | "TSVECTOR" | "TSQUERY" | "HSTORE" | "CITEXT"
        | "REGCLASS" | "REGCONFIG" | "JSONPATH" | "INT4RANGE" | "INT8RANGE" | "NUMRANGE" | "DATERANGE" | "TSRANGE"
        | "TSTZRANGE" | "INT4MULTIRANGE" | "INT8MULTIRANGE" | "NUMMULTIRANGE" | "DATEMULTIRANGE" | "TSMULTIRANGE"
        | "TSTZMULTIRANGE" => plain(name),
        "BIT" => {
            let length = int("length", 0)?;
            if flag("varying") {
                plain(&length.map_or("BIT VARYING".to_owned(), |l| format!("BIT VARYING({l})")))
            } else {
                plain(&format!("BIT({})", length.unwrap_or(1)))
            }
        }
        "ARRAY" => {
            let item = object.arg("item_type", 0).ok_or_else(|| unknown("ARRAY()", "no item type"))?;
            let inner = sql_type(item)?;
            let dimensions = int("dimensions", 1)?.unwrap_or(1).clamp(1, 16) as usize;
            let brackets = "[]".repeat(dimensions);
            // The brackets go before a COLLATE clause, as SQLAlchemy places them.
            let sql = match inner.sql.split_once(" COLLATE") {
                Some((base, collate)) => format!("{base}{brackets} COLLATE{collate}"),
                None => format!("{}{brackets}", inner.sql),
            };
            Ok(SqlType { sql, serial: None, enum_type: inner.enum_type })
        }
        "Enum" | "ENUM" => enum_type(object),
        _ => Err(unknown(format!("{}(...)", object.path), "a column type the renderer does not know")),
    }
}

fn integer(sql: &str, serial: &'static str) -> SqlType {
    SqlType { sql: sql.to_owned(), serial: Some(serial), enum_type: None }
}

/// `sa.Enum('a', 'b', name='x')` / `postgresql.ENUM(...)`: a native enum type by name, or
/// with `native_enum=False` a VARCHAR as long as the longest value.
fn enum_type(object: &Object) -> Eval<SqlType> {
    let mut values = Vec::new();
    // `sa.Enum(PythonEnum)`: the members' names, and the class name in lower case.
    let mut default_name = None;
    for value in &object.args {
        match value {
            Value::Str(text) => values.push(text.clone()),
            Value::EnumClass(class) if object.args.len() == 1 => {
                values.extend(class.members.iter().map(|(member, _)| member.clone()));
                default_name = Some(class.name.to_lowercase());
            }
            Value::List(items) if object.args.len() == 1 => {
                for item in items {
                    values.push(item.as_str().ok_or_else(|| unexpected(item, "an enum value"))?.to_owned());
                }
            }
            other => return Err(unexpected(other, "an enum value")),
        }
    }
    if let Some(Value::List(items)) = object.kwarg("values") {
        for item in items {
            values.push(item.as_str().ok_or_else(|| unexpected(item, "an enum value"))?.to_owned());
        }
    }
    if object.kwarg("values_callable").is_some() {
        return Err(unknown("Enum(values_callable=...)", super::unknown::UNSUPPORTED_KEYWORD));
    }
    if object.kwarg("native_enum") == Some(&Value::Bool(false)) {
        let length = match object.kwarg("length") {
            Some(Value::Int(length)) => *length as usize,
            _ => values.iter().map(|v| v.chars().count()).max().unwrap_or(0),
        };
        return Ok(SqlType { sql: format!("VARCHAR({length})"), serial: None, enum_type: None });
    }
    let name = match object.kwarg("name") {
        Some(Value::Str(name)) => name.clone(),
        Some(other) => return Err(unexpected(other, "an enum name")),
        None if default_name.is_some() => default_name.unwrap_or_default(),
        None => return Err(unknown(format!("{}(...)", last_segment(&object.path)), "an enum without a name")),
    };
    let schema = object.kwarg("schema").and_then(Value::as_str).map(str::to_owned);
    let create = object.kwarg("create_type").and_then(Value::truthy).unwrap_or(true);
    let inherit_schema = object.kwarg("inherit_schema").and_then(Value::truthy).unwrap_or(false);
    let enum_type = EnumType { name, schema, values, create, inherit_schema };
    Ok(SqlType { sql: enum_type.qualified_name(), serial: None, enum_type: Some(enum_type) })
}
