//! What the shell fetches once and every page reads through context.

use leptos::prelude::*;
use std::sync::Arc;
use strata_shared::api::{EnvironmentStatus, ProjectSnapshot, ProjectSql};
use strata_shared::review::ReviewSummary;

/// The project and the environments, fetched once (and again on live reload), shared by the
/// pages through context.
#[derive(Clone, Copy)]
pub struct Data {
    /// The history without SQL: what the history page needs for its rows.
    pub project: LocalResource<Result<ProjectSnapshot, String>>,
    /// Every revision's SQL, fetched only once a view that replays the schema asks
    /// (`sql_wanted`); `None` until then. Shared, not copied: the SQL engine is sent it once.
    pub sql: LocalResource<Option<Result<Arc<ProjectSql>, String>>>,
    pub sql_wanted: RwSignal<bool>,
    pub environments: LocalResource<Result<Vec<EnvironmentStatus>, String>>,
    /// Every revision's review state, for the history.
    pub reviews: LocalResource<Result<Vec<ReviewSummary>, String>>,
}
