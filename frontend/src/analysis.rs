//! The whole project analysed in the browser: every revision's lint findings and schema
//! changes (statements, risk rules, schema model, downgrade check), by the same code
//! `strata lint` runs natively. Timed, so the cost in wasm is visible (and benchmarked).

use std::collections::HashMap;
use std::rc::Rc;
use strata_shared::api::ProjectSnapshot;
use strata_shared::graph::RevisionGraph;
use strata_shared::lint::{self, Severity};
use strata_shared::schema::{Action, ModelWalk, Replayer, RevisionModel};
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
    /// From start to end, the browser's turns between slices included.
    pub milliseconds: f64,
    /// The time spent analysing (the slices alone): what to compare with native code.
    pub busy_milliseconds: f64,
    /// The wasm heap once done (it never shrinks, so this is its peak so far).
    pub memory_bytes: f64,
}

/// Revisions modelled, then linted, per slice of work: the page stays responsive between.
const SLICE: usize = 50;

/// Analyses the project a slice at a time (yielding to the browser in between) and hands the
/// result to `done`.
pub fn analyse(project: &ProjectSnapshot, done: impl FnOnce(ProjectAnalysis) + 'static) {
    let started = now();
    let graph = project.graph();
    let graph = Rc::new(graph);
    let replayer = Replayer::new(graph.clone());
    let walk = replayer.walk();
    let busy = now() - started;
    let work = Work {
        graph,
        replayer,
        walk: Some(walk),
        models: Vec::new(),
        linted: 0,
        started,
        busy,
        summaries: HashMap::new(),
    };
    work.next(Box::new(done));
}

/// The analysis between two slices.
struct Work {
    graph: Rc<RevisionGraph>,
    replayer: Replayer<Rc<RevisionGraph>>,
    /// `Some` while models are being made; then the models are linted.
    walk: Option<ModelWalk>,
    models: Vec<RevisionModel>,
    linted: usize,
    started: f64,
    /// Milliseconds spent in slices so far.
    busy: f64,
    summaries: HashMap<String, RevisionSummary>,
}

impl Work {
    fn next(mut self, done: Box<dyn FnOnce(ProjectAnalysis)>) {
        let slice_started = now();
        if let Some(mut walk) = self.walk.take() {
            if walk.step(&mut self.replayer, SLICE) {
                self.models = walk.finish();
                self.count_changes();
            } else {
                self.walk = Some(walk);
            }
        } else {
            let end = (self.linted + SLICE).min(self.graph.len());
            let slice: Vec<usize> = (self.linted..end).collect();
            for finding in lint::lint_revisions(&self.graph, &slice, &self.models) {
                let summary = self.summaries.entry(finding.revision).or_default();
                match finding.severity {
                    Severity::Error => summary.errors += 1,
                    Severity::Warning => summary.warnings += 1,
                    Severity::Hint => summary.hints += 1,
                }
            }
            self.linted = end;
            if end == self.graph.len() {
                let busy_milliseconds = self.busy + now() - slice_started;
                let milliseconds = now() - self.started;
                let memory_bytes = memory_bytes();
                done(ProjectAnalysis { revisions: self.summaries, milliseconds, busy_milliseconds, memory_bytes });
                return;
            }
        }
        self.busy += now() - slice_started;
        leptos::prelude::set_timeout(move || self.next(done), std::time::Duration::ZERO);
    }

    fn count_changes(&mut self) {
        for model in &self.models {
            let summary = self.summaries.entry(model.revision.clone()).or_default();
            summary.unknown = model.unknown;
            for change in &model.changes {
                match change.action {
                    Action::Added => summary.added += 1,
                    Action::Changed => summary.changed += 1,
                    Action::Dropped => summary.dropped += 1,
                }
            }
        }
    }
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
