//! The model's expressions in the target's own words. The model keeps defaults, CHECKs, index
//! keys, trigger conditions, view queries and domains as pg_query deparsed them; PostgreSQL
//! prints them its own way (`'x'::text`, added parentheses, `::regclass`). Each is made once
//! more on temporary probes in the target, printed back by `pg_get_expr`/`pg_get_indexdef`/
//! `pg_get_viewdef`/`pg_get_triggerdef`, and the transaction is rolled back: nothing of the
//! target changes. All probes go in one round trip, and their answers come back in a few
//! queries; only when PostgreSQL refuses one do they run one by one, to say which.

use super::printed;
use sqlx::{Connection, PgConnection};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use strata_shared::schema::{Index, QualifiedName, Schema, Table, Trigger, TypeKind, UNKNOWN_TYPE, View};

/// How long a probe may wait for a lock (`LIKE table` takes a share lock) or run: drift is
/// a look, and never queues behind a migration.
pub(super) const TIMEOUTS: &str = "SET LOCAL lock_timeout = '2s'; SET LOCAL statement_timeout = '30s'";

/// One object's probe: the statement that makes it, the name its answer comes back under,
/// and which model field that answer fills.
struct Probe {
    sql: String,
    answer: String,
    target: Target,
}

#[derive(Clone, Copy)]
enum Target {
    /// A probe table the others hang on; no answer of its own.
    Relation,
    Default {
        table: usize,
        column: usize,
    },
    Check {
        table: usize,
        constraint: usize,
    },
    Trigger {
        table: usize,
        trigger: usize,
    },
    Policy {
        table: usize,
        policy: usize,
    },
    Index(usize),
    View(usize),
    Domain(usize),
}

/// `model` with its expressions as `conn`'s server prints them; `live` (what [`super::live_schema`]
/// read) gives the probes their tables' columns. An expression PostgreSQL refuses becomes
/// `refused by PostgreSQL: …`, which then differs from whatever the database has.
pub async fn in_database_words(conn: &mut PgConnection, model: &Schema, live: &Schema) -> Result<Schema, sqlx::Error> {
    let probes = probes(model, live);
    let mut transaction = conn.begin().await?;
    let answers = answer(&mut transaction, &probes).await;
    transaction.rollback().await?;
    let mut schema = apply(model, &probes, &answers?);
    // A procedure has no result: `pg_get_function_result` prints none.
    schema.functions.for_each_mut(|_, function| {
        if function.procedure && !function.returns.is_empty() {
            Arc::make_mut(function).returns.clear();
        }
    });
    Ok(schema)
}

/// A probe table's statement: the live relation's columns when it exists (as the database
/// sees them), else the model table's.
fn relation(name: &QualifiedName, model: &Schema, live: &Schema, probe: &str) -> Option<String> {
    if live.tables.contains_key(name) || live.views.contains_key(name) {
        let (schema, table) = (printed::quote(&name.schema), printed::quote(&name.name));
        return Some(format!("CREATE TEMP TABLE {probe} (LIKE {schema}.{table})"));
    }
    let table = model.tables.get(name)?;
    let columns: Vec<String> = table
        .columns
        .iter()
        .filter(|c| c.data_type != UNKNOWN_TYPE)
        .map(|c| format!("{} {}", printed::quote(&c.name), c.data_type))
        .collect();
    Some(format!("CREATE TEMP TABLE {probe} ({})", columns.join(", ")))
}

/// The probe tables made so far, by the relation they copy.
#[derive(Default)]
struct Relations<'a>(HashMap<&'a QualifiedName, Option<String>>);

impl<'a> Relations<'a> {
    /// The probe table standing for `name`, made on first use; `None` when there is nothing
    /// to copy.
    fn of(
        &mut self,
        name: &'a QualifiedName,
        model: &Schema,
        live: &Schema,
        probes: &mut Vec<Probe>,
    ) -> Option<String> {
        let number = self.0.len();
        self.0
            .entry(name)
            .or_insert_with(|| {
                let probe = format!("strata_p_{number}");
                let sql = relation(name, model, live, &probe)?;
                probes.push(Probe { sql, answer: String::new(), target: Target::Relation });
                Some(probe)
            })
            .clone()
    }
}

