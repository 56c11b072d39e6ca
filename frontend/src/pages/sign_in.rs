//! The sign-in page; while no account exists, it says how to create the first admin.

use crate::api;
use crate::i18n::tr;
use leptos::prelude::*;
use leptos::task::spawn_local;
use strata_shared::access::{Me, SignIn};
use strata_shared::limits::Field;

#[component]
pub fn SignInPage(first_admin_command: Option<String>, signed_in: WriteSignal<Option<Me>>) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        error.set(None);
        let form = SignIn { name: name.get_untracked(), password: password.get_untracked() };
        spawn_local(async move {
            match api::sign_in(&form).await {
                Ok(me) => {
                    api::remember_csrf_token(&me.csrf_token);
                    signed_in.set(Some(me));
                }
                Err(reason) => error.set(Some(reason)),
            }
            busy.set(false);
        });
    };
    view! {
        <main class="sign-in">
            <h1>"Strata"</h1>
            {first_admin_command.map(|command| view! {
                <div class="notice" data-test="first-admin">
                    <p>{tr("No accounts exist yet. Create the first admin on the server's machine:")}</p>
                    <pre><code>{command}</code></pre>
                    <p>{tr("It asks for a password; then sign in here.")}</p>
                </div>
            })}
            <form on:submit=submit data-test="sign-in">
                <label>{tr("Name")}
                    <input data-test="sign-in-name" autocomplete="username" required maxlength=Field::UserName.max_chars()
                        on:input=move |ev| name.set(event_target_value(&ev)) />
                </label>
                <label>{tr("Password")}
                    <input data-test="sign-in-password" type="password" autocomplete="current-password" required
                        maxlength=Field::Password.max_chars()
                        on:input=move |ev| password.set(event_target_value(&ev)) />
                </label>
                <button type="submit" data-test="sign-in-submit" disabled=move || busy.get()>{tr("Sign in")}</button>
            </form>
            {move || error.get().map(|e| view! { <p class="error-state" data-test="sign-in-error" role="alert">{e}</p> })}
        </main>
    }
}
