//! The start page: where each environment stands, the heads, problems, and every revision.

use crate::app::Data;
use crate::components::diagnostics::Diagnostics;
use leptos::prelude::*;
use leptos_router::components::A;
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
    let excluded = project.excluded;
    view! {
        <Diagnostics diagnostics=project.diagnostics />
        <section class="revisions">
            <h1>{format!("{count} revisions")}</h1>
            <p class="heads">"Heads: " <code>{heads}</code></p>
            {if count == 0 && excluded.is_empty() {
                view! { <p class="empty">"No revision files in versions/ yet."</p> }.into_any()
            } else {
                view! {
                    <table class="revision-list" data-test="revision-list">
                        <thead>
                            <tr><th>"Revision"</th><th>"Message"</th><th>"Revises"</th><th>"Created"</th></tr>
                        </thead>
                        <tbody>
                            {project.revisions.into_iter().map(revision_row).collect_view()}
                            {excluded.into_iter().map(excluded_row).collect_view()}
                        </tbody>
                    </table>
                }
                .into_any()
            }}
        </section>
    }
}

fn revision_row(node: RevisionNode) -> impl IntoView {
    let RevisionNode { revision, children, labels } = node;
    let href = format!("/revisions/{}", revision.id);
    let revises = if revision.parents.is_empty() { "base".to_owned() } else { revision.parents.join(", ") };
    let is_head = children.is_empty();
    let id = revision.id;
    let key = id.clone();
    view! {
        <tr data-revision=key>
            <td>
                <A href=href><code>{id}</code></A>
                {is_head.then(|| view! { <span class="tag head">"head"</span> })}
                {labels.into_iter().map(|l| view! { <span class="tag label">{l}</span> }).collect_view()}
            </td>
            <td>{revision.message.unwrap_or_default()}</td>
            <td><code>{revises}</code></td>
            <td class="date">{revision.created.unwrap_or_default()}</td>
        </tr>
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
            <td class="date">{revision.created.unwrap_or_default()}</td>
        </tr>
    }
}
