//! The start page: where each environment stands, the heads, problems, and every revision.

use crate::analysis::{ProjectAnalysis, RevisionSummary, analyse};
use crate::app::Data;
use crate::components::diagnostics::Diagnostics;
use leptos::prelude::*;
use leptos_router::components::A;
use std::time::Duration;
use strata_shared::api::{EnvironmentStatus, ExcludedNode, ProjectSnapshot, RevisionNode};

#[component]
pub fn Overview() -> impl IntoView {
    let data = expect_context::<Data>();
    view! {
        <Environments />
        {move || match data.project.get() {
            None => view! { <p class="loading">"Loading the revisions…"</p> }.into_any(),
            Some(Err(error)) => view! { <p class="error-state">{error}</p> }.into_any(),
            Some(Ok(project)) => project_view(project).into_any(),
        }}
    }
}

#[component]
fn Environments() -> impl IntoView {
    let data = expect_context::<Data>();
    view! {
        <section class="environments" data-test="environments">
            {move || match data.environments.get() {
                None => view! { <span class="loading">"Reading the environments…"</span> }.into_any(),
                Some(Err(error)) => view! { <span class="error-state">{error}</span> }.into_any(),
                Some(Ok(environments)) => environments.into_iter().map(environment_badge).collect_view().into_any(),
            }}
        </section>
    }
}

fn environment_badge(environment: EnvironmentStatus) -> impl IntoView {
    let state = match (&environment.error, environment.current.as_slice()) {
        (Some(error), _) => format!("unreachable: {error}"),
        (None, []) => "at base (no revision applied)".to_owned(),
        (None, current) => current.join(", "),
    };
    let name = environment.name;
    let key = name.clone();
    let pending = environment.pending.as_ref().map_or(0, Vec::len);
    let edited = environment.edited.join(", ");
    view! {
        <div class="environment" data-environment=key>
            <span class="environment-name">{name}</span>
            <span class="environment-state">{state}</span>
            {(pending > 0).then(|| view! { <span class="tag pending">{format!("{pending} pending")}</span> })}
            {(!edited.is_empty()).then(|| view! { <span class="tag edited">{format!("edited after it ran: {edited}")}</span> })}
        </div>
    }
}

fn project_view(project: ProjectSnapshot) -> impl IntoView {
    let heads = project.heads.join(", ");
    let count = project.revisions.len();
    // Findings and schema changes of every revision, computed after the table is on screen.
    let analysis = RwSignal::new_local(None::<ProjectAnalysis>);
    let snapshot = project.clone();
    set_timeout(move || analysis.set(Some(analyse(&snapshot))), Duration::ZERO);
    let excluded = project.excluded;
    view! {
        <Diagnostics diagnostics=project.diagnostics />
        <section class="revisions">
            <h1>{format!("{count} revisions")}</h1>
            <p class="heads">"Heads: " <code>{heads}</code></p>
            {move || analysis.get().map(|done| {
                let text = format!(
                    "Lint and schema model of {count} revisions computed in this browser in {:.0} ms.",
                    done.milliseconds
                );
                view! {
                    <p class="analysis-status muted" data-test="analysis" data-analysis-ms=done.milliseconds
                        data-wasm-memory-bytes=done.memory_bytes>{text}</p>
                }
            })}
            {if count == 0 && excluded.is_empty() {
                view! { <p class="empty">"No revision files in versions/ yet."</p> }.into_any()
            } else {
                view! {
                    <table class="revision-list" data-test="revision-list">
                        <thead>
                            <tr>
                                <th>"Revision"</th><th>"Message"</th><th>"Revises"</th><th>"Schema"</th>
                                <th>"Lint"</th><th>"Created"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {project.revisions.into_iter().map(|node| revision_row(node, analysis)).collect_view()}
                            {excluded.into_iter().map(excluded_row).collect_view()}
                        </tbody>
                    </table>
                }
                .into_any()
            }}
        </section>
    }
}

fn revision_row(node: RevisionNode, analysis: RwSignal<Option<ProjectAnalysis>, LocalStorage>) -> impl IntoView {
    let RevisionNode { revision, children, labels } = node;
    let href = format!("/revisions/{}", revision.id);
    let revises = if revision.parents.is_empty() { "base".to_owned() } else { revision.parents.join(", ") };
    let is_head = children.is_empty();
    let id = revision.id;
    let key = id.clone();
    let summary = {
        let id = id.clone();
        move || analysis.with(|a| a.as_ref().map(|a| a.revisions.get(&id).cloned().unwrap_or_default()))
    };
    view! {
        <tr data-revision=key>
            <td>
                <A href=href><code>{id}</code></A>
                {is_head.then(|| view! { <span class="tag head">"head"</span> })}
                {labels.into_iter().map(|l| view! { <span class="tag label">{l}</span> }).collect_view()}
            </td>
            <td>{revision.message.unwrap_or_default()}</td>
            <td><code>{revises}</code></td>
            <td class="schema-summary">{let summary = summary.clone(); move || summary().map(schema_cell)}</td>
            <td class="lint-summary">{move || summary().map(lint_cell)}</td>
            <td class="date">{revision.created.unwrap_or_default()}</td>
        </tr>
    }
}

/// `+2 ~1 −1`: objects the revision adds, changes and drops.
fn schema_cell(summary: RevisionSummary) -> impl IntoView {
    if summary.unknown {
        return view! { <span class="muted" title="Alembic Python revision">"unknown"</span> }.into_any();
    }
    let parts = [("+", summary.added, "added"), ("~", summary.changed, "changed"), ("−", summary.dropped, "dropped")];
    let shown: Vec<_> = parts
        .into_iter()
        .filter(|(_, n, _)| *n > 0)
        .map(|(sign, n, class)| view! { <span class=format!("count {class}")>{format!("{sign}{n}")}</span> " " })
        .collect();
    if shown.is_empty() {
        view! { <span class="muted">"—"</span> }.into_any()
    } else {
        shown.collect_view().into_any()
    }
}

/// Findings by severity, e.g. `1 error 2 warnings`.
fn lint_cell(summary: RevisionSummary) -> impl IntoView {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let parts = [(summary.errors, "error"), (summary.warnings, "warning"), (summary.hints, "hint")];
    let shown: Vec<_> = parts
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, word)| view! { <span class=format!("count {word}")>{plural(n, word)}</span> " " })
        .collect();
    if shown.is_empty() {
        view! { <span class="muted">"clean"</span> }.into_any()
    } else {
        shown.collect_view().into_any()
    }
}

/// A revision file that parsed but could not join the graph, with the reason.
fn excluded_row(node: ExcludedNode) -> impl IntoView {
    let revision = node.revision;
    let revises = if revision.parents.is_empty() { "base".to_owned() } else { revision.parents.join(", ") };
    let id = revision.id;
    let key = id.clone();
    view! {
        <tr class="excluded" data-revision=key>
            <td><code>{id}</code> <span class="tag left-out">"left out"</span></td>
            <td>{revision.message.unwrap_or_default()} <div class="reason">{node.reason}</div></td>
            <td><code>{revises}</code></td>
            <td></td>
            <td></td>
            <td class="date">{revision.created.unwrap_or_default()}</td>
        </tr>
    }
}
