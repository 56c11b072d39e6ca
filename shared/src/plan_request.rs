//! What to do where: the request behind a preview, a run, a proposal and a rehearsal.

use serde::{Deserialize, Serialize};

/// `POST /api/plans` and `POST /api/runs`: what to do where. A run also carries the
/// fingerprint of the plan that was shown, and is refused if the plan changed since.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanRequest {
    pub environment: String,
    pub operation: crate::plan::Operation,
    /// Target spec(s): one for upgrade and downgrade, one or more (space-separated) for stamp.
    pub target: String,
    #[serde(default)]
    pub transaction_mode: Option<crate::offline::TransactionMode>,
    #[serde(default)]
    pub purge: bool,
    #[serde(default)]
    pub fingerprint: Option<String>,
}
