//! Fidelity of the schema model: the same facts read from PostgreSQL's catalog and from the
//! model, compared kind by kind. Expressions of the model (defaults, CHECKs, index keys,
//! view queries) are first put through the same database, so both sides are in
//! PostgreSQL's own words (`pg_get_expr`, `pg_get_indexdef`, `pg_get_viewdef`).

use sqlx::PgConnection;
use std::collections::BTreeMap;
use strata_shared::schema::{self, ConstraintKind, Identity, QualifiedName, Schema, TypeKind};

/// kind → (object → its facts in one string).
pub type Facts = BTreeMap<&'static str, BTreeMap<String, String>>;

/// Tables Strata and Alembic keep for themselves, not part of the project's schema.
const BOOKKEEPING: &str = "('alembic_version', 'strata_run', 'strata_history', 'strata_backup', 'strata_check')";
/// What an extension made (its functions and types), which the model does not invent.
const EXTENSION_MEMBER: &str = "SELECT FROM pg_depend d WHERE d.deptype = 'e'";
const USER_SCHEMAS: &str = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'";

async fn rows(conn: &mut PgConnection, sql: &str) -> Vec<Vec<String>> {
    use sqlx::Row;
    let result = sqlx::query(sql).fetch_all(&mut *conn).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    result
        .iter()
        .map(|row| (0..row.len()).map(|i| row.get::<Option<String>, _>(i).unwrap_or_default()).collect())
        .collect()
}

async fn one(conn: &mut PgConnection, sql: &str) -> String {
    rows(conn, sql).await.into_iter().next().and_then(|r| r.into_iter().next()).unwrap_or_default()
}

/// `name` or `schema.name`, as the model prints names.
fn display(schema: &str, name: &str) -> String {
    QualifiedName::new(schema, name).to_string()
}

fn quote_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

fn put(facts: &mut Facts, kind: &'static str, key: String, value: String) {
    facts.entry(kind).or_default().insert(key, value);
}

