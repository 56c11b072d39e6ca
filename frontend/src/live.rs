//! The server's event stream (`/api/events`): runs' progress, and `project` when the
//! migrations folder changed on disk (then the project and the environments are fetched anew).

use crate::app::Data;
use leptos::prelude::*;
use strata_shared::api::{RunEvent, ServerRunEvent};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

/// Every run event received since the page loaded, oldest first.
#[derive(Clone, Copy)]
pub struct RunEvents(pub RwSignal<Vec<ServerRunEvent>>);

/// Opens the stream for the page's lifetime (the browser reconnects by itself).
pub fn connect(data: Data, runs: RunEvents, reloaded: RwSignal<bool>) {
    let Ok(source) = web_sys::EventSource::new("/api/events") else { return };
    let on_project = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |_| {
        data.project.refetch();
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
    on_run.forget();
    on_leave.forget();
}
