//! The studio in the browser: Leptos, client-side rendered, built by Trunk.

mod api;
mod app;
mod components;
mod context;
mod engine;
mod i18n;
mod i18n_rules;
mod live;
mod pages;
mod prefs;
mod session;
mod timing;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