fn probes(model: &Schema, live: &Schema) -> Vec<Probe> {
    let mut probes = Vec::new();
    let mut relations = Relations::default();
    for (t, (name, table)) in model.tables.iter().enumerate() {
        let defaults: Vec<(usize, String)> = table
            .columns
            .iter()
            .enumerate()
            .filter(|(_, c)| c.data_type != UNKNOWN_TYPE)
            .filter_map(|(k, c)| c.default.as_ref().map(|d| (k, format!("c{k} {} DEFAULT {d}", c.data_type))))
            .collect();
        if !defaults.is_empty() {
            let sql = format!("CREATE TEMP TABLE strata_d_{t} ()");
            probes.push(Probe { sql, answer: String::new(), target: Target::Relation });
            for (column, definition) in defaults {
                let sql = format!("ALTER TABLE strata_d_{t} ADD COLUMN {definition}");
                probes.push(Probe {
                    sql,
                    answer: format!("strata_d_{t}.c{column}"),
                    target: Target::Default { table: t, column },
                });
            }
        }
        let checks: Vec<(usize, &String)> =
            table.constraints.iter().enumerate().filter_map(|(k, c)| c.expression.as_ref().map(|e| (k, e))).collect();
        let conditional: Vec<usize> =
            table.triggers.iter().enumerate().filter(|(_, t)| t.condition.is_some()).map(|(k, _)| k).collect();
        if checks.is_empty() && conditional.is_empty() && table.policies.is_empty() {
            continue;
        }
        let Some(probe) = relations.of(name, model, live, &mut probes) else { continue };
        for (constraint, expression) in checks {
            let sql = format!("ALTER TABLE {probe} ADD CONSTRAINT c{constraint} CHECK ({expression}) NOT VALID");
            probes.push(Probe {
                sql,
                answer: format!("{probe}.c{constraint}"),
                target: Target::Check { table: t, constraint },
            });
        }
        for trigger in conditional {
            let definition = &table.triggers[trigger];
            let sql = format!(
                "CREATE {}TRIGGER t{trigger} {} ON {probe} {} WHEN ({}) EXECUTE FUNCTION {}",
                if definition.constraint { "CONSTRAINT " } else { "" },
                definition.timing_and_events(),
                definition.clauses,
                definition.condition.as_deref().unwrap_or_default(),
                definition.call()
            );
            probes.push(Probe {
                sql,
                answer: format!("{probe}.t{trigger}"),
                target: Target::Trigger { table: t, trigger },
            });
        }
        // Roles and command do not change how the expressions print: PUBLIC and ALL keep
        // the probe independent of the target's roles.
        for (k, policy) in table.policies.iter().enumerate() {
            let using = policy.using.as_ref().map_or(String::new(), |e| format!(" USING ({e})"));
            let check = policy.with_check.as_ref().map_or(String::new(), |e| format!(" WITH CHECK ({e})"));
            probes.push(Probe {
                sql: format!("CREATE POLICY p{k} ON {probe} TO PUBLIC{using}{check}"),
                answer: format!("{probe}.p{k}"),
                target: Target::Policy { table: t, policy: k },
            });
        }
    }
    for (i, index) in model.indexes.values().enumerate() {
        let Some(probe) = relations.of(&index.table, model, live, &mut probes) else { continue };
        let include: Vec<String> = index.include.iter().map(|c| printed::quote(c)).collect();
        let sql = format!(
            "CREATE {}INDEX strata_i_{i} ON {probe} USING {} ({}){}{}{}{}",
            if index.unique { "UNIQUE " } else { "" },
            index.method,
            index.keys.join(", "),
            if include.is_empty() { String::new() } else { format!(" INCLUDE ({})", include.join(", ")) },
            if index.nulls_not_distinct { " NULLS NOT DISTINCT" } else { "" },
            if index.options.is_empty() { String::new() } else { format!(" WITH ({})", index.options.join(", ")) },
            index.predicate.as_ref().map_or(String::new(), |p| format!(" WHERE {p}")),
        );
        probes.push(Probe { sql, answer: format!("strata_i_{i}"), target: Target::Index(i) });
    }
    for (v, view) in model.views.values().enumerate() {
        let sql = format!("CREATE TEMP VIEW strata_v_{v} AS {}", view.definition);
        probes.push(Probe { sql, answer: format!("strata_v_{v}"), target: Target::View(v) });
    }
    for (d, definition) in model.types.values().enumerate() {
        if let TypeKind::Domain { base, default, checks, .. } = &definition.kind {
            let mut sql = format!("CREATE DOMAIN pg_temp.strata_t_{d} AS {base}");
            if let Some(default) = default {
                sql.push_str(&format!(" DEFAULT {default}"));
            }
            for check in checks {
                sql.push_str(&format!(" CHECK ({check})"));
            }
            probes.push(Probe { sql, answer: format!("strata_t_{d}"), target: Target::Domain(d) });
        }
    }
    probes
}

