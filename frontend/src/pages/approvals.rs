//! The sign-off part of the run view for a protected environment: the proposal of exactly the
//! plan shown (or a button to propose it), its approvals, and what still stands before it may
//! run. Stale proposals (a file edited, the database moved) are listed as such.

use crate::api;
use crate::i18n::tr;
use crate::live::SignOffChanges;
use crate::pages::audit::local_time;
use crate::session;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::sync::Arc;
use strata_shared::access::Action;
use strata_shared::api::PlanPreview;
use strata_shared::approval::{Blocker, Proposal, Void};

/// Shows the sign-off state and sets `cleared` when the plan shown may run.
#[component]
pub fn Approvals(preview: Arc<PlanPreview>, cleared: RwSignal<bool>) -> impl IntoView {
    let proposals = RwSignal::new(None::<Vec<Proposal>>);
    let error = RwSignal::new(None::<String>);
    let environment = preview.environment.clone();
    let fingerprint = preview.fingerprint.clone();
    let reload = {
        let environment = environment.clone();
        let fingerprint = fingerprint.clone();
        move || {
            let (environment, fingerprint) = (environment.clone(), fingerprint.clone());
            spawn_local(async move {
                match api::proposals(&environment).await {
                    Ok(list) => {
                        let ready = list.iter().any(|p| {
                            p.record.fingerprint == fingerprint && p.record.run_id.is_none() && p.blockers.is_empty()
                        });
                        cleared.set(ready);
                        proposals.set(Some(list));
                    }
                    Err(reason) => error.set(Some(reason)),
                }
            });
        }
    };
    // Loaded now, and again when anyone proposes, approves or runs on this environment.
    let changes = expect_context::<SignOffChanges>().proposals;
    Effect::new({
        let (reload, environment) = (reload.clone(), environment.clone());
        move |_| {
            if changes.with(|(count, changed)| *count == 0 || *changed == environment) {
                reload();
            }
        }
    });
    let propose = {
        let (preview, reload) = (preview.clone(), reload.clone());
        move |_| {
            let request = preview.request();
            let reload = reload.clone();
            spawn_local(async move {
                match api::propose(&request).await {
                    Ok(_) => reload(),
                    Err(reason) => error.set(Some(reason)),
                }
            });
        }
    };
    let me = session::me();
    view! {
        <section class="approvals" data-test="approvals">
            <h2>{tr("Sign-off")}</h2>
            <p class="notice">{tr("This environment is protected: a plan runs only once its proposal has the approvals its policy asks for.")}</p>
            {move || error.get().map(|e| view! { <p class="error-state" data-test="approval-error">{e}</p> })}
            {move || {
                let list = proposals.get()?;
                let ours = list.iter().find(|p| p.record.fingerprint == fingerprint && p.record.run_id.is_none()).cloned();
                let propose = propose.clone();
                let reload = reload.clone();
                let me = me.clone();
                Some(view! {
                    {match ours {
                        Some(proposal) => proposal_view(proposal, &me.name, reload).into_any(),
                        None if session::may(Action::Operate) => view! {
                            <p>{tr("No one has proposed this exact plan yet.")} " "
                                <button data-test="propose" on:click=propose>{tr("Propose this plan")}</button></p>
                        }.into_any(),
                        None => view! { <p class="muted">{tr("No one has proposed this exact plan yet.")}</p> }.into_any(),
                    }}
                    {stale(&list, &fingerprint)}
                })
            }}
        </section>
    }
}

fn proposal_view(proposal: Proposal, me: &str, reload: impl Fn() + Clone + 'static) -> impl IntoView {
    let may_approve = session::may(Action::ApprovePlan)
        && proposal.record.author != me
        && !proposal.approvals.iter().any(|a| a.by == me);
    let id = proposal.record.id.clone();
    let error = RwSignal::new(None::<String>);
    let approve = move |_| {
        let (id, reload) = (id.clone(), reload.clone());
        spawn_local(async move {
            match api::approve(&id).await {
                Ok(_) => reload(),
                Err(reason) => error.set(Some(reason)),
            }
        });
    };
    let approvals = proposal
        .approvals
        .iter()
        .map(|a| {
            let void = a.void.map(|v| match v {
                Void::ByAuthor => tr("does not count: the author's own"),
                Void::RoleNotAllowed => tr("does not count: role not allowed here"),
                Void::Expired => tr("does not count: expired"),
            });
            view! { <li data-test="approval">{format!("{} ({}) · {}", a.by, a.role, local_time(a.at))} " " <em>{void}</em></li> }
        })
        .collect_view();
    let blockers = proposal
        .blockers
        .iter()
        .map(|b| view! { <li data-test="blocker">{b.words(crate::i18n::current())}</li> })
        .collect_view();
    let ready = proposal.blockers.is_empty();
    view! {
        <div class="proposal" data-test="proposal" data-ready=ready.to_string()>
            <p>{tr("Proposed by")} " " <strong>{proposal.record.author.clone()}</strong> " · " {local_time(proposal.record.proposed_at)}
               " · " <code>{proposal.record.summary.clone()}</code></p>
            <ul class="approval-list">{approvals}</ul>
            {if ready {
                view! { <p class="success" data-test="cleared">{tr("Approved: this plan may run.")}</p> }.into_any()
            } else {
                view! { <p>{tr("Before it may run:")}</p> <ul class="blockers">{blockers}</ul> }.into_any()
            }}
            {may_approve.then(|| view! { <button data-test="approve" on:click=approve>{tr("Approve this plan")}</button> })}
            {move || error.get().map(|e| view! { <p class="error-state" data-test="approval-error">{e}</p> })}
        </div>
    }
}

/// Unrun proposals of other plans: mostly ones a file edit or a database change made stale.
fn stale(list: &[Proposal], fingerprint: &str) -> impl IntoView + use<> {
    let items: Vec<_> = list
        .iter()
        .filter(|p| p.record.fingerprint != fingerprint && p.record.run_id.is_none())
        .map(|p| {
            let why = if p.blockers.contains(&Blocker::PlanChanged) {
                tr("stale: the files or the database changed since; its approvals no longer apply")
            } else {
                tr("another plan")
            };
            view! { <li data-test="other-proposal" data-current=p.current.to_string()>
            <code>{p.record.summary.clone()}</code> " · " {p.record.author.clone()} " · " <em>{why}</em></li> }
        })
        .collect();
    (!items.is_empty()).then(|| view! { <details><summary>{tr("Other proposals")}</summary><ul>{items}</ul></details> })
}
