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
         DO $$ BEGIN RAISE NOTICE 'x'; EXECUTE 'ALTER TABLE t ADD COLUMN ' || 'x int'; END $$;
         UPDATE t SET id = 1;
         ALTER TABLE t ADD COLUMN name text;",
    );
    assert_eq!(notes.len(), 3, "{notes:?}");
    assert_eq!(notes[2], "a DO block's EXECUTE of SQL built at run time is not modelled");
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

fn index_of(schema: &Schema, name: &str) -> String {
    describe::index(&schema.indexes[&QualifiedName::parse(name)])
}

fn triggers(schema: &Schema, name: &str) -> Vec<String> {
    table(schema, name).triggers.iter().map(|t| format!("{} {}", t.name, describe::trigger(t))).collect()
}

#[test]
fn create_table_as_takes_the_query_columns_typed_where_knowable() {
    let schema = replay(
        "CREATE TABLE account (id bigint PRIMARY KEY, email varchar(80) NOT NULL, plan text DEFAULT 'free');
         CREATE TABLE payment (account_id bigint, amount numeric(10,2), paid_at timestamptz);
         CREATE VIEW active AS SELECT id, email FROM account;
         CREATE TABLE report AS
             SELECT a.id, a.email AS mail, p.amount, count(*) AS n, now() AS at, 'x' AS label, 1, 2.5 AS ratio,
                    sum(p.amount) AS total, a.id::text, lower(a.email), coalesce(p.paid_at, now()) AS seen,
                    my_function(a.id) AS mystery, current_date
             FROM account a JOIN payment p ON p.account_id = a.id
             GROUP BY a.id, a.email, p.amount, p.paid_at
         WITH NO DATA;
         CREATE TABLE copy (a, b) AS SELECT * FROM account;
         CREATE TABLE from_view AS SELECT * FROM active;
         SELECT id, plan INTO archived FROM account WHERE false;
         CREATE TABLE literal AS VALUES (1, 'one');
         CREATE TEMP TABLE scratch (id int);
         CREATE TEMPORARY VIEW scratch_view AS SELECT 1 AS one;
         SELECT id INTO TEMP scratch_copy FROM account;
         CREATE EXTENSION citext;
         CREATE TABLE tagged (name citext, embedding vector(3), attrs hstore);
         CREATE TABLE tagged_copy AS SELECT name, embedding, 'a=>1'::hstore AS extra FROM tagged;",
    );
    for temporary in ["scratch", "scratch_view", "scratch_copy"] {
        assert!(!schema.tables.contains_key(&QualifiedName::parse(temporary)), "{temporary} ends with its session");
        assert!(!schema.views.contains_key(&QualifiedName::parse(temporary)), "{temporary} ends with its session");
    }
    // Extension types keep their names: the model does not need the extension's objects.
    assert_eq!(columns(&schema, "tagged_copy"), ["name citext", "embedding vector(3)", "extra hstore"]);
    let unknown = UNKNOWN_TYPE;
    assert_eq!(
        columns(&schema, "report"),
        [
            "id bigint".to_owned(),
            "mail character varying(80)".into(),
            "amount numeric(10,2)".into(),
            "n bigint".into(),
            "at timestamp with time zone".into(),
            "label text".into(),
            "?column? integer".into(),
            "ratio numeric".into(),
            "total numeric".into(),
            "id text".into(),
            "lower text".into(),
            "seen timestamp with time zone".into(),
            format!("mystery {unknown}"),
            "current_date date".into(),
        ]
    );
    // No constraints, defaults or NOT NULL come along; a column list renames the first columns.
    assert_eq!(columns(&schema, "copy"), ["a bigint", "b character varying(80)", "plan text"]);
    assert_eq!(constraints(&schema, "copy"), Vec::<String>::new());
    assert_eq!(columns(&schema, "from_view"), ["id bigint", "email character varying(80)"]);
    assert_eq!(columns(&schema, "archived"), ["id bigint", "plan text"]);
    assert_eq!(columns(&schema, "literal"), ["column1 integer", "column2 text"]);
}