/// What the database's catalog says.
pub async fn catalog_facts(conn: &mut PgConnection) -> Facts {
    let mut facts = Facts::new();
    let relation = "n.nspname, c.relname";
    for row in rows(
        conn,
        &format!("SELECT n.nspname::text FROM pg_namespace n WHERE {USER_SCHEMAS} AND n.nspname <> 'public'"),
    )
    .await
    {
        put(&mut facts, "schemas", row[0].clone(), String::new());
    }
    for row in rows(conn, &format!(
        "SELECT {relation}::text, obj_description(c.oid, 'pg_class') FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind IN ('r', 'p') AND {USER_SCHEMAS} AND c.relname NOT IN {BOOKKEEPING}"
    )).await {
        put(&mut facts, "tables", display(&row[0], &row[1]), String::new());
        if !row[2].is_empty() {
            put(&mut facts, "comments", format!("table {}", display(&row[0], &row[1])), row[2].clone());
        }
    }
    for row in rows(
        conn,
        &format!(
            "SELECT {relation}::text, a.attname::text, format_type(a.atttypid, a.atttypmod), a.attnotnull::text,
                a.attidentity::text, a.attgenerated::text, pg_get_expr(d.adbin, d.adrelid), a.attnum::text,
                col_description(c.oid, a.attnum)
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
         WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped AND {USER_SCHEMAS}
           AND c.relname NOT IN {BOOKKEEPING}
         ORDER BY 1, 2, a.attnum"
        ),
    )
    .await
    {
        let column = format!("{}.{}", display(&row[0], &row[1]), row[2]);
        put(&mut facts, "column types", column.clone(), row[3].clone());
        put(&mut facts, "nullability", column.clone(), row[4].clone());
        let identity = match row[5].as_str() {
            "a" => "always",
            "d" => "by default",
            _ => "",
        };
        put(&mut facts, "identity", column.clone(), identity.to_owned());
        if row[6].is_empty() && !row[7].is_empty() && identity.is_empty() {
            put(&mut facts, "defaults", column.clone(), row[7].clone());
        } else if !row[6].is_empty() {
            put(&mut facts, "generated", column.clone(), row[7].clone());
        }
        if !row[9].is_empty() {
            put(&mut facts, "comments", format!("column {column}"), row[9].clone());
        }
    }
    // Column order, per table.
    let mut order: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (column, _) in facts.get("column types").cloned().unwrap_or_default() {
        let (table, name) = column.rsplit_once('.').unwrap();
        order.entry(table.to_owned()).or_default().push(name.to_owned());
    }
    let ordered = rows(
        conn,
        &format!(
            "SELECT {relation}::text, string_agg(a.attname, ',' ORDER BY a.attnum)
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped AND {USER_SCHEMAS}
           AND c.relname NOT IN {BOOKKEEPING} GROUP BY 1, 2"
        ),
    )
    .await;
    for row in ordered {
        put(&mut facts, "column order", display(&row[0], &row[1]), row[2].clone());
    }
    for row in rows(
        conn,
        &format!(
            "SELECT {relation}::text, con.conname::text, con.contype::text,
                (SELECT string_agg(a.attname, ',' ORDER BY k.i) FROM unnest(con.conkey) WITH ORDINALITY k(n, i)
                   JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n),
                CASE WHEN con.confrelid <> 0 THEN (SELECT fn.nspname || '.' || f.relname FROM pg_class f
                   JOIN pg_namespace fn ON fn.oid = f.relnamespace WHERE f.oid = con.confrelid) END,
                (SELECT string_agg(a.attname, ',' ORDER BY k.i) FROM unnest(con.confkey) WITH ORDINALITY k(n, i)
                   JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n),
                con.confdeltype::text, con.confupdtype::text, con.convalidated::text,
                CASE WHEN con.contype = 'c' THEN pg_get_expr(con.conbin, con.conrelid) END,
                obj_description(con.oid, 'pg_constraint'),
                CASE WHEN con.condeferrable THEN ' deferrable' ELSE '' END
                  || CASE WHEN con.condeferred THEN ' initially deferred' ELSE '' END
         FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE con.contype IN ('p', 'u', 'c', 'f', 'x') AND {USER_SCHEMAS} AND c.relname NOT IN {BOOKKEEPING}"
        ),
    )
    .await
    {
        let key = format!("{}.{}", display(&row[0], &row[1]), row[2]);
        let reference = if row[5].is_empty() {
            String::new()
        } else {
            let (schema, name) = row[5].split_once('.').unwrap();
            format!(" -> {}({}) delete {} update {}", display(schema, name), row[6], row[7], row[8])
        };
        let columns = if row[3] == "c" { String::new() } else { row[4].clone() };
        put(
            &mut facts,
            "constraints",
            key.clone(),
            format!("{} ({columns}){reference} valid {}{}", row[3], row[9], row[12]),
        );
        if row[3] == "c" {
            put(&mut facts, "check expressions", key.clone(), row[10].clone());
        }
        if !row[11].is_empty() {
            put(&mut facts, "comments", format!("constraint {key}"), row[11].clone());
        }
    }
    for row in rows(
        conn,
        &format!(
            "SELECT n.nspname::text, i.relname::text, pg_get_indexdef(i.oid), obj_description(i.oid, 'pg_class')
         FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_namespace n ON n.oid = i.relnamespace
         JOIN pg_class t ON t.oid = x.indrelid
         WHERE {USER_SCHEMAS} AND t.relname NOT IN {BOOKKEEPING}
           AND NOT EXISTS (SELECT FROM pg_constraint con WHERE con.conindid = i.oid)"
        ),
    )
    .await
    {
        let definition = normalise_index(&row[2]);
        put(&mut facts, "indexes", display(&row[0], &row[1]), definition);
        if !row[3].is_empty() {
            put(&mut facts, "comments", format!("index {}", display(&row[0], &row[1])), row[3].clone());
        }
    }
    for row in rows(
        conn,
        &format!(
            "SELECT {relation}::text,
                (SELECT dn.nspname || '.' || dt.relname || '.' || a.attname FROM pg_depend d
                   JOIN pg_class dt ON dt.oid = d.refobjid JOIN pg_namespace dn ON dn.oid = dt.relnamespace
                   JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                  WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'a')
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind = 'S' AND {USER_SCHEMAS}
           AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'i')"
        ),
    )
    .await
    {
        let owner = match row[2].split('.').collect::<Vec<_>>().as_slice() {
            [schema, table, column] => format!("{}.{column}", display(schema, table)),
            _ => String::new(),
        };
        put(&mut facts, "sequences", display(&row[0], &row[1]), owner);
    }
    for row in rows(conn, &format!(
        "SELECT n.nspname::text, t.typname::text, t.typtype::text,
                (SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid),
                CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) || CASE WHEN t.typnotnull THEN ' not null' ELSE '' END END
         FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
         WHERE {USER_SCHEMAS} AND NOT EXISTS ({EXTENSION_MEMBER} AND d.objid = t.oid) AND (t.typtype IN ('e', 'd')
            OR t.typtype = 'c' AND (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')"
    )).await {
        let definition = match row[2].as_str() {
            "e" => format!("enum ({})", row[3]),
            "d" => format!("domain {}", row[4]),
            _ => "composite".to_owned(),
        };
        put(&mut facts, "types", display(&row[0], &row[1]), definition);
    }
    for row in rows(conn, &format!(
        "SELECT {relation}::text, c.relkind::text, pg_get_viewdef(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind IN ('v', 'm') AND {USER_SCHEMAS}"
    )).await {
        let kind = if row[2] == "m" { "materialized" } else { "view" };
        put(&mut facts, "views", display(&row[0], &row[1]), format!("{kind}: {}", row[3]));
    }
    for row in rows(conn, &format!(
        "SELECT n.nspname::text, p.proname::text, oidvectortypes(p.proargtypes), pg_get_function_result(p.oid), l.lanname::text
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_language l ON l.oid = p.prolang
         WHERE {USER_SCHEMAS} AND NOT EXISTS ({EXTENSION_MEMBER} AND d.objid = p.oid)"
    )).await {
        put(&mut facts, "functions", format!("{}({})", display(&row[0], &row[1]), row[2]), format!("{} {}", row[3], row[4]));
    }
    for row in rows(conn, &format!("{TRIGGERS} WHERE NOT t.tgisinternal AND {USER_SCHEMAS}")).await {
        put(&mut facts, "triggers", format!("{}.{}", display(&row[0], &row[1]), row[2]), row[3].clone());
    }
    for row in rows(
        conn,
        &format!(
            "SELECT n.nspname::text, s.stxname::text, pg_get_statisticsobjdef(s.oid)
         FROM pg_statistic_ext s JOIN pg_namespace n ON n.oid = s.stxnamespace WHERE {USER_SCHEMAS}"
        ),
    )
    .await
    {
        let prefix =
            format!("CREATE STATISTICS {}.{} ", quote_ident_if_needed(&row[0]), quote_ident_if_needed(&row[1]));
        put(&mut facts, "statistics", display(&row[0], &row[1]), row[2].replacen(&prefix, "", 1));
    }
    for row in rows(
        conn,
        "SELECT e.extname::text, n.nspname::text FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
         WHERE e.extname <> 'plpgsql'",
    )
    .await
    {
        put(&mut facts, "extensions", row[0].clone(), row[1].clone());
    }
    facts
}

