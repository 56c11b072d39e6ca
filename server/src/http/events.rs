//! `GET /api/events`: every run's progress as server-sent events (`event: run`, JSON data),
//! `event: project` when the migrations folder changed, and `event: review` (a revision id) or
//! `event: proposals` (an environment) when sign-off records changed.

use super::{AppState, SignOffChange};
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
    let sign_off = BroadcastStream::new(state.sign_off_changes.subscribe()).filter_map(|change| {
        Some(Ok(match change.ok()? {
            SignOffChange::Review(revision) => Event::default().event("review").data(revision),
            SignOffChange::Proposals(environment) => Event::default().event("proposals").data(environment),
        }))
    });
    Sse::new(runs.merge(project).merge(sign_off)).keep_alive(KeepAlive::default())
}
