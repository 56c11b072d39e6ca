//! The user's choices that outlive a page: language and theme, kept in localStorage. The
//! defaults follow the browser (its language, its light/dark preference).

use crate::i18n::Lang;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn stored(key: &str) -> Option<String> {
    storage()?.get_item(key).ok()?
}

fn store(key: &str, value: &str) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(key, value);
    }
}

pub fn language() -> Lang {
    stored("strata.language")
        .and_then(|code| Lang::from_code(&code))
        .or_else(|| web_sys::window()?.navigator().language().and_then(|code| Lang::from_code(&code)))
        .unwrap_or(Lang::En)
}

pub fn save_language(lang: Lang) {
    store("strata.language", lang.code());
}

pub fn theme() -> Theme {
    match stored("strata.theme").as_deref() {
        Some("dark") => Theme::Dark,
        Some("light") => Theme::Light,
        _ => {
            let dark = web_sys::window()
                .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
                .is_some_and(|query| query.matches());
            if dark { Theme::Dark } else { Theme::Light }
        }
    }
}

/// Remembers the theme and puts it on `<html data-theme=…>`, where the CSS reads it.
pub fn apply_theme(theme: Theme, remember: bool) {
    let name = if theme == Theme::Dark { "dark" } else { "light" };
    if remember {
        store("strata.theme", name);
    }
    if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = root.set_attribute("data-theme", name);
    }
}