#[test]
fn renaming_a_constraint_index_renames_the_constraint() {
    let schema = replay(
        "CREATE TABLE t (id int PRIMARY KEY, code text UNIQUE);
         ALTER INDEX t_pkey RENAME TO t_primary;
         ALTER INDEX t_code_key RENAME TO t_code_unique;
         ALTER TABLE t RENAME CONSTRAINT t_code_unique TO t_code_once;
         CREATE TABLE t_code_once_2 (x int);",
    );
    assert_eq!(constraints(&schema, "t"), ["t_primary PRIMARY KEY (id)", "t_code_once UNIQUE (code)"]);
    // The index keeps the constraint's name: a new relation may not take it.
    let (_, notes) = replay_on(schema, "r2", "CREATE INDEX t_code_once ON t (code);");
    assert_eq!(notes, ["t_code_once already exists in the model"]);
}

#[test]
fn cascading_drops_take_what_postgresql_records_as_dependent() {
    let schema = replay(
        "CREATE TYPE mood AS ENUM ('ok', 'sad');
         CREATE DOMAIN positive AS int CHECK (VALUE > 0);
         CREATE TABLE person (id int PRIMARY KEY, feeling mood, score positive, name text);
         CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS 'begin return new; end';
         CREATE FUNCTION feel(m mood) RETURNS text LANGUAGE sql AS 'select 1';
         CREATE TRIGGER person_touch BEFORE UPDATE ON person FOR EACH ROW EXECUTE FUNCTION touch();
         CREATE VIEW people AS SELECT id, name FROM person;
         CREATE VIEW people_named AS SELECT name FROM people;
         CREATE VIEW scores AS SELECT id, score FROM person;
         CREATE VIEW doubled AS SELECT id * 2 AS twice, count(*) AS n FROM person GROUP BY id;
         CREATE STATISTICS person_stats ON id, name FROM person;
         DROP FUNCTION touch() CASCADE;
         DROP TYPE mood CASCADE;
         DROP DOMAIN positive CASCADE;
         ALTER TABLE person DROP COLUMN name CASCADE;
         CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS 'begin return new; end';
         CREATE VIEW people AS SELECT id FROM person;
         CREATE TRIGGER person_touch BEFORE UPDATE ON person FOR EACH ROW EXECUTE FUNCTION touch();",
    );
    assert_eq!(columns(&schema, "person"), ["id integer not null"]);
    assert_eq!(schema.views.keys().map(|v| v.name.as_str()).collect::<Vec<_>>(), ["doubled", "people"]);
    assert!(schema.statistics.is_empty(), "dropping a column drops statistics on it");
    assert!(!schema.functions.contains_key("feel(mood)"), "functions of a dropped type go too");
    let (schema, notes) = replay_on(schema, "r2", "DROP TABLE person CASCADE; CREATE VIEW people AS SELECT 1 AS one;");
    assert_eq!(notes, Vec::<String>::new());
    assert!(schema.views.contains_key(&QualifiedName::parse("people")));
}

