//! A live database's catalog read into the shared schema model, in PostgreSQL's own words
//! (`format_type`, `pg_get_expr`, `pg_get_indexdef`, `pg_get_viewdef`, `pg_get_triggerdef`),
//! so it compares with the model's schema once the model's expressions went through the same
//! printers (`normalize.rs`). Reads only: a handful of catalog queries, whatever the size.

use super::printed::{self, Rows};
use sqlx::PgConnection;
use std::collections::BTreeMap;
use std::sync::Arc;
use strata_shared::offline::VersionTable;
use strata_shared::schema::{
    Column, Constraint, ConstraintKind, Extension, Function, Identity, Index, Namespace, Origin, Policy, QualifiedName,
    Reference, RowSecurity, Schema, Sequence, Table, TypeDef, TypeKind, View,
};

/// The journal's tables, kept beside the version table (`execute::Journal`).
const JOURNAL_TABLES: [&str; 5] =
    ["strata_run", "strata_history", "strata_backup", "strata_check", "strata_journal_version"];
/// What an extension made (its functions and types), which the model does not invent.
const EXTENSION_MEMBER: &str = "SELECT FROM pg_depend d WHERE d.deptype = 'e'";
const USER_SCHEMAS: &str = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'";

/// Every live object gets its own origin: the database made it, no revision did (so a diff
/// never takes a live object for a renamed model object).
struct Origins(u32);

impl Origins {
    fn next(&mut self) -> Origin {
        self.0 += 1;
        Origin { revision: "(database)".to_owned(), downgrade: false, statement: self.0, part: 0 }
    }
}

fn comment(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_owned())
}

/// The live database `conn` is connected to, as the schema model: schemas, tables (columns
/// with type, nullability, default, identity, generated expression; constraints; triggers),
/// indexes, sequences, enum/domain/composite types, views and materialized views, functions,
/// extended statistics, extensions and comments. Strata's and Alembic's own tables are left out.
pub async fn live_schema(conn: &mut PgConnection, version_table: &VersionTable) -> Result<Schema, sqlx::Error> {
    let bookkeeping = bookkeeping(version_table);
    let mut schema = Schema::default();
    let mut origins = Origins(0);
    for row in printed::rows(
        conn,
        &format!(
            "SELECT n.nspname::text, obj_description(n.oid, 'pg_namespace') FROM pg_namespace n
             WHERE {USER_SCHEMAS} AND n.nspname <> 'public'"
        ),
    )
    .await?
    {
        schema.namespaces.insert(row[0].clone(), Namespace { origin: origins.next(), comment: comment(&row[1]) });
    }
    let mut tables = read_tables(conn, &bookkeeping, &mut origins).await?;
    read_constraints(conn, &bookkeeping, &mut tables, &mut origins).await?;
    read_triggers(conn, &mut tables, &mut origins).await?;
    read_policies(conn, &mut tables, &mut origins).await?;
    schema.tables = tables.into_iter().map(|(name, table)| (name, Arc::new(table))).collect();
    schema.indexes = read_indexes(conn, &bookkeeping, &mut origins).await?.into();
    schema.sequences = read_sequences(conn, &mut origins).await?.into();
    schema.types = read_types(conn, &mut origins).await?.into();
    for row in printed::rows(
        conn,
        &format!(
            "SELECT n.nspname::text, c.relname::text, c.relkind::text, pg_get_viewdef(c.oid), obj_description(c.oid, 'pg_class')
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('v', 'm') AND {USER_SCHEMAS}"
        ),
    )
    .await?
    {
        let view =
            View { origin: origins.next(), materialized: row[2] == "m", definition: row[3].clone(), comment: comment(&row[4]) };
        schema.views.insert(QualifiedName::new(&row[0], &row[1]), Arc::new(view));
    }
    for row in printed::rows(
        conn,
        &format!(
            "SELECT n.nspname::text, p.proname::text, oidvectortypes(p.proargtypes), pg_get_function_result(p.oid),
                l.lanname::text, (p.prokind = 'p')::text, obj_description(p.oid, 'pg_proc')
             FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_language l ON l.oid = p.prolang
             WHERE {USER_SCHEMAS} AND NOT EXISTS ({EXTENSION_MEMBER} AND d.objid = p.oid)"
        ),
    )
    .await?
    {
        let name = QualifiedName::new(&row[0], &row[1]);
        let function = Function {
            origin: origins.next(),
            name: name.clone(),
            arguments: row[2].clone(),
            returns: row[3].clone(),
            language: row[4].clone(),
            procedure: row[5] == "true",
            comment: comment(&row[6]),
        };
        schema.functions.insert(Function::key(&name, &row[2]), Arc::new(function));
    }
    for row in printed::rows(
        conn,
        &format!(
            "SELECT n.nspname::text, s.stxname::text, pg_get_statisticsobjdef(s.oid), obj_description(s.oid, 'pg_statistic_ext')
             FROM pg_statistic_ext s JOIN pg_namespace n ON n.oid = s.stxnamespace WHERE {USER_SCHEMAS}"
        ),
    )
    .await?
    {
        let prefix = format!("CREATE STATISTICS {}.{} ", printed::ident(&row[0]), printed::ident(&row[1]));
        let statistics = printed::statistics(row[2].strip_prefix(&prefix).unwrap_or(&row[2]), origins.next(), comment(&row[3]));
        schema.statistics.insert(QualifiedName::new(&row[0], &row[1]), Arc::new(statistics));
    }
    for row in printed::rows(
        conn,
        "SELECT e.extname::text, n.nspname::text FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
         WHERE e.extname <> 'plpgsql'",
    )
    .await?
    {
        schema.extensions.insert(row[0].clone(), Extension { origin: origins.next(), schema: row[1].clone() });
    }
    Ok(schema)
}