/// What PostgreSQL printed, by answer name; or why it refused.
type Answers = HashMap<String, Result<String, String>>;

/// Runs the probes (at once, or one by one when PostgreSQL refuses some) and reads what the
/// server printed for each.
async fn answer(conn: &mut PgConnection, probes: &[Probe]) -> Result<Answers, sqlx::Error> {
    printed::simple(conn, TIMEOUTS).await?;
    let mut answers = Answers::new();
    if probes.is_empty() {
        return Ok(answers);
    }
    let batch: Vec<&str> = probes.iter().map(|p| p.sql.as_str()).collect();
    printed::simple(conn, "SAVEPOINT strata_probes").await?;
    if printed::simple(conn, &batch.join(";\n")).await.is_err() {
        printed::simple(conn, "ROLLBACK TO SAVEPOINT strata_probes").await?;
        for probe in probes {
            printed::simple(conn, "SAVEPOINT strata_probe").await?;
            if let Err(error) = printed::simple(conn, &probe.sql).await {
                printed::simple(conn, "ROLLBACK TO SAVEPOINT strata_probe").await?;
                answers.insert(probe.answer.clone(), Err(format!("refused by PostgreSQL: {error}")));
            } else {
                printed::simple(conn, "RELEASE SAVEPOINT strata_probe").await?;
            }
        }
    }
    let temp = "c.relnamespace = pg_my_temp_schema()";
    let queries = [
        format!(
            "SELECT c.relname || '.' || a.attname, pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d
             JOIN pg_class c ON c.oid = d.adrelid JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
             WHERE {temp}"
        ),
        format!(
            "SELECT c.relname || '.' || con.conname, pg_get_expr(con.conbin, con.conrelid)
             FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid WHERE {temp} AND con.contype = 'c'"
        ),
        format!(
            "SELECT c.relname || '.' || p.polname,
                coalesce(pg_get_expr(p.polqual, p.polrelid), '') || E'\\x1f' || coalesce(pg_get_expr(p.polwithcheck, p.polrelid), '')
             FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid WHERE {temp}"
        ),
        format!("SELECT c.relname, pg_get_indexdef(c.oid) FROM pg_class c WHERE {temp} AND c.relkind = 'i'"),
        format!("SELECT c.relname, pg_get_viewdef(c.oid) FROM pg_class c WHERE {temp} AND c.relkind = 'v'"),
        "SELECT t.typname,
                concat_ws(E'\\x1f', pg_get_expr(t.typdefaultbin, 0),
                  (SELECT string_agg(pg_get_expr(c.conbin, 0), E'\\x1f' ORDER BY c.oid) FROM pg_constraint c WHERE c.contypid = t.oid))
         FROM pg_type t WHERE t.typnamespace = pg_my_temp_schema() AND t.typtype = 'd'"
            .to_owned(),
        format!(
            "SELECT s.relname || '.' || s.tgname, s.definition FROM ({}) s(schema, relname, tgname, definition, comment)
             WHERE s.schema LIKE 'pg_temp%'",
            printed::TRIGGERS
        ),
    ];
    for query in queries {
        for row in printed::rows(conn, &query).await? {
            answers.entry(row[0].clone()).or_insert(Ok(row[1].clone()));
        }
    }
    Ok(answers)
}

