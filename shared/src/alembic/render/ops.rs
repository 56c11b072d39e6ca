//! Alembic's operations (`op.*` and `batch_op.*`) as the statements Alembic's PostgreSQL
//! implementation emits for them in offline mode.

use super::alter::alter_column;
use super::constraints::{Constraint, ForeignKey, constraint_name, names, nulls_not_distinct, optional_str, sql_text};
use super::index::{column_index_name, read_index};
use super::quote::{ident, qualified, string_literal};
use super::table::{add_column, create_table};
use super::unknown::{Eval, UNSUPPORTED_KEYWORD, unexpected, unknown};
use super::value::{Object, Value};
use super::{dml, exclude};

type Kwargs = Vec<(String, Value)>;

/// Operations whose table comes first in `op.*` and is left out in `batch_op.*`.
const TABLE_FIRST: [&str; 5] =
    ["add_column", "drop_column", "alter_column", "create_table_comment", "drop_table_comment"];
/// Operations whose table comes second, after the constraint or index name.
const TABLE_SECOND: [&str; 7] = [
    "create_unique_constraint",
    "create_foreign_key",
    "create_check_constraint",
    "create_primary_key",
    "drop_constraint",
    "create_index",
    "create_exclude_constraint",
];

/// The statements of one operation; `None` when the operation is not one Alembic has.
pub fn render(
    name: &str,
    mut args: Vec<Value>,
    mut kwargs: Kwargs,
    batch: Option<(&str, Option<&str>)>,
    created_types: &mut Vec<String>,
) -> Option<Eval<Vec<String>>> {
    if let Some((table, schema)) = batch {
        let table = Value::Str(table.to_owned());
        if TABLE_FIRST.contains(&name) {
            args.insert(0, table);
        } else if TABLE_SECOND.contains(&name) {
            args.insert(1.min(args.len()), table);
        } else if name == "drop_index" {
            kwargs.push(("table_name".into(), table));
        }
        if let Some(schema) = schema {
            let key = if name == "create_foreign_key" { "source_schema" } else { "schema" };
            if !kwargs.iter().any(|(k, _)| k == key) {
                kwargs.push((key.into(), Value::Str(schema.to_owned())));
            }
        }
    }
    let args = Args { args, kwargs };
    Some(match name {
        "create_table" => create_table(&args.args, &args.kwargs, created_types),
        "drop_table" => drop_table(&args),
        "add_column" => add_column(&args.args, &args.kwargs),
        "drop_column" => drop_column(&args),
        "alter_column" => alter_column(&args.args, &args.kwargs),
        "create_index" => create_index(&args),
        "drop_index" => drop_index(&args),
        "create_unique_constraint" | "create_check_constraint" | "create_primary_key" => add_constraint(name, &args),
        "create_foreign_key" => create_foreign_key(&args),
        "create_exclude_constraint" => exclude::create_exclude_constraint(&args.args, &args.kwargs),
        "drop_constraint" => drop_constraint(&args),
        "rename_table" => rename_table(&args),
        "create_table_comment" | "drop_table_comment" => table_comment(name, &args),
        "execute" => execute(&args),
        "bulk_insert" => bulk_insert(&args),
        _ => return None,
    })
}

/// An operation's arguments, read by name or position as Python binds them.
pub struct Args {
    pub args: Vec<Value>,
    pub kwargs: Kwargs,
}

impl Args {
    fn get(&self, key: &str, position: usize) -> Option<&Value> {
        self.kwargs.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v).or_else(|| self.args.get(position))
    }

    fn string(&self, key: &str, position: usize) -> Eval<Option<String>> {
        optional_str(self.get(key, position), key)
    }

    fn required(&self, key: &str, position: usize) -> Eval<String> {
        self.string(key, position)?.ok_or_else(|| unknown(format!("{key}="), "a required argument is missing"))
    }

    fn flag(&self, key: &str) -> bool {
        self.get(key, usize::MAX).and_then(Value::truthy).unwrap_or(false)
    }

    /// Fails on a keyword argument not in `allowed`: its effect on the SQL is unknown.
    fn only(&self, operation: &str, allowed: &[&str]) -> Eval<()> {
        match self.kwargs.iter().find(|(key, _)| !allowed.contains(&key.as_str())) {
            Some((key, _)) => Err(unknown(format!("op.{operation}({key}=...)"), UNSUPPORTED_KEYWORD)),
            None => Ok(()),
        }
    }

    fn table(&self, key: &str, position: usize, schema_key: &str) -> Eval<String> {
        Ok(qualified(self.string(schema_key, usize::MAX)?.as_deref(), &self.required(key, position)?))
    }
}

fn drop_table(args: &Args) -> Eval<Vec<String>> {
    args.only("drop_table", &["table_name", "schema", "if_exists", "info"])?;
    let exists = if args.flag("if_exists") { "IF EXISTS " } else { "" };
    Ok(vec![format!("DROP TABLE {exists}{}", args.table("table_name", 0, "schema")?)])
}

