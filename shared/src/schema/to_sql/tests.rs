use super::*;
use crate::revision::SqlSection;
use crate::schema::apply::apply_statement;
use crate::schema::{Origin, QualifiedName, diff};
use crate::sql::parse_section;

/// `sql` replayed on `schema` by the model, each statement required to be modelled.
fn replay_on(mut schema: Schema, revision: &str, sql: &str) -> Schema {
    let parsed = parse_section(&SqlSection::written(sql, 1));
    assert!(parsed.analysis.errors.is_empty(), "{sql}\n{:?}", parsed.analysis.errors);
    for (number, tree) in parsed.trees.iter().enumerate() {
        let origin = Origin { revision: revision.into(), downgrade: false, statement: number as u32, part: 0 };
        let notes = apply_statement(&mut schema, tree.as_ref().expect("parses"), origin);
        assert!(notes.is_empty(), "{sql}\n{notes:?}");
    }
    schema
}

fn model(sql: &str) -> Schema {
    replay_on(Schema::default(), "a", sql)
}

/// The migration from `from` to `to`, checked by replaying it on `from`: the model then
/// has nothing left to differ from `to`.
fn checked(from: &Schema, to: &Schema) -> SchemaMigration {
    let migration = migration(from, to);
    let replayed = replay_on(from.clone(), "generated", &migration.sql());
    let left = diff(to, &replayed);
    assert!(left.is_empty(), "{}\nleft: {left:#?}", migration.sql());
    migration
}

const BASE: &str = "
    CREATE SCHEMA sales;
    CREATE TYPE status AS ENUM ('new', 'paid');
    CREATE TABLE customer (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL);
    CREATE TABLE sales.\"Order\" (
        id serial PRIMARY KEY,
        customer_id bigint REFERENCES customer,
        \"order\" integer,
        state status DEFAULT 'new',
        total numeric(10,2) CHECK (total >= 0),
        note text
    );
    CREATE INDEX order_customer ON sales.\"Order\" (customer_id);
    CREATE VIEW open_orders AS SELECT id, total FROM sales.\"Order\" WHERE state = 'new';
    CREATE VIEW big_open_orders AS SELECT id FROM open_orders WHERE total > 100;
    CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
    CREATE TRIGGER touch_order BEFORE UPDATE ON sales.\"Order\" FOR EACH ROW EXECUTE FUNCTION touch();
    COMMENT ON TABLE customer IS 'who buys';
";

const HOTFIX: &str = "
    CREATE SCHEMA audit;
    CREATE TYPE audit.kind AS ENUM ('insert', 'delete');
    CREATE DOMAIN positive AS integer NOT NULL CHECK (VALUE > 0);
    CREATE TYPE pair AS (a integer, b text);
    CREATE SEQUENCE audit.entry_number;
    CREATE TABLE audit.entry (
        id integer PRIMARY KEY DEFAULT nextval('audit.entry_number'),
        kind audit.kind NOT NULL,
        \"User\" text,
        amount positive,
        customer_id bigint REFERENCES customer ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
    );
    ALTER SEQUENCE audit.entry_number OWNED BY audit.entry.id;
    ALTER TABLE customer ADD COLUMN name varchar(80) NOT NULL DEFAULT '';
    ALTER TABLE customer ADD CONSTRAINT customer_email_key UNIQUE (email);
    ALTER TABLE customer ADD CONSTRAINT email_shape CHECK (email LIKE '%@%') NOT VALID;
    ALTER TABLE sales.\"Order\" ALTER COLUMN total TYPE numeric(14,4);
    ALTER TABLE sales.\"Order\" ALTER COLUMN \"order\" SET NOT NULL;
    ALTER TABLE sales.\"Order\" ALTER COLUMN state DROP DEFAULT;
    ALTER TABLE sales.\"Order\" DROP CONSTRAINT \"Order_customer_id_fkey\";
    ALTER TABLE sales.\"Order\" DROP COLUMN note;
    CREATE UNIQUE INDEX customer_lower_email ON customer (lower(email)) WHERE email IS NOT NULL;
    CREATE INDEX entry_kind ON audit.entry USING hash (kind);
    CREATE MATERIALIZED VIEW audit.daily AS SELECT kind, count(*) AS n FROM audit.entry GROUP BY kind;
    CREATE INDEX daily_kind ON audit.daily (kind);
    CREATE TRIGGER touch_entry BEFORE INSERT OR UPDATE OF kind ON audit.entry FOR EACH ROW EXECUTE FUNCTION touch();
    CREATE STATISTICS audit.entry_stats (ndistinct) ON kind, customer_id FROM audit.entry;
    DROP TRIGGER touch_order ON sales.\"Order\";
    COMMENT ON TABLE customer IS 'who buys from us';
    COMMENT ON COLUMN audit.entry.\"User\" IS 'who did it';
    COMMENT ON VIEW open_orders IS 'not paid yet';
    COMMENT ON INDEX audit.entry_kind IS 'by kind';
    COMMENT ON SCHEMA audit IS 'what happened';