/// Triggers as `pg_get_triggerdef` prints them, without `CREATE [CONSTRAINT] TRIGGER name` and
/// `ON table` (which the facts key on); `CONSTRAINT` first for a constraint trigger.
const TRIGGERS: &str = "SELECT n.nspname::text, c.relname::text, t.tgname::text,
        CASE WHEN t.tgconstraint <> 0 THEN 'CONSTRAINT ' ELSE '' END
        || replace(regexp_replace(pg_get_triggerdef(t.oid), '^CREATE (CONSTRAINT )?TRIGGER ' || quote_ident(t.tgname) || ' ', ''),
                   ' ON ' || quote_ident(n.nspname) || '.' || quote_ident(c.relname), '')
    FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace";

/// An identifier as `quote_identifier` prints it (keywords aside).
fn quote_ident_if_needed(name: &str) -> String {
    let plain = name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if plain { name.to_owned() } else { quote_ident(name) }
}

/// `CREATE [UNIQUE] INDEX name ON schema.table USING …` without the names, which the facts
/// key on.
fn normalise_index(definition: &str) -> String {
    match (definition.find("INDEX "), definition.find(" USING ")) {
        (Some(start), Some(end)) => format!("{}INDEX{}", &definition[..start], &definition[end..]),
        _ => definition.to_owned(),
    }
}