fn drop_column(args: &Args) -> Eval<Vec<String>> {
    args.only("drop_column", &["table_name", "column_name", "schema", "if_exists", "existing_type"])?;
    let table = args.table("table_name", 0, "schema")?;
    let exists = if args.flag("if_exists") { "IF EXISTS " } else { "" };
    Ok(vec![format!("ALTER TABLE {table} DROP COLUMN {exists}{}", ident(&args.required("column_name", 1)?))])
}

fn create_index(args: &Args) -> Eval<Vec<String>> {
    let table = args.required("table_name", 1)?;
    let schema = args.string("schema", usize::MAX)?;
    let columns = match args.get("columns", 2) {
        Some(Value::List(items)) => items.clone(),
        Some(single) => vec![single.clone()],
        None => Vec::new(),
    };
    // No name: SQLAlchemy's default naming convention, `ix_%(column_0_label)s`.
    let name = match (args.get("index_name", 0), columns.first()) {
        (None | Some(Value::None), Some(Value::Str(column))) => column_index_name(schema.as_deref(), &table, column),
        _ => args.required("index_name", 0)?,
    };
    let kwargs: Kwargs =
        args.kwargs.iter().filter(|(key, _)| !matches!(key.as_str(), "index_name" | "columns")).cloned().collect();
    Ok(vec![read_index("op.create_index", name, table, schema, &columns, &kwargs)?.create_sql()])
}

fn drop_index(args: &Args) -> Eval<Vec<String>> {
    // The index's other PostgreSQL options do not change DROP INDEX (Alembic accepts and drops them).
    args.only(
        "drop_index",
        &[
            "index_name",
            "table_name",
            "schema",
            "if_exists",
            "postgresql_concurrently",
            "postgresql_using",
            "postgresql_where",
            "postgresql_include",
            "postgresql_with",
            "postgresql_ops",
            "postgresql_nulls_not_distinct",
            "postgresql_tablespace",
        ],
    )?;
    let mut sql = String::from("DROP INDEX ");
    if args.flag("postgresql_concurrently") {
        sql.push_str("CONCURRENTLY ");
    }
    if args.flag("if_exists") {
        sql.push_str("IF EXISTS ");
    }
    sql.push_str(&args.table("index_name", 0, "schema")?);
    Ok(vec![sql])
}

fn add_constraint(operation: &str, args: &Args) -> Eval<Vec<String>> {
    let name = constraint_name(args.get("constraint_name", 0))?;
    let table = args.table("table_name", 1, "schema")?;
    let constraint = match operation {
        "create_unique_constraint" => {
            args.only(
                operation,
                &[
                    "constraint_name",
                    "table_name",
                    "columns",
                    "schema",
                    "deferrable",
                    "initially",
                    "postgresql_nulls_not_distinct",
                ],
            )?;
            let deferrable = match args.get("deferrable", usize::MAX) {
                Some(Value::Bool(b)) => Some(*b),
                _ => None,
            };
            let initially = args.string("initially", usize::MAX)?;
            Constraint::Unique {
                name,
                columns: names(args.get("columns", 2), "a column name")?,
                deferrable,
                initially,
                nulls_not_distinct: nulls_not_distinct(args.get("postgresql_nulls_not_distinct", usize::MAX)),
            }
        }
        "create_check_constraint" => {
            args.only(operation, &["constraint_name", "table_name", "condition", "schema", "postgresql_not_valid"])?;
            let condition = args.get("condition", 2).ok_or_else(|| unknown("condition=", "no condition"))?;
            let not_valid = args.flag("postgresql_not_valid");
            Constraint::Check { name, sql: sql_text(condition, "a check condition")?, not_valid }
        }
        _ => {
            args.only(operation, &["constraint_name", "table_name", "columns", "schema"])?;
            Constraint::PrimaryKey { name, columns: names(args.get("columns", 2), "a column name")? }
        }
    };
    Ok(vec![format!("ALTER TABLE {table} ADD {}", constraint.sql())])
}

fn create_foreign_key(args: &Args) -> Eval<Vec<String>> {
    const KEYS: [&str; 14] = [
        "constraint_name",
        "source_table",
        "referent_table",
        "local_cols",
        "remote_cols",
        "onupdate",
        "ondelete",
        "deferrable",
        "initially",
        "match",
        "source_schema",
        "referent_schema",
        "use_alter",
        "postgresql_not_valid",
    ];
    args.only("create_foreign_key", &KEYS)?;
    let fk = ForeignKey {
        name: constraint_name(args.get("constraint_name", 0))?,
        referent_table: args.required("referent_table", 2)?,
        columns: names(args.get("local_cols", 3), "a column name")?,
        referent_columns: names(args.get("remote_cols", 4), "a column name")?,
        referent_schema: args.string("referent_schema", usize::MAX)?,
        onupdate: args.string("onupdate", 5)?,
        ondelete: args.string("ondelete", 6)?,
        deferrable: match args.get("deferrable", 7) {
            Some(Value::Bool(b)) => Some(*b),
            _ => None,
        },
        initially: args.string("initially", 8)?,
        match_: args.string("match", 9)?,
        use_alter: false,
        not_valid: args.flag("postgresql_not_valid"),
    };
    let table = args.table("source_table", 1, "source_schema")?;
    Ok(vec![format!("ALTER TABLE {table} ADD {}", fk.sql())])
}

