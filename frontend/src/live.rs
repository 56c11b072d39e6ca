//! The server's event stream (`/api/events`): runs' progress, `project` when the migrations
//! folder changed on disk (then the project and the environments are fetched anew), and
//! `review`/`proposals` when someone commented, reviewed, proposed or approved.

use crate::context::Data;
use leptos::prelude::*;
use strata_shared::api::{RunEvent, ServerRunEvent};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

/// Every run event received since the page loaded, oldest first.
#[derive(Clone, Copy)]
pub struct RunEvents(pub RwSignal<Vec<ServerRunEvent>>);

/// Bumped when sign-off records change, so the parts that show them fetch them again.
#[derive(Clone, Copy)]
pub struct SignOffChanges {
    /// The last revision whose review changed, with a count so that a repeat still shows.
    pub review: RwSignal<(u32, String)>,
    /// The last environment whose proposals changed, likewise.
    pub proposals: RwSignal<(u32, String)>,
}

impl SignOffChanges {
    pub fn new() -> Self {
        Self { review: RwSignal::new((0, String::new())), proposals: RwSignal::new((0, String::new())) }
    }
}

/// Opens the stream for the page's lifetime (the browser reconnects by itself).
pub fn connect(data: Data, runs: RunEvents, sign_off: SignOffChanges, reloaded: RwSignal<bool>) {
    let Ok(source) = web_sys::EventSource::new(strata_shared::api_paths::EVENTS) else { return };
    let on_project = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |_| {
        data.project.refetch();
        data.sql.refetch();
        data.environments.refetch();
        reloaded.set(true);
    });
    let on_run = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |message: web_sys::MessageEvent| {
        let Some(text) = message.data().as_string() else { return };
        let Ok(event) = serde_json::from_str::<ServerRunEvent>(&text) else { return };
        let finished = matches!(event.event, RunEvent::RunFinished { .. } | RunEvent::StepFinished { .. });
        runs.0.update(|events| events.push(event));
        if finished {
            data.environments.refetch(); // markers move as steps land
        }
    });
    let bump = |signal: RwSignal<(u32, String)>| {
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |message: web_sys::MessageEvent| {
            let what = message.data().as_string().unwrap_or_default();
            signal.update(|(count, last)| {
                *count += 1;
                *last = what;
            });
        })
    };
    let (on_review, on_proposals) = (bump(sign_off.review), bump(sign_off.proposals));
    let on_review_summary = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |_| data.reviews.refetch());
    let _ = source.add_event_listener_with_callback("review", on_review.as_ref().unchecked_ref());
    let _ = source.add_event_listener_with_callback("review", on_review_summary.as_ref().unchecked_ref());
    let _ = source.add_event_listener_with_callback("proposals", on_proposals.as_ref().unchecked_ref());
    let _ = source.add_event_listener_with_callback("project", on_project.as_ref().unchecked_ref());
    let _ = source.add_event_listener_with_callback("run", on_run.as_ref().unchecked_ref());
    // Closed when the page goes: a stream left open holds one of the browser's six
    // connections to the server until it times out, and later page loads wait for it.
    let on_leave = Closure::<dyn FnMut()>::new(move || source.close());
    if let Some(window) = web_sys::window() {
        let _ = window.add_event_listener_with_callback("pagehide", on_leave.as_ref().unchecked_ref());
    }
    // The stream lives as long as the page: its callbacks must too.
    on_project.forget();
    on_review.forget();
    on_review_summary.forget();
    on_proposals.forget();
    on_run.forget();
    on_leave.forget();
}
