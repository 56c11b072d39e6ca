//! The JSON shapes the server sends and the browser reads. One definition for both sides.

use crate::diagnostic::Diagnostic;
use crate::graph::RevisionGraph;
use crate::project::Project;
use crate::revision::Revision;
use serde::{Deserialize, Serialize};

/// Defined apart, so that `approval` (which this module uses) needs nothing of it.
pub use crate::plan_request::PlanRequest;

/// `GET /api/project`: every revision (in `alembic history` order), the heads, the revision
/// files that could not join the graph, and every problem found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProjectSnapshot {
    pub revisions: Vec<RevisionNode>,
    pub heads: Vec<String>,
    pub excluded: Vec<ExcludedNode>,
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RevisionNode {
    #[serde(flatten)]
    pub revision: Revision,
    pub children: Vec<String>,
}

/// A revision file that parsed but is not part of the graph, and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExcludedNode {
    #[serde(flatten)]
    pub revision: Revision,
    pub reason: String,
}

/// The graph of revisions a client received (the browser rebuilds it from the snapshot, and
/// with it each revision's inherited labels: the snapshot carries only declared ones, so it
/// grows with the history, not with history × labels).
pub fn graph_of(nodes: &[RevisionNode]) -> RevisionGraph {
    RevisionGraph::build(nodes.iter().map(|n| n.revision.clone()).collect()).0
}

impl ProjectSnapshot {
    pub fn graph(&self) -> RevisionGraph {
        graph_of(&self.revisions)
    }

    pub fn of(project: &Project) -> Self {
        let graph = &project.graph;
        Self {
            revisions: graph
                .history_order()
                .into_iter()
                .map(|index| {
                    let node = graph.node(index);
                    RevisionNode { revision: node.revision.clone(), children: graph.ids(node.children.iter().copied()) }
                })
                .collect(),
            heads: graph.ids(graph.heads().iter().copied()),
            excluded: graph
                .excluded()
                .iter()
                .map(|e| ExcludedNode { revision: e.revision.clone(), reason: e.reason.clone() })
                .collect(),
            diagnostics: project.diagnostics.clone(),
        }
    }
}

/// `GET /api/environments`: where each target database stands. Never its URL.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EnvironmentStatus {
    pub name: String,
    /// Who must sign off before a run, and what the environment must follow.
    pub policy: crate::approval::ApprovalPolicy,
    /// The rows of the version table: one per applied head. Empty for a database at base.
    pub current: Vec<String>,
    /// What `upgrade heads` would run, in order (`None` when it cannot be planned or read).
    pub pending: Option<Vec<String>>,
    /// Applied revisions whose SQL changed since Strata ran them.
    pub edited: Vec<String>,
    /// The server's PostgreSQL (`server_version_num`); when it cannot be reached, the
    /// `postgres_version` strata.toml gives it, if any.
    #[serde(default)]
    pub postgres: Option<crate::postgres_version::PostgresVersion>,
    /// Why the state could not be read, when it could not.
    pub error: Option<String>,
}

/// A plan as shown before it runs: its steps, the exact SQL, and its fingerprint.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanPreview {
    pub environment: String,
    pub plan: crate::plan::Plan,
    pub sql: String,
    pub fingerprint: String,
    /// Applied revisions whose SQL changed since they ran.
    pub edited: Vec<String>,
    /// The target's PostgreSQL.
    #[serde(default)]
    pub postgres: Option<crate::postgres_version::PostgresVersion>,
    /// Statements of the plan that need a newer PostgreSQL than the target runs.
    #[serde(default)]
    pub findings: Vec<crate::lint::Finding>,
    /// The target against the schema model at its revisions; `None` when it could not be told.
    #[serde(default)]
    pub drift: Option<crate::schema::drift::Drift>,
}

impl PlanPreview {
    /// The request that runs (or proposes) exactly this plan.
    pub fn request(&self) -> PlanRequest {
        PlanRequest {
            environment: self.environment.clone(),
            operation: self.plan.operation,
            target: self.plan.target.clone(),
            transaction_mode: None,
            purge: false,
            fingerprint: Some(self.fingerprint.clone()),
        }
    }
}

/// How a run ended.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunOutcome {
    pub run_id: String,
    pub status: String,
    pub failure: Option<StepFailure>,
    /// The backup taken before the run, if the environment takes one.
    #[serde(default)]
    pub backup: Option<crate::runbook::BackupRecord>,
    /// The environment's checks, in the order they ran.
    #[serde(default)]
    pub checks: Vec<crate::runbook::CheckResult>,
}

/// An event of a run, as the server streams it (`GET /api/events`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServerRunEvent {
    pub environment: String,
    pub run_id: String,
    #[serde(flatten)]
    pub event: RunEvent,
}

/// `GET /api/environments/{name}/runs`: Strata's journal, newest run first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    pub id: String,
    pub operation: String,
    pub target: String,
    pub fingerprint: String,
    pub started_by: String,
    pub started_at: String,
    pub finished_at: Option<String>,
    /// `running`, `succeeded`, `failed`, or `interrupted`.
    pub status: String,
    pub steps: Vec<StepRecordView>,
    #[serde(default)]
    pub backup: Option<crate::runbook::BackupRecord>,
    #[serde(default)]
    pub checks: Vec<crate::runbook::CheckResult>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StepRecordView {
    pub position: i32,
    pub revision: Option<String>,
    pub direction: String,
    pub checksum: Option<String>,
    pub rows_after: Vec<String>,
    pub duration_ms: i64,
    pub outcome: String,
    pub failure: Option<StepFailure>,
}

/// Why a step failed: PostgreSQL's own words, and where in the revision file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepFailure {
    pub message: String,
    pub detail: Option<String>,
    pub hint: Option<String>,
    /// The five-character SQLSTATE.
    pub sqlstate: Option<String>,
    /// The revision file, and the line and column PostgreSQL points at in it.
    pub path: Option<String>,
    pub line: Option<u32>,
    pub column: Option<u32>,
}

/// What a running plan reports as it goes (to the CLI's progress lines and the browser).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum RunEvent {
    StepStarted {
        index: usize,
        total: usize,
        revision: Option<String>,
        direction: String,
    },
    StepFinished {
        index: usize,
        duration_ms: u64,
    },
    StepFailed {
        index: usize,
        failure: StepFailure,
    },
    /// Before the first step: the backup is in place.
    BackupTaken {
        backup: crate::runbook::BackupRecord,
    },
    CheckFinished {
        check: crate::runbook::CheckResult,
    },
    RunFinished {
        status: String,
    },
}

/// The header every response carries its request id in.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// What a failed `/api` request answers: a code to act on, a message for people, and the
/// request's id (the server's log has the cause of a 500 under it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiFailure {
    pub code: ErrorCode,
    /// The message (named `error` as the API always had it).
    pub error: String,
    pub request_id: Option<String>,
}

/// The kinds of failure, one per HTTP status the API answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorCode {
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    Conflict,
    TooLarge,
    Unprocessable,
    TooManyRequests,
    Unavailable,
    Internal,
    /// A status the API does not use itself (a proxy's, say).
    Other,
}

impl ErrorCode {
    pub fn from_status(status: u16) -> Self {
        match status {
            400 => Self::BadRequest,
            401 => Self::Unauthorized,
            403 => Self::Forbidden,
            404 => Self::NotFound,
            409 => Self::Conflict,
            413 => Self::TooLarge,
            422 => Self::Unprocessable,
            429 => Self::TooManyRequests,
            503 => Self::Unavailable,
            500 => Self::Internal,
            _ => Self::Other,
        }
    }
}
