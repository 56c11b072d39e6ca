//! Generated linear histories of everyday DDL (tables, columns, types, defaults, constraints,
//! indexes, enums, sequences, comments, renames and drops; CREATE TABLE AS, views and cascading
//! drops, triggers and their functions, statistics, extensions), written as revision files:
//! the schema model is checked against what PostgreSQL makes of them.

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

#[derive(Clone, Default)]
struct Table {
    name: String,
    columns: Vec<Column>,
    /// Constraints and indexes this generator named, so it can drop them later.
    constraints: Vec<String>,
    indexes: Vec<String>,
    /// Its primary key constraint (and index), when it has one.
    primary_key: Option<String>,
    /// Statistics on it: name and columns.
    statistics: Vec<(String, Vec<String>)>,
    /// Its triggers: the function each executes and the columns it names (UPDATE OF, WHEN),
    /// whose type PostgreSQL then refuses to change.
    triggers: Vec<(String, Vec<String>)>,
}

/// A view over a table's columns, or over another view (`SELECT *`).
#[derive(Clone)]
struct View {
    name: String,
    table: String,
    columns: Vec<String>,
    over: Option<String>,
    /// A column of another table it joins, often named as one of `table`'s it does not read
    /// (a DROP COLUMN … CASCADE of that one must leave the view).
    joined: Option<(String, String)>,
}

impl View {
    fn reads(&self, table: &str, column: &str) -> bool {
        (self.table == table && self.columns.iter().any(|c| c == column))
            || self.joined.as_ref().is_some_and(|(t, c)| t == table && c == column)
    }

    fn is_over(&self, table: &str) -> bool {
        self.table == table || self.joined.as_ref().is_some_and(|(t, _)| t == table)
    }
}

/// What the generator knows it made (just enough to write valid next statements).
#[derive(Default)]
struct State {
    tables: Vec<Table>,
    enums: Vec<(String, Vec<String>)>,
    views: Vec<View>,
    /// Functions: name, and whether it is a trigger function.
    functions: Vec<(String, bool)>,
    extensions: Vec<&'static str>,
    counter: usize,
}

impl State {
    /// Whether views or triggers use the column (PostgreSQL then refuses to change its type,
    /// and the model does not follow renames into view queries).
    fn pinned(&self, table: &Table, column: &str) -> bool {
        self.views.iter().any(|v| v.reads(&table.name, column))
            || table.triggers.iter().any(|(_, columns)| columns.iter().any(|c| c == column))
    }

    fn has_views(&self, table: &str) -> bool {
        self.views.iter().any(|v| v.is_over(table))
    }

    /// A view is dropped (with CASCADE): the views over it go too.
    fn forget_view(&mut self, name: &str) {
        let over: Vec<String> =
            self.views.iter().filter(|v| v.over.as_deref() == Some(name)).map(|v| v.name.clone()).collect();
        self.views.retain(|v| v.name != name);
        for view in over {
            self.forget_view(&view);
        }
    }

    /// A column is dropped with CASCADE: what uses it goes too.
    fn forget_column(&mut self, table_at: usize, column: &str) {
        let table = &mut self.tables[table_at];
        table.columns.retain(|c| c.name != column);
        table.statistics.retain(|(_, columns)| !columns.iter().any(|c| c == column));
        table.triggers.retain(|(_, columns)| !columns.iter().any(|c| c == column));
        let name = table.name.clone();
        let views: Vec<String> =
            self.views.iter().filter(|v| v.over.is_none() && v.reads(&name, column)).map(|v| v.name.clone()).collect();
        for view in views {
            self.forget_view(&view);
        }
    }