type Tables = BTreeMap<QualifiedName, Table>;

/// Tables and their columns, in column order.
/// The tables Strata and Alembic keep for themselves, not part of the project's schema: the
/// version table by its configured name and the journal beside it, as an SQL list of names.
fn bookkeeping(version_table: &VersionTable) -> String {
    let names = std::iter::once(version_table.name.as_str()).chain(JOURNAL_TABLES);
    let quoted: Vec<String> = names.map(|name| format!("'{}'", name.replace('\'', "''"))).collect();
    format!("({})", quoted.join(", "))
}

async fn read_tables(conn: &mut PgConnection, bookkeeping: &str, origins: &mut Origins) -> Result<Tables, sqlx::Error> {
    let mut tables = Tables::new();
    let table_rows: Rows = printed::rows(
        conn,
        &format!(
            "SELECT n.nspname::text, c.relname::text, obj_description(c.oid, 'pg_class'),
                c.relrowsecurity::text, c.relforcerowsecurity::text
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind IN ('r', 'p') AND {USER_SCHEMAS} AND c.relname NOT IN {bookkeeping}"
        ),
    )
    .await?;
    for row in table_rows {
        let table = Table {
            origin: origins.next(),
            columns: Vec::new(),
            constraints: Vec::new(),
            triggers: Vec::new(),
            comment: comment(&row[2]),
            row_security: RowSecurity { enabled: row[3] == "true", forced: row[4] == "true" },
            policies: Vec::new(),
        };
        tables.insert(QualifiedName::new(&row[0], &row[1]), table);
    }
    for row in printed::rows(
        conn,
        &format!(
            "SELECT n.nspname::text, c.relname::text, a.attname::text, format_type(a.atttypid, a.atttypmod), a.attnotnull::text,
                a.attidentity::text, a.attgenerated::text, pg_get_expr(d.adbin, d.adrelid), col_description(c.oid, a.attnum)
             FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
             LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
             WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped AND {USER_SCHEMAS}
               AND c.relname NOT IN {bookkeeping}
             ORDER BY 1, 2, a.attnum"
        ),
    )
    .await?
    {
        let Some(table) = tables.get_mut(&QualifiedName::new(&row[0], &row[1])) else { continue };
        let identity = match row[5].as_str() {
            "a" => Some(Identity::Always),
            "d" => Some(Identity::ByDefault),
            _ => None,
        };
        let expression = comment(&row[7]);
        let generated = !row[6].is_empty();
        table.columns.push(Column {
            name: row[2].clone(),
            origin: origins.next(),
            data_type: row[3].clone(),
            not_null: row[4] == "true",
            default: if generated || identity.is_some() { None } else { expression.clone() },
            identity,
            generated: if generated { expression } else { None },
            comment: comment(&row[8]),
        });
    }
    Ok(tables)
}

