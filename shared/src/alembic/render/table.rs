//! `op.create_table` and `op.add_column`: a column's DDL and everything SQLAlchemy emits
//! along with it (enum types, constraints, indexes, comments).

use super::columns::{Column, read_column, serial_column};
use super::constraints::{Constraint, ForeignKey, names, optional_str, read_constraint};
use super::index::{Index, column_index_name, read_index};
use super::quote::{ident, qualified, string_literal};
use super::unknown::{Eval, UNSUPPORTED_KEYWORD, unexpected, unknown};
use super::value::Value;

/// `op.create_table(name, *columns_and_constraints, **kw)`. `created_types`: the enum types
/// created earlier in the same function; Alembic's implementation remembers them for its
/// whole run and creates each only once.
pub fn create_table(args: &[Value], kwargs: &[(String, Value)], created_types: &mut Vec<String>) -> Eval<Vec<String>> {
    let name = optional_str(args.first(), "a table name")?.ok_or_else(|| unknown("create_table()", "no table name"))?;
    let mut schema = None;
    let mut comment = None;
    let mut if_not_exists = false;
    let mut prefixes = Vec::new();
    for (key, value) in kwargs {
        match key.as_str() {
            "schema" => schema = optional_str(Some(value), "a schema")?,
            "comment" => comment = optional_str(Some(value), "a comment")?,
            "if_not_exists" => if_not_exists = value.truthy().unwrap_or(false),
            "prefixes" => prefixes = names(Some(value), "a table prefix")?,
            "info" | "keep_existing" | "extend_existing" | "postgresql_ignore_search_path" => {}
            "postgresql_inherits"
            | "postgresql_partition_by"
            | "postgresql_using"
            | "postgresql_on_commit"
            | "postgresql_tablespace" => {}
            other => return Err(unknown(format!("create_table({other}=...)"), UNSUPPORTED_KEYWORD)),
        }
    }
    let options = table_options(kwargs)?;
    let mut columns = Vec::new();
    let mut constraints = Vec::new();
    let mut indexes = Vec::new();
    for element in args.get(1..).unwrap_or_default() {
        let Some(object) = element.as_object() else { return Err(unexpected(element, "a table element")) };
        match object.name() {
            "Column" => {
                let mut column = read_column(element)?;
                column.sql_type = column.sql_type.in_table_schema(schema.as_deref());
                columns.push(column);
            }
            "Index" => {
                let index_name = optional_str(object.args.first(), "an index name")?;
                let expressions = object.args.get(1..).unwrap_or_default();
                let index_name = match index_name {
                    Some(index_name) => index_name,
                    None => match expressions.first() {
                        Some(Value::Str(column)) => column_index_name(schema.as_deref(), &name, column),
                        _ => return Err(unknown("Index(None, ...)", "an unnamed index on an expression")),
                    },
                };
                indexes.push(read_index(
                    "Index",
                    index_name,
                    name.clone(),
                    schema.clone(),
                    expressions,
                    &object.kwargs,
                )?);
            }
            _ => constraints.push(read_constraint(object)?),
        }
    }
    let mut statements = create_enum_types(&columns, created_types);
    let explicit_key = constraints.iter().find_map(|constraint| match constraint {
        Constraint::PrimaryKey { name, columns } => Some((name.clone(), columns.clone())),
        _ => None,
    });
    let (key_name, key_columns) = explicit_key
        .unwrap_or_else(|| (None, columns.iter().filter(|c| c.primary_key).map(|c| c.name.clone()).collect()));
    // A key column a table-level ForeignKeyConstraint refers from is not SERIAL either.
    let serial = serial_column(&columns, &key_columns).filter(|&i| {
        columns[i].forced_autoincrement()
            || !constraints
                .iter()
                .any(|c| matches!(c, Constraint::ForeignKey(fk) if fk.columns.contains(&columns[i].name)))
    });
    let mut body: Vec<String> = columns.iter().enumerate().map(|(i, c)| c.specification(serial == Some(i))).collect();
    if !key_columns.is_empty() {
        body.push(Constraint::PrimaryKey { name: key_name, columns: key_columns }.sql());
    }
    // SQLAlchemy orders constraints by creation: the table's arguments were built before
    // the constraints each column implies (its unique=True, then its ForeignKeys).
    let in_body = |c: &&Constraint| match c {
        Constraint::PrimaryKey { .. } => false,
        Constraint::ForeignKey(fk) => !fk.use_alter,
        _ => true,
    };
    body.extend(constraints.iter().filter(in_body).map(Constraint::sql));
    for column in &columns {
        if column.unique && !column.index {
            body.push(column_unique(column).sql());
        }
        body.extend(column.foreign_keys.iter().filter(|fk| !fk.use_alter).map(ForeignKey::sql));
    }
    let table = qualified(schema.as_deref(), &name);
    let exists = if if_not_exists { "IF NOT EXISTS " } else { "" };
    let prefixes: String = prefixes.iter().map(|prefix| format!("{prefix} ")).collect();
    statements.push(format!("CREATE {prefixes}TABLE {exists}{table} (\n    {}\n){options}", body.join(", \n    ")));
    for column in columns.iter().filter(|c| c.index) {
        statements.push(column_index(column, &name, schema.as_deref()).create_sql());
    }
    statements.extend(indexes.iter().map(Index::create_sql));
    if let Some(comment) = comment {
        statements.push(format!("COMMENT ON TABLE {table} IS {}", string_literal(&comment)));
    }
    for column in &columns {
        if let Some(comment) = &column.comment {
            statements.push(column_comment(&table, &column.name, Some(comment)));
        }
    }
    Ok(statements)
}