    fn forget_table(&mut self, table_at: usize) -> Table {
        let table = self.tables.remove(table_at);
        let views: Vec<String> = self.views.iter().filter(|v| v.is_over(&table.name)).map(|v| v.name.clone()).collect();
        for view in views {
            self.forget_view(&view);
        }
        table
    }
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
    match random.below(34) {
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
            // A DO block runs its statements as written outside it.
            if random.chance(25) { format!("DO $$ BEGIN {sql} END $$;") } else { sql }
        }
        6 => {
            let table = &mut state.tables[table_at];
            if table.columns.len() < 2 {
                return format!("COMMENT ON TABLE {} IS 'holds {}';", table.name, table.name);
            }
            let at = 1 + random.below(table.columns.len() - 1);
            let column = table.columns[at].clone();
            let sql = format!("ALTER TABLE {} DROP COLUMN {} CASCADE;", table.name, column.name);
            state.forget_column(table_at, &column.name);
            sql
        }
        7 => {
            let new_name = state.fresh("col");
            let table = &state.tables[table_at];
            let at = random.below(table.columns.len());
            let column = &table.columns[at].name.clone();
            if state.views.iter().any(|v| v.reads(&table.name, column)) {
                return format!("COMMENT ON COLUMN {}.{column} IS 'seen by a view';", table.name);
            }
            for (_, columns) in &mut state.tables[table_at].triggers {
                for name in columns.iter_mut().filter(|c| *c == column) {
                    *name = new_name.clone();
                }
            }
            for (_, columns) in &mut state.tables[table_at].statistics {
                for name in columns.iter_mut().filter(|c| *c == column) {
                    *name = new_name.clone();
                }
            }
            let table = &mut state.tables[table_at];
            let column = &mut table.columns[at];
            let sql = format!("ALTER TABLE {} RENAME COLUMN {} TO {new_name};", table.name, column.name);
            column.name = new_name;
            sql
        }
        8 => {
            let new_name = state.fresh("tab");
            if state.has_views(&state.tables[table_at].name) {
                return format!("COMMENT ON TABLE {} IS 'read by views';", state.tables[table_at].name);
            }
            let table = &mut state.tables[table_at];
            let sql = format!("ALTER TABLE {} RENAME TO {new_name};", table.name);
            table.name = new_name;
            sql
        }
        9 => {
            let at = random.below(state.tables[table_at].columns.len());
            let pinned = state.pinned(&state.tables[table_at], &state.tables[table_at].columns[at].name);
            let table = &mut state.tables[table_at];
            let column = &mut table.columns[at];
            if pinned {
                return format!("COMMENT ON COLUMN {}.{} IS 'in use';", table.name, column.name);
            }
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
            if named && random.chance(40) {
                // Added only if no constraint of that name exists yet (sometimes one does).
                let name = match table.constraints.last().filter(|_| random.chance(50)) {
                    Some(existing) => existing.clone(),
                    None => {
                        table.constraints.push(name.clone());
                        name
                    }
                };
                format!(
                    "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = '{name}') THEN \
                     ALTER TABLE {} ADD CONSTRAINT {name} CHECK ({column} >= 0); END IF; END $$;",
                    table.name
                )
            } else if named {
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
        19 => create_table_as(random, state, table_at),
        20 => {
            let new_name = state.fresh("pk");
            let table = &mut state.tables[table_at];
            let Some(key) = table.primary_key.as_mut().map(|key| std::mem::replace(key, new_name.clone())) else {
                return format!("COMMENT ON TABLE {} IS 'no key';", table.name);
            };
            if random.chance(50) {
                format!("ALTER INDEX {key} RENAME TO {new_name};")
            } else {
                format!("ALTER TABLE {} RENAME CONSTRAINT {key} TO {new_name};", table.name)
            }
        }
        21 | 22 => create_trigger(random, state, table_at),
        23 => match (!state.functions.is_empty()).then(|| random.below(state.functions.len())) {
            Some(at) => {
                let new_name = state.fresh("fn");
                let old = std::mem::replace(&mut state.functions[at].0, new_name.clone());
                for table in &mut state.tables {
                    for (function, _) in &mut table.triggers {
                        if *function == old {
                            *function = new_name.clone();
                        }
                    }
                }
                format!("ALTER FUNCTION {old} RENAME TO {new_name};")
            }
            None => create_function(random, state),
        },
        24 => match state.functions.pop() {
            Some((name, _)) => {
                for table in &mut state.tables {
                    table.triggers.retain(|(function, _)| *function != name);
                }
                format!("DROP FUNCTION {name} CASCADE;")
            }
            None => create_function(random, state),
        },
        25 if !state.enums.is_empty() => {
            let new_label = state.fresh("ren");
            let at = random.below(state.enums.len());
            let (name, labels) = &mut state.enums[at];
            // Values added in this same revision may not be renamed yet: only older ones.
            match labels.iter_mut().find(|l| !l.starts_with("extra")) {
                Some(label) => {
                    let old = std::mem::replace(label, new_label.clone());
                    format!("ALTER TYPE {name} RENAME VALUE '{old}' TO '{new_label}';")
                }
                None => format!("COMMENT ON TYPE {name} IS 'labels';"),
            }
        }
        26 if state.enums.len() > 1 => {
            let at = random.below(state.enums.len());
            let name = state.enums[at].0.clone();
            // A table left without columns would stop the generator: keep such types.
            if state.tables.iter().any(|t| t.columns.iter().all(|c| c.sql_type == name)) {
                return format!("COMMENT ON TYPE {name} IS 'in use';");
            }
            state.enums.remove(at);
            for at in 0..state.tables.len() {
                let columns: Vec<String> =
                    state.tables[at].columns.iter().filter(|c| c.sql_type == name).map(|c| c.name.clone()).collect();
                for column in columns {
                    state.forget_column(at, &column);
                }
            }
            format!("DROP TYPE {name} CASCADE;")
        }
        27 => create_view(random, state, table_at),
        28 => match state.views.last().map(|v| v.name.clone()) {
            Some(view) => {
                state.forget_view(&view);
                format!("DROP VIEW {view} CASCADE;")
            }
            None => create_view(random, state, table_at),
        },
        29 | 33 => create_statistics(random, state, table_at),
        30 => {
            let extension = *random.pick(&["pg_trgm", "citext", "hstore"]);
            if !state.extensions.contains(&extension) {
                state.extensions.push(extension);
            }
            format!("CREATE EXTENSION IF NOT EXISTS {extension};")
        }
        31 | 32 => special_index(random, state, table_at),
        _ if state.tables.len() > 3 => {
            let table = state.forget_table(table_at);
            format!("DROP TABLE {} CASCADE;", table.name)
        }
        _ => create_table(random, state),
    }
}

/// CREATE TABLE … AS / SELECT … INTO over a table (or a view): columns the model can type.
fn create_table_as(random: &mut Random, state: &mut State, table_at: usize) -> String {
    let name = state.fresh("tab");
    let source = state.tables[table_at].clone();
    let picked: Vec<Column> = source.columns.iter().filter(|_| random.chance(60)).cloned().collect();
    let mut items: Vec<String> = Vec::new();
    let mut columns: Vec<Column> = Vec::new();
    for column in &picked {
        if random.chance(30) {
            let alias = state.fresh("col");
            items.push(format!("s.{} AS {alias}", column.name));
            columns.push(Column { name: alias, sql_type: column.sql_type.clone() });
        } else {
            items.push(format!("s.{}", column.name));
            columns.push(column.clone());
        }
    }
    for (expression, sql_type) in [
        ("now()", "timestamptz"),
        ("count(*) OVER ()", "bigint"),
        ("'x'::text", "text"),
        ("s.{first}::text", "text"),
        ("current_date", "date"),
        ("1", "integer"),
    ] {
        if random.chance(25) {
            let alias = state.fresh("col");
            let expression = expression.replace("{first}", &source.columns[0].name);
            items.push(format!("{expression} AS {alias}"));
            columns.push(Column { name: alias, sql_type: sql_type.into() });
        }
    }
    if items.is_empty() {
        items.push(format!("s.{}", source.columns[0].name));
        columns.push(source.columns[0].clone());
    }
    let from = format!("{} s", source.name);
    let sql = match random.below(4) {
        0 => format!("SELECT {} INTO {name} FROM {from};", items.join(", ")),
        1 => {
            // An explicit column list renames the first columns.
            let renamed = state.fresh("col");
            columns[0].name = renamed.clone();
            format!("CREATE TABLE {name} ({renamed}) AS SELECT {} FROM {from} WITH NO DATA;", items.join(", "))
        }
        _ => format!("CREATE TABLE {name} AS SELECT {} FROM {from};", items.join(", ")),
    };
    // Columns named twice would make PostgreSQL refuse the table: keep the first of each.
    let mut seen = std::collections::BTreeSet::new();
    if !columns.iter().all(|c| seen.insert(c.name.clone())) {
        return format!("COMMENT ON TABLE {} IS 'copy skipped';", source.name);
    }
    state.tables.push(Table { name, columns, ..Table::default() });
    sql
}

fn create_function(random: &mut Random, state: &mut State) -> String {
    let name = state.fresh("fn");
    let trigger = random.chance(60);
    state.functions.push((name.clone(), trigger));
    if trigger {
        return format!("CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NULL; END$$;");
    }
    match random.below(3) {
        0 => format!(
            "CREATE FUNCTION {name}() RETURNS TABLE(id bigint, label text) LANGUAGE sql AS $$ SELECT 1::bigint, 'x'::text $$;"
        ),
        1 => {
            format!("CREATE FUNCTION {name}(a integer, OUT b integer, OUT c text) LANGUAGE sql AS $$ SELECT a, 'x' $$;")
        }
        _ => format!("CREATE FUNCTION {name}(OUT b integer) RETURNS SETOF integer LANGUAGE sql AS $$ SELECT 1 $$;"),
    }
}

/// A trigger with a random mix of events, UPDATE OF, WHEN, REFERENCING and CONSTRAINT.
fn create_trigger(random: &mut Random, state: &mut State, table_at: usize) -> String {
    let Some(function) = state.functions.iter().filter(|(_, trigger)| *trigger).map(|(n, _)| n.clone()).next_back()
    else {
        return create_function(random, state);
    };
    let name = state.fresh("trg");
    let table = &state.tables[table_at];
    let column = random.pick(&table.columns).name.clone();
    let (sql, columns) = match random.below(5) {
        0 => (
            format!(
                "CREATE TRIGGER {name} BEFORE INSERT OR UPDATE ON {} FOR EACH ROW EXECUTE FUNCTION {function}();",
                table.name
            ),
            vec![],
        ),
        1 => (
            format!(
                "CREATE TRIGGER {name} AFTER UPDATE OF {column} ON {} FOR EACH ROW WHEN (OLD.{column} IS DISTINCT FROM NEW.{column}) EXECUTE FUNCTION {function}('{column}');",
                table.name
            ),
            vec![column],
        ),
        2 => (
            format!(
                "CREATE TRIGGER {name} AFTER INSERT ON {} REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION {function}();",
                table.name
            ),
            vec![],
        ),
        3 => (
            format!(
                "CREATE CONSTRAINT TRIGGER {name} AFTER INSERT OR DELETE ON {} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {function}();",
                table.name
            ),
            vec![],
        ),
        _ => (
            format!(
                "CREATE TRIGGER {name} AFTER TRUNCATE ON {} FOR EACH STATEMENT EXECUTE FUNCTION {function}();",
                table.name
            ),
            vec![],
        ),
    };
    state.tables[table_at].triggers.push((function, columns));
    if random.chance(20) {
        let renamed = state.fresh("trg");
        return format!("{sql}\nALTER TRIGGER {name} ON {} RENAME TO {renamed};", state.tables[table_at].name);
    }
    sql
}

/// A view over some of a table's columns, or over another view.
fn create_view(random: &mut Random, state: &mut State, table_at: usize) -> String {
    let name = state.fresh("view");
    if let Some(base) = state.views.last().cloned().filter(|_| random.chance(30)) {
        let sql = format!("CREATE VIEW {name} AS SELECT * FROM {};", base.name);
        state.views.push(View { over: Some(base.name.clone()), name, ..base });
        return sql;
    }
    let table = &state.tables[table_at];
    let columns: Vec<String> = table.columns.iter().filter(|_| random.chance(50)).map(|c| c.name.clone()).collect();
    let columns = if columns.is_empty() { vec![table.columns[0].name.clone()] } else { columns };
    // Preferably a table with a column named as one of this table's but its first (a copy
    // made by CREATE TABLE … AS), so that column may later be dropped with CASCADE.
    let shares = |t: &Table| t.columns.iter().any(|c| table.columns[1..].iter().any(|o| o.name == c.name));
    let others = state.tables.iter().filter(|t| t.name != table.name);
    let other = others.clone().find(|t| shares(t)).or_else(|| others.clone().next()).filter(|_| random.chance(40));
    let Some(other) = other else {
        let sql = format!("CREATE VIEW {name} AS SELECT {} FROM {};", columns.join(", "), table.name);
        state.views.push(View { name, table: table.name.clone(), columns, over: None, joined: None });
        return sql;
    };
    // That column, each named with its table.
    let shared = other.columns.iter().find(|c| table.columns[1..].iter().any(|t| t.name == c.name));
    let joined = shared.unwrap_or(&other.columns[0]).name.clone();
    let (table_name, other_name) = (table.name.clone(), other.name.clone());
    let own: Vec<String> = columns.iter().map(|c| format!("{table_name}.{c}")).collect();
    let sql = format!(
        "CREATE VIEW {name} AS SELECT {}, {other_name}.{joined} AS {name}_joined FROM {table_name} JOIN {other_name} ON true;",
        own.join(", ")
    );
    state.views.push(View { name, table: table_name, columns, over: None, joined: Some((other_name, joined)) });
    sql
}

fn create_statistics(random: &mut Random, state: &mut State, table_at: usize) -> String {
    let table = &state.tables[table_at];
    if table.columns.len() < 2 {
        return format!("COMMENT ON TABLE {} IS 'narrow';", table.name);
    }
    if let Some((name, _)) = table.statistics.first().cloned().filter(|_| random.chance(60)) {
        let table = &mut state.tables[table_at];
        if random.chance(40) {
            table.statistics.remove(0);
            return format!("DROP STATISTICS {name};");
        }
        let new_name = format!("{name}_r");
        table.statistics[0].0 = new_name.clone();
        return format!("ALTER STATISTICS {name} RENAME TO {new_name};");
    }
    let (a, b) = (table.columns[0].name.clone(), table.columns[table.columns.len() - 1].name.clone());
    let kinds = *random.pick(&["", " (ndistinct)", " (dependencies, mcv)", " (ndistinct, dependencies, mcv)"]);
    let name = state.fresh("stat");
    state.tables[table_at].statistics.push((name.clone(), vec![a.clone(), b.clone()]));
    format!("CREATE STATISTICS {name}{kinds} ON {a}, {b} FROM {};", state.tables[table_at].name)
}

/// An index with what `pg_get_indexdef` prints beyond keys: operator classes, INCLUDE,
/// NULLS NOT DISTINCT, storage parameters, collation, expression keys.
fn special_index(random: &mut Random, state: &mut State, table_at: usize) -> String {
    let name = state.fresh("idx");
    let trigram = state.extensions.contains(&"pg_trgm");
    let table = &mut state.tables[table_at];
    let text = table
        .columns
        .iter()
        .find(|c| ["text", "varchar(40)", "varchar(200)"].contains(&c.sql_type.as_str()))
        .map(|c| c.name.clone());
    let first = table.columns[0].name.clone();
    let last = table.columns[table.columns.len() - 1].name.clone();
    // Casts to text of these are immutable, as index expressions must be; brin has classes for them.
    let plain = ["integer", "bigint", "smallint", "text", "varchar(40)", "varchar(200)", "char(3)"];
    let integer =
        table.columns.iter().find(|c| ["integer", "bigint"].contains(&c.sql_type.as_str())).map(|c| c.name.clone());
    let hashable = table.columns.iter().find(|c| plain.contains(&c.sql_type.as_str())).map(|c| c.name.clone());
    table.indexes.push(name.clone());
    match (random.below(5), text) {
        (0 | 4, Some(text)) if trigram => {
            format!("CREATE INDEX {name} ON {} USING gin ({text} gin_trgm_ops);", table.name)
        }
        (1, Some(text)) => format!(
            "CREATE INDEX {name} ON {} ({text} COLLATE \"C\" text_pattern_ops DESC NULLS LAST) WITH (fillfactor = 70);",
            table.name
        ),
        (2, _) => {
            format!("CREATE UNIQUE INDEX {name} ON {} ({first}) INCLUDE ({last}) NULLS NOT DISTINCT;", table.name)
        }
        (3, _) if integer.is_some() => format!(
            "CREATE INDEX {name} ON {} USING brin ({}) WITH (pages_per_range = 4);\nALTER INDEX {name} SET (pages_per_range = 8);",
            table.name,
            integer.unwrap_or_default()
        ),
        _ => match hashable {
            Some(column) => format!("CREATE INDEX {name} ON {} (({first} IS NULL), md5({column}::text));", table.name),
            None => format!("CREATE INDEX {name} ON {} (({first} IS NULL));", table.name),
        },
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
        .filter(|t| {
            t.primary_key.is_some() && t.columns.first().is_some_and(|c| c.name == "id" && c.sql_type == "bigint")
        })
        .map(|t| t.name.clone())
        .collect();
    let mut after = String::new();
    if !targets.is_empty() && random.chance(60) {
        let target = random.pick(&targets).clone();
        let action = random.pick(&["", " ON DELETE CASCADE", " ON DELETE SET NULL", " ON UPDATE RESTRICT"]);
        let deferrable = random.pick(&["", " DEFERRABLE", " DEFERRABLE INITIALLY DEFERRED"]);
        definitions.push(format!("{target}_id bigint REFERENCES {target}{action}{deferrable}"));
        columns.push(Column { name: format!("{target}_id"), sql_type: "bigint".into() });
        if random.chance(40) {
            let change =
                random.pick(&["DEFERRABLE INITIALLY DEFERRED", "NOT DEFERRABLE", "DEFERRABLE INITIALLY IMMEDIATE"]);
            after = format!("\nALTER TABLE {name} ALTER CONSTRAINT {name}_{target}_id_fkey {change};");
        }
    }
    if identity.0.ends_with("NOT NULL") {
        definitions.push("PRIMARY KEY (id)".into());
    }
    if random.chance(30) && columns.len() > 2 {
        definitions.push(format!("UNIQUE ({}, {})", columns[1].name, columns[2].name));
    }
    let primary_key = Some(format!("{name}_pkey"));
    state.tables.push(Table { name: name.clone(), columns, primary_key, ..Table::default() });
    format!("CREATE TABLE {name} (\n    {}\n);{after}", definitions.join(",\n    "))
}

/// A column definition with random nullability, default and inline constraint.
fn new_column(random: &mut Random, state: &mut State) -> (Column, String) {
    let name = state.fresh("col");
    let (sql_type, default) = if !state.enums.is_empty() && random.chance(15) {
        let (kind, labels) = random.pick(&state.enums).clone();
        (kind, format!("'{}'", labels[0]))
    } else if let Some(extension) =
        state.extensions.iter().find(|e| ["citext", "hstore"].contains(e)).filter(|_| random.chance(20))
    {
        (extension.to_string(), "''".to_string())
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
