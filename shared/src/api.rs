//! The JSON shapes the server sends and the browser reads. One definition for both sides.

use crate::closed_set::closed_set;
use crate::diagnostic::Diagnostic;
use crate::graph::RevisionGraph;
use crate::plan::{Direction, Operation};
use crate::project::Project;
use crate::revision::Revision;
use crate::schema::RevisionModel;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Defined apart, so that `approval` (which this module uses) needs nothing of it.
pub use crate::plan_request::PlanRequest;

/// `GET /api/project`: the history as the history page lists it (in `alembic history`
/// order), the heads, the revision files that could not join the graph, and every problem
/// found. No SQL: a revision's SQL comes with `GET /api/revisions/{id}` and the whole
/// project's with `GET /api/project/sql`, so this grows with the number of revisions only.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProjectSnapshot {
    pub revisions: Vec<HistoryNode>,
    pub heads: Vec<String>,
    pub excluded: Vec<ExcludedNode>,
    pub diagnostics: Vec<Diagnostic>,
}

/// A revision's place in the graph and its message: what a history row shows and searches.
/// Only declared labels (the browser spreads them again with the graph), so a node's size
/// does not grow with the history.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct HistoryNode {
    pub id: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parents: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub branch_labels: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl HistoryNode {
    pub fn of(revision: &Revision) -> Self {
        Self {
            id: revision.id.clone(),
            parents: revision.parents.clone(),
            branch_labels: revision.branch_labels.clone(),
            depends_on: revision.depends_on.clone(),
            message: revision.message.clone(),
        }
    }

    /// The revision without its SQL: enough for the graph (edges, labels) and the rows.
    fn revision(&self) -> Revision {
        Revision {
            id: self.id.clone(),
            parents: self.parents.clone(),
            branch_labels: self.branch_labels.clone(),
            depends_on: self.depends_on.clone(),
            message: self.message.clone(),
            created: None,
            transactional: true,
            path: String::new(),
            upgrade: Default::default(),
            downgrade: Default::default(),
            lines: Default::default(),
            format: Default::default(),
            allowed: Vec::new(),
            script: None,
            doc: None,
        }
    }
}

/// `GET /api/project/sql`: every revision with its SQL, in `alembic history` order, for the
/// views that replay the schema in the browser (compare, schema, walkthrough, a plan's risks).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProjectSql {
    pub revisions: Vec<Revision>,
}

/// `GET /api/revisions/{id}`: one revision with its SQL, what revises it, and what the schema
/// model knows of it (computed on the server, so the page needs no other revision's SQL).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RevisionDetail {
    #[serde(flatten)]
    pub revision: Revision,
    pub children: Vec<String>,
    pub model: RevisionModel,
}

/// A revision file that parsed but is not part of the graph, and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExcludedNode {
    #[serde(flatten)]
    pub revision: Revision,
    pub reason: String,
}

/// The graph of the history a client received, rebuilt in the browser (and with it each
/// revision's inherited labels).
pub fn graph_of(nodes: &[HistoryNode]) -> RevisionGraph {
    RevisionGraph::build(nodes.iter().map(HistoryNode::revision).collect()).0
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
                .map(|index| HistoryNode::of(&graph.node(index).revision))
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

impl ProjectSql {
    pub fn of(project: &Project) -> Self {
        let graph = &project.graph;
        Self { revisions: graph.history_order().into_iter().map(|i| graph.node(i).revision.clone()).collect() }
    }

    pub fn graph(&self) -> RevisionGraph {
        RevisionGraph::build(self.revisions.clone()).0
    }
}

impl RevisionDetail {
    /// The revision at `index` of the graph, with its model.
    pub fn of(graph: &RevisionGraph, index: usize, model: RevisionModel) -> Self {
        let node = graph.node(index);
        Self { revision: node.revision.clone(), children: graph.ids(node.children.iter().copied()), model }
    }
}

/// `GET /api/analysis`: each revision's lint findings and schema changes, counted on the
/// server by the code `strata lint` runs, for the history's columns. Loaded after the rows.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ProjectAnalysis {
    /// By revision id.
    pub revisions: HashMap<String, RevisionSummary>,
    /// The server's time to compute it (models and lint).
    pub milliseconds: f64,
}

/// One revision's findings by severity and schema changes by kind (zeros left out of the JSON).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevisionSummary {
    #[serde(default, skip_serializing_if = "is_zero")]
    pub errors: u32,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub warnings: u32,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub hints: u32,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub added: u32,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub changed: u32,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub dropped: u32,
    /// An Alembic script with parts Strata cannot render: the model cannot know its effect.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unknown: bool,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl ProjectAnalysis {
    /// Counts a revision, given its model and the findings of its own SQL (`lint_parsed`):
    /// what `strata lint` finds in it and what its upgrade changes. One revision at a time,
    /// so the models of a long history need not all be held at once.
    pub fn add(&mut self, revision: &Revision, model: &RevisionModel, own_findings: Vec<crate::lint::Finding>) {
        use crate::lint::{self, Severity};
        use crate::schema::Action;
        let summary = self.revisions.entry(revision.id.clone()).or_default();
        summary.unknown = model.unknown;
        for change in &model.changes {
            match change.action {
                Action::Added => summary.added += 1,
                Action::Changed => summary.changed += 1,
                Action::Dropped => summary.dropped += 1,
            }
        }
        for finding in own_findings.into_iter().chain(lint::downgrade_finding(revision, model)) {
            match finding.severity {
                Severity::Error => summary.errors += 1,
                Severity::Warning => summary.warnings += 1,
                Severity::Hint => summary.hints += 1,
            }
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

closed_set! {
    /// Where a run stands: the journal's `strata_run.status`.
    pub enum RunStatus("run status") {
        Running = "running",
        Succeeded = "succeeded",
        Failed = "failed",
        /// Still marked running while no session holds the lock: cut off by a crash or a kill.
        Interrupted = "interrupted",
    }
}

closed_set! {
    /// How a step ended: the journal's `strata_history.outcome`.
    pub enum StepOutcome("step outcome") {
        Applied = "applied",
        Failed = "failed",
    }
}

/// How a run ended.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunOutcome {
    pub run_id: String,
    pub status: RunStatus,
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
    pub operation: Operation,
    pub target: String,
    pub fingerprint: String,
    pub started_by: String,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub status: RunStatus,
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
    pub direction: Direction,
    pub checksum: Option<String>,
    pub rows_after: Vec<String>,
    pub duration_ms: i64,
    pub outcome: StepOutcome,
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
        direction: Direction,
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
        status: RunStatus,
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
    TooSlow,
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
            408 => Self::TooSlow,
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
