//! The shell: the sign-in gate, header (views, language, theme, who is signed in), routes,
//! the project loaded once for every page, and the live event stream.

use crate::api;
use crate::context::Data;
use crate::i18n::{self, Lang, tr};
use crate::live::{self, RunEvents, SignOffChanges};
use crate::pages::{
    audit::AuditPage,
    compare::ComparePage,
    drift::DriftPage,
    first_run::{self, FirstRunPage},
    overview::Overview,
    revision::RevisionPage,
    run::RunPage,
    schema::SchemaPage,
    sign_in::SignInPage,
    walkthrough::WalkthroughPage,
};
use crate::prefs::{self, Theme};
use crate::session::{self, Session};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{A, Route, Router, Routes};
use leptos_router::path;
use std::sync::Arc;
use strata_shared::access::{Action, Me};

/// Asks who is signed in; shows the sign-in page until someone is.
#[component]
pub fn App() -> impl IntoView {
    i18n::set(prefs::language());
    let status = LocalResource::new(api::auth_status);
    let (me, set_me) = signal(None::<Me>);
    move || match status.get() {
        None => view! { <p class="loading">{tr("Loading…")}</p> }.into_any(),
        Some(Err(error)) => view! { <p class="error-state">{error}</p> }.into_any(),
        Some(Ok(status)) => match me.get().or(status.me) {
            Some(me) => {
                api::remember_csrf_token(&me.csrf_token);
                provide_context(Session(me));
                view! { <Studio /> }.into_any()
            }
            None => match first_run::token_in_url() {
                Some(token) => view! { <FirstRunPage token /> }.into_any(),
                None => {
                    view! { <SignInPage first_admin_command=status.first_admin_command signed_in=set_me /> }.into_any()
                }
            },
        },
    }
}

#[component]
fn Studio() -> impl IntoView {
    let sql_wanted = RwSignal::new(false);
    let data = Data {
        project: LocalResource::new(api::project),
        sql: LocalResource::new(move || {
            let wanted = sql_wanted.get();
            async move { if wanted { Some(api::project_sql().await.map(Arc::new)) } else { None } }
        }),
        sql_wanted,
        environments: LocalResource::new(api::environments),
        reviews: LocalResource::new(api::reviews),
    };
    let runs = RunEvents(RwSignal::new(Vec::new()));
    let sign_off = SignOffChanges::new();
    provide_context(sign_off);
    let reloaded = RwSignal::new(false);
    provide_context(data);
    provide_context(runs);
    live::connect(data, runs, sign_off, reloaded);
    let lang = RwSignal::new(prefs::language());
    let theme = RwSignal::new(prefs::theme());
    prefs::apply_theme(theme.get_untracked(), false);
    // A language switch draws the app anew in that language; the URL keeps the view.
    move || {
        let current = lang.get();
        i18n::set(current);
        view! {
            <Router>
                <Header lang theme />
                {move || reloaded.get().then(|| view! {
                    <p class="reloaded" data-test="reloaded" role="status">
                        {tr("The project changed on disk; this page shows the new files.")}
                    </p>
                })}
                <main>
                    <Routes fallback=|| view! { <p class="empty">{tr("No such page.")}</p> }>
                        <Route path=path!("/") view=Overview />
                        <Route path=path!("/revisions/:id") view=RevisionPage />
                        <Route path=path!("/compare") view=ComparePage />
                        <Route path=path!("/drift") view=DriftPage />
                        <Route path=path!("/schema") view=SchemaPage />
                        <Route path=path!("/walkthrough") view=WalkthroughPage />
                        <Route path=path!("/run") view=RunPage />
                        <Route path=path!("/audit") view=AuditPage />
                    </Routes>
                </main>
            </Router>
        }
    }
}

#[component]
fn Header(lang: RwSignal<Lang>, theme: RwSignal<Theme>) -> impl IntoView {
    let me = session::me();
    let sign_out = move |_| {
        spawn_local(async {
            // Signed out or not, the page starts again from the sign-in gate.
            let _ = api::sign_out().await;
            let _ = web_sys::window().map(|w| w.location().set_href("/"));
        });
    };
    let toggle_theme = move |_| {
        let next = if theme.get_untracked() == Theme::Dark { Theme::Light } else { Theme::Dark };
        theme.set(next);
        prefs::apply_theme(next, true);
    };
    let switch_language = move |ev| {
        if let Some(next) = Lang::from_code(&event_target_value(&ev)) {
            prefs::save_language(next);
            lang.set(next);
        }
    };
    view! {
        <header class="top">
            <A href="/" attr:class="brand">"Strata"</A>
            <span class="tagline">{tr("migration studio")}</span>
            <nav class="views" aria-label="views">
                <A href="/">{tr("History")}</A>
                <A href="/compare">{tr("Compare")}</A>
                <A href="/drift">{tr("Drift")}</A>
                <A href="/schema">{tr("Schema")}</A>
                <A href="/walkthrough">{tr("Walkthrough")}</A>
                <A href="/run">{tr("Plan and run")}</A>
                {session::may(Action::ReadAudit).then(|| view! { <A href="/audit">{tr("Audit")}</A> })}
            </nav>
            <span class="spacer"></span>
            <label class="language">
                <span class="visually-hidden">{tr("Language")}</span>
                <select data-test="language" on:change=switch_language aria-label=tr("Language")>
                    <option value="en" selected=move || lang.get() == Lang::En>"English"</option>
                    <option value="es" selected=move || lang.get() == Lang::Es>"Español"</option>
                </select>
            </label>
            <button class="theme" data-test="theme" on:click=toggle_theme>
                {move || if theme.get() == Theme::Dark { tr("Light theme") } else { tr("Dark theme") }}
            </button>
            <span class="who" data-test="who" data-role=me.role.name()>{me.name.clone()} " · " {tr(me.role.name())}</span>
            <button class="sign-out" data-test="sign-out" on:click=sign_out>{tr("Sign out")}</button>
        </header>
    }
}