";

#[test]
fn the_same_schema_needs_nothing() {
    let schema = model(BASE);
    assert_eq!(migration(&schema, &schema), SchemaMigration::default());
    let hotfixed = replay_on(model(BASE), "b", HOTFIX);
    assert_eq!(migration(&hotfixed, &hotfixed), SchemaMigration::default());
    assert_eq!(migration(&Schema::default(), &Schema::default()), SchemaMigration::default());
}

#[test]
fn a_hotfix_is_written_both_ways() {
    let before = model(BASE);
    let after = replay_on(model(BASE), "b", HOTFIX);
    let upgrade = checked(&before, &after);
    assert_eq!(upgrade.not_expressed, vec![]);
    let downgrade = checked(&after, &before);
    assert_eq!(downgrade.not_expressed, vec![]);
}

#[test]
fn a_whole_schema_is_created_and_dropped() {
    let schema = replay_on(model(BASE), "b", HOTFIX);
    let up = migration(&Schema::default(), &schema);
    // The function (and the triggers on it) cannot be written; all the rest is.
    let names: Vec<&str> = up.not_expressed.iter().map(|n| n.name.as_str()).collect();
    assert_eq!(names, ["touch()", "audit.entry.touch_entry"]);
    let down = checked(&schema, &Schema::default());
    assert_eq!(down.not_expressed, vec![]);
}

/// Where each statement that starts with one of `prefixes` is, in order of the prefixes.
fn positions(migration: &SchemaMigration, prefixes: &[&str]) -> Vec<usize> {
    prefixes
        .iter()
        .map(|prefix| {
            migration
                .statements
                .iter()
                .position(|s| s.starts_with(prefix))
                .unwrap_or_else(|| panic!("no `{prefix}` in\n{}", migration.sql()))
        })
        .collect()
}

fn ascending(positions: &[usize]) -> bool {
    positions.windows(2).all(|w| w[0] < w[1])
}

#[test]
fn dependents_go_first_and_come_back_last() {
    let before = model(BASE);
    let after = replay_on(model(BASE), "b", HOTFIX);
    let up = checked(&before, &after);
    // A retyped column takes the views over it (and the views over those) with it.
    let order = positions(
        &up,
        &[
            "DROP TRIGGER touch_order",
            "DROP VIEW big_open_orders",
            "DROP VIEW open_orders",
            "ALTER TABLE sales.\"Order\" DROP CONSTRAINT \"Order_customer_id_fkey\"",
            "ALTER TABLE sales.\"Order\" DROP COLUMN note",
            "CREATE SCHEMA audit",
            "CREATE TYPE audit.kind",
            "CREATE DOMAIN positive",
            "CREATE TYPE pair",
            "CREATE SEQUENCE audit.entry_number",
            "CREATE TABLE audit.entry",
            "ALTER TABLE customer ADD COLUMN name",
            "ALTER TABLE sales.\"Order\" ALTER COLUMN \"order\" SET NOT NULL",
            "ALTER TABLE sales.\"Order\" ALTER COLUMN total TYPE numeric(14,4)",
            "ALTER SEQUENCE audit.entry_number OWNED BY audit.entry.id",
            "ALTER TABLE audit.entry ADD CONSTRAINT entry_pkey PRIMARY KEY (id)",
            "ALTER TABLE customer ADD CONSTRAINT customer_email_key UNIQUE (email)",
            "CREATE UNIQUE INDEX customer_lower_email",
            "ALTER TABLE audit.entry ADD CONSTRAINT entry_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customer (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED",
            "CREATE MATERIALIZED VIEW audit.daily",
            "CREATE VIEW open_orders",
            "CREATE VIEW big_open_orders",
            "CREATE INDEX daily_kind ON audit.daily",
            "CREATE TRIGGER touch_entry BEFORE INSERT OR UPDATE OF kind ON audit.entry FOR EACH ROW",
            "CREATE STATISTICS audit.entry_stats (ndistinct) ON kind, customer_id FROM audit.entry",
            "COMMENT ON TABLE customer IS 'who buys from us'",
        ],
    );
    assert!(ascending(&order), "{order:?}\n{}", up.sql());
    let down = checked(&after, &before);
    let order = positions(
        &down,
        &[
            "DROP MATERIALIZED VIEW audit.daily",
            "ALTER TABLE audit.entry DROP CONSTRAINT entry_customer_id_fkey",
            "DROP INDEX customer_lower_email",
            "ALTER TABLE customer DROP CONSTRAINT customer_email_key",
            "ALTER TABLE customer DROP COLUMN name",
            "DROP TABLE audit.entry",
            "ALTER TABLE sales.\"Order\" ADD COLUMN note text",
            "ALTER TABLE sales.\"Order\" ALTER COLUMN \"order\" DROP NOT NULL",
            "DROP TYPE pair",
            "DROP DOMAIN positive",
            "DROP TYPE audit.kind",
            "DROP SCHEMA audit",
            "ALTER TABLE sales.\"Order\" ADD CONSTRAINT \"Order_customer_id_fkey\"",
            "CREATE TRIGGER touch_order",
        ],
    );
    assert!(ascending(&order), "{order:?}\n{}", down.sql());
    // The sequence, the trigger and the statistics go with the table.
    for gone in ["DROP SEQUENCE", "DROP TRIGGER", "DROP STATISTICS", "DROP INDEX audit"] {
        assert!(!down.statements.iter().any(|s| s.starts_with(gone)), "{}", down.sql());
    }
}

