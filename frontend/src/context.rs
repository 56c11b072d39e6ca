//! What the shell fetches once and every page reads through context.

use leptos::prelude::*;
use strata_shared::api::{EnvironmentStatus, ProjectSnapshot};
use strata_shared::review::ReviewSummary;

/// The project and the environments, fetched once (and again on live reload), shared by the
/// pages through context.
#[derive(Clone, Copy)]
pub struct Data {
    pub project: LocalResource<Result<ProjectSnapshot, String>>,
    pub environments: LocalResource<Result<Vec<EnvironmentStatus>, String>>,
    /// Every revision's review state, for the history.
    pub reviews: LocalResource<Result<Vec<ReviewSummary>, String>>,
}
