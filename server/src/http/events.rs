//! `GET /api/events`: every run's progress as server-sent events (`event: run`, JSON data),
//! `event: project` when the migrations folder changed, and `event: review` (a revision id) or
//! `event: proposals` (an environment) when sign-off records changed.
//!
//! A stream lasts only as long as its caller's credential: it ends at sign-out at once, and
//! within `RECHECK` when the session expires, the token is revoked, or the account is removed
//! or changes role (the command line does those, in another process).

use super::auth::Caller;
use super::error::ApiError;
use super::{AppState, SignOffChange};
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;
use strata_shared::words::Message;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::BroadcastStream;

const RECHECK: Duration = Duration::from_secs(5);

pub async fn stream(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let Some(ticket) = state.streams.open(caller.credential_key()) else {
        let most = super::streams::PER_CREDENTIAL;
        return Err(ApiError::new(StatusCode::TOO_MANY_REQUESTS, Message::TooManyStreams { most }));
    };
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
    let ended = async move {
        let mut closed = ticket.closed.clone();
        let mut recheck = tokio::time::interval(RECHECK);
        loop {
            tokio::select! {
                // The only change is to closed (or the registry went away).
                _ = closed.changed() => break,
                _ = recheck.tick() => {
                    if !caller.still_holds(&state.state_db).await {
                        break;
                    }
                }
            }
        }
        drop(ticket);
    };
    let events = futures_util::StreamExt::take_until(runs.merge(project).merge(sign_off), ended);
    Ok(Sse::new(events).keep_alive(KeepAlive::default()))
}
