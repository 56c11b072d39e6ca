//! Drift: an environment's database against the schema model at the revisions it is at, read
//! by the server from the live catalog, shown as the compare view shows changes (from the
//! model to the database). The environment lives in the URL (`/drift?env=…`); the overview's
//! drift badges link here.

use crate::api;
use crate::components::schema_changes::{DriftList, not_modelled_list};
use crate::context::Data;
use crate::i18n::tr;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use strata_shared::schema::drift::Drift;

/// `no drift`, or `2 missing, 1 extra` in the current language.
pub fn summary(drift: &Drift) -> String {
    if !drift.drifted() {
        return tr("no drift").to_owned();
    }
    let (missing, extra, different) = drift.counts();
    [(missing, tr("{n} missing")), (extra, tr("{n} extra")), (different, tr("{n} different"))]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, text)| text.replace("{n}", &n.to_string()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn drift_href(environment: &str) -> String {
    format!("/drift?env={}", js_sys::encode_uri_component(environment))
}

/// The overview's badge: whether `environment` drifted, linking to its drift view.
#[component]
pub fn DriftBadge(environment: String) -> impl IntoView {
    let found = LocalResource::new({
        let environment = environment.clone();
        move || {
            let environment = environment.clone();
            async move { api::drift(&environment).await }
        }
    });
    let href = drift_href(&environment);
    move || {
        let href = href.clone();
        match found.get() {
            None => None,
            Some(Err(reason)) => Some(
                view! { <a class="tag drift-unknown" data-test="drift-badge" data-drifted="unknown" href=href title=reason>{tr("drift unknown")}</a> }
                    .into_any(),
            ),
            Some(Ok(drift)) => {
                let (class, drifted) = if drift.drifted() { ("tag drift", "true") } else { ("tag no-drift", "false") };
                let text = if drift.drifted() { format!("{} {}", tr("drift:"), summary(&drift)) } else { summary(&drift) };
                Some(view! { <a class=class data-test="drift-badge" data-drifted=drifted href=href>{text}</a> }.into_any())
            }
        }
    }
}

#[component]
pub fn DriftPage() -> impl IntoView {
    let data = expect_context::<Data>();
    let params = use_query_map();
    let navigate = use_navigate();
    let environments = move || data.environments.get().and_then(Result::ok).unwrap_or_default();
    let chosen =
        move || params.read().get("env").or_else(|| environments().first().map(|e| e.name.clone())).unwrap_or_default();
    let found = LocalResource::new(move || {
        let environment = chosen();
        async move { if environment.is_empty() { Ok(None) } else { api::drift(&environment).await.map(Some) } }
    });
    view! {
        <h1>{tr("Drift")}</h1>
        <p class="muted">{tr("The database as its catalog says, against the schema model at the revisions it is at.")}</p>
        <form class="compare-form" on:submit=|ev| ev.prevent_default()>
            <label>{tr("Environment")} " "
                <select data-test="drift-environment" on:change=move |ev| navigate(&drift_href(&event_target_value(&ev)), Default::default())>
                    {move || {
                        let current = chosen();
                        environments()
                            .into_iter()
                            .map(|e| {
                                let (selected, value) = (e.name == current, e.name.clone());
                                view! { <option value=value selected=selected>{e.name}</option> }
                            })
                            .collect_view()
                    }}
                </select>
            </label>
        </form>
        {move || match found.get() {
            None => view! { <p class="loading">{tr("Reading the database's catalog…")}</p> }.into_any(),
            Some(Err(reason)) => view! { <p class="error-state" data-test="error">{reason}</p> }.into_any(),
            Some(Ok(None)) => view! { <p class="empty">{tr("No environment to compare.")}</p> }.into_any(),
            Some(Ok(Some(drift))) => drift_view(drift).into_any(),
        }}
    }
}

fn drift_view(drift: Drift) -> impl IntoView {
    let at = if drift.at.is_empty() { "base".to_owned() } else { drift.at.join(", ") };
    let drifted = if drift.drifted() { "true" } else { "false" };
    let incomplete = (!drift.unknown_effects.is_empty()).then(|| {
        view! {
            <p class="notice">
                {tr("The model may be incomplete: an Alembic script's code could not be rendered to SQL in")} " "
                {drift.unknown_effects.join(", ")}
            </p>
        }
    });
    let not_modelled = (!drift.not_modelled.is_empty()).then(|| not_modelled_list(drift.not_modelled.clone()));
    view! {
        <section class="schema-changes" data-test="drift" data-drifted=drifted data-environment=drift.environment.clone()>
            <h2>
                {format!("{} · {at}", drift.environment)} " "
                <span class="summary" data-test="drift-summary">{summary(&drift)}</span>
            </h2>
            {drift.drifted().then(|| view! {
                <p class="muted">{tr("− missing from the database, + extra in the database, ~ different: the model's → the database's.")}</p>
            })}
            <DriftList differences=drift.differences />
            {incomplete}
            {not_modelled}
        </section>
    }
}
