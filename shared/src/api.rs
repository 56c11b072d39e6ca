//! The JSON shapes the server sends and the browser reads. One definition for both sides.

use crate::diagnostic::Diagnostic;
use crate::project::Project;
use crate::revision::Revision;
use serde::{Deserialize, Serialize};

/// `GET /api/project`: every revision (newest first), the heads, and every problem found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProjectSnapshot {
    pub revisions: Vec<RevisionNode>,
    pub heads: Vec<String>,
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RevisionNode {
    #[serde(flatten)]
    pub revision: Revision,
    pub children: Vec<String>,
}

impl ProjectSnapshot {
    pub fn of(project: &Project) -> Self {
        let graph = &project.graph;
        Self {
            revisions: graph
                .revisions()
                .iter()
                .map(|revision| RevisionNode {
                    revision: revision.clone(),
                    children: graph.children(&revision.id).into_iter().map(str::to_owned).collect(),
                })
                .collect(),
            heads: graph.heads().into_iter().map(str::to_owned).collect(),
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
