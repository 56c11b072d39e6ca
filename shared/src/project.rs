//! A migrations folder as a whole: every file parsed, the graph built, every problem listed.

use crate::alembic::read_script;
use crate::diagnostic::Diagnostic;
use crate::graph::RevisionGraph;
use crate::revision::Revision;
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
    pub fn load(files: Vec<SourceFile>) -> Self {
        Self::assemble(files.iter().map(ParsedFile::parse).collect())
    }

    /// The graph of files parsed one by one (the server parses them on every core: rendering
    /// Alembic scripts is most of a long history's loading time).
    pub fn assemble(mut parsed: Vec<ParsedFile>) -> Self {
        parsed.sort_by(|a, b| a.path.cmp(&b.path));
        let mut diagnostics = Vec::new();
        let mut revisions = Vec::with_capacity(parsed.len());
        for file in parsed {
            diagnostics.extend(file.diagnostics);
            revisions.extend(file.revision);
        }
        let (graph, graph_diagnostics) = RevisionGraph::build(revisions);
        diagnostics.extend(graph_diagnostics);
        Self { graph, diagnostics }
    }
}

/// One file read: its revision (unless it is broken) and its problems.
pub struct ParsedFile {
    pub path: String,
    pub revision: Option<Revision>,
    pub diagnostics: Vec<Diagnostic>,
}

impl ParsedFile {
    pub fn parse(file: &SourceFile) -> Self {
        let parsed = if file.path.ends_with(".py") {
            read_script(&file.path, &file.text).map(|script| (script.revision, script.warnings))
        } else {
            read_revision_file(&file.path, &file.text).map(|read| (read.revision, read.warnings))
        };
        let (revision, diagnostics) = match parsed {
            Ok((revision, warnings)) => (Some(revision), warnings),
            Err(errors) => (None, errors),
        };
        Self { path: file.path.clone(), revision, diagnostics }
    }
}
