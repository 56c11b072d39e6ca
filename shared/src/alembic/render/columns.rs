//! `sa.Column(...)` read into what DDL needs, and its PostgreSQL column specification.

use super::constraints::{ForeignKey, foreign_key_from_column, read_constraint};
use super::dml::literal;
use super::quote::ident;
use super::types::{SqlType, sql_type};
use super::unknown::{Eval, UNSUPPORTED_KEYWORD, unexpected, unknown};
use super::value::{Object, Value};

/// Keyword arguments of `Column` that change no DDL.
const IGNORED_KEYWORDS: [&str; 9] =
    ["default", "onupdate", "server_onupdate", "doc", "info", "key", "quote", "insert_default", "sort_order"];

#[derive(Clone, Debug)]
pub struct Column {
    pub name: String,
    pub sql_type: SqlType,
    pub nullable: bool,
    /// Whether `nullable=` was given: an identity column given `nullable=True` says `NULL`.
    pub explicit_nullable: bool,
    pub primary_key: bool,
    pub unique: bool,
    pub index: bool,
    pub server_default: Option<String>,
    pub comment: Option<String>,
    pub foreign_keys: Vec<ForeignKey>,
    pub computed: Option<String>,
    pub identity: Option<String>,
    /// `autoincrement=`: `Some(false)` turns SERIAL off; `Some(true)` asks for it even in a
    /// composite key, with a foreign key or a server default (SQLAlchemy's `_validate_autoinc`;
    /// the server default is then not written); `None` is SQLAlchemy's `"auto"`.
    pub autoincrement: Option<bool>,
    /// Column-level `sa.CheckConstraint(...)`s, written after the column's specification.
    pub checks: Vec<String>,
    /// A Python-side `default=` or a `sa.Sequence(...)`: SQLAlchemy then does not make the
    /// column SERIAL.
    pub python_default: bool,
}

/// A column's `server_default=` as SQL: strings quoted, `sa.text(...)`/functions as written.
pub fn server_default_sql(value: &Value) -> Eval<Option<String>> {
    match value {
        Value::None => Ok(None),
        Value::Str(_) | Value::Sql(_) => Ok(literal(value)),
        other => Err(unexpected(other, "a server default")),
    }
}

pub fn read_column(value: &Value) -> Eval<Column> {
    let Some(object) = value.as_object().filter(|object| object.name() == "Column") else {
        return Err(unexpected(value, "a column"));
    };
    let mut positional = object.args.iter();
    let name = match object.kwarg("name").or_else(|| positional.next()) {
        Some(Value::Str(name)) => name.clone(),
        Some(other) => return Err(unexpected(other, "a column name")),
        None => return Err(unknown("Column(...)", "a column without a name")),
    };
    let mut column_type = object.kwarg("type_").cloned();
    let mut foreign_keys = Vec::new();
    let mut computed = None;
    let mut identity = None;
    let mut checks = Vec::new();
    let mut sequence = false;
    for arg in positional {
        match arg.as_object().map(Object::name) {
            Some("ForeignKey") => foreign_keys.push(arg.clone()),
            Some("Computed") => computed = Some(arg.clone()),
            Some("Identity") => identity = Some(arg.clone()),
            Some("Sequence") => sequence = true,
            Some("CheckConstraint") => {
                let object = arg.as_object().ok_or_else(|| unexpected(arg, "a check constraint"))?;
                checks.push(read_constraint(object)?.sql());
            }
            _ if column_type.is_none() => column_type = Some(arg.clone()),
            _ => return Err(unexpected(arg, "a column argument")),
        }
    }
    for (key, _) in &object.kwargs {
        let known = matches!(
            key.as_str(),
            "name"
                | "type_"
                | "primary_key"
                | "nullable"
                | "unique"
                | "index"
                | "server_default"
                | "comment"
                | "autoincrement"
        );
        if !known && !IGNORED_KEYWORDS.contains(&key.as_str()) {
            return Err(unknown(format!("Column({key}=...)"), UNSUPPORTED_KEYWORD));
        }
    }
    let column_type = column_type.ok_or_else(|| unknown(format!("Column('{name}')"), "a column without a type"))?;
    let sql_type = sql_type(&column_type)?;
    let flag = |key: &str| object.kwarg(key).and_then(Value::truthy).unwrap_or(false);
    let primary_key = flag("primary_key");
    let identity = identity.map(|identity| identity_sql(&identity)).transpose()?;
    let explicit = object.kwarg("nullable").and_then(Value::truthy);
    let foreign_keys = foreign_keys.iter().map(|fk| foreign_key_from_column(&name, fk)).collect::<Eval<Vec<_>>>()?;
    Ok(Column {
        nullable: explicit.unwrap_or(!primary_key && identity.is_none()),
        explicit_nullable: explicit.is_some(),
        primary_key,
        unique: flag("unique"),
        index: flag("index"),
        server_default: match object.kwarg("server_default") {
            Some(value) => server_default_sql(value)?,
            None => None,
        },
        comment: match object.kwarg("comment") {
            None | Some(Value::None) => None,
            Some(Value::Str(comment)) => Some(comment.clone()),
            Some(other) => return Err(unexpected(other, "a comment")),
        },
        computed: computed.map(|computed| computed_sql(&computed)).transpose()?,
        identity,
        autoincrement: match object.kwarg("autoincrement") {
            Some(Value::Bool(explicit)) => Some(*explicit),
            _ => None,
        },
        checks,
        python_default: sequence || object.kwarg("default").is_some_and(|default| !default.is_none()),
        foreign_keys,
        sql_type,
        name,
    })
}