#[test]
fn names_are_quoted_as_postgresql_needs() {
    let before = model("CREATE TABLE \"user\" (id int)");
    let after = model(
        "CREATE TABLE \"user\" (id int, \"select\" text, \"CamelCase\" int, plain int);
         CREATE INDEX \"Index\" ON \"user\" (\"CamelCase\") INCLUDE (\"select\");",
    );
    let up = checked(&before, &after);
    assert_eq!(
        up.statements,
        [
            "ALTER TABLE \"user\" ADD COLUMN \"select\" text",
            "ALTER TABLE \"user\" ADD COLUMN \"CamelCase\" integer",
            "ALTER TABLE \"user\" ADD COLUMN plain integer",
            "CREATE INDEX \"Index\" ON \"user\" USING btree (\"CamelCase\") INCLUDE (\"select\")",
        ]
    );
}

#[test]
fn enum_values_are_added_in_place_and_never_removed() {
    let before = model("CREATE TYPE mood AS ENUM ('sad', 'happy')");
    let after = model("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy', 'elated')");
    let up = checked(&before, &after);
    assert_eq!(up.statements, ["ALTER TYPE mood ADD VALUE 'ok' BEFORE 'happy'", "ALTER TYPE mood ADD VALUE 'elated'"]);
    let down = migration(&after, &before);
    assert!(down.statements.is_empty());
    assert_eq!(down.not_expressed.len(), 1);
    assert_eq!(down.not_expressed[0].name, "mood");
    assert!(down.not_expressed[0].reason.contains("cannot remove"), "{:?}", down.not_expressed);
    let renamed = model("CREATE TYPE mood AS ENUM ('sad', 'glad')");
    assert_eq!(checked(&before, &renamed).statements, ["ALTER TYPE mood RENAME VALUE 'happy' TO 'glad'"]);
}

#[test]
fn what_the_model_cannot_say_is_listed() {
    let before = model("CREATE TABLE t (a int, b int)");
    let after = model(
        "CREATE TABLE t (a int, c int, b int, EXCLUDE USING btree (a WITH =));
         CREATE FUNCTION f(x integer) RETURNS integer LANGUAGE sql AS 'SELECT x';",
    );
    let up = migration(&before, &after);
    let listed: Vec<(ObjectKind, &str)> = up.not_expressed.iter().map(|n| (n.kind, n.name.as_str())).collect();
    assert_eq!(
        listed,
        [(ObjectKind::Function, "f(integer)"), (ObjectKind::Table, "t"), (ObjectKind::Constraint, "t.t_excl")]
    );
    // What it can say, it says.
    assert_eq!(up.statements, ["ALTER TABLE t ADD COLUMN c integer"]);
    // Dropping is within reach of the model.
    let down = migration(&after, &before);
    assert!(down.statements.contains(&"DROP FUNCTION f(integer)".to_owned()), "{}", down.sql());
    assert!(down.statements.contains(&"ALTER TABLE t DROP CONSTRAINT t_excl".to_owned()), "{}", down.sql());
}

