//! Compare: schema A against schema B — any two revisions, or where an environment stands
//! against head — with the revisions between them and the SQL that would run, all computed
//! in wasm. The choice lives in the URL (`/compare?from=…&to=…`).

use super::{Loaded, revision_options, with_project};
use crate::components::engine_answer::when_answered;
use crate::components::schema_changes::ChangeList;
use crate::context::Data;
use crate::engine;
use crate::i18n::tr;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use std::sync::Arc;
use strata_shared::graph::RevisionGraph;
use strata_shared::plan;
use strata_shared::schema::{Change, query};
use strata_shared::words::Message;

#[component]
pub fn ComparePage() -> impl IntoView {
    let data = expect_context::<Data>();
    let params = use_query_map();
    let from = move || params.read().get("from").unwrap_or_else(|| "base".into());
    let to = move || params.read().get("to").unwrap_or_else(|| "heads".into());
    let navigate = use_navigate();
    let go = move |from: String, to: String| navigate(&format!("/compare?from={from}&to={to}"), Default::default());
    let environments = move || data.environments.get().and_then(Result::ok).unwrap_or_default();
    view! {
        <h1>{tr("Compare")}</h1>
        {with_project(move |loaded: Arc<Loaded>| {
            let (from, to) = (from(), to());
            let env_options = environments()
                .into_iter()
                .map(|e| {
                    let value = format!("env:{}", e.name);
                    let selected = value == from;
                    view! { <option value=value selected=selected>{format!("◆ {}", e.name)}</option> }
                })
                .collect_view();
            let go_from = go.clone();
            let go_to = go.clone();
            let (to_for_from, from_for_to) = (to.clone(), from.clone());
            view! {
                <form class="compare-form" on:submit=|ev| ev.prevent_default()>
                    <label>{tr("From")} " "
                        <select data-test="compare-from" on:change=move |ev| go_from(event_target_value(&ev), to_for_from.clone())>
                            <option value="base" selected=from == "base">"base"</option>
                            {env_options}
                            {revision_options(&loaded, &from)}
                        </select>
                    </label>
                    <label>{tr("To")} " "
                        <select data-test="compare-to" on:change=move |ev| go_to(from_for_to.clone(), event_target_value(&ev))>
                            {revision_options(&loaded, &to)}
                        </select>
                    </label>
                </form>
                {comparison(&loaded, &from, &to, &environments())}
            }
        })}
    }
}

/// The rows an endpoint stands for: an environment's version rows, or a spec's revisions.
fn rows_of(
    graph: &RevisionGraph,
    spec: &str,
    environments: &[strata_shared::api::EnvironmentStatus],
) -> Result<Vec<String>, String> {
    if let Some(name) = spec.strip_prefix("env:") {
        return environments
            .iter()
            .find(|e| e.name == name)
            .map(|e| e.current.clone())
            .ok_or_else(|| Message::NoEnvironment { name: name.to_owned() }.words(crate::i18n::current()));
    }
    Ok(graph.ids(query::resolve(graph, spec).map_err(|e| e.words(crate::i18n::current()))?))
}

fn comparison(
    loaded: &Loaded,
    from: &str,
    to: &str,
    environments: &[strata_shared::api::EnvironmentStatus],
) -> impl IntoView + use<> {
    let graph = &loaded.graph;
    let (from_rows, to_rows) = match (rows_of(graph, from, environments), rows_of(graph, to, environments)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(error), _) | (_, Err(error)) => {
            return view! { <p class="error-state" data-test="error">{error}</p> }.into_any();
        }
    };
    let indices = |rows: &[String]| -> Vec<usize> { rows.iter().filter_map(|r| graph.index_of(r)).collect() };
    // The plan from A to B, as a database at A would run it.
    let target = if to_rows.is_empty() { "base".to_owned() } else { to_rows.join(" ") };
    let planned = if to_rows.len() > 1 {
        plan::upgrade(graph, &from_rows, "heads")
    } else {
        plan::upgrade(graph, &from_rows, &target).or_else(|_| plan::downgrade(graph, &from_rows, &target))
    };
    let (plan, plan_view) = match planned {
        Ok(plan) => {
            let steps = plan
                .steps
                .iter()
                .map(|step| {
                    let revision = step.revision.clone().unwrap_or_default();
                    let message = graph.get(&revision).and_then(|r| r.message.clone()).unwrap_or_default();
                    let href = format!("/revisions/{revision}");
                    let data_revision = revision.clone();
                    view! {
                        <li data-test="between" data-revision=data_revision>
                            <span class="muted">{format!("{} ", step.direction)}</span>
                            <a href=href><code>{revision}</code></a> " " {message}
                        </li>
                    }
                })
                .collect_view();
            let view = view! {
                <h2>{tr("Revisions between")}</h2>
                <ol class="between">{steps}</ol>
            };
            (Some(plan), view.into_any())
        }
        Err(error) => (None, view! { <p class="muted">{error.words(crate::i18n::current())}</p> }.into_any()),
    };
    let answer = {
        let (sql, from, to) = (loaded.sql.clone(), indices(&from_rows), indices(&to_rows));
        LocalResource::new(move || engine::compare(sql.clone(), from.clone(), to.clone(), plan.clone()))
    };
    // The plan's SQL comes with the changes (the engine renders it), shown after the plan's steps.
    let sql = move || answer.get().and_then(Result::ok).and_then(|(_, sql)| sql).map(sql_preview);
    view! {
        {when_answered(answer, |(changes, _)| changes_view(changes))}
        {plan_view}
        {sql}
    }
    .into_any()
}

fn changes_view(changes: Vec<Change>) -> impl IntoView {
    view! {
        <section class="schema-changes" data-test="compare-changes">
            <h2>{tr("Schema changes")} " " <span class="summary">{tr("{n} changes").replace("{n}", &changes.len().to_string())}</span></h2>
            <ChangeList changes />
        </section>
    }
}

fn sql_preview(sql: String) -> impl IntoView {
    view! {
        <details class="sql-preview">
            <summary>{tr("The SQL that would run")}</summary>
            <pre data-test="compare-sql">{sql}</pre>
        </details>
    }
}