#[test]
fn indexes_keep_what_pg_get_indexdef_prints() {
    let schema = replay(
        "CREATE EXTENSION IF NOT EXISTS pg_trgm;
         CREATE TABLE doc (id int, title text, body text, tag text);
         CREATE INDEX doc_title_trgm ON doc USING gin (title gin_trgm_ops);
         CREATE UNIQUE INDEX doc_tag ON doc (tag COLLATE \"C\" text_pattern_ops DESC NULLS LAST) INCLUDE (id, title)
             NULLS NOT DISTINCT WITH (fillfactor = 70, deduplicate_items = off) WHERE id > 0;
         ALTER INDEX doc_tag SET (fillfactor = 80);",
    );
    assert_eq!(index_of(&schema, "doc_title_trgm"), "gin (title gin_trgm_ops)");
    assert_eq!(
        index_of(&schema, "doc_tag"),
        "UNIQUE btree (tag COLLATE \"C\" text_pattern_ops DESC NULLS LAST) INCLUDE (id, title) NULLS NOT DISTINCT \
         WITH (deduplicate_items=off, fillfactor='80') WHERE id > 0"
    );
    assert_eq!(schema.extensions["pg_trgm"].schema, "public");
    let (schema, notes) = replay_on(schema, "r2", "DROP EXTENSION pg_trgm; CREATE EXTENSION citext SCHEMA ext;");
    assert_eq!(notes, Vec::<String>::new());
    assert_eq!(schema.extensions.keys().collect::<Vec<_>>(), ["citext"]);
}

#[test]
fn triggers_keep_their_clauses_and_follow_renames() {
    let schema = replay(
        "CREATE TABLE item (id int PRIMARY KEY, price numeric, stock int);
         CREATE TABLE audit (id int);
         CREATE FUNCTION note() RETURNS trigger LANGUAGE plpgsql AS 'begin return null; end';
         CREATE TRIGGER price_changed AFTER UPDATE OF price, stock ON item
             FOR EACH ROW WHEN (OLD.price IS DISTINCT FROM NEW.price) EXECUTE FUNCTION note('price', 'it''s');
         CREATE TRIGGER batch AFTER INSERT OR DELETE ON item REFERENCING NEW TABLE AS added
             FOR EACH STATEMENT EXECUTE PROCEDURE note();
         CREATE CONSTRAINT TRIGGER checked AFTER INSERT ON item FROM audit DEFERRABLE INITIALLY DEFERRED
             FOR EACH ROW EXECUTE FUNCTION note();
         ALTER FUNCTION note() RENAME TO record_change;
         ALTER TRIGGER batch ON item RENAME TO bulk;
         ALTER TABLE item RENAME COLUMN stock TO on_hand;
         ALTER TABLE item RENAME COLUMN price TO cost;",
    );
    assert_eq!(
        triggers(&schema, "item"),
        [
            "price_changed AFTER UPDATE OF cost, on_hand FOR EACH ROW WHEN (old.cost IS DISTINCT FROM new.cost) \
             EXECUTE FUNCTION record_change('price', 'it''s')",
            "bulk AFTER INSERT OR DELETE REFERENCING NEW TABLE AS added FOR EACH STATEMENT \
             EXECUTE FUNCTION record_change()",
            "checked CONSTRAINT AFTER INSERT FROM audit DEFERRABLE INITIALLY DEFERRED FOR EACH ROW \
             EXECUTE FUNCTION record_change()",
        ]
    );
}

#[test]
fn update_of_columns_are_quoted_where_they_need_it() {
    let schema = replay(
        "CREATE TABLE person (id int, \"Full Name\" text, \"order\" int, plain int);
         CREATE FUNCTION note() RETURNS trigger LANGUAGE plpgsql AS 'begin return null; end';
         CREATE TRIGGER renamed AFTER UPDATE OF \"Full Name\", \"order\", plain ON person
             FOR EACH ROW EXECUTE FUNCTION note();",
    );
    assert_eq!(
        triggers(&schema, "person"),
        ["renamed AFTER UPDATE OF \"Full Name\", \"order\", plain FOR EACH ROW EXECUTE FUNCTION note()"]
    );
}

#[test]
fn enum_value_renames_reach_defaults() {
    let schema = replay(
        "CREATE TYPE state AS ENUM ('new', 'done');
         CREATE TABLE task (s state DEFAULT 'new', t state DEFAULT 'new'::state, u text DEFAULT 'new');
         ALTER TYPE state RENAME VALUE 'new' TO 'open';
         ALTER TYPE state ADD VALUE 'late' AFTER 'open';
         ALTER TYPE state RENAME TO task_state;",
    );
    assert_eq!(
        columns(&schema, "task"),
        ["s task_state default 'open'", "t task_state default 'open'::task_state", "u text default 'new'"]
    );
}

/// Prisma's way of changing an enum: a `_new` type, the columns moved to it, the old one
/// dropped and the new one renamed. Mixed-case names are quoted as format_type prints them.
#[test]
fn mixed_case_types_and_index_columns_are_quoted_and_followed_through_renames() {
    let schema = replay(
        "CREATE TYPE \"Status\" AS ENUM ('A', 'B');
         CREATE TABLE \"Job\" (\"jobStatus\" \"Status\" NOT NULL DEFAULT 'A');
         CREATE INDEX \"Job_jobStatus_idx\" ON \"Job\" (\"jobStatus\");
         CREATE TYPE \"Status_new\" AS ENUM ('A', 'C');
         ALTER TABLE \"Job\" ALTER COLUMN \"jobStatus\" DROP DEFAULT;
         ALTER TABLE \"Job\" ALTER COLUMN \"jobStatus\" TYPE \"Status_new\" USING (\"jobStatus\"::text::\"Status_new\");
         ALTER TYPE \"Status\" RENAME TO \"Status_old\";
         ALTER TYPE \"Status_new\" RENAME TO \"Status\";
         DROP TYPE \"Status_old\";
         ALTER TABLE \"Job\" ALTER COLUMN \"jobStatus\" SET DEFAULT 'C';",
    );
    assert_eq!(columns(&schema, "Job"), ["jobStatus \"Status\" not null default 'C'"]);
    let index = &schema.indexes[&QualifiedName::new("", "Job_jobStatus_idx")];
    assert_eq!(index.keys, ["\"jobStatus\""]);
}

#[test]
fn function_results_read_as_pg_get_function_result() {
    let schema = replay(
        "CREATE FUNCTION listing(n int) RETURNS TABLE(id bigint, \"Label\" text) LANGUAGE sql AS 'select 1, 2';
         CREATE FUNCTION pair(a int, OUT x int, OUT y text) LANGUAGE sql AS 'select 1, 2';
         CREATE FUNCTION single(a int, OUT x int) LANGUAGE sql AS 'select 1';
         CREATE FUNCTION many(OUT x int, OUT y int) RETURNS SETOF record LANGUAGE sql AS 'select 1, 2';",
    );
    let returns = |key: &str| schema.functions[key].returns.clone();
    assert_eq!(returns("listing(integer)"), "TABLE(id bigint, \"Label\" text)");
    assert_eq!(returns("pair(integer)"), "record");
    assert_eq!(returns("single(integer)"), "integer");
    assert_eq!(returns("many()"), "SETOF record");
}

#[test]
fn constraint_deferrability_is_kept_and_altered() {
    let schema = replay(
        "CREATE TABLE a (id int PRIMARY KEY);
         CREATE TABLE b (a_id int REFERENCES a DEFERRABLE INITIALLY DEFERRED, c int REFERENCES a,
             d int REFERENCES a INITIALLY DEFERRED, e int, FOREIGN KEY (e) REFERENCES a DEFERRABLE);
         ALTER TABLE b ALTER CONSTRAINT b_c_fkey DEFERRABLE;
         ALTER TABLE b ALTER CONSTRAINT b_a_id_fkey NOT DEFERRABLE;",
    );
    assert_eq!(
        constraints(&schema, "b"),
        [
            "b_a_id_fkey FOREIGN KEY (a_id) REFERENCES a (id)",
            "b_c_fkey FOREIGN KEY (c) REFERENCES a (id) DEFERRABLE",
            "b_d_fkey FOREIGN KEY (d) REFERENCES a (id) DEFERRABLE INITIALLY DEFERRED",
            "b_e_fkey FOREIGN KEY (e) REFERENCES a (id) DEFERRABLE",
        ]
    );
}

#[test]
fn statistics_are_named_renamed_and_dropped() {
    let schema = replay(
        "CREATE TABLE t (a int, b int, c int);
         CREATE STATISTICS ON a, b FROM t;
         CREATE STATISTICS s2 (ndistinct, mcv) ON b, c FROM t;
         CREATE STATISTICS s3 (dependencies, ndistinct, mcv) ON a, c FROM t;
         ALTER STATISTICS s2 RENAME TO s_bc;
         ALTER TABLE t RENAME COLUMN c TO d;
         DROP STATISTICS s3;",
    );
    let all: Vec<String> = schema.statistics.iter().map(|(n, s)| format!("{n} {}", describe::statistics(s))).collect();
    assert_eq!(all, ["s_bc (ndistinct, mcv) ON b, d FROM t", "t_a_b_stat ON a, b FROM t"]);
    let (after, _) = replay_on(schema.clone(), "r2", "CREATE EXTENSION hstore; ALTER STATISTICS s_bc RENAME TO s;");
    let changes: Vec<String> = diff(&schema, &after)
        .iter()
        .map(|c| format!("{:?} {} {} {:?}", c.action, c.kind.word(), c.name, c.renamed_from))
        .collect();
    assert_eq!(changes, ["Added extension hstore None", "Changed statistics s Some(\"s_bc\")"]);
}

#[test]
fn expression_keys_view_column_lists_and_null_defaults_read_as_postgresql_keeps_them() {
    let schema = replay(
        "CREATE TABLE s (id int, name text, note varchar DEFAULT NULL, other text DEFAULT NULL::text);
         ALTER TABLE s ADD COLUMN reason varchar DEFAULT NULL;
         ALTER TABLE s ALTER COLUMN name SET DEFAULT NULL;
         CREATE UNIQUE INDEX one_row_only ON s ((TRUE));
         CREATE INDEX s_expr ON s ((id + 1), lower(name), (coalesce(name, '')));
         CREATE MATERIALIZED VIEW counts (sid, total) AS SELECT id, sum(id) FROM s GROUP BY id;
         CREATE VIEW names (n) AS SELECT name, id FROM s;",
    );
    assert_eq!(
        columns(&schema, "s"),
        ["id integer", "name text", "note character varying", "other text", "reason character varying"]
    );
    assert_eq!(index_of(&schema, "one_row_only"), "UNIQUE btree ((true))");
    assert_eq!(index_of(&schema, "s_expr"), "btree ((id + 1), lower(name), COALESCE(name, ''))");
    let view = |name: &str| schema.views[&QualifiedName::parse(name)].definition.clone();
    assert_eq!(view("counts"), "SELECT id AS sid, sum(id) AS total FROM s GROUP BY id");
    assert_eq!(view("names"), "SELECT name AS n, id FROM s");
}

#[test]
fn row_level_security_and_policies_follow_their_statements() {
    let policies = |schema: &Schema| -> Vec<String> {
        table(schema, "price").policies.iter().map(|p| format!("{} {}", p.name, describe::policy(p))).collect()
    };
    let schema = replay(
        "CREATE TABLE price (tenant text, sku text, cents int);
         ALTER TABLE price ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
         CREATE POLICY mine ON price USING (tenant = current_setting('app.tenant_id', true));
         CREATE POLICY writes ON price AS RESTRICTIVE FOR INSERT TO app_user, CURRENT_USER WITH CHECK (cents >= 0);
         ALTER POLICY mine ON price TO app_user;
         ALTER POLICY writes ON price RENAME TO checked_writes;
         ALTER TABLE price RENAME COLUMN tenant TO tenant_id;",
    );
    assert_eq!(table(&schema, "price").row_security, RowSecurity { enabled: true, forced: true });
    assert_eq!(
        policies(&schema),
        [
            "mine PERMISSIVE FOR ALL TO app_user USING (tenant_id = current_setting('app.tenant_id', true))",
            "checked_writes RESTRICTIVE FOR INSERT TO app_user, current_user WITH CHECK (cents >= 0)",
        ]
    );

    let (after, notes) = replay_on(
        schema.clone(),
        "r2",
        "DROP POLICY checked_writes ON price; ALTER TABLE price NO FORCE ROW LEVEL SECURITY;",
    );
    assert_eq!(notes, Vec::<String>::new());
    assert_eq!(table(&after, "price").row_security, RowSecurity { enabled: true, forced: false });
    let changes: Vec<(ObjectKind, String, Action)> =
        diff(&schema, &after).into_iter().map(|c| (c.kind, c.name, c.action)).collect();
    assert_eq!(
        changes,
        [
            (ObjectKind::Table, "price".to_owned(), Action::Changed),
            (ObjectKind::Policy, "price.checked_writes".to_owned(), Action::Dropped),
        ]
    );
}

#[test]
fn a_dropped_column_takes_only_the_views_that_read_it() {
    let schema = replay(
        "CREATE TABLE versions (id int PRIMARY KEY, crate_id int, num text);
         CREATE TABLE version_downloads (id int, version_id int, downloads int, note text);
         CREATE MATERIALIZED VIEW recent (crate_id, downloads) AS
             SELECT crate_id, sum(version_downloads.downloads) FROM version_downloads
             JOIN versions ON version_downloads.version_id = versions.id GROUP BY crate_id;
         CREATE UNIQUE INDEX recent_crate ON recent (crate_id);
         CREATE VIEW own_ids AS SELECT d.id FROM version_downloads d;
         CREATE VIEW inner_ids AS SELECT x FROM (SELECT id AS x FROM versions) s;
         CREATE VIEW notes AS SELECT n FROM (SELECT note AS n FROM version_downloads) s;
         CREATE VIEW numbers AS SELECT 'v' AS num UNION SELECT num FROM versions;
         CREATE VIEW starred AS SELECT * FROM version_downloads;
         ALTER TABLE version_downloads DROP COLUMN id CASCADE;
         ALTER TABLE version_downloads DROP COLUMN note CASCADE;
         ALTER TABLE versions DROP COLUMN num CASCADE;",
    );
    let views: Vec<&str> = schema.views.keys().map(|v| v.name.as_str()).collect();
    assert_eq!(views, ["inner_ids", "recent"], "versions.id is not version_downloads.id");
    assert!(schema.indexes.contains_key(&QualifiedName::parse("recent_crate")));
    // Without CASCADE, PostgreSQL refuses while a view or foreign key uses the column: a DROP
    // that ran left nothing outside the table to drop, whatever the view's text names.
    let (schema, notes) = replay_on(
        schema,
        "r2",
        "CREATE VIEW crates AS SELECT v.crate_id FROM versions v;
         ALTER TABLE versions DROP COLUMN crate_id;",
    );
    assert_eq!(notes, Vec::<String>::new());
    assert!(schema.views.contains_key(&QualifiedName::parse("crates")));
}

#[test]
fn min_and_max_of_an_enum_or_an_array_keep_its_type() {
    let schema = replay(
        "CREATE TYPE follower_state AS ENUM ('pending', 'accepted');
         CREATE TABLE follower (person_id int, state follower_state, tags text[]);
         CREATE TABLE block (person_id int);
         CREATE TABLE actions AS
             SELECT person_id, max(follow_state) AS follow_state, min(tags) AS tags
             FROM (SELECT person_id, state AS follow_state, tags FROM follower
                   UNION ALL SELECT person_id, NULL::follower_state, NULL::text[] FROM block) s
             GROUP BY person_id;",
    );
    assert_eq!(columns(&schema, "actions"), ["person_id integer", "follow_state follower_state", "tags text[]"]);
}

#[test]
fn do_blocks_apply_what_they_surely_run_and_follow_catalog_conditions() {
    let (schema, notes) = replay_on(
        Schema::default(),
        "r1",
        "CREATE TABLE env (id text PRIMARY KEY, project text);
         CREATE TABLE action (id int, env_id text, user_id text);
         DO $$
         DECLARE words text[] := ARRAY['apple', 'pear'];
         BEGIN
           ALTER TABLE env ADD COLUMN shortcode text;
           UPDATE env SET shortcode = words[1];
           CREATE UNIQUE INDEX env_shortcode_key ON env (project, shortcode);
         END $$;
         DO $$ BEGIN
           IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'action_env_fkey') THEN
             ALTER TABLE action ADD CONSTRAINT action_env_fkey FOREIGN KEY (env_id) REFERENCES env (id);
           END IF;
           IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'action_env_fkey') THEN
             ALTER TABLE action ADD CONSTRAINT action_twice CHECK (id > 0);
           END IF;
           IF NOT EXISTS (SELECT 1 FROM information_schema.table_constraints
                          WHERE table_name = 'env' AND constraint_name = 'action_env_fkey') THEN
             ALTER TABLE action ADD CONSTRAINT action_user CHECK (user_id <> '');
           END IF;
         END $$;
         DO $$ BEGIN
           IF EXISTS (SELECT 1 FROM information_schema.tables WHERE table_name = 'gone') THEN
             ALTER TABLE action DROP COLUMN user_id;
           ELSIF EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'action' AND column_name = 'id') THEN
             ALTER TABLE action ADD COLUMN seen boolean;
           END IF;
         END $$;
         DO $$ BEGIN
           IF (SELECT count(*) FROM env) = 2 THEN INSERT INTO action (id) VALUES (1); END IF;
           FOR i IN 1..2 LOOP UPDATE action SET id = i; END LOOP;
         END $$;
         DO $$ BEGIN
           IF (SELECT count(*) FROM env) = 2 THEN ALTER TABLE action ADD COLUMN maybe int; END IF;
           EXECUTE 'ALTER TABLE action ADD COLUMN dynamic int';
         END $$;",
    );
    assert_eq!(columns(&schema, "env"), ["id text not null", "project text", "shortcode text"]);
    assert!(schema.indexes.contains_key(&QualifiedName::parse("env_shortcode_key")));
    assert_eq!(
        constraints(&schema, "action").iter().map(|c| c.split(' ').next().unwrap()).collect::<Vec<_>>(),
        ["action_env_fkey", "action_user"]
    );
    assert_eq!(columns(&schema, "action"), ["id integer", "env_id text", "user_id text", "seen boolean"]);
    assert_eq!(
        notes,
        [
            "a DO block's IF whose condition the model cannot answer is not modelled",
            "a DO block's EXECUTE of SQL built at run time is not modelled"
        ]
    );
}

