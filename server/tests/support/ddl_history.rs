//! Generated linear histories of everyday DDL (tables, columns, types, defaults, constraints,
//! indexes, enums, sequences, comments, renames and drops), written as revision files: the
//! schema model is checked against what PostgreSQL makes of them.

use std::path::Path;

/// A small deterministic generator (xorshift), so a failing seed can be replayed.
pub struct Random(u64);

impl Random {
    pub fn new(seed: u64) -> Self {
        Random(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }

    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Column types with a default that suits each; `kind` says what conversions are safe.
const TYPES: [(&str, &str); 11] = [
    ("integer", "0"),
    ("bigint", "1"),
    ("smallint", "2"),
    ("text", "'none'"),
    ("varchar(40)", "'x'"),
    ("numeric(10,2)", "0"),
    ("boolean", "false"),
    ("timestamptz", "now()"),
    ("date", "current_date"),
    ("jsonb", "'{}'"),
    ("char(3)", "'EUR'"),
];

#[derive(Clone)]
struct Column {
    name: String,
    sql_type: String,
}

#[derive(Clone)]
struct Table {
    name: String,
    columns: Vec<Column>,
    /// Constraints and indexes this generator named, so it can drop them later.
    constraints: Vec<String>,
    indexes: Vec<String>,
}

/// What the generator knows it made (just enough to write valid next statements).
#[derive(Default)]
struct State {
    tables: Vec<Table>,
    enums: Vec<(String, Vec<String>)>,
    counter: usize,
}

impl State {
    fn fresh(&mut self, prefix: &str) -> String {
        self.counter += 1;
        format!("{prefix}{}", self.counter)
    }
}

/// Writes `revisions` revision files into `dir/versions` (r001 … rNNN, one line of history).
pub fn write(dir: &Path, seed: u64, revisions: usize) {
    let versions = dir.join("versions");
    std::fs::create_dir_all(&versions).unwrap();
    let mut random = Random::new(seed);
    let mut state = State::default();
    for number in 1..=revisions {
        let statements: Vec<String> = (0..1 + random.below(4)).map(|_| statement(&mut random, &mut state)).collect();
        let revises = if number == 1 { String::new() } else { format!("-- revises: r{:03}\n", number - 1) };
        let text = format!(
            "-- revision: r{number:03}\n{revises}-- message: generated step {number}\n-- strata:upgrade\n{}\n-- strata:downgrade\n",
            statements.join("\n")
        );
        std::fs::write(versions.join(format!("r{number:03}_step.sql")), text).unwrap();
    }
}

fn statement(random: &mut Random, state: &mut State) -> String {
    if state.tables.len() < 2 {
        return create_table(random, state);
    }
    let table_at = random.below(state.tables.len());
    match random.below(19) {
        0 | 1 => create_table(random, state),
        2 => {
            let name = state.fresh("kind");
            let labels: Vec<String> = (0..2 + random.below(3)).map(|i| format!("v{i}")).collect();
            let quoted: Vec<String> = labels.iter().map(|l| format!("'{l}'")).collect();
            state.enums.push((name.clone(), labels));
            format!("CREATE TYPE {name} AS ENUM ({});", quoted.join(", "))
        }
        3 if !state.enums.is_empty() => {
            let at = random.below(state.enums.len());
            let value = state.fresh("extra");
            let (name, labels) = &mut state.enums[at];
            let neighbour = labels[random.below(labels.len())].clone();
            let place = if random.chance(50) { "BEFORE" } else { "AFTER" };
            labels.push(value.clone());
            format!("ALTER TYPE {name} ADD VALUE '{value}' {place} '{neighbour}';")
        }
        4 | 5 => {
            let column = new_column(random, state);
            let table = &mut state.tables[table_at];
            let sql = format!("ALTER TABLE {} ADD COLUMN {};", table.name, column.1);
            table.columns.push(column.0);
            sql
        }
        6 => {
            let table = &mut state.tables[table_at];
            if table.columns.len() < 2 {
                return format!("COMMENT ON TABLE {} IS 'holds {}';", table.name, table.name);
            }
            let at = 1 + random.below(table.columns.len() - 1);
            let column = table.columns.remove(at);
            format!("ALTER TABLE {} DROP COLUMN {} CASCADE;", table.name, column.name)
        }
        7 => {
            let new_name = state.fresh("col");
            let table = &mut state.tables[table_at];
            let at = random.below(table.columns.len());
            let column = &mut table.columns[at];
            let sql = format!("ALTER TABLE {} RENAME COLUMN {} TO {new_name};", table.name, column.name);
            column.name = new_name;
            sql
        }
        8 => {
            let new_name = state.fresh("tab");
            let table = &mut state.tables[table_at];
            let sql = format!("ALTER TABLE {} RENAME TO {new_name};", table.name);
            table.name = new_name;
            sql
        }
        9 => {
            let table = &mut state.tables[table_at];
            let at = random.below(table.columns.len());
            let column = &mut table.columns[at];
            let widened = match column.sql_type.as_str() {
                "smallint" => "integer",
                "integer" => "bigint",
                "varchar(40)" => "text",
                "text" => "varchar(200)",
                "numeric(10,2)" => "numeric(14,4)",
                _ => {
                    return format!(
                        "COMMENT ON COLUMN {}.{} IS 'kept as {}';",
                        table.name, column.name, column.sql_type
                    );
                }
            };
            column.sql_type = widened.to_owned();
            format!("ALTER TABLE {} ALTER COLUMN {} TYPE {widened};", table.name, column.name)
        }
        10 => {
            let table = &state.tables[table_at];
            let Some(column) = pick_plain_column(random, table) else { return create_table(random, state) };
            let change = if random.chance(50) { "SET" } else { "DROP" };
            format!("ALTER TABLE {} ALTER COLUMN {} {change} NOT NULL;", table.name, column.name)
        }
        11 => {
            let table = &state.tables[table_at];
            let Some(column) = pick_plain_column(random, table) else { return create_table(random, state) };
            match TYPES.iter().find(|(t, _)| *t == column.sql_type) {
                Some((_, default)) if random.chance(60) => {
                    format!("ALTER TABLE {} ALTER COLUMN {} SET DEFAULT {default};", table.name, column.name)
                }
                _ => format!("ALTER TABLE {} ALTER COLUMN {} DROP DEFAULT;", table.name, column.name),
            }
        }
        12 => {
            let table = &state.tables[table_at];
            let numeric: Vec<&Column> = table
                .columns
                .iter()
                .filter(|c| ["integer", "bigint", "smallint"].contains(&c.sql_type.as_str()))
                .collect();
            let Some(column) = numeric.first().map(|c| c.name.clone()) else {
                return format!("COMMENT ON TABLE {} IS NULL;", table.name);
            };
            let named = random.chance(50);
            let name = state.fresh("chk");
            let table = &mut state.tables[table_at];
            let valid = if random.chance(30) { " NOT VALID" } else { "" };
            if named {
                table.constraints.push(name.clone());
                format!("ALTER TABLE {} ADD CONSTRAINT {name} CHECK ({column} >= 0){valid};", table.name)
            } else {
                format!("ALTER TABLE {} ADD CHECK ({column} >= 0 AND {column} < 1000000){valid};", table.name)
            }
        }
        13 => {
            let table = &mut state.tables[table_at];
            let column = table.columns[random.below(table.columns.len())].name.clone();
            format!("ALTER TABLE {} ADD UNIQUE ({column});", table.name)
        }
        14 => {
            let name = state.fresh("idx");
            let table = &mut state.tables[table_at];
            let column = table.columns[random.below(table.columns.len())].clone();
            let textual = ["text", "varchar(40)", "varchar(200)", "char(3)"].contains(&column.sql_type.as_str());
            let key =
                if textual && random.chance(50) { format!("lower({})", column.name) } else { column.name.clone() };
            let order = if random.chance(25) { " DESC" } else { "" };
            let predicate =
                if random.chance(30) { format!(" WHERE {} IS NOT NULL", column.name) } else { String::new() };
            if random.chance(50) {
                table.indexes.push(name.clone());
                format!("CREATE INDEX {name} ON {} ({key}{order}){predicate};", table.name)
            } else {
                format!("CREATE INDEX ON {} ({key}{order}){predicate};", table.name)
            }
        }
        15 => {
            let table = &mut state.tables[table_at];
            match table.indexes.pop() {
                Some(index) => format!("DROP INDEX IF EXISTS {index};"),
                None => match table.constraints.pop() {
                    Some(constraint) => format!("ALTER TABLE {} DROP CONSTRAINT IF EXISTS {constraint};", table.name),
                    None => format!("COMMENT ON TABLE {} IS 'no index to drop';", table.name),
                },
            }
        }
        16 => {
            let sequence = state.fresh("seq");
            let table = &state.tables[table_at];
            let column = random.pick(&table.columns);
            format!(
                "CREATE SEQUENCE {sequence} START 10;\nALTER SEQUENCE {sequence} OWNED BY {}.{};",
                table.name, column.name
            )
        }
        17 => {
            let table = &state.tables[table_at];
            let column = random.pick(&table.columns);
            format!("COMMENT ON COLUMN {}.{} IS 'about {}';", table.name, column.name, column.name)
        }
        _ if state.tables.len() > 3 => {
            let table = state.tables.remove(table_at);
            format!("DROP TABLE {} CASCADE;", table.name)
        }
        _ => create_table(random, state),
    }
}

/// A column other than the first (`id`, a key or identity column that refuses some changes).
fn pick_plain_column(random: &mut Random, table: &Table) -> Option<Column> {
    (table.columns.len() > 1).then(|| table.columns[1 + random.below(table.columns.len() - 1)].clone())
}

fn create_table(random: &mut Random, state: &mut State) -> String {
    let name = state.fresh("tab");
    let identity = *random.pick(&[
        ("id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY", "bigint"),
        ("id serial PRIMARY KEY", "integer"),
        ("id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", "bigint"),
        ("id integer NOT NULL", "integer"),
    ]);
    let mut definitions = vec![identity.0.to_owned()];
    let mut columns = vec![Column { name: "id".into(), sql_type: identity.1.into() }];
    for _ in 0..1 + random.below(4) {
        let (column, definition) = new_column(random, state);
        columns.push(column);
        definitions.push(definition);
    }
    // A foreign key to a table whose id is a primary key.
    let targets: Vec<String> = state
        .tables
        .iter()
        .filter(|t| t.columns.first().is_some_and(|c| c.name == "id" && c.sql_type == "bigint"))
        .map(|t| t.name.clone())
        .collect();
    if !targets.is_empty() && random.chance(60) {
        let target = random.pick(&targets).clone();
        let action = random.pick(&["", " ON DELETE CASCADE", " ON DELETE SET NULL", " ON UPDATE RESTRICT"]);
        definitions.push(format!("{target}_id bigint REFERENCES {target}{action}"));
        columns.push(Column { name: format!("{target}_id"), sql_type: "bigint".into() });
    }
    if identity.0.ends_with("NOT NULL") {
        definitions.push("PRIMARY KEY (id)".into());
    }
    if random.chance(30) && columns.len() > 2 {
        definitions.push(format!("UNIQUE ({}, {})", columns[1].name, columns[2].name));
    }
    state.tables.push(Table { name: name.clone(), columns, constraints: Vec::new(), indexes: Vec::new() });
    format!("CREATE TABLE {name} (\n    {}\n);", definitions.join(",\n    "))
}

/// A column definition with random nullability, default and inline constraint.
fn new_column(random: &mut Random, state: &mut State) -> (Column, String) {
    let name = state.fresh("col");
    let (sql_type, default) = if !state.enums.is_empty() && random.chance(15) {
        let (kind, labels) = random.pick(&state.enums).clone();
        (kind, format!("'{}'", labels[0]))
    } else {
        let (t, d) = random.pick(&TYPES);
        (t.to_string(), d.to_string())
    };
    let mut definition = format!("{name} {sql_type}");
    let with_default = random.chance(40);
    if with_default {
        definition.push_str(&format!(" DEFAULT {default}"));
    }
    if with_default && random.chance(50) {
        definition.push_str(" NOT NULL");
    }
    if ["integer", "bigint", "smallint"].contains(&sql_type.as_str()) && random.chance(30) {
        definition.push_str(&format!(" CHECK ({name} > -1)"));
    }
    if random.chance(10) {
        definition.push_str(" UNIQUE");
    }
    (Column { name, sql_type }, definition)
}
