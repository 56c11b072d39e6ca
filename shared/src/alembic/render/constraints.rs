//! Constraints and indexes: read from SQLAlchemy constructs or op arguments, written as the
//! PostgreSQL DDL compiler writes them.

use super::quote::{check_given_name, ident, qualified};
use super::unknown::{Eval, UNSUPPORTED_KEYWORD, unexpected, unknown};
use super::value::{Object, Value};

#[derive(Clone, Debug, Default)]
pub struct ForeignKey {
    pub name: Option<String>,
    pub columns: Vec<String>,
    pub referent_schema: Option<String>,
    pub referent_table: String,
    pub referent_columns: Vec<String>,
    pub ondelete: Option<String>,
    pub onupdate: Option<String>,
    pub deferrable: Option<bool>,
    pub initially: Option<String>,
    pub match_: Option<String>,
    /// `use_alter=True`: left out of CREATE TABLE (SQLAlchemy adds it after all tables).
    pub use_alter: bool,
    /// `postgresql_not_valid=True`: added without checking the rows already there.
    pub not_valid: bool,
}

#[derive(Clone, Debug)]
pub enum Constraint {
    PrimaryKey {
        name: Option<String>,
        columns: Vec<String>,
    },
    Unique {
        name: Option<String>,
        columns: Vec<String>,
        deferrable: Option<bool>,
        initially: Option<String>,
        /// `postgresql_nulls_not_distinct=`: `NULLS NOT DISTINCT` (True) or `NULLS DISTINCT` (False).
        nulls_not_distinct: Option<bool>,
    },
    Check {
        name: Option<String>,
        sql: String,
        not_valid: bool,
    },
    ForeignKey(ForeignKey),
}

/// A constraint's name, if given; SQLAlchemy refuses one beyond PostgreSQL's length.
pub fn constraint_name(value: Option<&Value>) -> Eval<Option<String>> {
    let name = optional_str(value, "a constraint name")?;
    if let Some(name) = &name {
        check_given_name(name)?;
    }
    Ok(name)
}

pub fn optional_str(value: Option<&Value>, what: &str) -> Eval<Option<String>> {
    match value {
        None | Some(Value::None) => Ok(None),
        Some(Value::Str(text)) => Ok(Some(text.clone())),
        Some(other) => Err(unexpected(other, what)),
    }
}

/// Column names given as strings (or a single string).
pub fn names(value: Option<&Value>, what: &str) -> Eval<Vec<String>> {
    match value {
        Some(Value::Str(name)) => Ok(vec![name.clone()]),
        Some(Value::List(items)) => {
            items.iter().map(|item| item.as_str().map(str::to_owned).ok_or_else(|| unexpected(item, what))).collect()
        }
        Some(other) => Err(unexpected(other, what)),
        None => Ok(Vec::new()),
    }
}

/// `text` of `sa.text(...)` or a plain string: SQL as written.
pub fn sql_text(value: &Value, what: &str) -> Eval<String> {
    match value {
        Value::Str(text) | Value::Sql(text) => Ok(text.clone()),
        other => Err(unexpected(other, what)),
    }
}

pub fn nulls_not_distinct(value: Option<&Value>) -> Option<bool> {
    if let Some(Value::Bool(b)) = value { Some(*b) } else { None }
}

fn deferrable(value: Option<&Value>) -> Option<bool> {
    match value {
        Some(Value::Bool(b)) => Some(*b),
        _ => None,
    }
}

/// `sa.ForeignKey('schema.table.column', ondelete=...)` on the column `column`.
pub fn foreign_key_from_column(column: &str, value: &Value) -> Eval<ForeignKey> {
    let object = value.as_object().ok_or_else(|| unexpected(value, "a foreign key"))?;
    let target = optional_str(object.arg("column", 0), "a foreign key target")?
        .ok_or_else(|| unknown("ForeignKey()", "a foreign key without a target"))?;
    let (schema, table, referent) = split_target(&target)?;
    let mut fk = ForeignKey {
        columns: vec![column.to_owned()],
        referent_schema: schema,
        referent_table: table,
        referent_columns: vec![referent],
        ..ForeignKey::default()
    };
    read_fk_options(&mut fk, object)?;
    Ok(fk)
}

/// `table.column` or `schema.table.column`.
fn split_target(target: &str) -> Eval<(Option<String>, String, String)> {
    let parts: Vec<&str> = target.split('.').collect();
    match parts.as_slice() {
        [table, column] => Ok((None, (*table).to_owned(), (*column).to_owned())),
        [schema, table, column] => Ok((Some((*schema).to_owned()), (*table).to_owned(), (*column).to_owned())),
        _ => Err(unknown(format!("ForeignKey('{target}')"), "a foreign key target that is not table.column")),
    }
}

/// Keyword arguments of constraint objects the renderer writes (or that change no SQL);
/// any other one could change the SQL in a way the renderer would miss.
const CONSTRAINT_KEYWORDS: [&str; 16] = [
    "name",
    "column",
    "columns",
    "refcolumns",
    "sqltext",
    "ondelete",
    "onupdate",
    "deferrable",
    "initially",
    "match",
    "use_alter",
    "postgresql_not_valid",
    "postgresql_nulls_not_distinct",
    "link_to_name",
    "info",
    "comment",
];

fn check_keywords(object: &Object) -> Eval<()> {
    match object.kwargs.iter().find(|(key, _)| !CONSTRAINT_KEYWORDS.contains(&key.as_str())) {
        Some((key, _)) => Err(unknown(format!("{}({key}=...)", object.name()), UNSUPPORTED_KEYWORD)),
        None => Ok(()),
    }
}

