//! The whole project analysed in the browser: every revision's lint findings and schema
//! changes (statements, risk rules, schema model, downgrade check), by the same code
//! `strata lint` runs natively. Timed, so the cost in wasm is visible (and benchmarked).

use std::collections::HashMap;
use strata_shared::api::ProjectSnapshot;
use strata_shared::graph::RevisionGraph;
use strata_shared::lint::{self, Severity};
use strata_shared::schema::{Action, Replayer};
use wasm_bindgen::JsCast;

#[derive(Clone, Debug, Default)]
pub struct RevisionSummary {
    pub errors: usize,
    pub warnings: usize,
    pub hints: usize,
    pub added: usize,
    pub changed: usize,
    pub dropped: usize,
    /// An Alembic Python revision: the model cannot know its effect.
    pub unknown: bool,
}

#[derive(Clone, Debug)]
pub struct ProjectAnalysis {
    pub revisions: HashMap<String, RevisionSummary>,
    pub milliseconds: f64,
    /// The wasm heap once done (it never shrinks, so this is its peak so far).
    pub memory_bytes: f64,
}

pub fn analyse(project: &ProjectSnapshot) -> ProjectAnalysis {
    let started = now();
    let (graph, _) = RevisionGraph::build(project.revisions.iter().map(|n| n.revision.clone()).collect());
    let models = Replayer::new(&graph).model_all();
    let all: Vec<usize> = (0..graph.len()).collect();
    let mut revisions: HashMap<String, RevisionSummary> = HashMap::new();
    for model in &models {
        let summary = revisions.entry(model.revision.clone()).or_default();
        summary.unknown = model.unknown;
        for change in &model.changes {
            match change.action {
                Action::Added => summary.added += 1,
                Action::Changed => summary.changed += 1,
                Action::Dropped => summary.dropped += 1,
            }
        }
    }
    for finding in lint::lint_revisions(&graph, &all, &models) {
        let summary = revisions.entry(finding.revision).or_default();
        match finding.severity {
            Severity::Error => summary.errors += 1,
            Severity::Warning => summary.warnings += 1,
            Severity::Hint => summary.hints += 1,
        }
    }
    ProjectAnalysis { revisions, milliseconds: now() - started, memory_bytes: memory_bytes() }
}

/// Milliseconds since the page started loading.
pub fn now() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

fn memory_bytes() -> f64 {
    wasm_bindgen::memory()
        .dyn_into::<js_sys::WebAssembly::Memory>()
        .map_or(0.0, |memory| memory.buffer().unchecked_into::<js_sys::ArrayBuffer>().byte_length() as f64)
}
