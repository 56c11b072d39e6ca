//! The audit log (`/audit`): who did what, when, where; a page at a time, newest first, with
//! filters kept in the URL (and in the JSON and CSV exports).

use crate::api;
use crate::i18n::tr;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_query_map};
use strata_shared::audit::{AuditEntry, AuditQuery};
use strata_shared::limits::Field;

const FILTERS: [&str; 3] = ["actor", "action", "environment"];

#[component]
pub fn AuditPage() -> impl IntoView {
    let params = use_query_map();
    let filters = Memo::new(move |_| {
        let params = params.read();
        let value = |key: &str| params.get(key).filter(|v| !v.is_empty());
        AuditQuery {
            actor: value("actor"),
            action: value("action"),
            environment: value("environment"),
            ..Default::default()
        }
    });
    let entries = RwSignal::new(Vec::<AuditEntry>::new());
    let next = RwSignal::new(None::<i64>);
    let loading = RwSignal::new(true);
    let error = RwSignal::new(None::<String>);
    // Loads the page before `before` (the first page when none) and appends it.
    let load = move |before: Option<i64>| {
        let query = AuditQuery { before, ..filters.get_untracked() };
        loading.set(true);
        spawn_local(async move {
            match api::audit(&query).await {
                Ok(page) => {
                    entries.update(|all| all.extend(page.entries));
                    next.set(page.next);
                    error.set(None);
                }
                Err(message) => error.set(Some(message)),
            }
            loading.set(false);
        });
    };
    Effect::new(move |_| {
        filters.track();
        entries.set(Vec::new());
        next.set(None);
        load(None);
    });
    // What is typed in the filter fields, until applied to the URL.
    let typed = FILTERS.map(|key| RwSignal::new(params.read_untracked().get(key).unwrap_or_default()));
    let navigate = use_navigate();
    let apply = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let pairs: Vec<String> = FILTERS
            .iter()
            .zip(typed)
            .filter_map(|(key, value)| {
                let value = value.get_untracked();
                let value = value.trim();
                (!value.is_empty()).then(|| format!("{key}={}", js_sys::encode_uri_component(value)))
            })
            .collect();
        let url = if pairs.is_empty() { "/audit".to_owned() } else { format!("/audit?{}", pairs.join("&")) };
        navigate(&url, Default::default());
    };
    let export = move |format: &'static str| api::audit_url(&filters.get(), Some(format));
    let max = Field::AuditFilter.max_chars().to_string();
    let filter_input = move |index: usize, label: &'static str| {
        let (key, value) = (FILTERS[index], typed[index]);
        view! {
            <label>{tr(label)} " "
                <input name=key data-test=format!("filter-{key}") maxlength=max.clone() prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev)) />
            </label>
        }
    };
    view! {
        <h1>{tr("Audit")}</h1>
        <form class="audit-filters" data-test="audit-filters" on:submit=apply>
            {filter_input(0, "Who")} " " {filter_input(1, "What")} " " {filter_input(2, "Environment")} " "
            <button type="submit" data-test="filter-apply">{tr("Filter")}</button>
        </form>
        <p class="exports">
            {tr("Export:")} " "
            <a href=move || export("json") download="strata-audit.json" data-test="export-json">"JSON"</a> " · "
            <a href=move || export("csv") data-test="export-csv">"CSV"</a>
        </p>
        {move || error.get().map(|message| view! { <p class="error-state">{message}</p> })}
        {move || {
            let shown = entries.get();
            if shown.is_empty() {
                return if loading.get() {
                    view! { <p class="loading">{tr("Loading…")}</p> }.into_any()
                } else {
                    view! { <p class="empty">{tr("Nothing recorded yet.")}</p> }.into_any()
                };
            }
            let rows = shown.into_iter().map(row).collect_view();
            view! {
                <table class="audit" data-test="audit">
                    <thead><tr>
                        <th>{tr("When")}</th><th>{tr("Who")}</th><th>{tr("What")}</th>
                        <th>{tr("Environment")}</th><th>{tr("About")}</th><th>{tr("Details")}</th>
                        <th>{tr("Address")}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            }
            .into_any()
        }}
        {move || next.get().map(|before| view! {
            <button data-test="audit-older" disabled=move || loading.get() on:click=move |_| load(Some(before))>
                {tr("Older entries")}
            </button>
        })}
    }
}

fn row(e: AuditEntry) -> impl IntoView {
    let action = e.action.clone();
    let times = (e.count > 1).then(|| tr("{n} times").replace("{n}", &e.count.to_string()));
    view! {
        <tr data-test="audit-entry" data-action=action data-id=e.id>
            <td>{local_time(e.at)}</td>
            <td>{e.actor}</td>
            <td><code>{e.action}</code> <span class="count" data-test="audit-count">{times}</span></td>
            <td>{e.environment.unwrap_or_default()}</td>
            <td><code>{e.subject.unwrap_or_default()}</code></td>
            <td>{e.detail}</td>
            <td>{e.address.unwrap_or_default()}</td>
        </tr>
    }
}

/// Unix seconds in the browser's time zone and locale.
pub fn local_time(seconds: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(seconds as f64 * 1000.0));
    String::from(date.to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED))
}
