//! A revision's review: each reviewer's verdict, the state they add up to, and comment
//! threads on the revision or on one line of its file, which can be answered and resolved.

use crate::api;
use crate::i18n::tr;
use crate::live::SignOffChanges;
use crate::pages::audit::local_time;
use crate::session;
use leptos::prelude::*;
use leptos::task::spawn_local;
use strata_shared::access::Action;
use strata_shared::limits::Field;
use strata_shared::review::{NewComment, RevisionReview, Thread, Verdict, state_of};

/// Shared by the revision's SQL listings and its review panel: the line a new comment is
/// about (a click on a line number sets it) and the lines that have threads.
#[derive(Clone, Copy)]
pub struct LineComments {
    pub line: RwSignal<String>,
    pub with_threads: RwSignal<Vec<u32>>,
}

impl LineComments {
    pub fn new() -> Self {
        Self { line: RwSignal::new(String::new()), with_threads: RwSignal::new(Vec::new()) }
    }
}

#[component]
pub fn ReviewPanel(revision: String, lines: LineComments) -> impl IntoView {
    let review = RwSignal::new(None::<RevisionReview>);
    Effect::new(move |_| {
        let threads = review.with(|r| r.as_ref().map(|r| r.threads.iter().filter_map(|t| t.line).collect()));
        lines.with_threads.set(threads.unwrap_or_default());
    });
    let error = RwSignal::new(None::<String>);
    // Fetched now, and again when anyone changes this revision's review.
    let changes = expect_context::<SignOffChanges>().review;
    let id = revision.clone();
    Effect::new(move |_| {
        if changes.with(|(count, changed)| *count > 0 && *changed != id) {
            return;
        }
        let id = id.clone();
        spawn_local(async move {
            match api::review(&id).await {
                Ok(loaded) => review.set(Some(loaded)),
                Err(reason) => error.set(Some(reason)),
            }
        });
    });
    // Every action answers with the review as it now stands.
    let apply = move |result: Result<RevisionReview, String>| match result {
        Ok(updated) => {
            error.set(None);
            review.set(Some(updated));
        }
        Err(reason) => error.set(Some(reason)),
    };
    let may_review = session::may(Action::Review);
    let set_verdict = {
        let revision = revision.clone();
        move |verdict: Verdict| {
            let revision = revision.clone();
            spawn_local(async move { apply(api::verdict(&revision, verdict).await) });
        }
    };
    let approve = set_verdict.clone();
    let request_changes = set_verdict;
    view! {
        <section class="review" data-test="review">
            <h2>{tr("Review")}</h2>
            {move || review.get().map(|r| verdicts(&r))}
            {may_review.then(|| view! {
                <p class="review-actions">
                    <button data-test="verdict-approve" on:click=move |_| approve(Verdict::Approved)>{tr("Approve")}</button>
                    " "
                    <button data-test="verdict-changes" on:click=move |_| request_changes(Verdict::ChangesRequested)>
                        {tr("Request changes")}
                    </button>
                </p>
            })}
            {move || error.get().map(|e| view! { <p class="error-state" data-test="review-error">{e}</p> })}
            {
                let revision = revision.clone();
                move || review.get().map(|r| {
                    r.threads.into_iter().map(|thread| thread_view(revision.clone(), thread, may_review, apply)).collect_view()
                })
            }
            {may_review.then(|| new_thread(revision.clone(), lines.line, apply))}
        </section>
    }
}

fn verdicts(review: &RevisionReview) -> impl IntoView + use<> {
    let (state, label) = match state_of(&review.verdicts) {
        Some(Verdict::Approved) => ("approved", tr("approved")),
        Some(Verdict::ChangesRequested) => ("changes-requested", tr("changes requested")),
        None => ("none", tr("not reviewed yet")),
    };
    let who = review
        .verdicts
        .iter()
        .map(|v| {
            let said = if v.verdict == Verdict::Approved { tr("approved") } else { tr("changes requested") };
            let stale = if v.stale { format!(" ({})", tr("on earlier SQL")) } else { String::new() };
            format!("{}: {said}{stale}", v.by)
        })
        .collect::<Vec<_>>()
        .join(" · ");
    view! {
        <p>
            <span class=format!("review-state {state}") data-test="review-state" data-state=state>{label}</span>
            " " <span class="muted" data-test="verdicts">{who}</span>
        </p>
    }
}

