//! The shell: header, routes, and the project loaded once for every page.

use crate::api;
use crate::pages::{overview::Overview, revision::RevisionPage};
use leptos::prelude::*;
use leptos_router::components::{A, Route, Router, Routes};
use leptos_router::path;
use strata_shared::api::{EnvironmentStatus, ProjectSnapshot};

/// The project and the environments, fetched once and shared by the pages through context.
#[derive(Clone, Copy)]
pub struct Data {
    pub project: LocalResource<Result<ProjectSnapshot, String>>,
    pub environments: LocalResource<Result<Vec<EnvironmentStatus>, String>>,
}

#[component]
pub fn App() -> impl IntoView {
    provide_context(Data {
        project: LocalResource::new(api::project),
        environments: LocalResource::new(api::environments),
    });
    view! {
        <Router>
            <header class="top">
                <A href="/" attr:class="brand">"Strata"</A>
                <span class="tagline">"migration studio"</span>
            </header>
            <main>
                <Routes fallback=|| view! { <p class="empty">"No such page."</p> }>
                    <Route path=path!("/") view=Overview />
                    <Route path=path!("/revisions/:id") view=RevisionPage />
                </Routes>
            </main>
        </Router>
    }
}
