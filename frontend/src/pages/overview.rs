//! The start page: where each environment stands, problems, and the history graph.

use crate::api;
use crate::components::diagnostics::Diagnostics;
use crate::components::history_graph::HistoryGraph;
use crate::context::Data;
use crate::i18n::tr;
use crate::pages::drift::DriftBadge;
use crate::timing::{memory_bytes, now};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::time::Duration;
use strata_shared::api::{EnvironmentStatus, ExcludedNode, ProjectAnalysis, ProjectSnapshot};

#[component]
pub fn Overview() -> impl IntoView {
    let data = expect_context::<Data>();
    view! {
        <Environments />
        {move || match data.project.get() {
            None => view! { <p class="loading">{tr("Loading the revisions…")}</p> }.into_any(),
            Some(Err(error)) => view! { <p class="error-state">{error}</p> }.into_any(),
            // The environments arrive on their own: the graph is not built again for them.
            Some(Ok(project)) => {
                let environments = Signal::derive(move || data.environments.get().and_then(Result::ok).unwrap_or_default());
                project_view(project, environments).into_any()
            }
        }}
    }
}

#[component]
pub fn Environments() -> impl IntoView {
    let data = expect_context::<Data>();
    view! {
        <section class="environments" data-test="environments">
            {move || match data.environments.get() {
                None => view! { <span class="loading">{tr("Reading the environments…")}</span> }.into_any(),
                Some(Err(error)) => view! { <span class="error-state">{error}</span> }.into_any(),
                Some(Ok(environments)) => environments.into_iter().map(environment_badge).collect_view().into_any(),
            }}
        </section>
    }
}

fn environment_badge(environment: EnvironmentStatus) -> impl IntoView {
    let state = match (&environment.error, environment.current.as_slice()) {
        (Some(error), _) => format!("{} {error}", tr("unreachable:")),
        (None, []) => tr("at base (no revision applied)").to_owned(),
        (None, current) => current.join(", "),
    };
    let name = environment.name;
    let key = name.clone();
    // A database that cannot be reached has no drift to tell.
    let drift = environment.error.is_none().then(|| view! { <DriftBadge environment=name.clone() /> });
    let pending = environment.pending.as_ref().map_or(0, Vec::len);
    let edited = environment.edited.join(", ");
    let policy = environment.policy;
    let postgres = environment.postgres.map(|v| {
        let title = tr("the PostgreSQL version the server runs");
        view! { <span class="tag postgres" data-test="postgres-version" title=title>{format!("PostgreSQL {v}")}</span> }
    });
    let protected = policy.protected.then(|| {
        let mut rule = tr("{n} approval(s) before a run").replace("{n}", &policy.approvals_required.to_string());
        if !policy.after.is_empty() {
            rule.push_str(&format!("; {} {}", tr("after"), policy.after.join(", ")));
        }
        view! { <span class="tag protected" data-test="protected" title=rule>{format!("🔒 {}", tr("protected"))}</span> }
    });
    view! {
        <div class="environment" data-environment=key>
            <span class="environment-name">{name}</span>
            {protected}
            {postgres}
            <span class="environment-state">{state}</span>
            {drift}
            {(pending > 0).then(|| view! { <span class="tag pending">{tr("{n} pending").replace("{n}", &pending.to_string())}</span> })}
            {(!edited.is_empty()).then(|| view! { <span class="tag edited">{format!("{} {edited}", tr("edited after it ran:"))}</span> })}
        </div>
    }
}

fn project_view(project: ProjectSnapshot, environments: Signal<Vec<EnvironmentStatus>>) -> impl IntoView {
    let heads = project.heads.join(", ");
    let count = project.revisions.len();
    // Findings and schema changes of every revision, counted on the server, asked for once the
    // graph is on screen: the rows never wait for them.
    let analysis = RwSignal::new_local(None::<ProjectAnalysis>);
    let analysis_wall_ms = RwSignal::new(0.0f64);
    set_timeout(
        move || {
            let asked = now();
            spawn_local(async move {
                // The page may be gone by then (a reload of the project, another view); a
                // failure leaves the columns empty (the status line says nothing either).
                if let Ok(done) = api::analysis().await {
                    let _ = analysis_wall_ms.try_set(now() - asked);
                    let _ = analysis.try_set(Some(done));
                }
            })
        },
        Duration::ZERO,
    );
    let excluded = project.excluded;
    let nodes = project.revisions;
    view! {
        <Diagnostics diagnostics=project.diagnostics />
        <section class="revisions">
            <h1>{tr("{n} revisions").replace("{n}", &count.to_string())}</h1>
            <p class="heads">{tr("Heads:")} " " <code>{heads}</code></p>
            {move || analysis.with(|done| done.as_ref().map(|done| {
                let text = tr("Lint and schema model of {n} revisions computed on the server in {ms} ms.")
                    .replace("{n}", &count.to_string())
                    .replace("{ms}", &format!("{:.0}", done.milliseconds));
                view! {
                    <p class="analysis-status muted" data-test="analysis" data-analysis-ms=done.milliseconds
                        data-analysis-wall-ms=analysis_wall_ms.get_untracked()
                        data-wasm-memory-bytes=memory_bytes()>{text}</p>
                }
            }))}
            {if count == 0 && excluded.is_empty() {
                view! { <p class="empty">{tr("No revision files in versions/ yet.")}</p> }.into_any()
            } else {
                view! { <HistoryGraph nodes environments analysis /> }.into_any()
            }}
            {(!excluded.is_empty()).then(|| view! {
                <h2>{tr("Files left out of the graph")}</h2>
                <table class="revision-list excluded-list">
                    <tbody>{excluded.into_iter().map(excluded_row).collect_view()}</tbody>
                </table>
            })}
        </section>
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
            <td><code>{id}</code> <span class="tag left-out">{tr("left out")}</span></td>
            <td>{revision.message.unwrap_or_default()} <div class="reason">{node.reason}</div></td>
            <td><code>{revises}</code></td>
        </tr>
    }
}
