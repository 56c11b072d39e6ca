#[test]
fn show() {
    for sql in [
        "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'x_fkey') THEN ALTER TABLE \"T\" ADD CONSTRAINT x_fkey FOREIGN KEY (a) REFERENCES u(id); END IF; END $$",
        "DO $$ DECLARE a text[] := ARRAY['x']; BEGIN ALTER TABLE t ADD COLUMN s text; UPDATE t SET s = a[1]; CREATE INDEX i ON t (s); END $$;",
    ] {
        println!("{}", serde_json::to_string_pretty(&pg_query::parse_plpgsql(sql).unwrap()).unwrap());
    }
}
