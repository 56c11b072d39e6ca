use super::apply::apply_statement;
use super::*;
use crate::revision::SqlSection;
use crate::sql::parse_section;

/// Replays `sql` as one revision `r1`'s upgrade; returns the schema and the not-modelled notes.
fn replay_on(mut schema: Schema, revision: &str, sql: &str) -> (Schema, Vec<String>) {
    let parsed = parse_section(&SqlSection::written(sql, 1));
    let mut notes = Vec::new();
    for (number, tree) in parsed.trees.iter().enumerate() {
        let origin = Origin { revision: revision.into(), downgrade: false, statement: number as u32, part: 0 };
        notes.extend(apply_statement(&mut schema, tree.as_ref().expect("parses"), origin));
    }
    (schema, notes)
}

fn replay(sql: &str) -> Schema {
    let (schema, notes) = replay_on(Schema::default(), "r1", sql);
    assert_eq!(notes, Vec::<String>::new());
    schema
}

fn table<'s>(schema: &'s Schema, name: &str) -> &'s Table {
    schema.tables.get(&QualifiedName::parse(name)).unwrap_or_else(|| panic!("no table {name}"))
}

fn columns(schema: &Schema, name: &str) -> Vec<String> {
    table(schema, name).columns.iter().map(|c| format!("{} {}", c.name, describe::column(c))).collect()
}

fn constraints(schema: &Schema, name: &str) -> Vec<String> {
    table(schema, name).constraints.iter().map(|c| format!("{} {}", c.name, describe::constraint(c))).collect()
}

#[test]
fn create_table_names_what_it_leaves_unnamed() {
    let schema = replay(
        "CREATE TABLE customer (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email varchar(80) UNIQUE);
         CREATE TABLE sales_order (
             id serial PRIMARY KEY,
             customer_id bigint NOT NULL REFERENCES customer ON DELETE CASCADE,
             qty int CHECK (qty > 0),
             a int, b int, CHECK (a < b), CHECK (a > 0 AND b > 0),
             UNIQUE (customer_id, id)
         );",
    );
    assert_eq!(
        columns(&schema, "sales_order"),
        [
            "id integer not null default nextval('sales_order_id_seq'::regclass)",
            "customer_id bigint not null",
            "qty integer",
            "a integer",
            "b integer",
        ]
    );
    assert_eq!(
        constraints(&schema, "sales_order"),
        [
            "sales_order_pkey PRIMARY KEY (id)",
            "sales_order_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customer (id) ON DELETE CASCADE",
            "sales_order_qty_check CHECK (qty > 0)",
            "sales_order_check CHECK (a < b)",
            "sales_order_check1 CHECK (a > 0 AND b > 0)",
            "sales_order_customer_id_id_key UNIQUE (customer_id, id)",
        ]
    );
    assert_eq!(
        columns(&schema, "customer"),
        ["id bigint not null generated always as identity", "email character varying(80)"]
    );
    assert_eq!(constraints(&schema, "customer")[1], "customer_email_key UNIQUE (email)");
    let sequence = &schema.sequences[&QualifiedName::parse("sales_order_id_seq")];
    assert_eq!(sequence.owned_by, Some((QualifiedName::parse("sales_order"), "id".into())));
}

#[test]
fn renames_carry_references_along() {
    let schema = replay(
        "CREATE TYPE status AS ENUM ('a', 'b');
         CREATE TABLE supplier (id int PRIMARY KEY, vat text UNIQUE, state status DEFAULT 'a', CHECK (vat <> ''));
         CREATE TABLE contact (supplier_id int REFERENCES supplier (id));
         CREATE INDEX supplier_vat_idx ON supplier (lower(vat)) WHERE vat IS NOT NULL;
         ALTER TABLE supplier RENAME COLUMN vat TO tax_id;
         ALTER TABLE supplier RENAME COLUMN id TO supplier_no;
         ALTER TABLE supplier RENAME TO vendor;
         ALTER TYPE status RENAME TO vendor_status;
         ALTER TYPE vendor_status ADD VALUE 'c' BEFORE 'b';",
    );
    assert_eq!(
        constraints(&schema, "vendor"),
        [
            "supplier_pkey PRIMARY KEY (supplier_no)",
            "supplier_vat_key UNIQUE (tax_id)",
            "supplier_vat_check CHECK (tax_id <> '')",
        ]
    );
    assert_eq!(columns(&schema, "vendor")[2], "state vendor_status default 'a'");
    assert_eq!(
        constraints(&schema, "contact"),
        ["contact_supplier_id_fkey FOREIGN KEY (supplier_id) REFERENCES vendor (supplier_no)"]
    );
    let index = &schema.indexes[&QualifiedName::parse("supplier_vat_idx")];
    assert_eq!(
        (index.table.name.as_str(), describe::index(index)),
        ("vendor", "btree (lower(tax_id)) WHERE tax_id IS NOT NULL".into())
    );
    let status = &schema.types[&QualifiedName::parse("vendor_status")];
    assert_eq!(describe::type_kind(&status.kind), "ENUM ('a', 'c', 'b')");
}