/// What the model says, in the catalog's words (its expressions put through `conn`).
pub async fn model_facts(conn: &mut PgConnection, model: &Schema) -> Facts {
    let mut facts = Facts::new();
    for (name, namespace) in &model.namespaces {
        put(&mut facts, "schemas", name.clone(), String::new());
        let _ = namespace;
    }
    for (name, table) in &model.tables {
        let table_name = name.to_string();
        put(&mut facts, "tables", table_name.clone(), String::new());
        if let Some(comment) = &table.comment {
            put(&mut facts, "comments", format!("table {table_name}"), comment.clone());
        }
        let names: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
        put(&mut facts, "column order", table_name.clone(), names.join(","));
        let qualified = format!("{}.{}", quote_ident(&name.schema), quote_ident(&name.name));
        for column in &table.columns {
            let key = format!("{table_name}.{}", column.name);
            put(&mut facts, "column types", key.clone(), column.data_type.clone());
            put(&mut facts, "nullability", key.clone(), column.not_null.to_string());
            let identity = match column.identity {
                Some(Identity::Always) => "always",
                Some(Identity::ByDefault) => "by default",
                None => "",
            };
            put(&mut facts, "identity", key.clone(), identity.to_owned());
            if let Some(default) = &column.default {
                let canonical = canonical_default(conn, &column.data_type, default).await;
                put(&mut facts, "defaults", key.clone(), canonical);
            }
            if let Some(generated) = &column.generated {
                put(&mut facts, "generated", key.clone(), generated.clone());
            }
            if let Some(comment) = &column.comment {
                put(&mut facts, "comments", format!("column {key}"), comment.clone());
            }
        }
        for constraint in &table.constraints {
            let key = format!("{table_name}.{}", constraint.name);
            let code = match constraint.kind {
                ConstraintKind::PrimaryKey => "p",
                ConstraintKind::Unique => "u",
                ConstraintKind::Check => "c",
                ConstraintKind::ForeignKey => "f",
                ConstraintKind::Exclusion => "x",
            };
            let reference = constraint.references.as_ref().map_or(String::new(), |r| {
                let action = |a: &str| match a {
                    "restrict" => "r",
                    "cascade" => "c",
                    "set null" => "n",
                    "set default" => "d",
                    _ => "a",
                };
                format!(
                    " -> {}({}) delete {} update {}",
                    r.table,
                    r.columns.join(","),
                    action(&r.on_delete),
                    action(&r.on_update)
                )
            });
            let columns = constraint.columns.join(",");
            let deferrable = format!(
                "{}{}",
                if constraint.deferrable { " deferrable" } else { "" },
                if constraint.initially_deferred { " initially deferred" } else { "" }
            );
            put(
                &mut facts,
                "constraints",
                key.clone(),
                format!("{code} ({columns}){reference} valid {}{deferrable}", constraint.validated),
            );
            if let Some(expression) = &constraint.expression {
                let canonical = canonical_check(conn, &qualified, expression).await;
                put(&mut facts, "check expressions", key.clone(), canonical);
            }
            if let Some(comment) = &constraint.comment {
                put(&mut facts, "comments", format!("constraint {key}"), comment.clone());
            }
        }
        for trigger in &table.triggers {
            let definition = match &trigger.condition {
                Some(_) => canonical_trigger(conn, &qualified, trigger).await,
                None => schema::describe::trigger(trigger),
            };
            put(&mut facts, "triggers", format!("{table_name}.{}", trigger.name), definition);
        }
    }
    for (name, index) in &model.indexes {
        let table = format!("{}.{}", quote_ident(&index.table.schema), quote_ident(&index.table.name));
        let definition = canonical_index(conn, &table, index).await;
        put(&mut facts, "indexes", name.to_string(), definition);
        if let Some(comment) = &index.comment {
            put(&mut facts, "comments", format!("index {name}"), comment.clone());
        }
    }
    for (name, sequence) in &model.sequences {
        let owner = sequence.owned_by.as_ref().map_or(String::new(), |(t, c)| format!("{t}.{c}"));
        put(&mut facts, "sequences", name.to_string(), owner);
    }
    for (name, definition) in &model.types {
        let text = match &definition.kind {
            TypeKind::Enum { labels } => {
                format!("enum ({})", labels.iter().map(|l| quote_literal(l)).collect::<Vec<_>>().join(", "))
            }
            TypeKind::Domain { base, not_null, .. } => {
                format!("domain {base}{}", if *not_null { " not null" } else { "" })
            }
            TypeKind::Composite { .. } => "composite".to_owned(),
        };
        put(&mut facts, "types", name.to_string(), text);
    }
    for (name, view) in &model.views {
        let setup = format!("CREATE TEMP VIEW fidelity_probe AS {}", view.definition);
        let definition = probe(conn, &setup, "SELECT pg_get_viewdef('fidelity_probe'::regclass)", "VIEW").await;
        let kind = if view.materialized { "materialized" } else { "view" };
        put(&mut facts, "views", name.to_string(), format!("{kind}: {definition}"));
    }
    for (name, statistics) in &model.statistics {
        put(&mut facts, "statistics", name.to_string(), schema::describe::statistics(statistics));
    }
    for (name, extension) in &model.extensions {
        put(&mut facts, "extensions", name.clone(), extension.schema.clone());
    }
    for (key, function) in &model.functions {
        let returns = if function.procedure { String::new() } else { function.returns.clone() };
        put(&mut facts, "functions", key.clone(), format!("{returns} {}", function.language));
    }
    facts
}

fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Runs `setup`, answers `query`, and drops the temp `fidelity_probe` (a TABLE or VIEW) again.
async fn probe(conn: &mut PgConnection, setup: &str, query: &str, kind: &str) -> String {
    // A model fact PostgreSQL refuses is a mismatch to report, not a reason to stop comparing.
    if let Err(error) = sqlx::raw_sql(setup).execute(&mut *conn).await {
        sqlx::raw_sql(&format!("DROP {kind} IF EXISTS fidelity_probe")).execute(&mut *conn).await.unwrap();
        return format!("refused by PostgreSQL: {error}");
    }
    let answer = one(conn, query).await;
    sqlx::raw_sql(&format!("DROP {kind} fidelity_probe")).execute(&mut *conn).await.unwrap();
    answer
}

/// The model's default as `pg_get_expr` prints it for a column of that type.
async fn canonical_default(conn: &mut PgConnection, data_type: &str, default: &str) -> String {
    let setup = format!("CREATE TEMP TABLE fidelity_probe (c {data_type} DEFAULT {default})");
    let query = "SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d WHERE d.adrelid = 'fidelity_probe'::regclass";
    probe(conn, &setup, query, "TABLE").await
}

/// The model's CHECK as `pg_get_expr` prints it, on a copy of the table's columns.
async fn canonical_check(conn: &mut PgConnection, table: &str, expression: &str) -> String {
    let setup = format!(
        "CREATE TEMP TABLE fidelity_probe (LIKE {table});
         ALTER TABLE fidelity_probe ADD CONSTRAINT probe CHECK ({expression}) NOT VALID"
    );
    let query = "SELECT pg_get_expr(conbin, conrelid) FROM pg_constraint
                 WHERE conrelid = 'fidelity_probe'::regclass AND conname = 'probe'";
    probe(conn, &setup, query, "TABLE").await
}