/// Row-level security policies, as `pg_policies` lists them (in creation order).
async fn read_policies(conn: &mut PgConnection, tables: &mut Tables, origins: &mut Origins) -> Result<(), sqlx::Error> {
    for row in printed::rows(
        conn,
        "SELECT p.schemaname::text, p.tablename::text, p.policyname::text, p.permissive, array_to_string(p.roles, E'\\x1f'),
            p.cmd, coalesce(p.qual, ''), coalesce(p.with_check, ''), (p.qual IS NOT NULL)::text, (p.with_check IS NOT NULL)::text
         FROM pg_policies p JOIN pg_namespace n ON n.nspname = p.schemaname
         JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = p.tablename
         JOIN pg_policy pol ON pol.polrelid = c.oid AND pol.polname = p.policyname
         ORDER BY pol.oid",
    )
    .await?
    {
        let Some(table) = tables.get_mut(&QualifiedName::new(&row[0], &row[1])) else { continue };
        table.policies.push(Policy {
            name: row[2].clone(),
            origin: origins.next(),
            permissive: row[3] == "PERMISSIVE",
            command: row[5].clone(),
            roles: row[4].split('\x1f').map(str::to_owned).collect(),
            using: (row[8] == "true").then(|| row[6].clone()),
            with_check: (row[9] == "true").then(|| row[7].clone()),
        });
    }
    Ok(())
}

/// PostgreSQL's one-letter foreign key actions in the model's words.
fn action(code: &str) -> String {
    match code {
        "r" => "restrict",
        "c" => "cascade",
        "n" => "set null",
        "d" => "set default",
        _ => "no action",
    }
    .to_owned()
}

async fn read_constraints(
    conn: &mut PgConnection,
    bookkeeping: &str,
    tables: &mut Tables,
    origins: &mut Origins,
) -> Result<(), sqlx::Error> {
    for row in printed::rows(
        conn,
        &format!(
            "SELECT n.nspname::text, c.relname::text, con.conname::text, con.contype::text,
                (SELECT string_agg(a.attname, ',' ORDER BY k.i) FROM unnest(con.conkey) WITH ORDINALITY k(n, i)
                   JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n),
                (SELECT fn.nspname FROM pg_class f JOIN pg_namespace fn ON fn.oid = f.relnamespace WHERE f.oid = con.confrelid),
                (SELECT f.relname FROM pg_class f WHERE f.oid = con.confrelid),
                (SELECT string_agg(a.attname, ',' ORDER BY k.i) FROM unnest(con.confkey) WITH ORDINALITY k(n, i)
                   JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n),
                con.confdeltype::text, con.confupdtype::text, con.convalidated::text,
                CASE WHEN con.contype = 'c' THEN pg_get_expr(con.conbin, con.conrelid) END,
                obj_description(con.oid, 'pg_constraint'), con.condeferrable::text, con.condeferred::text
             FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE con.contype IN ('p', 'u', 'c', 'f', 'x') AND {USER_SCHEMAS} AND c.relname NOT IN {bookkeeping}
             ORDER BY con.oid"
        ),
    )
    .await?
    {
        let Some(table) = tables.get_mut(&QualifiedName::new(&row[0], &row[1])) else { continue };
        let kind = match row[3].as_str() {
            "p" => ConstraintKind::PrimaryKey,
            "u" => ConstraintKind::Unique,
            "c" => ConstraintKind::Check,
            "f" => ConstraintKind::ForeignKey,
            _ => ConstraintKind::Exclusion,
        };
        let list = |text: &str| if text.is_empty() { Vec::new() } else { text.split(',').map(str::to_owned).collect() };
        let references = (kind == ConstraintKind::ForeignKey).then(|| Reference {
            table: QualifiedName::new(&row[5], &row[6]),
            columns: list(&row[7]),
            on_delete: action(&row[8]),
            on_update: action(&row[9]),
        });
        table.constraints.push(Constraint {
            name: row[2].clone(),
            origin: origins.next(),
            kind,
            columns: if kind == ConstraintKind::Check { Vec::new() } else { list(&row[4]) },
            expression: comment(&row[11]),
            references,
            validated: row[10] == "true",
            deferrable: row[13] == "true",
            initially_deferred: row[14] == "true",
            comment: comment(&row[12]),
        });
    }
    Ok(())
}

async fn read_triggers(conn: &mut PgConnection, tables: &mut Tables, origins: &mut Origins) -> Result<(), sqlx::Error> {
    let sql = format!("{} WHERE NOT t.tgisinternal AND {USER_SCHEMAS} ORDER BY t.oid", printed::TRIGGERS);
    for row in printed::rows(conn, &sql).await? {
        let Some(table) = tables.get_mut(&QualifiedName::new(&row[0], &row[1])) else { continue };
        let trigger = printed::trigger(&row[2], &row[3], origins.next(), comment(&row[4]));
        table.triggers.push(trigger);
    }
    Ok(())
}

