//! A walkthrough for newcomers (`/walkthrough?step=N`): base to head one revision at a time —
//! its message, what it changed, and the diagram after it with the touched tables
//! highlighted. Previous/next buttons and the arrow keys move between steps.

use super::{Loaded, with_project};
use crate::components::diagram::Diagram;
use crate::components::engine_answer::when_answered;
use crate::components::schema_changes::SchemaChanges;
use crate::engine;
use crate::i18n::tr;
use leptos::ev;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use std::collections::HashSet;
use std::sync::Arc;
use strata_shared::schema::{Change, ObjectKind};

#[component]
pub fn WalkthroughPage() -> impl IntoView {
    let params = use_query_map();
    let step = move || params.read().get("step").and_then(|s| s.parse::<usize>().ok()).unwrap_or(1);
    let total = RwSignal::new(0usize);
    let navigate = use_navigate();
    let keys = window_event_listener(ev::keydown, move |event| {
        let target_is_field = event
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            .is_some_and(|e| matches!(e.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"));
        let (current, last) = (step(), total.get_untracked());
        let next = match event.key().as_str() {
            "ArrowRight" if current < last => current + 1,
            "ArrowLeft" if current > 1 => current - 1,
            _ => return,
        };
        if !target_is_field {
            navigate(&format!("/walkthrough?step={next}"), Default::default());
        }
    });
    on_cleanup(move || keys.remove());
    view! {
        {with_project(move |loaded: Arc<Loaded>| {
            let graph = &loaded.graph;
            let order: Vec<usize> = graph.history_order().into_iter().rev().collect();
            total.set(order.len());
            if order.is_empty() {
                return view! { <p class="empty">{tr("No revision files in versions/ yet.")}</p> }.into_any();
            }
            let current = step().clamp(1, order.len());
            let index = order[current - 1];
            let step = {
                let sql = loaded.sql.clone();
                LocalResource::new(move || engine::step(sql.clone(), index))
            };
            let revision = &graph.node(index).revision;
            let id = revision.id.clone();
            let progress = tr("Step {i} of {n}").replace("{i}", &current.to_string()).replace("{n}", &order.len().to_string());
            view! {
                <section class="walkthrough" data-test="walkthrough" data-step=current data-revision=id.clone()>
                    <nav class="stepper">
                        <a class="button" data-test="previous" href=format!("/walkthrough?step={}", current.saturating_sub(1).max(1))
                            aria-disabled=(current == 1).to_string()>"← " {tr("Previous")}</a>
                        <span class="progress">{progress}</span>
                        <a class="button" data-test="next" href=format!("/walkthrough?step={}", (current + 1).min(order.len()))
                            aria-disabled=(current == order.len()).to_string()>{tr("Next")} " →"</a>
                    </nav>
                    <h1><a href=format!("/revisions/{id}")><code>{id.clone()}</code></a> " "
                        <span class="message">{revision.message.clone().unwrap_or_default()}</span></h1>
                    {when_answered(step, |(model, after)| {
                        let highlight = touched_tables(&model.changes);
                        view! {
                            <SchemaChanges model />
                            <h2>{tr("Diagram")}</h2>
                            <Diagram schema=after highlight />
                        }
                    })}
                </section>
            }
            .into_any()
        })}
    }
}

/// Tables a step added, changed or dropped, or whose columns, constraints, triggers or policies it did.
fn touched_tables(changes: &[Change]) -> HashSet<String> {
    changes
        .iter()
        .filter_map(|change| match change.kind {
            ObjectKind::Table => Some(change.name.clone()),
            ObjectKind::Column | ObjectKind::Constraint | ObjectKind::Trigger | ObjectKind::Policy => {
                change.name.rsplit_once('.').map(|(table, _)| table.to_owned())
            }
            _ => None,
        })
        .collect()
}
