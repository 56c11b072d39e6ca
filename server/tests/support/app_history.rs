//! Generated histories in the style of real application projects: tables with foreign keys and
//! their indexes, plpgsql functions and the triggers that call them, views over joins, data
//! migrations (UPDATE, INSERT … SELECT), enums and their new values, CHECK constraints added
//! NOT VALID then validated, comments; each revision with a downgrade that undoes it, as
//! `strata revision` files written by people.

use super::ddl_history::Random;
use std::path::Path;

/// What the history made so far: tables (with their text columns) and enums.
#[derive(Default)]
struct Made {
    tables: Vec<(String, Vec<String>)>,
    enums: Vec<(String, usize)>,
    counter: usize,
}

/// One revision: its message, upgrade and downgrade, and whether it runs outside a transaction.
struct Change {
    message: String,
    upgrade: String,
    downgrade: String,
    transactional: bool,
}

impl Change {
    fn new(message: String, upgrade: String, downgrade: String) -> Self {
        Self { message, upgrade, downgrade, transactional: true }
    }
}

const NOUNS: [&str; 12] = [
    "account", "invoice", "order", "product", "shipment", "customer", "payment", "ticket", "report", "team", "plan",
    "event",
];

/// Writes `revisions` revision files into `dir/versions` (one line of history).
pub fn write(dir: &Path, seed: u64, revisions: usize) {
    let versions = dir.join("versions");
    std::fs::create_dir_all(&versions).unwrap();
    let mut random = Random::new(seed);
    let mut made = Made::default();
    for number in 1..=revisions {
        let change = change(&mut random, &mut made);
        let revises = if number == 1 { String::new() } else { format!("-- revises: a{:04}\n", number - 1) };
        let transactional = if change.transactional { "" } else { "-- transactional: false\n" };
        let text = format!(
            "-- revision: a{number:04}\n{revises}-- message: {}\n{transactional}-- strata:upgrade\n{}\n-- strata:downgrade\n{}\n",
            change.message, change.upgrade, change.downgrade
        );
        std::fs::write(versions.join(format!("a{number:04}_{}.sql", slug(&change.message))), text).unwrap();
    }
}

fn slug(message: &str) -> String {
    message.split_whitespace().take(4).collect::<Vec<_>>().join("_").replace(|c: char| !c.is_alphanumeric(), "_")
}

fn change(random: &mut Random, made: &mut Made) -> Change {
    if made.tables.len() < 3 {
        return create_table(random, made);
    }
    match random.below(10) {
        0 | 1 => create_table(random, made),
        2 => add_columns(random, made),
        3 => touch_trigger(random, made),
        4 => view(random, made),
        5 => data_migration(random, made),
        6 => enum_column(random, made),
        7 if !made.enums.is_empty() => enum_value(random, made),
        8 => check_constraint(random, made),
        _ => concurrent_index(random, made),
    }
}

fn create_table(random: &mut Random, made: &mut Made) -> Change {
    made.counter += 1;
    let name = format!("{}_{}", random.pick(&NOUNS), made.counter);
    let mut columns = vec![
        "id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY".to_owned(),
        "name text NOT NULL".to_owned(),
        "notes text".to_owned(),
        "amount numeric(12,2) NOT NULL DEFAULT 0".to_owned(),
        "created_at timestamptz NOT NULL DEFAULT now()".to_owned(),
        "updated_at timestamptz NOT NULL DEFAULT now()".to_owned(),
    ];
    let mut extra = String::new();
    if !made.tables.is_empty() {
        let parent = made.tables[random.below(made.tables.len())].0.clone();
        columns.push(format!("{parent}_id bigint NOT NULL REFERENCES {parent} (id) ON DELETE CASCADE"));
        extra.push_str(&format!("\nCREATE INDEX {name}_{parent}_id_idx ON {name} ({parent}_id);"));
    }
    let upgrade = format!(
        "CREATE TABLE {name} (\n    {}\n);{extra}\nCREATE UNIQUE INDEX {name}_name_key ON {name} (lower(name));\nCOMMENT ON TABLE {name} IS 'One row per {name}, kept for the application.';",
        columns.join(",\n    ")
    );
    made.tables.push((name.clone(), vec!["name".to_owned(), "notes".to_owned()]));
    Change::new(format!("create {name}"), upgrade, format!("DROP TABLE {name};"))
}

fn pick_table(random: &mut Random, made: &Made) -> (String, Vec<String>) {
    made.tables[random.below(made.tables.len())].clone()
}

fn add_columns(random: &mut Random, made: &mut Made) -> Change {
    let (table, _) = pick_table(random, made);
    made.counter += 1;
    let (a, b) = (format!("label_{}", made.counter), format!("score_{}", made.counter));
    let upgrade = format!(
        "ALTER TABLE {table} ADD COLUMN {a} text;\nALTER TABLE {table} ADD COLUMN {b} integer NOT NULL DEFAULT 0;\nCOMMENT ON COLUMN {table}.{a} IS 'shown in the list view';"
    );
    let downgrade = format!("ALTER TABLE {table} DROP COLUMN {b};\nALTER TABLE {table} DROP COLUMN {a};");
    if let Some(entry) = made.tables.iter_mut().find(|(name, _)| *name == table) {
        entry.1.push(a);
    }
    Change::new(format!("add columns to {table}"), upgrade, downgrade)
}