/// The model's index as `pg_get_indexdef` prints it, built on a copy of the table's columns.
async fn canonical_index(conn: &mut PgConnection, table: &str, index: &schema::Index) -> String {
    let unique = if index.unique { "UNIQUE " } else { "" };
    let predicate = index.predicate.as_ref().map_or(String::new(), |p| format!(" WHERE {p}"));
    let included: Vec<String> = index.include.iter().map(|c| quote_ident(c)).collect();
    let include = if included.is_empty() { String::new() } else { format!(" INCLUDE ({})", included.join(", ")) };
    let nulls = if index.nulls_not_distinct { " NULLS NOT DISTINCT" } else { "" };
    let options =
        if index.options.is_empty() { String::new() } else { format!(" WITH ({})", index.options.join(", ")) };
    let setup = format!(
        "CREATE TEMP TABLE fidelity_probe (LIKE {table});
         CREATE {unique}INDEX fidelity_probe_index ON fidelity_probe USING {} ({}){include}{nulls}{options}{predicate}",
        index.method,
        index.keys.join(", ")
    );
    let query = "SELECT pg_get_indexdef('fidelity_probe_index'::regclass)";
    let definition = probe(conn, &setup, query, "TABLE").await;
    normalise_index(&definition)
}

/// The model's trigger as `pg_get_triggerdef` prints it (its WHEN condition in PostgreSQL's
/// words), made on a copy of the table's columns.
async fn canonical_trigger(conn: &mut PgConnection, table: &str, trigger: &schema::Trigger) -> String {
    let constraint = if trigger.constraint { "CONSTRAINT " } else { "" };
    let condition = trigger.condition.as_ref().map_or(String::new(), |c| format!(" WHEN ({c})"));
    let setup = format!(
        "CREATE TEMP TABLE fidelity_probe (LIKE {table});
         CREATE {constraint}TRIGGER fidelity_probe_trigger {} ON fidelity_probe {}{condition} EXECUTE FUNCTION {}",
        trigger.timing_and_events(),
        trigger.clauses,
        trigger.call()
    );
    let query = format!("{TRIGGERS} WHERE t.tgname = 'fidelity_probe_trigger'");
    // As in `probe`: a trigger PostgreSQL refuses (its function missing) is a mismatch.
    if let Err(error) = sqlx::raw_sql(&setup).execute(&mut *conn).await {
        sqlx::raw_sql("DROP TABLE IF EXISTS fidelity_probe").execute(&mut *conn).await.unwrap();
        return format!("refused by PostgreSQL: {error}");
    }
    let definition = rows(conn, &query).await.into_iter().next().map(|r| r[3].clone()).unwrap_or_default();
    // A temp table prints as `pg_temp.name`, not as its pg_temp_N schema.
    let definition = definition.replace(" ON pg_temp.fidelity_probe", "");
    sqlx::raw_sql("DROP TABLE fidelity_probe").execute(&mut *conn).await.unwrap();
    definition
}

/// Per kind: how many objects match, out of all either side has; and every mismatch.
pub fn compare(catalog: &Facts, model: &Facts) -> (BTreeMap<&'static str, (usize, usize)>, Vec<String>) {
    let mut rates = BTreeMap::new();
    let mut mismatches = Vec::new();
    let kinds: std::collections::BTreeSet<&'static str> = catalog.keys().chain(model.keys()).copied().collect();
    let empty = BTreeMap::new();
    for kind in kinds {
        let (ours, theirs) = (model.get(kind).unwrap_or(&empty), catalog.get(kind).unwrap_or(&empty));
        let keys: std::collections::BTreeSet<&String> = ours.keys().chain(theirs.keys()).collect();
        let mut matched = 0;
        for key in &keys {
            match (ours.get(*key), theirs.get(*key)) {
                (Some(a), Some(b)) if a == b => matched += 1,
                (a, b) => mismatches.push(format!("{kind} {key}: model {a:?}, database {b:?}")),
            }
        }
        rates.insert(kind, (matched, keys.len()));
    }
    (rates, mismatches)
}
