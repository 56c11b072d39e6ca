//! A schema as per-kind "facts" (object → one string): how the fidelity tests measure the
//! model against PostgreSQL's catalog, kind by kind, and count matches. Both sides are
//! [`Schema`]s: the live one from `catalog.rs`, the model's after `normalize.rs`.

use super::printed;
use std::collections::{BTreeMap, BTreeSet};
use strata_shared::schema::{self, ConstraintKind, Identity, Schema, TypeKind};

/// kind → (object → its facts in one string).
pub type Facts = BTreeMap<&'static str, BTreeMap<String, String>>;

/// kind → (matched, total).
pub type Rates = BTreeMap<&'static str, (usize, usize)>;

fn put(facts: &mut Facts, kind: &'static str, key: String, value: String) {
    facts.entry(kind).or_default().insert(key, value);
}

fn quote_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// PostgreSQL's one-letter code of a foreign key action.
fn action_code(action: &str) -> &'static str {
    match action {
        "restrict" => "r",
        "cascade" => "c",
        "set null" => "n",
        "set default" => "d",
        _ => "a",
    }
}

/// What `schema` says, kind by kind (its expressions as they are: put the model through
/// `normalize` first to compare it with a live schema).
pub fn facts(schema: &Schema) -> Facts {
    let mut facts = Facts::new();
    for name in schema.namespaces.keys() {
        put(&mut facts, "schemas", name.clone(), String::new());
    }
    for (name, table) in &schema.tables {
        let table_name = name.to_string();
        put(&mut facts, "tables", table_name.clone(), String::new());
        if let Some(comment) = &table.comment {
            put(&mut facts, "comments", format!("table {table_name}"), comment.clone());
        }
        let names: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
        put(&mut facts, "column order", table_name.clone(), names.join(","));
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
                put(&mut facts, "defaults", key.clone(), default.clone());
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
                format!(
                    " -> {}({}) delete {} update {}",
                    r.table,
                    r.columns.join(","),
                    action_code(&r.on_delete),
                    action_code(&r.on_update)
                )
            });
            let deferrable = format!(
                "{}{}",
                if constraint.deferrable { " deferrable" } else { "" },
                if constraint.initially_deferred { " initially deferred" } else { "" }
            );
            let columns = constraint.columns.join(",");
            let value = format!("{code} ({columns}){reference} valid {}{deferrable}", constraint.validated);
            put(&mut facts, "constraints", key.clone(), value);
            if let Some(expression) = &constraint.expression {
                put(&mut facts, "check expressions", key.clone(), expression.clone());
            }
            if let Some(comment) = &constraint.comment {
                put(&mut facts, "comments", format!("constraint {key}"), comment.clone());
            }
        }
        for trigger in &table.triggers {
            put(&mut facts, "triggers", format!("{table_name}.{}", trigger.name), schema::describe::trigger(trigger));
        }
        if let Some(row_security) = schema::describe::row_security(table.row_security) {
            put(&mut facts, "row security", table_name.clone(), row_security);
        }
        for policy in &table.policies {
            put(&mut facts, "policies", format!("{table_name}.{}", policy.name), schema::describe::policy(policy));
        }
    }
    for (name, index) in &schema.indexes {
        put(&mut facts, "indexes", name.to_string(), printed::index_definition(index));
        if let Some(comment) = &index.comment {
            put(&mut facts, "comments", format!("index {name}"), comment.clone());
        }
    }
    for (name, sequence) in &schema.sequences {
        let owner = sequence.owned_by.as_ref().map_or(String::new(), |(t, c)| format!("{t}.{c}"));
        put(&mut facts, "sequences", name.to_string(), owner);
    }
    for (name, definition) in &schema.types {
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
    for (name, view) in &schema.views {
        let kind = if view.materialized { "materialized" } else { "view" };
        put(&mut facts, "views", name.to_string(), format!("{kind}: {}", view.definition));
    }
    for (name, statistics) in &schema.statistics {
        put(&mut facts, "statistics", name.to_string(), schema::describe::statistics(statistics));
    }
    for (name, extension) in &schema.extensions {
        put(&mut facts, "extensions", name.clone(), extension.schema.clone());
    }
    for (key, function) in &schema.functions {
        let returns = if function.procedure { "" } else { function.returns.as_str() };
        put(&mut facts, "functions", key.clone(), format!("{returns} {}", function.language));
    }
    facts
}

/// Per kind: how many objects match, out of all either side has; and every mismatch.
pub fn compare(catalog: &Facts, model: &Facts) -> (Rates, Vec<String>) {
    let mut rates = Rates::new();
    let mut mismatches = Vec::new();
    let kinds: BTreeSet<&'static str> = catalog.keys().chain(model.keys()).copied().collect();
    let empty = BTreeMap::new();
    for kind in kinds {
        let (ours, theirs) = (model.get(kind).unwrap_or(&empty), catalog.get(kind).unwrap_or(&empty));
        let keys: BTreeSet<&String> = ours.keys().chain(theirs.keys()).collect();
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

/// The live database's facts and the model's, in the database's words.
pub async fn of_database_and_model(
    conn: &mut sqlx::PgConnection,
    model: &Schema,
) -> Result<(Facts, Facts), sqlx::Error> {
    let live = super::live_schema(conn, &strata_shared::offline::VersionTable::default()).await?;
    let model = super::normalize::in_database_words(conn, model, &live).await?;
    Ok((facts(&live), facts(&model)))
}