fn touch_trigger(random: &mut Random, made: &mut Made) -> Change {
    let (table, _) = pick_table(random, made);
    made.counter += 1;
    let function = format!("{table}_touch_{}", made.counter);
    let upgrade = format!(
        "CREATE OR REPLACE FUNCTION {function}() RETURNS trigger\nLANGUAGE plpgsql AS $$\nBEGIN\n    IF NEW.name IS DISTINCT FROM OLD.name THEN\n        NEW.updated_at := now();\n    END IF;\n    IF NEW.amount < 0 THEN\n        RAISE EXCEPTION 'amount of % cannot be negative', NEW.id;\n    END IF;\n    RETURN NEW;\nEND;\n$$;\n\nCREATE TRIGGER {function} BEFORE UPDATE ON {table}\n    FOR EACH ROW EXECUTE FUNCTION {function}();"
    );
    let downgrade = format!("DROP TRIGGER {function} ON {table};\nDROP FUNCTION {function}();");
    Change::new(format!("touch {table} on update"), upgrade, downgrade)
}

fn view(random: &mut Random, made: &mut Made) -> Change {
    let (left, _) = pick_table(random, made);
    let (right, _) = pick_table(random, made);
    made.counter += 1;
    let name = format!("{left}_summary_{}", made.counter);
    let upgrade = format!(
        "CREATE VIEW {name} AS\n    SELECT l.id, l.name, count(r.id) AS related, sum(r.amount) AS total\n    FROM {left} l\n    LEFT JOIN {right} r ON r.name = l.name\n    WHERE l.created_at > now() - interval '90 days'\n    GROUP BY l.id, l.name;\nCOMMENT ON VIEW {name} IS 'for the dashboard';"
    );
    Change::new(format!("summary view of {left}"), upgrade, format!("DROP VIEW {name};"))
}

fn data_migration(random: &mut Random, made: &mut Made) -> Change {
    let (table, columns) = pick_table(random, made);
    let (source, _) = pick_table(random, made);
    let column = random.pick(&columns).clone();
    let upgrade = format!(
        "UPDATE {table} SET {column} = trim({column}), updated_at = now()\n    WHERE {column} <> trim({column});\nINSERT INTO {table} (name, notes, amount)\n    SELECT 'copy of ' || s.name, s.notes, s.amount FROM {source} s\n    WHERE s.amount > 1000 AND NOT EXISTS (SELECT 1 FROM {table} t WHERE t.name = 'copy of ' || s.name);"
    );
    let downgrade = format!("DELETE FROM {table} WHERE name LIKE 'copy of %';");
    Change::new(format!("backfill {table}"), upgrade, downgrade)
}

fn enum_column(random: &mut Random, made: &mut Made) -> Change {
    let (table, _) = pick_table(random, made);
    made.counter += 1;
    let kind = format!("{table}_status_{}", made.counter);
    let column = format!("status_{}", made.counter);
    let upgrade = format!(
        "CREATE TYPE {kind} AS ENUM ('draft', 'active', 'archived');\nALTER TABLE {table} ADD COLUMN {column} {kind} NOT NULL DEFAULT 'draft';\nCREATE INDEX {table}_{column}_idx ON {table} ({column}) WHERE {column} <> 'archived';"
    );
    let downgrade = format!("ALTER TABLE {table} DROP COLUMN {column};\nDROP TYPE {kind};");
    made.enums.push((kind, 3));
    Change::new(format!("status of {table}"), upgrade, downgrade)
}

fn enum_value(random: &mut Random, made: &mut Made) -> Change {
    let at = random.below(made.enums.len());
    let (kind, values) = &mut made.enums[at];
    *values += 1;
    let upgrade = format!("ALTER TYPE {kind} ADD VALUE IF NOT EXISTS 'state_{values}' BEFORE 'archived';");
    // PostgreSQL cannot drop an enum value: the downgrade leaves it, and says so.
    let downgrade = "-- PostgreSQL cannot drop an enum value; it stays.\nSELECT 1;".to_owned();
    Change { message: format!("new value of {kind}"), upgrade, downgrade, transactional: false }
}

fn check_constraint(random: &mut Random, made: &mut Made) -> Change {
    let (table, _) = pick_table(random, made);
    made.counter += 1;
    let name = format!("{table}_amount_check_{}", made.counter);
    let upgrade = format!(
        "ALTER TABLE {table} ADD CONSTRAINT {name} CHECK (amount >= 0) NOT VALID;\nALTER TABLE {table} VALIDATE CONSTRAINT {name};"
    );
    Change::new(
        format!("amounts of {table} are positive"),
        upgrade,
        format!("ALTER TABLE {table} DROP CONSTRAINT {name};"),
    )
}

fn concurrent_index(random: &mut Random, made: &mut Made) -> Change {
    let (table, columns) = pick_table(random, made);
    made.counter += 1;
    let column = random.pick(&columns).clone();
    let name = format!("{table}_{column}_{}_idx", made.counter);
    let upgrade =
        format!("SET lock_timeout = '2s';\nCREATE INDEX CONCURRENTLY {name} ON {table} ({column}, created_at DESC);");
    let downgrade = format!("DROP INDEX CONCURRENTLY {name};");
    Change { message: format!("index {table} by {column}"), upgrade, downgrade, transactional: false }
}
