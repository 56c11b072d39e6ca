//! The schema at any revision (`/schema?at=…`): the diagram of tables and foreign keys, and
//! every table with its columns, constraints, indexes, triggers and row-level security policies, each with its blame —
//! which revision made it and which changed it.

use super::{Loaded, revision_options, with_project};
use crate::components::diagram::Diagram;
use crate::components::engine_answer::when_answered;
use crate::engine;
use crate::i18n::tr;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use std::collections::HashMap;
use std::sync::Arc;
use strata_shared::schema::{BlameEntry, Schema, describe, query};

#[component]
pub fn SchemaPage() -> impl IntoView {
    let params = use_query_map();
    let at = move || params.read().get("at").unwrap_or_else(|| "heads".into());
    let navigate = use_navigate();
    view! {
        {with_project(move |loaded: Arc<Loaded>| {
            let at = at();
            let navigate = navigate.clone();
            let graph = &loaded.graph;
            let targets = match query::resolve(graph, &at) {
                Ok(targets) => targets,
                Err(error) => {
                    let message = error.words(crate::i18n::current());
                    return view! { <p class="error-state" data-test="error">{message}</p> }.into_any();
                }
            };
            let answer = {
                let sql = loaded.sql.clone();
                LocalResource::new(move || engine::schema_at(sql.clone(), targets.clone()))
            };
            view! {
                <h1>{tr("Schema at")} " "
                    <select data-test="schema-at" on:change=move |ev| {
                        navigate(&format!("/schema?at={}", event_target_value(&ev)), Default::default())
                    }>
                        {revision_options(&loaded, &at)}
                    </select>
                </h1>
                {when_answered(answer, |(schema, blame)| schema_view(schema, blame))}
            }
            .into_any()
        })}
    }
}

fn schema_view(schema: Schema, blame: Vec<BlameEntry>) -> impl IntoView {
    let blamed: HashMap<String, BlameEntry> = blame.into_iter().map(|e| (e.name.clone(), e)).collect();
    view! {
        {(!schema.unknown_effects.is_empty()).then(|| view! {
            <p class="notice">{tr("Part of an Alembic script could not be rendered to SQL: what that code does to the schema is missing here.")} " "
                <code>{schema.unknown_effects.join(", ")}</code></p>
        })}
        <h2>{tr("Diagram")}</h2>
        <Diagram schema=schema.clone() />
        <h2>{tr("Tables")}</h2>
        {tables(&schema, &blamed)}
    }
}

fn tables(schema: &Schema, blamed: &HashMap<String, BlameEntry>) -> impl IntoView + use<> {
    schema
        .tables
        .iter()
        .map(|(name, table)| {
            let table_name = name.to_string();
            let part = |part: &str| format!("{table_name}.{part}");
            let columns = table
                .columns
                .iter()
                .map(|c| {
                    view! {
                        <tr data-column=c.name.clone()>
                            <td><code>{c.name.clone()}</code></td>
                            <td>{describe::column(c)}</td>
                            <td>{blame_view(blamed.get(&part(&c.name)))}</td>
                        </tr>
                    }
                })
                .collect_view();
            let constraints = table
                .constraints
                .iter()
                .map(|c| {
                    view! {
                        <tr data-constraint=c.name.clone()>
                            <td><code>{c.name.clone()}</code></td>
                            <td>{describe::constraint(c)}</td>
                            <td>{blame_view(blamed.get(&part(&c.name)))}</td>
                        </tr>
                    }
                })
                .collect_view();
            let policies = table
                .policies
                .iter()
                .map(|p| {
                    view! {
                        <tr data-policy=p.name.clone()>
                            <td><code>{p.name.clone()}</code></td>
                            <td>{describe::policy(p)}</td>
                            <td>{blame_view(blamed.get(&part(&p.name)))}</td>
                        </tr>
                    }
                })
                .collect_view();
            let row_security = describe::row_security(table.row_security).map(|state| {
                view! { <span class="badge" data-test="row-security">{tr("row-level security")} ": " {state}</span> }
            });
            let indexes = schema
                .indexes
                .iter()
                .filter(|(_, index)| index.table == *name)
                .map(|(index_name, index)| {
                    let key = index_name.to_string();
                    view! {
                        <tr data-index=key.clone()>
                            <td><code>{key.clone()}</code></td>
                            <td>{describe::index(index)}</td>
                            <td>{blame_view(blamed.get(&key))}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <section class="table-card" data-table=table_name.clone() id=format!("table-{table_name}")>
                    <h3><code>{table_name.clone()}</code> " " <span class="muted">{table.comment.clone().unwrap_or_default()}</span> {row_security}</h3>
                    <p class="blame-line">{blame_view(blamed.get(&table_name))}</p>
                    <table class="columns">
                        <tbody>
                            <tr><th colspan="3">{tr("Columns")}</th></tr>
                            {columns}
                            <tr><th colspan="3">{tr("Constraints")}</th></tr>
                            {constraints}
                            <tr><th colspan="3">{tr("Indexes")}</th></tr>
                            {indexes}
                            {(!table.policies.is_empty()).then(|| view! { <tr><th colspan="3">{tr("Policies")}</th></tr> })}
                            {policies}
                        </tbody>
                    </table>
                </section>
            }
        })
        .collect_view()
}

/// `created by abc123; changed by def456, …`, each a link to the revision.
fn blame_view(entry: Option<&BlameEntry>) -> impl IntoView + use<> {
    entry.map(|entry| {
        let link = |id: &String| view! { <a href=format!("/revisions/{id}")><code>{id.clone()}</code></a> " " };
        let changed = (!entry.changed_by.is_empty()).then(|| {
            view! { <span>{tr("changed by")} " " {entry.changed_by.iter().map(link).collect_view()}</span> }
        });
        view! {
            <span class="blame" data-test="blame" data-created-by=entry.created_by.clone()>
                {tr("created by")} " " {link(&entry.created_by)} {changed}
            </span>
        }
    })
}
