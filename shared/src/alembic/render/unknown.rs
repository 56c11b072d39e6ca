//! Why a construct cannot be rendered: the error every evaluation step may return.

use super::value::Value;

/// A construct whose SQL is unknown. `line` is 0 until a caller that knows the script
/// position fills it in (types and DDL pieces only see values).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unknown {
    pub construct: String,
    pub reason: String,
    pub line: u32,
}

pub type Eval<T> = Result<T, Unknown>;

pub const DATA_DEPENDENT: &str = "data-dependent Python";
pub const FROM_APPLICATION: &str = "imported from the application";
pub const UNSUPPORTED_KEYWORD: &str = "unsupported keyword argument";
pub const UNKNOWN_OPERATION: &str = "unknown operation";
pub const UNSUPPORTED_PYTHON: &str = "Python the renderer does not evaluate";

pub fn unknown(construct: impl Into<String>, reason: impl Into<String>) -> Unknown {
    Unknown { construct: construct.into(), reason: reason.into(), line: 0 }
}

/// A value that is not what an operation expects: names what it is and why it is unknown.
pub fn unexpected(value: &Value, expected: &str) -> Unknown {
    match value {
        Value::Foreign(path) => unknown(path.clone(), FROM_APPLICATION),
        Value::Opaque(reason) => unknown(format!("a value for {expected}"), reason.clone()),
        Value::Object(object) => unknown(format!("{}(...)", object.path), format!("not supported as {expected}")),
        Value::Path(path) => unknown(path.clone(), format!("not supported as {expected}")),
        other => unknown(describe(other), format!("not supported as {expected}")),
    }
}

/// A short description of a value for a diagnostic.
pub fn describe(value: &Value) -> String {
    match value {
        Value::Str(text) => format!("'{}'", shorten(text)),
        Value::Int(_) | Value::Float(_) | Value::Bool(_) | Value::None => value.to_python_str().unwrap_or_default(),
        Value::List(_) => "a list".into(),
        Value::Dict(_) => "a dict".into(),
        Value::Sql(sql) => shorten(sql),
        Value::Function(_) => "a function".into(),
        Value::EnumClass(class) => class.name.clone(),
        Value::EnumMember(class, _) => format!("a member of {}", class.name),
        Value::Method(_, name) => format!(".{name}"),
        Value::Table(table) => format!("table {}", table.name),
        Value::ColumnRef(table, column) => format!("{}.c.{column}", table.name),
        Value::Dml(_) => "a DML statement".into(),
        Value::Batch(table, _) => format!("batch_alter_table({table})"),
        Value::Path(path) | Value::Foreign(path) => path.clone(),
        Value::Object(object) => format!("{}(...)", object.path),
        Value::Opaque(_) => "a run-time value".into(),
    }
}

/// Source text on one line and at most 60 characters.
pub fn shorten(text: &str) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= 60 {
        flat
    } else {
        let cut: String = flat.chars().take(57).collect();
        format!("{cut}...")
    }
}
