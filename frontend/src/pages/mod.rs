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
use strata_shared::api::{ProjectSnapshot, ProjectSql};
use strata_shared::graph::RevisionGraph;

/// The project with its graph of revisions with their SQL, as the pages that replay the
/// schema need it; `sql` is what the SQL engine replays, indexed like `graph`.
pub struct Loaded {
    pub snapshot: ProjectSnapshot,
    pub graph: RevisionGraph,
    pub sql: Arc<ProjectSql>,
}

/// Draws `page` once the project and every revision's SQL are here; the loading and error
/// states meanwhile.
pub fn with_project<V: IntoView + 'static>(page: impl Fn(Arc<Loaded>) -> V + Send + Sync + 'static) -> impl IntoView {
    let data = expect_context::<Data>();
    data.sql_wanted.set(true);
    move || match (data.project.get(), data.sql.get().flatten()) {
        (Some(Err(error)), _) | (_, Some(Err(error))) => {
            view! { <p class="error-state" data-test="error">{error}</p> }.into_any()
        }
        (Some(Ok(snapshot)), Some(Ok(sql))) => {
            let graph = sql.graph();
            page(Arc::new(Loaded { snapshot, graph, sql })).into_any()
        }
        _ => view! { <p class="loading">{tr("Loading…")}</p> }.into_any(),
    }
}

/// Options for a revision picker: `heads`, then every revision newest first.
pub fn revision_options(loaded: &Loaded, selected: &str) -> impl IntoView + use<> {
    let mut options = vec![("heads".to_owned(), "heads".to_owned())];
    options.extend(loaded.snapshot.revisions.iter().map(|n| {
        let message = n.message.clone().unwrap_or_default();
        (n.id.clone(), format!("{} — {message}", n.id))
    }));
    options
        .into_iter()
        .map(|(value, label)| {
            let is_selected = value == selected;
            view! { <option value=value selected=is_selected>{label}</option> }
        })
        .collect_view()
}