#[test]
fn a_serial_of_a_mixed_case_table_names_its_sequence_quoted() {
    let schema = replay(
        "CREATE TABLE \"Checkpoint\" (\"id\" BIGSERIAL NOT NULL, note text);
         CREATE SCHEMA audit;
         CREATE TABLE audit.\"Entry\" (id serial);
         ALTER SEQUENCE audit.\"Entry_id_seq\" RENAME TO \"Entry_seq\";",
    );
    assert_eq!(
        columns(&schema, "Checkpoint")[0],
        "id bigint not null default nextval('\"Checkpoint_id_seq\"'::regclass)"
    );
    assert_eq!(
        columns(&schema, "audit.Entry")[0],
        "id integer not null default nextval('audit.\"Entry_seq\"'::regclass)"
    );
}

/// Applies `sql` as `revision`'s downgrade.
fn replay_down(mut schema: Schema, revision: &str, sql: &str) -> Schema {
    let parsed = parse_section(&SqlSection::written(sql, 1));
    for (number, tree) in parsed.trees.iter().enumerate() {
        let origin = Origin { revision: revision.into(), downgrade: true, statement: number as u32, part: 0 };
        apply_statement(&mut schema, tree.as_ref().expect("parses"), origin);
    }
    schema
}

#[test]
fn each_revision_is_diffed_on_what_it_touched_as_whole_schemas_would_be() {
    use crate::project::{Project, SourceFile};
    // Upgrade and downgrade of each revision, linear; the downgrades undo some and not others.
    let steps: [(&str, &str); 14] = [
        (
            "CREATE SCHEMA app; CREATE TYPE mood AS ENUM ('sad', 'ok'); CREATE EXTENSION IF NOT EXISTS citext;
             CREATE TABLE customer (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text UNIQUE, m mood DEFAULT 'ok');
             CREATE TABLE app.item (id serial PRIMARY KEY, customer_id bigint REFERENCES customer, name text);",
            "DROP TABLE app.item; DROP TABLE customer; DROP TYPE mood; DROP SCHEMA app;",
        ),
        ("CREATE INDEX item_name ON app.item (name); CREATE VIEW names AS SELECT name FROM app.item;", "DROP VIEW names;"),
        ("ALTER TABLE customer RENAME TO client;", "ALTER TABLE client RENAME TO customer;"),
        ("ALTER TABLE app.item RENAME COLUMN name TO title;", ""),
        (
            "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NULL; END$$;
             CREATE TRIGGER t BEFORE UPDATE ON client FOR EACH ROW EXECUTE FUNCTION touch();",
            "DROP TRIGGER t ON client; DROP FUNCTION touch();",
        ),
        ("ALTER FUNCTION touch() RENAME TO poke;", "ALTER FUNCTION poke() RENAME TO touch;"),
        ("ALTER TYPE mood RENAME VALUE 'ok' TO 'fine'; ALTER TYPE mood RENAME TO feeling;", ""),
        ("CREATE STATISTICS s ON id, email FROM client; COMMENT ON TABLE client IS 'who pays';", "DROP STATISTICS s;"),
        ("ALTER SCHEMA app RENAME TO shop;", "ALTER SCHEMA shop RENAME TO app;"),
        ("ALTER TABLE client DROP COLUMN email CASCADE;", "ALTER TABLE client ADD COLUMN email text;"),
        ("CREATE SEQUENCE counter OWNED BY client.id; ALTER TABLE client ENABLE ROW LEVEL SECURITY;", ""),
        ("CREATE POLICY mine ON client USING (true); DROP FUNCTION poke() CASCADE;", "DROP POLICY mine ON client;"),
        ("DROP TABLE client CASCADE;", ""),
        ("DROP SCHEMA shop CASCADE; DROP EXTENSION citext;", "CREATE SCHEMA shop;"),
    ];
    let files: Vec<SourceFile> = steps
        .iter()
        .enumerate()
        .map(|(i, (up, down))| {
            let revises = if i == 0 { String::new() } else { format!("-- revises: r{i}\n") };
            let n = i + 1;
            let text = format!("-- revision: r{n}\n{revises}-- strata:upgrade\n{up}\n-- strata:downgrade\n{down}\n");
            SourceFile { path: format!("r{n}.sql"), text }
        })
        .collect();
    let project = Project::load(files);
    assert!(!project.has_errors(), "{:?}", project.diagnostics);
    let models = Replayer::new(&project.graph).model_all();
    let mut before = Schema::default();
    for (i, (up, down)) in steps.iter().enumerate() {
        let id = format!("r{}", i + 1);
        let (after, _) = replay_on(before.clone(), &id, up);
        let model = &models[project.graph.index_of(&id).expect("loaded")];
        assert_eq!(model.changes, diff(&before, &after), "{id}'s changes");
        assert!(!model.changes.is_empty(), "{id} changes something");
        let downgraded = if down.is_empty() { after.clone() } else { replay_down(after.clone(), &id, down) };
        assert_eq!(model.downgrade_differences, diff(&before, &downgraded), "{id}'s downgrade check");
        before = after;
    }
    assert!(models.iter().any(|m| !m.downgrade_differences.is_empty()), "some downgrades fall short");
}
