//! The audit log (`/audit`): who did what, when, where; with JSON and CSV exports.

use crate::api;
use crate::i18n::tr;
use leptos::prelude::*;

#[component]
pub fn AuditPage() -> impl IntoView {
    let entries = LocalResource::new(api::audit);
    view! {
        <h1>{tr("Audit")}</h1>
        <p class="exports">
            {tr("Export:")} " "
            <a href="/api/audit?format=json" download="strata-audit.json" data-test="export-json">"JSON"</a> " · "
            <a href="/api/audit?format=csv" data-test="export-csv">"CSV"</a>
        </p>
        {move || match entries.get() {
            None => view! { <p class="loading">{tr("Loading…")}</p> }.into_any(),
            Some(Err(error)) => view! { <p class="error-state">{error}</p> }.into_any(),
            Some(Ok(entries)) if entries.is_empty() => view! { <p class="empty">{tr("Nothing recorded yet.")}</p> }.into_any(),
            Some(Ok(entries)) => {
                let rows = entries
                    .into_iter()
                    .map(|e| {
                        let action = e.action.clone();
                        view! {
                            <tr data-test="audit-entry" data-action=action>
                                <td>{local_time(e.at)}</td>
                                <td>{e.actor}</td>
                                <td><code>{e.action}</code></td>
                                <td>{e.environment.unwrap_or_default()}</td>
                                <td><code>{e.subject.unwrap_or_default()}</code></td>
                                <td>{e.detail}</td>
                            </tr>
                        }
                    })
                    .collect_view();
                view! {
                    <table class="audit" data-test="audit">
                        <thead><tr>
                            <th>{tr("When")}</th><th>{tr("Who")}</th><th>{tr("What")}</th>
                            <th>{tr("Environment")}</th><th>{tr("About")}</th><th>{tr("Details")}</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                }
                .into_any()
            }
        }}
    }
}

/// Unix seconds in the browser's time zone and locale.
pub fn local_time(seconds: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(seconds as f64 * 1000.0));
    String::from(date.to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED))
}