fn drop_constraint(args: &Args) -> Eval<Vec<String>> {
    args.only("drop_constraint", &["constraint_name", "table_name", "type_", "schema", "if_exists"])?;
    let table = args.table("table_name", 1, "schema")?;
    let exists = if args.flag("if_exists") { "IF EXISTS " } else { "" };
    Ok(vec![format!("ALTER TABLE {table} DROP CONSTRAINT {exists}{}", ident(&args.required("constraint_name", 0)?))])
}

fn rename_table(args: &Args) -> Eval<Vec<String>> {
    args.only("rename_table", &["old_table_name", "new_table_name", "schema"])?;
    let old = args.table("old_table_name", 0, "schema")?;
    Ok(vec![format!("ALTER TABLE {old} RENAME TO {}", ident(&args.required("new_table_name", 1)?))])
}

fn table_comment(operation: &str, args: &Args) -> Eval<Vec<String>> {
    args.only(operation, &["table_name", "comment", "existing_comment", "schema"])?;
    let table = args.table("table_name", 0, "schema")?;
    let comment = if operation == "drop_table_comment" { None } else { args.string("comment", 1)? };
    let comment = comment.map_or("NULL".to_owned(), |c| string_literal(&c));
    Ok(vec![format!("COMMENT ON TABLE {table} IS {comment}")])
}

fn execute(args: &Args) -> Eval<Vec<String>> {
    args.only("execute", &["sqltext", "execution_options"])?;
    match args.get("sqltext", 0) {
        // Alembic wraps a plain string in `sa.text(...)`.
        Some(Value::Str(sql)) => Ok(vec![dml::text_clause(sql)]),
        Some(Value::Sql(sql)) => Ok(vec![sql.clone()]),
        Some(Value::Dml(statement)) => dml::render(statement)
            .map(|sql| vec![sql])
            .ok_or_else(|| unknown("op.execute(...)", "a statement the renderer cannot write")),
        Some(Value::Object(object)) if matches!(object.name(), "CreateSequence" | "DropSequence") => {
            Ok(vec![sequence_ddl(object)?])
        }
        Some(other) => Err(unexpected(other, "SQL to execute")),
        None => Err(unknown("op.execute()", "no SQL")),
    }
}

fn bulk_insert(args: &Args) -> Eval<Vec<String>> {
    args.only("bulk_insert", &["table", "rows", "multiinsert"])?;
    let Some(Value::Table(table)) = args.get("table", 0) else {
        return Err(unexpected(args.get("table", 0).unwrap_or(&Value::None), "a table for bulk_insert"));
    };
    let rows = args.get("rows", 1).unwrap_or(&Value::None);
    dml::bulk_insert(table, rows).ok_or_else(|| unknown("op.bulk_insert(...)", "rows the renderer cannot write"))
}

/// `CreateSequence(sa.Sequence(name, start=, increment=, ...))` and `DropSequence(...)`.
fn sequence_ddl(statement: &Object) -> Eval<String> {
    let sequence = statement.args.first().and_then(Value::as_object).filter(|object| object.name() == "Sequence");
    let Some(sequence) = sequence else { return Err(unexpected(&Value::Path(statement.path.clone()), "a sequence")) };
    let name =
        optional_str(sequence.arg("name", 0), "a sequence name")?.ok_or_else(|| unknown("Sequence()", "no name"))?;
    let schema = optional_str(sequence.kwarg("schema"), "a schema")?;
    let qualified_name = qualified(schema.as_deref(), &name);
    let flag = |key: &str| statement.kwarg(key).and_then(Value::truthy).unwrap_or(false);
    if statement.name() == "DropSequence" {
        let exists = if flag("if_exists") { "IF EXISTS " } else { "" };
        return Ok(format!("DROP SEQUENCE {exists}{qualified_name}"));
    }
    let mut sql =
        format!("CREATE SEQUENCE {}{qualified_name}", if flag("if_not_exists") { "IF NOT EXISTS " } else { "" });
    for (key, words) in
        [("increment", "INCREMENT BY"), ("start", "START WITH"), ("minvalue", "MINVALUE"), ("maxvalue", "MAXVALUE")]
    {
        match sequence.kwarg(key) {
            Some(Value::Int(number)) => sql.push_str(&format!(" {words} {number}")),
            None | Some(Value::None) => {}
            Some(other) => return Err(unexpected(other, "a sequence option")),
        }
    }
    let supported = ["name", "schema", "increment", "start", "minvalue", "maxvalue", "metadata", "optional"];
    if let Some((key, _)) = sequence.kwargs.iter().find(|(key, _)| !supported.contains(&key.as_str())) {
        return Err(unknown(format!("Sequence({key}=...)"), UNSUPPORTED_KEYWORD));
    }
    Ok(sql)
}
