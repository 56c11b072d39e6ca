//! What a view shows while the SQL engine (`crate::engine`) works on its request, and when the
//! engine fails: the page waits for its answer like for any other data.

use crate::i18n::tr;
use leptos::prelude::*;

/// `show` with the engine's answer; loading meanwhile, the reason when there is none.
pub fn when_answered<T, V>(
    answer: LocalResource<Result<T, String>>,
    show: impl Fn(T) -> V + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + 'static,
    V: IntoView + 'static,
{
    move || match answer.get() {
        None => view! { <p class="loading">{tr("Loading…")}</p> }.into_any(),
        Some(Err(error)) => view! { <p class="error-state" data-test="engine-error">{error}</p> }.into_any(),
        Some(Ok(value)) => show(value).into_any(),
    }
}