fn read_fk_options(fk: &mut ForeignKey, object: &Object) -> Eval<()> {
    check_keywords(object)?;
    fk.name = constraint_name(object.kwarg("name"))?;
    fk.ondelete = optional_str(object.kwarg("ondelete"), "ondelete")?;
    fk.onupdate = optional_str(object.kwarg("onupdate"), "onupdate")?;
    fk.initially = optional_str(object.kwarg("initially"), "initially")?;
    fk.match_ = optional_str(object.kwarg("match"), "match")?;
    fk.deferrable = deferrable(object.kwarg("deferrable"));
    fk.use_alter = object.kwarg("use_alter").and_then(Value::truthy).unwrap_or(false);
    fk.not_valid = object.kwarg("postgresql_not_valid").and_then(Value::truthy).unwrap_or(false);
    Ok(())
}

/// A constraint object given among `create_table`'s arguments.
pub fn read_constraint(object: &Object) -> Eval<Constraint> {
    check_keywords(object)?;
    let name = constraint_name(object.kwarg("name"))?;
    let columns = || -> Eval<Vec<String>> {
        object
            .args
            .iter()
            .map(|arg| arg.as_str().map(str::to_owned).ok_or_else(|| unexpected(arg, "a column name")))
            .collect()
    };
    match object.name() {
        "PrimaryKeyConstraint" => Ok(Constraint::PrimaryKey { name, columns: columns()? }),
        "UniqueConstraint" => Ok(Constraint::Unique {
            name,
            columns: columns()?,
            deferrable: deferrable(object.kwarg("deferrable")),
            initially: optional_str(object.kwarg("initially"), "initially")?,
            nulls_not_distinct: nulls_not_distinct(object.kwarg("postgresql_nulls_not_distinct")),
        }),
        "CheckConstraint" => {
            let sql = sql_text(object.arg("sqltext", 0).unwrap_or(&Value::None), "a check condition")?;
            let not_valid = object.kwarg("postgresql_not_valid").and_then(Value::truthy).unwrap_or(false);
            Ok(Constraint::Check { name, sql, not_valid })
        }
        "ForeignKeyConstraint" => {
            let columns = names(object.arg("columns", 0), "a column name")?;
            let targets = names(object.arg("refcolumns", 1), "a foreign key target")?;
            let mut fk = ForeignKey { columns, ..ForeignKey::default() };
            for target in targets {
                let (schema, table, column) = split_target(&target)?;
                fk.referent_schema = schema;
                fk.referent_table = table;
                fk.referent_columns.push(column);
            }
            read_fk_options(&mut fk, object)?;
            Ok(Constraint::ForeignKey(fk))
        }
        _ => Err(unexpected(&Value::Path(object.path.clone()), "a table element")),
    }
}

fn column_list(columns: &[String]) -> String {
    columns.iter().map(|c| ident(c)).collect::<Vec<_>>().join(", ")
}

/// `CONSTRAINT name ` before a constraint's body, when it has a name.
pub fn named(name: &Option<String>) -> String {
    name.as_ref().map(|name| format!("CONSTRAINT {} ", ident(name))).unwrap_or_default()
}

/// ` [NOT] DEFERRABLE [INITIALLY …]` after a constraint's body.
pub fn deferrability(deferrable: Option<bool>, initially: &Option<String>) -> String {
    let mut sql = String::new();
    match deferrable {
        Some(true) => sql.push_str(" DEFERRABLE"),
        Some(false) => sql.push_str(" NOT DEFERRABLE"),
        None => {}
    }
    if let Some(initially) = initially {
        sql.push_str(&format!(" INITIALLY {initially}"));
    }
    sql
}

fn validity(not_valid: bool) -> &'static str {
    if not_valid { " NOT VALID" } else { "" }
}

impl ForeignKey {
    pub fn sql(&self) -> String {
        let mut sql = format!(
            "{}FOREIGN KEY({}) REFERENCES {} ({})",
            named(&self.name),
            column_list(&self.columns),
            qualified(self.referent_schema.as_deref(), &self.referent_table),
            column_list(&self.referent_columns)
        );
        if let Some(match_) = &self.match_ {
            sql.push_str(&format!(" MATCH {match_}"));
        }
        if let Some(ondelete) = &self.ondelete {
            sql.push_str(&format!(" ON DELETE {ondelete}"));
        }
        if let Some(onupdate) = &self.onupdate {
            sql.push_str(&format!(" ON UPDATE {onupdate}"));
        }
        sql.push_str(&deferrability(self.deferrable, &self.initially));
        sql.push_str(validity(self.not_valid));
        sql
    }
}

impl Constraint {
    /// The constraint as CREATE TABLE and ALTER TABLE ... ADD write it.
    pub fn sql(&self) -> String {
        match self {
            Constraint::PrimaryKey { name, columns } => {
                format!("{}PRIMARY KEY ({})", named(name), column_list(columns))
            }
            Constraint::Unique { name, columns, deferrable, initially, nulls_not_distinct } => {
                let nulls = match nulls_not_distinct {
                    Some(true) => "NULLS NOT DISTINCT ",
                    Some(false) => "NULLS DISTINCT ",
                    None => "",
                };
                format!(
                    "{}UNIQUE {nulls}({}){}",
                    named(name),
                    column_list(columns),
                    deferrability(*deferrable, initially)
                )
            }
            Constraint::Check { name, sql, not_valid } => {
                format!("{}CHECK ({sql}){}", named(name), validity(*not_valid))
            }
            Constraint::ForeignKey(fk) => fk.sql(),
        }
    }
}
