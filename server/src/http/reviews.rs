//! `/api/reviews`, `/api/revisions/{id}/…`, `/api/threads/{id}/resolve`: comment threads and
//! verdicts on revisions.

use super::auth::Caller;
use super::error::ApiError;
use super::lookup::load;
use super::{AppState, SignOffChange};
use crate::state::audit::{self, Event};
use crate::state::reviews;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use serde::Deserialize;
use std::sync::Arc;
use strata_shared::access::Action;
use strata_shared::audit::AuditAction;
use strata_shared::limits::{self, Field};
use strata_shared::review::{NewComment, ReviewSummary, RevisionReview, Verdict};
use strata_shared::words::{Deed, Message};

type AppStateRef = State<Arc<AppState>>;

#[derive(Deserialize)]
pub struct SetVerdict {
    verdict: Verdict,
}

#[derive(Deserialize)]
pub struct Resolve {
    resolved: bool,
}

pub async fn summaries(State(state): AppStateRef) -> Result<Json<Vec<ReviewSummary>>, ApiError> {
    let project = load(&state).await?;
    let checksums =
        project.graph.nodes().iter().map(|n| (n.revision.id.clone(), n.revision.review_checksum())).collect();
    Ok(Json(reviews::summaries(&state.state_db, &checksums).await?))
}

pub async fn of_revision(State(state): AppStateRef, Path(id): Path<String>) -> Result<Json<RevisionReview>, ApiError> {
    let checksum = existing_revision(&state, &id).await?;
    Ok(Json(reviews::of_revision(&state.state_db, &id, &checksum).await?))
}

pub async fn comment(
    State(state): AppStateRef,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    Json(comment): Json<NewComment>,
) -> Result<Json<RevisionReview>, ApiError> {
    let checksum = reviewable(&state, &caller, &id, Deed::CommentOnRevisions).await?;
    limits::check(Field::Comment, &comment.body)?;
    let thread = reviews::comment(&state.state_db, &id, &caller.name, &comment.body, comment.line, comment.thread)
        .await
        .map_err(|e| ApiError::caused(StatusCode::UNPROCESSABLE_ENTITY, &e))?;
    let at = comment.line.map_or(String::new(), |line| format!(" at line {line}"));
    let event = Event::new(&caller.name, AuditAction::Comment).subject(&id).detail(format!("thread {thread}{at}"));
    changed(&state, event, &id, &checksum).await
}

pub async fn verdict(
    State(state): AppStateRef,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    Json(body): Json<SetVerdict>,
) -> Result<Json<RevisionReview>, ApiError> {
    let checksum = reviewable(&state, &caller, &id, Deed::ReviewRevisions).await?;
    reviews::set_verdict(&state.state_db, &id, &checksum, &caller.name, body.verdict).await?;
    let event = Event::new(&caller.name, AuditAction::Review).subject(&id).detail(reviews::verdict_name(body.verdict));
    changed(&state, event, &id, &checksum).await
}

pub async fn resolve(
    State(state): AppStateRef,
    Extension(caller): Extension<Caller>,
    Path(thread): Path<i64>,
    Json(body): Json<Resolve>,
) -> Result<Json<RevisionReview>, ApiError> {
    caller.require(Action::Review, Deed::ResolveThreads)?;
    let by = body.resolved.then_some(caller.name.as_str());
    let revision =
        reviews::resolve(&state.state_db, thread, by).await.map_err(|e| ApiError::caused(StatusCode::NOT_FOUND, &e))?;
    let action = if body.resolved { AuditAction::Resolve } else { AuditAction::Reopen };
    let event = Event::new(&caller.name, action).subject(&revision).detail(format!("thread {thread}"));
    let checksum = existing_revision(&state, &revision).await?;
    changed(&state, event, &revision, &checksum).await
}

/// The preamble of a change to a review: the caller may review, and the revision exists (its
/// review checksum).
async fn reviewable(state: &AppState, caller: &Caller, id: &str, deed: Deed) -> Result<String, ApiError> {
    caller.require(Action::Review, deed)?;
    existing_revision(state, id).await
}

/// What follows every change to a review: its audit entry, open pages told, and the
/// revision's review as it stands now.
async fn changed(
    state: &AppState,
    event: Event<'_>,
    revision: &str,
    checksum: &str,
) -> Result<Json<RevisionReview>, ApiError> {
    audit::record(&state.state_db, event).await?;
    state.announce(SignOffChange::Review(revision.to_owned()));
    Ok(Json(reviews::of_revision(&state.state_db, revision, checksum).await?))
}

/// The revision's review checksum, or 404 when the project has no such revision.
async fn existing_revision(state: &AppState, id: &str) -> Result<String, ApiError> {
    let project = load(state).await?;
    match project.graph.get(id) {
        Some(revision) => Ok(revision.review_checksum()),
        None => Err(ApiError::not_found(Message::NoRevision { id: id.to_owned() })),
    }
}
