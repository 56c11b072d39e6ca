//! The rehearsal part of the run view: the latest rehearsal of exactly the plan shown (each
//! step's time, the locks it took, the tables it rewrote, or where it failed) and a Rehearse
//! button that runs the plan on a throwaway copy of the environment's database.

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
use strata_shared::rehearsal::{Rehearsal, RehearsalCopy};

/// Shows the latest rehearsal of the plan shown; sets `unlock` (when given) once it succeeded.
#[component]
pub fn Rehearsals(preview: Arc<PlanPreview>, unlock: Option<RwSignal<bool>>) -> impl IntoView {
    let latest = RwSignal::new(None::<Option<Rehearsal>>);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let reload = {
        let (environment, fingerprint) = (preview.environment.clone(), preview.fingerprint.clone());
        move || {
            let (environment, fingerprint) = (environment.clone(), fingerprint.clone());
            spawn_local(async move {
                match api::rehearsals(&environment).await {
                    Ok(list) => {
                        let ours = list.into_iter().find(|r| r.fingerprint == fingerprint);
                        if let Some(unlock) = unlock {
                            unlock.set(ours.as_ref().is_some_and(Rehearsal::succeeded));
                        }
                        latest.set(Some(ours));
                    }
                    Err(reason) => error.set(Some(reason)),
                }
            });
        }
    };
    // Loaded now, and again when anything of this environment's sign-off changes.
    let changes = expect_context::<SignOffChanges>().proposals;
    Effect::new({
        let (reload, environment) = (reload.clone(), preview.environment.clone());
        move |_| {
            if changes.with(|(count, changed)| *count == 0 || *changed == environment) {
                reload();
            }
        }
    });
    let rehearse = {
        let (preview, reload) = (preview.clone(), reload.clone());
        move |_| {
            let (request, reload) = (preview.request(), reload.clone());
            busy.set(true);
            error.set(None);
            spawn_local(async move {
                if let Err(reason) = api::rehearse(&request).await {
                    error.set(Some(reason));
                }
                busy.set(false);
                reload();
            });
        }
    };
    view! {
        <section class="rehearsal" data-test="rehearsal-section">
            <h2>{tr("Rehearsal")}</h2>
            <p class="notice">{tr("A rehearsal runs this exact plan on a throwaway copy of the environment's database, then drops the copy.")}</p>
            {move || error.get().map(|e| view! { <p class="error-state" data-test="rehearsal-error">{e}</p> })}
            {move || match latest.get() {
                None => ().into_any(),
                Some(None) => view! { <p class="muted" data-test="no-rehearsal">{tr("This exact plan has not been rehearsed.")}</p> }.into_any(),
                Some(Some(rehearsal)) => report(rehearsal).into_any(),
            }}
            {session::may(Action::Operate).then(|| view! {
                <button data-test="rehearse" disabled=move || busy.get() on:click=rehearse>
                    {move || if busy.get() { tr("Rehearsing…") } else { tr("Rehearse this plan") }}
                </button>
            })}
        </section>
    }
}

fn report(rehearsal: Rehearsal) -> impl IntoView {
    let copy = match rehearsal.copy {
        RehearsalCopy::Schema => tr("schema only"),
        RehearsalCopy::Data => tr("schema and data"),
    };
    let failed_step = rehearsal.failure.as_ref().map(|f| f.step);
    let steps = rehearsal
        .steps
        .iter()
        .map(|step| {
            let state = if failed_step == Some(step.index) { "failed" } else { "done" };
            let locks = step
                .locks
                .iter()
                .map(|l| view! { <li data-test="rehearsal-lock">{format!("{} · {}", l.mode, l.relation)}</li> })
                .collect_view();
            let rewrites = step
                .rewrites
                .iter()
                .map(|t| view! { <li data-test="rehearsal-rewrite">{format!("{} {t}", tr("rewrote"))}</li> })
                .collect_view();
            view! {
                <li class=format!("progress-step {state}") data-test="rehearsal-step" data-state=state>
                    <code>{step.revision.clone().unwrap_or_default()}</code> " · " {format!("{} ms", step.duration_ms)}
                    <ul class="rehearsal-locks">{locks}{rewrites}</ul>
                </li>
            }
        })
        .collect_view();
    let outcome = match &rehearsal.failure {
        None => view! { <p class="success" data-test="rehearsal-outcome" data-status="succeeded">{tr("The plan ran through on the copy.")}</p> }.into_any(),
        Some(failed) => {
            let failure = &failed.failure;
            let place = failure.path.clone().map(|path| {
                let line = failure.line.unwrap_or_default();
                let id = path.trim_start_matches("versions/").split('_').next().unwrap_or_default().to_owned();
                view! { <a data-test="rehearsal-failure-place" href=format!("/revisions/{id}?line={line}")>{format!("{path}:{line}")}</a> }
            });
            view! {
                <div class="error-state" data-test="rehearsal-outcome" data-status="failed">
                    <p>{tr("The plan failed on the copy:")} " " {failure.message.clone()} " " {place}</p>
                    {failure.detail.clone().map(|d| view! { <p class="muted">{d}</p> })}
                </div>
            }
            .into_any()
        }
    };
    view! {
        <div class="rehearsal-report" data-test="rehearsal" data-succeeded=rehearsal.succeeded().to_string()>
            <p>{tr("Latest rehearsal")} " · " {rehearsal.by.clone()} " · " {local_time(rehearsal.at)} " · " {copy}
               " · PostgreSQL " {rehearsal.server_version.clone()}</p>
            <ol class="progress">{steps}</ol>
            {outcome}
        </div>
    }
}