#[test]
fn drops_take_dependents_along() {
    let schema = replay(
        "CREATE TABLE a (id int PRIMARY KEY, code text, note text);
         CREATE TABLE b (a_id int REFERENCES a, code text);
         CREATE INDEX a_code_idx ON a (code);
         CREATE UNIQUE INDEX a_code_note ON a (code, note);
         ALTER TABLE a ADD CONSTRAINT code_set CHECK (code IS NOT NULL) NOT VALID;
         ALTER TABLE a DROP COLUMN code;
         DROP TABLE a CASCADE;",
    );
    assert!(schema.indexes.is_empty(), "{:?}", schema.indexes.keys());
    assert_eq!(constraints(&schema, "b"), Vec::<String>::new());
}

#[test]
fn what_is_not_modelled_is_said_and_the_rest_goes_on() {
    let (schema, notes) = replay_on(
        Schema::default(),
        "r1",
        "CREATE TABLE t (id int);
         GRANT SELECT ON t TO reporting;
         ALTER TABLE missing ADD COLUMN x int;
         DO $$ BEGIN RAISE NOTICE 'x'; END $$;
         UPDATE t SET id = 1;
         ALTER TABLE t ADD COLUMN name text;",
    );
    assert_eq!(notes.len(), 3, "{notes:?}");
    assert_eq!(notes[0], "this kind of statement is not part of the schema model");
    assert_eq!(notes[1], "table missing is not in the model");
    assert_eq!(columns(&schema, "t"), ["id integer", "name text"]);
}

#[test]
fn diffs_tell_renames_from_drops_and_adds() {
    let before = replay(
        "CREATE TABLE supplier (id int PRIMARY KEY, vat text, note text); CREATE INDEX s_idx ON supplier (vat);",
    );
    let (after, _) = replay_on(
        before.clone(),
        "r2",
        "ALTER TABLE supplier RENAME COLUMN vat TO tax_id;
         ALTER TABLE supplier DROP COLUMN note;
         ALTER TABLE supplier ADD COLUMN country char(2) NOT NULL DEFAULT 'ES';
         ALTER TABLE supplier ALTER COLUMN id TYPE bigint;
         ALTER INDEX s_idx RENAME TO supplier_tax_id_idx;",
    );
    let changes: Vec<String> = diff(&before, &after)
        .iter()
        .map(|c| {
            let renamed = c.renamed_from.as_ref().map(|f| format!(" (was {f})")).unwrap_or_default();
            let details: Vec<String> =
                c.details.iter().map(|d| format!("{}: {:?} -> {:?}", d.field, d.before, d.after)).collect();
            format!("{:?} {} {}{renamed} [{}]", c.action, c.kind.word(), c.name, details.join("; "))
        })
        .collect();
    assert_eq!(
        changes,
        [
            r#"Added column supplier.country [type: None -> Some("character(2)"); nullable: None -> Some("not null"); default: None -> Some("'ES'")]"#,
            r#"Changed column supplier.id [type: Some("integer") -> Some("bigint")]"#,
            r#"Dropped column supplier.note [type: Some("text") -> None; nullable: Some("null") -> None]"#,
            "Changed column supplier.tax_id (was supplier.vat) []",
            r#"Changed index supplier_tax_id_idx (was s_idx) [definition: Some("on supplier btree (vat)") -> Some("on supplier btree (tax_id)")]"#,
        ]
    );
}

