//! A migrations folder as a whole: every file parsed, the graph built, every problem listed.

use crate::alembic::read_script;
use crate::diagnostic::Diagnostic;
use crate::graph::RevisionGraph;
use crate::revision_file::read_revision_file;

/// A file handed in by whoever did the I/O.
pub struct SourceFile {
    /// Path relative to the project, used in diagnostics.
    pub path: String,
    pub text: String,
}

pub struct Project {
    pub graph: RevisionGraph,
    /// Problems of all files, in path order. A broken file never hides the others.
    pub diagnostics: Vec<Diagnostic>,
}

impl Project {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

impl Project {
    /// Strata `.sql` revision files and Alembic `.py` scripts may be mixed in one folder.
    pub fn load(mut files: Vec<SourceFile>) -> Self {
        files.sort_by(|a, b| a.path.cmp(&b.path));
        let mut diagnostics = Vec::new();
        let mut revisions = Vec::with_capacity(files.len());
        for file in &files {
            let parsed = if file.path.ends_with(".py") {
                read_script(&file.path, &file.text).map(|script| {
                    diagnostics.extend(script.warnings);
                    script.revision
                })
            } else {
                read_revision_file(&file.path, &file.text).map(|read| {
                    diagnostics.extend(read.warnings);
                    read.revision
                })
            };
            match parsed {
                Ok(revision) => revisions.push(revision),
                Err(errors) => diagnostics.extend(errors),
            }
        }
        let (graph, graph_diagnostics) = RevisionGraph::build(revisions);
        diagnostics.extend(graph_diagnostics);
        Self { graph, diagnostics }
    }
}