fn thread_view(
    revision: String,
    thread: Thread,
    may_review: bool,
    apply: impl Fn(Result<RevisionReview, String>) + Copy + 'static,
) -> impl IntoView {
    let place = match thread.line {
        Some(line) => {
            view! { <a href=format!("/revisions/{revision}?line={line}")>{tr("line")} " " {line}</a> }.into_any()
        }
        None => view! { <span>{tr("the revision")}</span> }.into_any(),
    };
    let resolved = thread.resolved_by.is_some();
    let status = thread.resolved_by.clone().map(|by| format!("{} {by}", tr("resolved by")));
    let comments = thread
        .comments
        .into_iter()
        .map(|c| {
            view! {
                <li class="comment"><strong>{c.by}</strong> " " <span class="muted">{local_time(c.at)}</span>
                    <p data-test="comment-body">{c.body}</p></li>
            }
        })
        .collect_view();
    let id = thread.id;
    let reply = RwSignal::new(String::new());
    let send_reply = {
        let revision = revision.clone();
        move |_| {
            let (revision, body) = (revision.clone(), reply.get_untracked());
            let comment = NewComment { body, line: None, thread: Some(id) };
            spawn_local(async move { apply(api::comment(&revision, &comment).await) });
        }
    };
    let toggle = move |_| spawn_local(async move { apply(api::resolve(id, !resolved).await) });
    let state = if resolved { "resolved" } else { "open" };
    view! {
        <div class=format!("thread {state}") data-test="thread" data-state=state data-line=thread.line.unwrap_or(0)>
            <p class="muted">{tr("On")} " " {place} " " {status}</p>
            <ul class="comments">{comments}</ul>
            {may_review.then(|| view! {
                <p class="thread-actions">
                    <textarea data-test="reply-body" rows="2" aria-label=tr("Reply") maxlength=Field::Comment.max_chars()
                        on:input=move |ev| reply.set(event_target_value(&ev))></textarea>
                    <button data-test="reply" on:click=send_reply>{tr("Reply")}</button>
                    " "
                    <button data-test="resolve" on:click=toggle>{if resolved { tr("Reopen") } else { tr("Resolve") }}</button>
                </p>
            })}
        </div>
    }
}

fn new_thread(
    revision: String,
    line: RwSignal<String>,
    apply: impl Fn(Result<RevisionReview, String>) + Copy + 'static,
) -> impl IntoView {
    let body = RwSignal::new(String::new());
    let send = move |_| {
        let comment =
            NewComment { body: body.get_untracked(), line: line.get_untracked().trim().parse().ok(), thread: None };
        let revision = revision.clone();
        spawn_local(async move {
            let result = api::comment(&revision, &comment).await;
            if result.is_ok() {
                // Posted: the form is ready for the next one.
                body.set(String::new());
                line.set(String::new());
            }
            apply(result)
        });
    };
    view! {
        <div class="new-thread" id="new-comment">
            <textarea data-test="comment-new" rows="3" aria-label=tr("New comment") maxlength=Field::Comment.max_chars()
                prop:value=move || body.get()
                on:input=move |ev| body.set(event_target_value(&ev))></textarea>
            <label>{tr("on line (optional)")} " "
                <input data-test="comment-line" type="number" min="1" size="5" prop:value=move || line.get()
                    on:input=move |ev| line.set(event_target_value(&ev)) />
            </label>
            " "
            <button data-test="comment-send" on:click=send>{tr("Comment")}</button>
        </div>
    }
}
