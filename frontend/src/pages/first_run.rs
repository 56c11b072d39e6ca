//! The page behind the one-time link `strata serve` prints while no account exists: it
//! creates the first admin and signs them in.

use crate::api;
use crate::i18n::tr;
use leptos::prelude::*;
use leptos::task::spawn_local;
use strata_shared::access::FirstAdmin;
use strata_shared::limits::Field;

/// The link's token, when this page was opened by it (`/first-run?token=…`).
pub fn token_in_url() -> Option<String> {
    let location = web_sys::window()?.location();
    if location.pathname().ok()? != "/first-run" {
        return None;
    }
    let search = location.search().ok()?;
    search.trim_start_matches('?').split('&').find_map(|pair| pair.strip_prefix("token=").map(str::to_owned))
}

#[component]
pub fn FirstRunPage(token: String) -> impl IntoView {
    let name = RwSignal::new(String::from("admin"));
    let password = RwSignal::new(String::new());
    let again = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if password.get_untracked() != again.get_untracked() {
            error.set(Some(tr("The two passwords differ.").to_owned()));
            return;
        }
        busy.set(true);
        error.set(None);
        let form = FirstAdmin { token: token.clone(), name: name.get_untracked(), password: password.get_untracked() };
        spawn_local(async move {
            match api::first_admin(&form).await {
                // Signed in by the cookie: the studio opens, and the link leaves the address bar.
                Ok(_) => {
                    let _ = web_sys::window().map(|w| w.location().replace("/"));
                }
                Err(reason) => {
                    error.set(Some(reason));
                    busy.set(false);
                }
            }
        });
    };
    view! {
        <main class="sign-in">
            <h1>{tr("Create the first admin")}</h1>
            <p>{tr("No accounts exist yet: this one-time link creates the first admin and signs you in.")}</p>
            <form on:submit=submit data-test="first-admin-form">
                <label>{tr("Name")}
                    <input data-test="first-admin-name" autocomplete="username" required maxlength=Field::UserName.max_chars()
                        prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
                </label>
                <label>{tr("Password")}
                    <input data-test="first-admin-password" type="password" autocomplete="new-password" required
                        maxlength=Field::Password.max_chars()
                        on:input=move |ev| password.set(event_target_value(&ev)) />
                </label>
                <label>{tr("Password again")}
                    <input data-test="first-admin-again" type="password" autocomplete="new-password" required
                        maxlength=Field::Password.max_chars()
                        on:input=move |ev| again.set(event_target_value(&ev)) />
                </label>
                <button type="submit" data-test="first-admin-submit" disabled=move || busy.get()>
                    {tr("Create and sign in")}
                </button>
            </form>
            {move || error.get().map(|e| view! { <p class="error-state" data-test="first-admin-error" role="alert">{e}</p> })}
        </main>
    }
}