async fn read_indexes(
    conn: &mut PgConnection,
    bookkeeping: &str,
    origins: &mut Origins,
) -> Result<BTreeMap<QualifiedName, Arc<Index>>, sqlx::Error> {
    let mut indexes = BTreeMap::new();
    for row in printed::rows(
        conn,
        &format!(
            "SELECT n.nspname::text, i.relname::text, pg_get_indexdef(i.oid), obj_description(i.oid, 'pg_class'),
                tn.nspname::text, t.relname::text
             FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_namespace n ON n.oid = i.relnamespace
             JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace tn ON tn.oid = t.relnamespace
             WHERE {USER_SCHEMAS} AND t.relname NOT IN {bookkeeping}
               AND NOT EXISTS (SELECT FROM pg_constraint con WHERE con.conindid = i.oid)"
        ),
    )
    .await?
    {
        let table = QualifiedName::new(&row[4], &row[5]);
        let index = printed::index(&row[2], table, origins.next(), comment(&row[3]));
        indexes.insert(QualifiedName::new(&row[0], &row[1]), Arc::new(index));
    }
    Ok(indexes)
}

/// Sequences of their own or of a serial column; an identity column's is part of the column.
async fn read_sequences(
    conn: &mut PgConnection,
    origins: &mut Origins,
) -> Result<BTreeMap<QualifiedName, Arc<Sequence>>, sqlx::Error> {
    let mut sequences = BTreeMap::new();
    for row in printed::rows(
        conn,
        &format!(
            "SELECT n.nspname::text, c.relname::text, dn.nspname::text, dt.relname::text, a.attname::text,
                obj_description(c.oid, 'pg_class')
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'a'
               AND d.refclassid = 'pg_class'::regclass
             LEFT JOIN pg_class dt ON dt.oid = d.refobjid LEFT JOIN pg_namespace dn ON dn.oid = dt.relnamespace
             LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
             WHERE c.relkind = 'S' AND {USER_SCHEMAS}
               AND NOT EXISTS (SELECT FROM pg_depend i WHERE i.objid = c.oid AND i.deptype = 'i')"
        ),
    )
    .await?
    {
        let owned_by = (!row[4].is_empty()).then(|| (QualifiedName::new(&row[2], &row[3]), row[4].clone()));
        let sequence = Sequence { origin: origins.next(), owned_by, comment: comment(&row[5]) };
        sequences.insert(QualifiedName::new(&row[0], &row[1]), Arc::new(sequence));
    }
    Ok(sequences)
}

/// Enums, domains and composite types (not a table's row type, not an extension's).
async fn read_types(
    conn: &mut PgConnection,
    origins: &mut Origins,
) -> Result<BTreeMap<QualifiedName, Arc<TypeDef>>, sqlx::Error> {
    let mut types = BTreeMap::new();
    for row in printed::rows(conn, &format!(
        "SELECT n.nspname::text, t.typname::text, t.typtype::text,
                (SELECT string_agg(e.enumlabel, E'\\x1f' ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid),
                format_type(t.typbasetype, t.typtypmod), t.typnotnull::text, pg_get_expr(t.typdefaultbin, 0),
                (SELECT string_agg(pg_get_expr(c.conbin, 0), E'\\x1f' ORDER BY c.oid) FROM pg_constraint c WHERE c.contypid = t.oid AND c.contype = 'c'),
                (SELECT string_agg(a.attname || E'\\x1e' || format_type(a.atttypid, a.atttypmod), E'\\x1f' ORDER BY a.attnum)
                   FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped),
                obj_description(t.oid, 'pg_type')
         FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
         WHERE {USER_SCHEMAS} AND NOT EXISTS ({EXTENSION_MEMBER} AND d.objid = t.oid) AND (t.typtype IN ('e', 'd')
            OR t.typtype = 'c' AND (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')"
    )).await? {
        let list = |text: &str| if text.is_empty() { Vec::new() } else { text.split('\x1f').map(str::to_owned).collect::<Vec<_>>() };
        let kind = match row[2].as_str() {
            "e" => TypeKind::Enum { labels: list(&row[3]) },
            "d" => TypeKind::Domain { base: row[4].clone(), not_null: row[5] == "true", default: comment(&row[6]), checks: list(&row[7]) },
            _ => TypeKind::Composite {
                attributes: list(&row[8])
                    .iter()
                    .filter_map(|a| a.split_once('\x1e').map(|(n, t)| (n.to_owned(), t.to_owned())))
                    .collect(),
            },
        };
        types.insert(QualifiedName::new(&row[0], &row[1]), Arc::new(TypeDef { origin: origins.next(), kind, comment: comment(&row[9]) }));
    }
    Ok(types)
}
