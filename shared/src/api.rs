//! The JSON shapes the server sends and the browser reads. One definition for both sides.

use crate::diagnostic::Diagnostic;
use crate::project::Project;
use crate::revision::Revision;
use serde::{Deserialize, Serialize};

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
    /// Its own branch labels and the ones it inherits.
    pub labels: Vec<String>,
}

/// A revision file that parsed but is not part of the graph, and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExcludedNode {
    #[serde(flatten)]
    pub revision: Revision,
    pub reason: String,
}

impl ProjectSnapshot {
    pub fn of(project: &Project) -> Self {
        let graph = &project.graph;
        Self {
            revisions: graph
                .history_order()
                .into_iter()
                .map(|index| {
                    let node = graph.node(index);
                    RevisionNode {
                        revision: node.revision.clone(),
                        children: graph.ids(node.children.iter().copied()),
                        labels: node.branch_labels.clone(),
                    }
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

/// `GET /api/environments`: where each target database stands.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EnvironmentStatus {
    pub name: String,
    /// The rows of the version table: one per applied head. Empty for a database at base.
    pub current: Vec<String>,
    /// Why the state could not be read, when it could not.
    pub error: Option<String>,
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
    StepStarted { index: usize, total: usize, revision: Option<String>, direction: String },
    StepFinished { index: usize, duration_ms: u64 },
    StepFailed { index: usize, failure: StepFailure },
    RunFinished { status: String },
}