/// The model with each probed expression replaced by the server's print (or refusal).
fn apply(model: &Schema, probes: &[Probe], answers: &Answers) -> Schema {
    let mut schema = model.clone();
    let names: Vec<&QualifiedName> = model.tables.keys().collect();
    let mut tables: BTreeMap<usize, Table> = BTreeMap::new();
    let index_names: Vec<&QualifiedName> = model.indexes.keys().collect();
    let view_names: Vec<&QualifiedName> = model.views.keys().collect();
    let type_names: Vec<&QualifiedName> = model.types.keys().collect();
    for probe in probes {
        let Some(found) = answers.get(&probe.answer) else { continue };
        let text = found.clone().unwrap_or_else(|refusal| refusal);
        match probe.target {
            Target::Relation => {}
            Target::Default { table: t, column } => {
                table_copy(&mut tables, model, &names, t).columns[column].default = Some(text)
            }
            Target::Check { table: t, constraint } => {
                table_copy(&mut tables, model, &names, t).constraints[constraint].expression = Some(text)
            }
            Target::Trigger { table: t, trigger } => {
                let old = &mut table_copy(&mut tables, model, &names, t).triggers[trigger];
                *old = match found {
                    Ok(_) => printed::trigger(&old.name, &text, old.origin.clone(), old.comment.clone()),
                    Err(_) => Trigger { condition: Some(text), ..old.clone() },
                };
            }
            Target::Policy { table: t, policy } => {
                let policy = &mut table_copy(&mut tables, model, &names, t).policies[policy];
                match found {
                    Ok(_) => {
                        let (using, check) = text.split_once('\x1f').unwrap_or((&text, ""));
                        policy.using = policy.using.as_ref().map(|_| using.to_owned());
                        policy.with_check = policy.with_check.as_ref().map(|_| check.to_owned());
                    }
                    Err(_) => policy.using = Some(text),
                }
            }
            Target::Index(i) => {
                let old = &model.indexes[index_names[i]];
                let index = match found {
                    Ok(_) => printed::index(&text, old.table.clone(), old.origin.clone(), old.comment.clone()),
                    Err(_) => Index { keys: vec![text], ..(**old).clone() },
                };
                schema.indexes.insert(index_names[i].clone(), Arc::new(index));
            }
            Target::View(v) => {
                let view = View { definition: text, ..(*model.views[view_names[v]]).clone() };
                schema.views.insert(view_names[v].clone(), Arc::new(view));
            }
            Target::Domain(d) => {
                let mut definition = (*model.types[type_names[d]]).clone();
                if let TypeKind::Domain { default, checks, .. } = &mut definition.kind {
                    let mut parts = text.split('\x1f').map(str::to_owned);
                    if default.is_some() {
                        *default = parts.next();
                    }
                    *checks = parts.collect();
                }
                schema.types.insert(type_names[d].clone(), Arc::new(definition));
            }
        }
    }
    for (t, table) in tables {
        schema.tables.insert(names[t].clone(), Arc::new(table));
    }
    schema
}

/// The model's table `t`, copied once to take its probed expressions.
fn table_copy<'a>(
    tables: &'a mut BTreeMap<usize, Table>,
    model: &Schema,
    names: &[&QualifiedName],
    t: usize,
) -> &'a mut Table {
    tables.entry(t).or_insert_with(|| (*model.tables[names[t]]).clone())
}
