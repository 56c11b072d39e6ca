pub mod approvals;
pub mod audit;
pub mod compare;
pub mod drift;
pub mod first_run;
pub mod overview;
pub mod rehearsal;
pub mod revision;
pub mod run;
pub mod schema;
pub mod sign_in;
pub mod walkthrough;

use crate::context::Data;
use crate::i18n::tr;
use leptos::prelude::*;
use std::sync::Arc;
use strata_shared::api::ProjectSnapshot;
use strata_shared::graph::RevisionGraph;

/// The project with its graph, as the pages that compute in wasm need it.
pub struct Loaded {
    pub snapshot: ProjectSnapshot,
    pub graph: RevisionGraph,
}

/// Draws `page` once the project is here; the loading and error states meanwhile.
pub fn with_project<V: IntoView + 'static>(page: impl Fn(Arc<Loaded>) -> V + Send + Sync + 'static) -> impl IntoView {
    let data = expect_context::<Data>();
    move || match data.project.get() {
        None => view! { <p class="loading">{tr("Loading…")}</p> }.into_any(),
        Some(Err(error)) => view! { <p class="error-state" data-test="error">{error}</p> }.into_any(),
        Some(Ok(snapshot)) => {
            let graph = snapshot.graph();
            page(Arc::new(Loaded { snapshot, graph })).into_any()
        }
    }
}

/// Options for a revision picker: `heads`, then every revision newest first.
pub fn revision_options(loaded: &Loaded, selected: &str) -> impl IntoView + use<> {
    let mut options = vec![("heads".to_owned(), "heads".to_owned())];
    options.extend(loaded.snapshot.revisions.iter().map(|n| {
        let message = n.revision.message.clone().unwrap_or_default();
        (n.revision.id.clone(), format!("{} — {message}", n.revision.id))
    }));
    options
        .into_iter()
        .map(|(value, label)| {
            let is_selected = value == selected;
            view! { <option value=value selected=is_selected>{label}</option> }
        })
        .collect_view()
}
