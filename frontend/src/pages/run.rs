//! Plan and run (`/run?env=…&op=…&target=…`): the steps, the exact SQL, a risk summary from
//! the lint, then a Run that asks for the environment's name; progress live per step from
//! `/api/events`; the result, or the error with a link to the failing line of its revision.

use super::{Loaded, with_project};
use crate::api;
use crate::components::engine_answer::when_answered;
use crate::components::run_evidence::RunEvidence;
use crate::context::Data;
use crate::engine;
use crate::i18n::tr;
use crate::live::RunEvents;
use crate::pages::approvals::Approvals;
use crate::pages::rehearsal::Rehearsals;
use crate::session;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_query_map};
use std::sync::Arc;
use strata_shared::access::Action;
use strata_shared::api::{PlanPreview, PlanRequest, RunEvent, RunOutcome, RunStatus, StepFailure};
use strata_shared::lint;
use strata_shared::plan::Operation;

#[derive(Clone)]
enum Stage {
    Choosing,
    Previewed(Arc<PlanPreview>),
    /// With how many run events had arrived before it started (the later ones are its).
    Running(Arc<PlanPreview>, usize),
    /// The outcome boxed: it carries the run's evidence, much larger than the other stages.
    Finished(Arc<PlanPreview>, usize, Box<Result<RunOutcome, String>>),
}