/// The PostgreSQL options written after the column list, in SQLAlchemy's order.
fn table_options(kwargs: &[(String, Value)]) -> Eval<String> {
    const OPTIONS: [&str; 5] = [
        "postgresql_inherits",
        "postgresql_partition_by",
        "postgresql_using",
        "postgresql_on_commit",
        "postgresql_tablespace",
    ];
    let mut sql = String::new();
    for option in OPTIONS {
        let text = match kwargs.iter().find(|(key, _)| key == option).map(|(_, value)| value) {
            None | Some(Value::None) => continue,
            Some(Value::Str(text)) if option == "postgresql_inherits" => ident(text),
            Some(value @ Value::List(_)) if option == "postgresql_inherits" => {
                names(Some(value), "a parent table")?.iter().map(|name| ident(name)).collect::<Vec<_>>().join(", ")
            }
            Some(Value::Str(text)) => text.clone(),
            Some(other) => return Err(unexpected(other, "a table option")),
        };
        sql.push_str(&match option {
            "postgresql_inherits" => format!("\n INHERITS ({text})"),
            "postgresql_partition_by" => format!("\n PARTITION BY {text}"),
            "postgresql_using" => format!("\n USING {text}"),
            "postgresql_on_commit" => format!("\n ON COMMIT {}", text.replace('_', " ").to_uppercase()),
            _ => format!("\n TABLESPACE {}", ident(&text)),
        });
    }
    Ok(sql)
}

/// `CREATE TYPE ... AS ENUM` for each native enum a new table's columns name, once each.
fn create_enum_types(columns: &[Column], created_types: &mut Vec<String>) -> Vec<String> {
    let mut statements = Vec::new();
    for enum_type in columns.iter().filter_map(|c| c.sql_type.enum_type.as_ref()).filter(|e| e.create) {
        let name = enum_type.qualified_name();
        if !created_types.contains(&name) {
            created_types.push(name);
            statements.push(enum_type.create_sql());
        }
    }
    statements
}

fn column_unique(column: &Column) -> Constraint {
    Constraint::Unique {
        name: None,
        columns: vec![column.name.clone()],
        deferrable: None,
        initially: None,
        nulls_not_distinct: None,
    }
}

fn column_index(column: &Column, table: &str, schema: Option<&str>) -> Index {
    Index {
        name: column_index_name(schema, table, &column.name),
        table: table.to_owned(),
        schema: schema.map(str::to_owned),
        expressions: vec![(ident(&column.name), Some(column.name.clone()))],
        unique: column.unique,
        ..Index::default()
    }
}

pub fn column_comment(table_sql: &str, column: &str, comment: Option<&str>) -> String {
    let comment = comment.map_or("NULL".to_owned(), string_literal);
    format!("COMMENT ON COLUMN {table_sql}.{} IS {comment}", ident(column))
}

/// `op.add_column(table, column, schema=...)`: the column, then its foreign keys, unique
/// constraint, index and comment as separate statements (Alembic's order).
pub fn add_column(args: &[Value], kwargs: &[(String, Value)]) -> Eval<Vec<String>> {
    let name = optional_str(args.first(), "a table name")?.ok_or_else(|| unknown("add_column()", "no table name"))?;
    let mut column = read_column(args.get(1).unwrap_or(&Value::None))?;
    let mut schema = None;
    let mut if_not_exists = false;
    for (key, value) in kwargs {
        match key.as_str() {
            "schema" => schema = optional_str(Some(value), "a schema")?,
            "if_not_exists" => if_not_exists = value.truthy().unwrap_or(false),
            "insert_before" | "insert_after" => {}
            other => return Err(unknown(format!("add_column({other}=...)"), UNSUPPORTED_KEYWORD)),
        }
    }
    column.sql_type = column.sql_type.in_table_schema(schema.as_deref());
    let table = qualified(schema.as_deref(), &name);
    let serial = column.primary_key && column.may_be_serial();
    let exists = if if_not_exists { "IF NOT EXISTS " } else { "" };
    let mut statements = vec![format!("ALTER TABLE {table} ADD COLUMN {exists}{}", column.specification(serial))];
    for fk in &column.foreign_keys {
        statements.push(format!("ALTER TABLE {table} ADD {}", fk.sql()));
    }
    if column.unique && !column.index {
        statements.push(format!("ALTER TABLE {table} ADD {}", column_unique(&column).sql()));
    }
    if column.index {
        statements.push(column_index(&column, &name, schema.as_deref()).create_sql());
    }
    if let Some(comment) = &column.comment {
        statements.push(column_comment(&table, &column.name, Some(comment)));
    }
    Ok(statements)
}
