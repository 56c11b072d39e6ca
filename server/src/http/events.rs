//! `GET /api/events`: every run's progress as server-sent events (`event: run`, JSON data),
//! and `event: project` when the migrations folder changed.

use super::AppState;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use std::convert::Infallible;
use std::sync::Arc;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::BroadcastStream;

pub async fn stream(State(state): State<Arc<AppState>>) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let runs = BroadcastStream::new(state.events.subscribe()).filter_map(|event| {
        // A subscriber that fell behind skips what it missed rather than ending the stream.
        let event = event.ok()?;
        Event::default().event("run").json_data(&event).ok().map(Ok)
    });
    let project = BroadcastStream::new(state.project_changes.subscribe())
        .map(|_| Ok(Event::default().event("project").data("changed")));
    Sse::new(runs.merge(project)).keep_alive(KeepAlive::default())
}