#[component]
pub fn RunPage() -> impl IntoView {
    let data = expect_context::<Data>();
    let params = use_query_map();
    let navigate = use_navigate();
    let environment = move || params.read().get("env");
    // The page offers upgrade and downgrade; anything else in the URL plans an upgrade.
    let operation = move || match params.read().get("op").map(|op| op.parse()) {
        Some(Ok(Operation::Downgrade)) => Operation::Downgrade,
        _ => Operation::Upgrade,
    };
    let target = move || params.read().get("target").unwrap_or_else(|| "heads".into());
    let stage = RwSignal::new_local(Stage::Choosing);
    let error = RwSignal::new(None::<String>);
    let set_query = move |env: String, op: Operation, target: String| {
        stage.set(Stage::Choosing);
        // Encoded: a relative target such as `ae10+2` would otherwise come back as `ae10 2`.
        let (env, target) = (js_sys::encode_uri_component(&env), js_sys::encode_uri_component(&target));
        navigate(&format!("/run?env={env}&op={op}&target={target}"), Default::default());
    };
    let request = move || -> Option<PlanRequest> {
        Some(PlanRequest {
            environment: environment().or_else(|| first_environment(data))?,
            operation: operation(),
            target: target(),
            transaction_mode: None,
            purge: false,
            fingerprint: None,
        })
    };
    let preview = move |_| {
        let Some(request) = request() else { return };
        error.set(None);
        spawn_local(async move {
            match api::plan(&request).await {
                Ok(preview) => stage.set(Stage::Previewed(Arc::new(preview))),
                Err(reason) => error.set(Some(reason)),
            }
        });
    };
    view! {
        <h1>{tr("Plan and run")}</h1>
        {move || {
            let environments = data.environments.get().and_then(Result::ok).unwrap_or_default();
            let chosen = environment().or_else(|| environments.first().map(|e| e.name.clone())).unwrap_or_default();
            let (op, target_now) = (operation(), target());
            let set_env = set_query.clone();
            let set_op = set_query.clone();
            let set_target = set_query.clone();
            let (chosen_for_op, chosen_for_target, target_for_env, target_for_op, op_for_env, op_for_target) =
                (chosen.clone(), chosen.clone(), target_now.clone(), target_now.clone(), op, op);
            view! {
                <form class="run-form" on:submit=|ev| ev.prevent_default()>
                    <label>{tr("Environment")} " "
                        <select data-test="run-environment" on:change=move |ev| set_env(event_target_value(&ev), op_for_env, target_for_env.clone())>
                            {environments.iter().map(|e| {
                                let selected = e.name == chosen;
                                view! { <option value=e.name.clone() selected=selected>{e.name.clone()}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                    <label>
                        <select data-test="run-operation" on:change=move |ev| set_op(chosen_for_op.clone(), event_target_value(&ev).parse().unwrap_or(Operation::Upgrade), target_for_op.clone())>
                            {[Operation::Upgrade, Operation::Downgrade].into_iter().map(|choice| view! {
                                <option value=choice.name() selected=op == choice>{choice.name()}</option>
                            }).collect_view()}
                        </select>
                    </label>
                    <label>{tr("Target")} " "
                        <input data-test="run-target" value=target_now
                            on:change=move |ev| set_target(chosen_for_target.clone(), op_for_target, event_target_value(&ev)) />
                    </label>
                    <button type="button" data-test="preview" on:click=preview>{tr("Preview the plan")}</button>
                </form>
            }
        }}
        {move || error.get().map(|e| view! { <p class="error-state" data-test="error">{e}</p> })}
        {move || match stage.get() {
            Stage::Choosing => ().into_any(),
            Stage::Previewed(preview) => {
                let (protected, requires_rehearsal) = environment_policy(data, &preview.environment);
                view! { <PlanView preview=preview.clone() /> <Gate preview stage protected requires_rehearsal /> }.into_any()
            }
            Stage::Running(preview, seen_before) => {
                view! { <PlanView preview=preview.clone() /> <Progress preview seen_before /> }.into_any()
            }
            Stage::Finished(preview, seen_before, outcome) => {
                view! { <PlanView preview=preview.clone() /> <Progress preview seen_before /> <Outcome outcome=*outcome /> }
                    .into_any()
            }
        }}
    }
}

/// Whether the environment is protected, and whether it requires a rehearsal.
fn environment_policy(data: Data, name: &str) -> (bool, bool) {
    let environments = data.environments.get_untracked().and_then(Result::ok).unwrap_or_default();
    let policy = environments.iter().find(|e| e.name == name).map(|e| &e.policy);
    policy.map_or((false, false), |p| (p.protected, p.require_rehearsal))
}

/// What stands between the plan shown and Run: the caller's role, on a protected environment
/// the approved proposal of exactly this plan, and where required its successful rehearsal
/// (for a protected environment, among the proposal's blockers).
#[component]
fn Gate(
    preview: Arc<PlanPreview>,
    stage: RwSignal<Stage, LocalStorage>,
    protected: bool,
    requires_rehearsal: bool,
) -> impl IntoView {
    if preview.plan.steps.is_empty() {
        return ().into_any();
    }
    let may_run = session::may(Action::Operate);
    let cleared = RwSignal::new(!protected && !requires_rehearsal);
    let unlock = (!protected && requires_rehearsal).then_some(cleared);
    let role = session::me().role;
    view! {
        <Rehearsals preview=preview.clone() unlock />
        {protected.then(|| view! { <Approvals preview=preview.clone() cleared /> })}
        {move || match (may_run, cleared.get()) {
            (false, _) => view! {
                <p class="notice" data-test="run-not-allowed">{tr("Your role cannot run plans:")} " " {tr(role.name())}</p>
            }.into_any(),
            (true, false) if !protected => view! {
                <p class="notice" data-test="run-locked">{tr("Run unlocks once this exact plan has a successful rehearsal.")}</p>
            }.into_any(),
            (true, false) => view! {
                <p class="notice" data-test="run-locked">{tr("Run unlocks once this exact plan is approved.")}</p>
            }.into_any(),
            (true, true) => view! { <Confirm preview=preview.clone() stage /> }.into_any(),
        }}
    }
    .into_any()
}

fn first_environment(data: Data) -> Option<String> {
    data.environments.get_untracked().and_then(Result::ok)?.first().map(|e| e.name.clone())
}

/// The steps, the lint's risk summary and the exact SQL.
#[component]
fn PlanView(preview: Arc<PlanPreview>) -> impl IntoView {
    let steps = preview.plan.steps.clone();
    if steps.is_empty() {
        return view! { <p class="notice" data-test="nothing-to-do">{tr("Nothing to do: the environment is already there.")}</p> }
            .into_any();
    }
    let step_items = steps
        .iter()
        .enumerate()
        .map(|(i, step)| {
            let revision = step.revision.clone().unwrap_or_default();
            let direction = step.direction.name();
            let (data_revision, href) = (revision.clone(), format!("/revisions/{revision}"));
            view! {
                <li data-test="plan-step" data-index=i data-revision=data_revision>
                    <span class="muted">{direction}</span> " " <a href=href><code>{revision}</code></a>
                </li>
            }
        })
        .collect_view();
    let sql = preview.sql.clone();
    // Statements too new for the target's PostgreSQL: only the server knows its version.
    let too_new = preview.findings.clone();
    let postgres = preview.postgres.map(|v| {
        view! { <p class="muted" data-test="plan-postgres">{tr("The target runs PostgreSQL {v}.").replace("{v}", &v.to_string())}</p> }
    });
    view! {
        <section class="plan" data-test="plan" data-fingerprint=preview.fingerprint.clone()>
            <h2>{tr("Steps")}</h2>
            <ol class="plan-steps">{step_items}</ol>
            <h2>{tr("Risks")}</h2>
            {postgres}
            {with_project(move |loaded: Arc<Loaded>| risks(&loaded, &steps, too_new.clone()))}
            {preview.drift.as_ref().filter(|d| d.drifted()).map(|drift| {
                let href = format!("/drift?env={}", js_sys::encode_uri_component(&drift.environment));
                view! {
                    <p class="error-state" data-test="plan-drift">
                        {tr("This database has drifted from the schema model:")} " " {crate::pages::drift::summary(drift)} ". "
                        <a href=href>{tr("See the drift")}</a>
                    </p>
                }
            })}
            {(!preview.edited.is_empty()).then(|| view! {
                <p class="error-state">{format!("{} {}", tr("edited after it ran:"), preview.edited.join(", "))}</p>
            })}
            <details class="sql-preview" open>
                <summary>{tr("The SQL that would run")}</summary>
                <pre data-test="plan-sql">{sql}</pre>
            </details>
        </section>
    }
    .into_any()
}

/// Lint findings of the revisions the plan runs (and `too_new`, the server's findings of
/// statements its PostgreSQL lacks), by severity, each linking to its line.
fn risks(loaded: &Loaded, steps: &[strata_shared::plan::Step], too_new: Vec<lint::Finding>) -> impl IntoView + use<> {
    let graph = &loaded.graph;
    let chosen: Vec<usize> = steps.iter().filter_map(|s| graph.index_of(s.revision.as_deref()?)).collect();
    let found = {
        let sql = loaded.sql.clone();
        LocalResource::new(move || engine::risks(sql.clone(), chosen.clone()))
    };
    when_answered(found, move |found| risk_list(too_new.iter().cloned().chain(found).collect()))
}

/// The findings, most severe first.
fn risk_list(mut findings: Vec<lint::Finding>) -> impl IntoView + use<> {
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    if findings.is_empty() {
        return view! { <p class="muted" data-test="risks">{tr("no lint findings")}</p> }.into_any();
    }
    let items = findings
        .into_iter()
        .map(|f| {
            let severity = f.severity.name();
            let href = format!("/revisions/{}?line={}", f.revision, f.line);
            let data_rule = f.rule.clone();
            view! {
                <li class=format!("finding {severity}") data-rule=data_rule>
                    <strong>{severity}</strong> " " <code>{f.rule}</code> " " {f.message} " "
                    <a href=href>{format!("{}:{}", f.path, f.line)}</a>
                </li>
            }
        })
        .collect_view();
    view! { <ul class="risks" data-test="risks">{items}</ul> }.into_any()
}

/// The Run button, which only works once the environment's name is typed.
#[component]
fn Confirm(preview: Arc<PlanPreview>, stage: RwSignal<Stage, LocalStorage>) -> impl IntoView {
    let typed = RwSignal::new(String::new());
    let name = preview.environment.clone();
    let matches = {
        let name = name.clone();
        move || typed.get() == name
    };
    let run = move |_| {
        let preview = preview.clone();
        let request = preview.request();
        let seen_before = expect_context::<RunEvents>().0.get_untracked().len();
        stage.set(Stage::Running(preview.clone(), seen_before));
        spawn_local(async move {
            let outcome = api::run(&request).await;
            stage.set(Stage::Finished(preview, seen_before, Box::new(outcome)));
        });
    };
    view! {
        <section class="confirm">
            <label>{tr("Type the environment's name to run this plan on it:")} " " <strong>{name}</strong> " "
                <input data-test="confirm-name" autocomplete="off" on:input=move |ev| typed.set(event_target_value(&ev)) />
            </label>
            " "
            <button data-test="run" class="danger" disabled=move || !matches() on:click=run>{tr("Run")}</button>
        </section>
    }
}

/// Each step as the server reports it, live.
#[component]
fn Progress(preview: Arc<PlanPreview>, seen_before: usize) -> impl IntoView {
    let runs = expect_context::<RunEvents>();
    let environment = preview.environment.clone();
    let steps = preview.plan.steps.clone();
    move || {
        let events = runs.0.get();
        let ours: Vec<RunEvent> =
            events.iter().skip(seen_before).filter(|e| e.environment == environment).map(|e| e.event.clone()).collect();
        let state = |index: usize| -> &'static str {
            let mut state = "waiting";
            for event in &ours {
                match event {
                    RunEvent::StepStarted { index: i, .. } if *i == index => state = "running",
                    RunEvent::StepFinished { index: i, .. } if *i == index => state = "done",
                    RunEvent::StepFailed { index: i, .. } if *i == index => state = "failed",
                    _ => {}
                }
            }
            state
        };
        let items = steps
            .iter()
            .enumerate()
            .map(|(i, step)| {
                let state = state(i);
                let revision = step.revision.clone().unwrap_or_default();
                view! { <li class=format!("progress-step {state}") data-test="progress-step" data-state=state>{format!("{state} · {revision}")}</li> }
            })
            .collect_view();
        view! { <ol class="progress" data-test="progress">{items}</ol> }
    }
}

#[component]
fn Outcome(outcome: Result<RunOutcome, String>) -> impl IntoView {
    match outcome {
        Ok(RunOutcome { failure, status, backup, checks, .. }) => {
            let checks_failed = checks.iter().any(|c| !c.passed);
            let summary = match failure {
                None if status == RunStatus::Succeeded && checks_failed => view! {
                    <p class="error-state" data-test="outcome" data-status=status.name()>
                        {tr("The run is applied, but checks failed after the commit; it stays applied.")}
                    </p>
                }
                .into_any(),
                None if status == RunStatus::Succeeded => {
                    view! { <p class="success" data-test="outcome" data-status=status.name()>{tr("Done.")}</p> }
                        .into_any()
                }
                None => view! {
                    <p class="error-state" data-test="outcome" data-status=status.name()>
                        {tr("A check failed before the commit; the run was rolled back and nothing was applied.")}
                    </p>
                }
                .into_any(),
                Some(failure) => failed_step(failure, status),
            };
            view! { {summary} <RunEvidence backup=backup checks=checks /> }.into_any()
        }
        Err(reason) => {
            view! { <p class="error-state" data-test="outcome" data-status="refused">{reason}</p> }.into_any()
        }
    }
}

fn failed_step(failure: StepFailure, status: RunStatus) -> AnyView {
    let place = failure.path.clone().map(|path| {
        let line = failure.line.unwrap_or_default();
        let id = path.trim_start_matches("versions/").split('_').next().unwrap_or_default().to_owned();
        let column = failure.column.map(|c| format!(":{c}")).unwrap_or_default();
        view! { <a data-test="failure-place" href=format!("/revisions/{id}?line={line}")>{format!("{path}:{line}{column}")}</a> }
    });
    view! {
        <div class="error-state" data-test="outcome" data-status=status.name()>
            <p>{tr("The run failed; nothing after the failing step was applied.")}</p>
            <p><code>{failure.sqlstate.clone().unwrap_or_default()}</code> " " {failure.message.clone()} " " {place}</p>
            {failure.detail.clone().map(|d| view! { <p class="muted">{d}</p> })}
            {failure.hint.clone().map(|h| view! { <p class="muted">{h}</p> })}
        </div>
    }
    .into_any()
}