#[test]
fn columns_change_in_place() {
    let before = model(
        "CREATE SEQUENCE n; CREATE TABLE t (a int DEFAULT nextval('n'), b int GENERATED ALWAYS AS IDENTITY,
         c int GENERATED ALWAYS AS (a * 2) STORED, d text NOT NULL DEFAULT 'x')",
    );
    let after =
        model("CREATE TABLE t (a bigint NOT NULL, b int GENERATED BY DEFAULT AS IDENTITY, c int, d text DEFAULT 'y')");
    let up = checked(&before, &after);
    assert_eq!(
        up.statements,
        [
            "ALTER TABLE t ALTER COLUMN a DROP DEFAULT",
            "ALTER TABLE t ALTER COLUMN c DROP EXPRESSION",
            "ALTER TABLE t ALTER COLUMN d DROP DEFAULT",
            "ALTER TABLE t ALTER COLUMN a TYPE bigint",
            "ALTER TABLE t ALTER COLUMN a SET NOT NULL",
            "ALTER TABLE t ALTER COLUMN b SET GENERATED BY DEFAULT",
            "ALTER TABLE t ALTER COLUMN d DROP NOT NULL",
            "ALTER TABLE t ALTER COLUMN d SET DEFAULT 'y'",
            "DROP SEQUENCE n",
        ]
    );
    let down = migration(&after, &before);
    assert_eq!(down.not_expressed.len(), 1, "{:?}", down.not_expressed);
    assert_eq!(down.not_expressed[0].name, "t.c");
}

#[test]
fn what_reads_a_retyped_column_is_built_again() {
    let before = model(
        "CREATE TABLE t (a bigint CHECK (a >= 0) DEFAULT 0, b int); CREATE INDEX t_a ON t (b) WHERE a > 0;
         CREATE INDEX t_b ON t (b)",
    );
    let after = model(
        "CREATE TABLE t (a numeric(14,0) CHECK (a >= 0) DEFAULT 0, b int); CREATE INDEX t_a ON t (b) WHERE a > 0;
         CREATE INDEX t_b ON t (b)",
    );
    for (from, to) in [(&before, &after), (&after, &before)] {
        let migration = checked(from, to);
        assert_eq!(
            migration.statements[..],
            [
                "DROP INDEX t_a",
                "ALTER TABLE t DROP CONSTRAINT t_a_check",
                "ALTER TABLE t ALTER COLUMN a DROP DEFAULT",
                &format!(
                    "ALTER TABLE t ALTER COLUMN a TYPE {}",
                    to.tables.values().next().unwrap().columns[0].data_type
                ),
                "ALTER TABLE t ALTER COLUMN a SET DEFAULT 0",
                "ALTER TABLE t ADD CONSTRAINT t_a_check CHECK (a >= 0)",
                "CREATE INDEX t_a ON t USING btree (b) WHERE a > 0",
            ]
        );
    }
}

#[test]
fn a_downgrade_undoes_what_its_upgrade_does_not_what_it_leaves_out() {
    let before = model("CREATE TABLE t (a int)");
    let after = model(
        "CREATE TABLE t (a int, b int);
         CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
         CREATE TRIGGER t_f BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION f();",
    );
    let (upgrade, downgrade) = revision(&before, &after);
    assert_eq!(upgrade.statements, ["ALTER TABLE t ADD COLUMN b integer"]);
    assert_eq!(upgrade.not_expressed.len(), 2, "{:?}", upgrade.not_expressed);
    // Neither the trigger nor its function is dropped: the upgrade never made them.
    assert_eq!(downgrade.statements, ["ALTER TABLE t DROP COLUMN b"]);
    assert_eq!(downgrade.not_expressed, vec![]);
    // Between schemas it can fully say, both ways are the plain migrations.
    let plain = model("CREATE TABLE t (a int, c text)");
    assert_eq!(revision(&before, &plain), (migration(&before, &plain), migration(&plain, &before)));
}

#[test]
fn the_database_wording_stays_only_where_it_was_printed_on_the_models_columns() {
    let raw = model(
        "CREATE TABLE t (a bigint CHECK (a >= 0), b text CHECK (b <> ''));
         CREATE VIEW v AS SELECT a FROM t; CREATE VIEW w AS SELECT b FROM t",
    );
    let live = model("CREATE TABLE t (a numeric, b text)");
    // As drift prints the model: on the live table, so `a`'s CHECK has numeric casts.
    let mut printed = raw.clone();
    {
        let table = std::sync::Arc::make_mut(printed.tables.get_mut(&QualifiedName::parse("t")).unwrap());
        table.constraints[0].expression = Some("((a)::numeric >= (0)::numeric)".into());
        table.constraints[1].expression = Some("(b <> ''::text)".into());
        let view = std::sync::Arc::make_mut(printed.views.get_mut(&QualifiedName::parse("v")).unwrap());
        view.definition = "refused by PostgreSQL: no".into();
    }
    let sound = sound_wording(&raw, &printed, &live);
    let table = sound.tables.values().next().unwrap();
    assert_eq!(table.constraints[0].expression, raw.tables.values().next().unwrap().constraints[0].expression);
    assert_eq!(table.constraints[1].expression.as_deref(), Some("(b <> ''::text)"));
    assert_eq!(sound.views, raw.views);
}
