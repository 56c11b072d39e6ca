//! One revision: its metadata and its SQL (fetched for it alone, with its schema model), checked
//! by PostgreSQL's parser and the linter in the browser's SQL engine worker.

use crate::api;
use crate::components::engine_answer::when_answered;
use crate::components::review_panel::{LineComments, ReviewPanel};
use crate::components::schema_changes::SchemaChanges;
use crate::components::script_view::ScriptView;
use crate::components::sql_view::{RevisionFindings, SqlView};
use crate::context::Data;
use crate::engine;
use crate::i18n::tr;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};
use strata_shared::api::{EnvironmentStatus, RevisionDetail};
use strata_shared::graph::RevisionGraph;
use strata_shared::lint::Finding;
use strata_shared::revision::Revision;
use strata_shared::schema::RevisionModel;

#[component]
pub fn RevisionPage() -> impl IntoView {
    let data = expect_context::<Data>();
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let query = use_query_map();
    let line = move || query.read().get("line").and_then(|l| l.parse::<u32>().ok());
    // The revision's SQL and model, fetched for the id in the URL (again when the files change).
    let detail = LocalResource::new(move || {
        data.project.track();
        let id = id();
        async move { api::revision(&id).await }
    });
    move || {
        let project = match data.project.get() {
            None => return view! { <p class="loading">{tr("Loading…")}</p> }.into_any(),
            Some(Err(error)) => return view! { <p class="error-state">{error}</p> }.into_any(),
            Some(Ok(project)) => project,
        };
        if !project.revisions.iter().any(|node| node.id == id()) {
            return view! {
                <p class="error-state">{tr("No revision {id} in this project.").replace("{id}", &id())} " " <A href="/">{tr("All revisions")}</A></p>
            }
            .into_any();
        }
        match detail.get() {
            None => view! { <p class="loading">{tr("Loading…")}</p> }.into_any(),
            Some(Err(error)) => view! { <p class="error-state">{error}</p> }.into_any(),
            Some(Ok(detail)) => {
                let graph = project.graph();
                let environments = data.environments.get().and_then(Result::ok).unwrap_or_default();
                let applied = applied_in(&graph, &detail.revision.id, &environments);
                revision_view(detail, applied, line()).into_any()
            }
        }
    }
}

/// The environments whose version rows include the revision or build on it.
fn applied_in(graph: &RevisionGraph, id: &str, environments: &[EnvironmentStatus]) -> Vec<String> {
    let Some(index) = graph.index_of(id) else { return Vec::new() };
    environments
        .iter()
        .filter(|e| {
            let rows: Vec<usize> = e.current.iter().filter_map(|r| graph.index_of(r)).collect();
            !rows.is_empty() && graph.ancestors(&rows, true).contains(index)
        })
        .map(|e| e.name.clone())
        .collect()
}

fn revision_view(detail: RevisionDetail, applied: Vec<String>, highlighted: Option<u32>) -> impl IntoView {
    let RevisionDetail { revision, children, model } = detail;
    let links = |ids: Vec<String>| {
        if ids.is_empty() {
            return view! { <span class="muted">{tr("none")}</span> }.into_any();
        }
        ids.into_iter()
            .map(|id| view! { <A href=format!("/revisions/{id}")><code>{id.clone()}</code></A> " " })
            .collect_view()
            .into_any()
    };
    let list = |items: &[String]| if items.is_empty() { tr("none").to_owned() } else { items.join(", ") };
    let lines = LineComments::new();
    provide_context(lines);
    // The same linter as `strata lint`, run in the SQL engine (on the SQL rendered from an
    // Alembic script just as on SQL as written).
    let findings = {
        let (revision, model) = (revision.clone(), model.clone());
        LocalResource::new(move || engine::lint_revision(revision.clone(), model.clone()))
    };
    let checked = {
        let revision = revision.clone();
        when_answered(findings, move |findings| sections(revision.clone(), model.clone(), findings, highlighted))
    };
    view! {
        <article class="revision" data-revision=revision.id.clone()>
            <p class="crumbs"><A href="/">{tr("All revisions")}</A></p>
            <h1>
                <code>{revision.id.clone()}</code>
                " "
                <span class="message">{revision.message.clone().unwrap_or_else(|| "(no message)".into())}</span>
            </h1>
            <dl class="metadata">
                <dt>{tr("Revises")}</dt><dd>{links(revision.parents.clone())}</dd>
                <dt>{tr("Revised by")}</dt><dd>{links(children)}</dd>
                <dt>{tr("Branch labels")}</dt><dd>{list(&revision.branch_labels)}</dd>
                <dt>{tr("Depends on")}</dt><dd>{list(&revision.depends_on)}</dd>
                <dt>{tr("Created")}</dt><dd>{revision.created.clone().unwrap_or_else(|| tr("unknown").into())}</dd>
                <dt>{tr("Transaction")}</dt>
                <dd>{if revision.transactional { tr("runs inside a transaction") } else { tr("runs outside any transaction") }}</dd>
                <dt>{tr("File")}</dt><dd><code>{revision.path.clone()}</code></dd>
                <dt>{tr("Applied in")}</dt><dd data-test="applied-in">{list(&applied)}</dd>
            </dl>
            <ReviewPanel revision=revision.id.clone() lines />
            {checked}
        </article>
    }
}

/// The revision's findings, its schema changes and its SQL sections with their findings.
fn sections(
    revision: Revision,
    model: RevisionModel,
    findings: Vec<Finding>,
    highlighted: Option<u32>,
) -> impl IntoView {
    let of = |section: &str| -> Vec<Finding> {
        findings.iter().filter(|f| f.section.as_deref() == Some(section)).cloned().collect()
    };
    let (upgrade_findings, downgrade_findings) = (of("upgrade"), of("downgrade"));
    let overall: Vec<Finding> = findings.iter().filter(|f| f.section.is_none()).cloned().collect();
    let sections = match revision.script.clone() {
        Some(script) => view! {
            <p class="rendered-from" data-test="rendered-from">
                {tr("Alembic script: the SQL beside each function is what Strata rendered from the Python without running it, as `alembic upgrade --sql` emits it.")}
            </p>
            <ScriptView title=tr("Upgrade") kind="upgrade" script=script.clone() section=revision.upgrade
                findings=upgrade_findings highlighted />
            <ScriptView title=tr("Downgrade") kind="downgrade" script section=revision.downgrade
                findings=downgrade_findings highlighted />
        }
        .into_any(),
        None => view! {
            <SqlView title=tr("Upgrade") kind="upgrade" section=revision.upgrade findings=upgrade_findings
                highlighted />
            <SqlView title=tr("Downgrade") kind="downgrade" section=revision.downgrade findings=downgrade_findings
                highlighted />
        }
        .into_any(),
    };
    view! {
        <RevisionFindings findings=overall />
        <SchemaChanges model />
        {sections}
    }
}