impl Column {
    /// The column as CREATE TABLE and ADD COLUMN write it. `serial`: this column is the
    /// table's autoincrementing primary key.
    pub fn specification(&self, serial: bool) -> String {
        let mut spec = ident(&self.name);
        match (serial, self.sql_type.serial) {
            (true, Some(serial_type)) => {
                spec.push(' ');
                spec.push_str(serial_type);
            }
            _ => {
                spec.push(' ');
                spec.push_str(&self.sql_type.sql);
                if let Some(default) = &self.server_default {
                    spec.push_str(" DEFAULT ");
                    spec.push_str(default);
                }
            }
        }
        if let Some(computed) = &self.computed {
            spec.push(' ');
            spec.push_str(computed);
        }
        if let Some(identity) = &self.identity {
            spec.push(' ');
            spec.push_str(identity);
        }
        match (self.nullable, self.identity.is_some()) {
            (false, false) => spec.push_str(" NOT NULL"),
            (true, true) if self.explicit_nullable => spec.push_str(" NULL"),
            _ => {}
        }
        for check in &self.checks {
            spec.push(' ');
            spec.push_str(check);
        }
        spec
    }

    /// Whether SQLAlchemy could make this primary-key column SERIAL (`"auto"` also wants
    /// no foreign key).
    /// `autoincrement=True`: SERIAL whatever else the column has.
    pub fn forced_autoincrement(&self) -> bool {
        self.autoincrement == Some(true)
    }

    pub fn may_be_serial(&self) -> bool {
        self.sql_type.serial.is_some()
            && self.autoincrement != Some(false)
            && self.identity.is_none()
            && self.computed.is_none()
            && (self.forced_autoincrement()
                || (!self.python_default && self.server_default.is_none() && self.foreign_keys.is_empty()))
    }
}

/// The column SQLAlchemy treats as autoincrementing: the only primary-key column, or in a
/// composite key the one marked `autoincrement=True`.
pub fn serial_column(columns: &[Column], primary_key: &[String]) -> Option<usize> {
    let candidate = |name: &String| columns.iter().position(|column| &column.name == name && column.may_be_serial());
    match primary_key {
        [only] => candidate(only),
        several => several.iter().filter_map(candidate).find(|&i| columns[i].autoincrement == Some(true)),
    }
}

fn computed_sql(value: &Value) -> Eval<String> {
    let object = value.as_object().ok_or_else(|| unexpected(value, "Computed"))?;
    let expression = match object.arg("sqltext", 0) {
        Some(Value::Str(text) | Value::Sql(text)) => text.clone(),
        Some(other) => return Err(unexpected(other, "a computed expression")),
        None => return Err(unknown("Computed()", "no expression")),
    };
    let stored = match object.arg("persisted", 1) {
        Some(Value::Bool(true)) => " STORED",
        _ => "",
    };
    Ok(format!("GENERATED ALWAYS AS ({expression}){stored}"))
}

fn identity_sql(value: &Value) -> Eval<String> {
    let object = value.as_object().ok_or_else(|| unexpected(value, "Identity"))?;
    let always = object.arg("always", 0).and_then(Value::truthy).unwrap_or(false);
    let number = |key: &str| match object.kwarg(key) {
        Some(Value::Int(i)) => Some(*i),
        _ => None,
    };
    let mut options = Vec::new();
    if let Some(increment) = number("increment") {
        options.push(format!("INCREMENT BY {increment}"));
    }
    if let Some(start) = number("start") {
        options.push(format!("START WITH {start}"));
    }
    if let Some(min) = number("minvalue") {
        options.push(format!("MINVALUE {min}"));
    }
    if let Some(max) = number("maxvalue") {
        options.push(format!("MAXVALUE {max}"));
    }
    if object.kwarg("nominvalue").is_some_and(|v| !v.is_none()) {
        options.push("NO MINVALUE".into());
    }
    if object.kwarg("nomaxvalue").is_some_and(|v| !v.is_none()) {
        options.push("NO MAXVALUE".into());
    }
    if let Some(cache) = number("cache") {
        options.push(format!("CACHE {cache}"));
    }
    match object.kwarg("cycle") {
        Some(Value::Bool(true)) => options.push("CYCLE".into()),
        Some(Value::Bool(false)) => options.push("NO CYCLE".into()),
        _ => {}
    }
    let mut sql = format!("GENERATED {} AS IDENTITY", if always { "ALWAYS" } else { "BY DEFAULT" });
    if !options.is_empty() {
        sql.push_str(&format!(" ({})", options.join(" ")));
    }
    Ok(sql)
}