#[test]
fn unusual_ddl_is_modelled_where_it_can_be_and_said_where_not() {
    let (schema, notes) = replay_on(Schema::default(), "r1", UNUSUAL);
    for expected in [
        "this kind of statement is not part of the schema model",
        "CREATE TABLE … (LIKE …) is not modelled",
        "ALTER TABLE … change owner is not modelled",
        "the column nope.x is not in the model",
        "SET search_path: the model puts unqualified names in `public`",
    ] {
        assert!(notes.iter().any(|n| n == expected), "{expected} in {notes:#?}");
    }
    assert!(!schema.namespaces.contains_key("app"), "DROP SCHEMA … CASCADE took it and what it held");
    assert_eq!(columns(&schema, "\"Weird Name\"".trim_matches('"')), ["Other integer", "a\"b text"]);
    let long = schema.tables.keys().find(|t| t.name.starts_with("aaaa")).expect("the long table");
    assert_eq!(long.name.len(), 63, "cut as PostgreSQL cuts identifiers");
    assert!(schema.functions.contains_key("g(integer, integer[])"), "{:?}", schema.functions.keys());
}

const UNUSUAL: &str = r#"CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE SCHEMA app;
CREATE TABLE app.parent (id int PRIMARY KEY, v text) PARTITION BY RANGE (id);
CREATE TABLE app.child PARTITION OF app.parent FOR VALUES FROM (1) TO (10);
CREATE TABLE t1 (LIKE app.parent INCLUDING ALL);
CREATE TABLE t2 () INHERITS (t1);
CREATE TABLE t3 AS SELECT 1 AS x;
CREATE TABLE t4 (a int, b int, EXCLUDE USING gist (a WITH =));
ALTER TABLE t4 ADD CONSTRAINT u UNIQUE USING INDEX nope;
ALTER TABLE t4 ALTER COLUMN zz TYPE text;
ALTER TABLE IF EXISTS nothere ADD COLUMN c int;
ALTER TABLE t4 OWNER TO someone, ENABLE ROW LEVEL SECURITY;
ALTER VIEW nope RENAME TO nope2;
ALTER INDEX IF EXISTS nope SET (fillfactor = 50);
CREATE DOMAIN d AS text CHECK (VALUE <> '') NOT NULL DEFAULT 'x';
ALTER DOMAIN d DROP NOT NULL;
CREATE TYPE comp AS (a int, b d);
ALTER TYPE comp RENAME TO comp2;
ALTER TABLE t4 SET SCHEMA app;
ALTER TYPE d SET SCHEMA app;
DROP TABLE IF EXISTS a, b, app.t4 CASCADE;
DROP FUNCTION IF EXISTS f(int, text);
DROP TRIGGER IF EXISTS tr ON nope;
COMMENT ON COLUMN nope.x IS 'y';
COMMENT ON FUNCTION nope() IS 'z';
COMMENT ON CONSTRAINT c ON nope IS 'w';
CREATE POLICY p ON t1 USING (true);
GRANT SELECT ON ALL TABLES IN SCHEMA app TO PUBLIC;
DO $$ BEGIN PERFORM 1; END $$;
CREATE OR REPLACE FUNCTION f(a int, OUT b int, VARIADIC c int[]) RETURNS SETOF record LANGUAGE sql AS 'select 1';
CREATE PROCEDURE p1() LANGUAGE sql AS 'select 1';
ALTER FUNCTION f(int, int[]) RENAME TO g;
DROP SCHEMA app CASCADE;
ALTER SCHEMA nope RENAME TO nope3;
CREATE INDEX ON t1 ((v || 'x'), (lower(v)) DESC NULLS LAST) WHERE v IS NOT NULL;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS t1_v_idx ON t1 (v);
CREATE TABLE "Weird Name" ("Mixed Case" int CHECK ("Mixed Case" > 0), "a""b" text);
ALTER TABLE "Weird Name" RENAME COLUMN "Mixed Case" TO "Other";
CREATE TABLE aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa (bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb serial UNIQUE);
SET search_path TO app;
"#;

#[test]
fn a_statement_too_deep_to_read_is_not_called_a_syntax_error() {
    use crate::project::{Project, SourceFile};
    let deep = format!("SELECT {}1{};", "(1 + ".repeat(60), ")".repeat(60));
    let text = format!("-- revision: r1\n-- strata:upgrade\nSELEC 1;\n{deep}\n-- strata:downgrade\nSELECT 1;\n");
    let project = Project::load(vec![SourceFile { path: "r1.sql".into(), text }]);
    let models = Replayer::new(&project.graph).model_all();
    let reasons: Vec<(u32, &str)> =
        models[0].not_modelled.iter().filter(|n| n.section == "upgrade").map(|n| (n.line, n.reason.as_str())).collect();
    assert_eq!(
        reasons,
        [(3, "it has a syntax error"), (4, "it is nested too deeply for pg_query's parse tree to be read")]
    );
}
