//! One revision: its metadata and its SQL, checked by PostgreSQL's parser in the browser.

use crate::app::Data;
use crate::components::schema_changes::SchemaChanges;
use crate::components::sql_view::{RevisionFindings, SqlView};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use strata_shared::api::{ProjectSnapshot, RevisionNode};
use strata_shared::graph::RevisionGraph;
use strata_shared::lint::{self, Finding};
use strata_shared::revision::RevisionFormat;
use strata_shared::schema::{Replayer, RevisionModel};

#[component]
pub fn RevisionPage() -> impl IntoView {
    let data = expect_context::<Data>();
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    move || {
        match data.project.get() {
        None => view! { <p class="loading">"Loading…"</p> }.into_any(),
        Some(Err(error)) => view! { <p class="error-state">{error}</p> }.into_any(),
        Some(Ok(project)) => match find(&project, &id()) {
            Some(node) => {
                let model = model_of(&project, &node.revision.id);
                revision_view(node, model).into_any()
            }
            None => view! {
                <p class="error-state">"No revision " <code>{id()}</code> " in this project. " <A href="/">"All revisions"</A></p>
            }
            .into_any(),
        },
    }
    }
}

fn find(project: &ProjectSnapshot, id: &str) -> Option<RevisionNode> {
    project.revisions.iter().find(|node| node.revision.id == id).cloned()
}

/// The revision's schema model, from the revisions it builds on — in wasm, as natively.
fn model_of(project: &ProjectSnapshot, id: &str) -> Option<RevisionModel> {
    let (graph, _) = RevisionGraph::build(project.revisions.iter().map(|n| n.revision.clone()).collect());
    let index = graph.index_of(id)?;
    Some(Replayer::new(&graph).model_of(index))
}

fn revision_view(node: RevisionNode, model: Option<RevisionModel>) -> impl IntoView {
    let revision = node.revision;
    let links = |ids: Vec<String>| {
        if ids.is_empty() {
            return view! { <span class="muted">"none"</span> }.into_any();
        }
        ids.into_iter()
            .map(|id| view! { <A href=format!("/revisions/{id}")><code>{id.clone()}</code></A> " " })
            .collect_view()
            .into_any()
    };
    let list = |items: &[String]| if items.is_empty() { "none".to_owned() } else { items.join(", ") };
    view! {
        <article class="revision" data-revision=revision.id.clone()>
            <p class="crumbs"><A href="/">"All revisions"</A></p>
            <h1>
                <code>{revision.id.clone()}</code>
                " "
                <span class="message">{revision.message.clone().unwrap_or_else(|| "(no message)".into())}</span>
            </h1>
            <dl class="metadata">
                <dt>"Revises"</dt><dd>{links(revision.parents.clone())}</dd>
                <dt>"Revised by"</dt><dd>{links(node.children)}</dd>
                <dt>"Branch labels"</dt><dd>{list(&revision.branch_labels)}</dd>
                <dt>"Depends on"</dt><dd>{list(&revision.depends_on)}</dd>
                <dt>"Created"</dt><dd>{revision.created.clone().unwrap_or_else(|| "unknown".into())}</dd>
                <dt>"Transaction"</dt>
                <dd>{if revision.transactional { "runs inside a transaction" } else { "runs outside any transaction" }}</dd>
                <dt>"File"</dt><dd><code>{revision.path.clone()}</code></dd>
            </dl>
            {match revision.format {
                RevisionFormat::StrataSql => {
                    // The same linter as `strata lint`, run here in wasm.
                    let mut findings = lint::lint_revision(&revision);
                    findings.extend(model.as_ref().and_then(|m| lint::downgrade_finding(&revision, m)));
                    let of = |section: &str| -> Vec<Finding> {
                        findings.iter().filter(|f| f.section.as_deref() == Some(section)).cloned().collect()
                    };
                    let (upgrade_findings, downgrade_findings) = (of("upgrade"), of("downgrade"));
                    let overall: Vec<Finding> = findings.iter().filter(|f| f.section.is_none()).cloned().collect();
                    view! {
                        <RevisionFindings findings=overall />
                        {model.map(|model| view! { <SchemaChanges model /> })}
                        <SqlView title="Upgrade" kind="upgrade" section=revision.upgrade findings=upgrade_findings />
                        <SqlView title="Downgrade" kind="downgrade" section=revision.downgrade findings=downgrade_findings />
                    }
                    .into_any()
                }
                RevisionFormat::AlembicPython => view! {
                    {model.map(|model| view! { <SchemaChanges model /> })}
                    <p class="notice" data-test="sql-unknown">
                        "This is an Alembic Python revision: its upgrade and downgrade are Python code, "
                        "so Strata knows its place in the history but not the SQL it runs."
                    </p>
                }
                .into_any(),
            }}
        </article>
    }
}
