//! Rehearsals: a plan run on a throwaway copy of an environment's database, bound to the plan's
//! fingerprint as an approval is. What each step took (time, locks, table rewrites) and where
//! it failed, as the CLI prints it and the studio's sign-off page shows it.

use crate::api::StepFailure;
use crate::closed_set::closed_set;
use crate::plan::Direction;
use serde::{Deserialize, Serialize};

closed_set! {
    /// What of the environment's database the copy holds (`rehearsal` in `strata.toml`).
    #[derive(Default)]
    pub enum RehearsalCopy("rehearsal copy") {
        /// Tables, indexes, constraints and the version rows; no data: quick, and safe for any
        /// database, but blind to what the data would break.
        #[default]
        Schema = "schema",
        /// Everything: a NOT NULL on a column with NULLs fails here as it would on the environment.
        Data = "data",
    }
}

/// One rehearsal as recorded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rehearsal {
    pub id: String,
    pub environment: String,
    /// The fingerprint of the plan rehearsed; a rehearsal counts only for exactly this plan.
    pub fingerprint: String,
    /// What it does in one line, such as `upgrade 1a2b → heads (3 revisions)`.
    pub summary: String,
    pub copy: RehearsalCopy,
    /// `server_version` of the environment's PostgreSQL.
    pub server_version: String,
    pub by: String,
    /// Unix seconds.
    pub at: i64,
    /// The steps that ran, in order (a failed step is the last).
    pub steps: Vec<RehearsedStep>,
    /// The step that failed and why; none when the whole plan ran.
    pub failure: Option<RehearsalFailure>,
}

impl Rehearsal {
    pub fn succeeded(&self) -> bool {
        self.failure.is_none()
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RehearsedStep {
    pub index: usize,
    /// None for a stamp step.
    pub revision: Option<String>,
    pub direction: Direction,
    pub duration_ms: u64,
    /// Locks the step added to those its transaction held before it.
    pub locks: Vec<LockTaken>,
    /// Tables whose storage the step rewrote (their relfilenode changed), schema-qualified.
    pub rewrites: Vec<String>,
}

/// A lock as `pg_locks` names it: the relation (schema-qualified) and the mode
/// (`AccessExclusiveLock`, ...).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct LockTaken {
    pub relation: String,
    pub mode: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RehearsalFailure {
    /// The index of the step that failed.
    pub step: usize,
    #[serde(flatten)]
    pub failure: StepFailure,
}
