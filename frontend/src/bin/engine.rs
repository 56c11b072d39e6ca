//! The studio's SQL engine, run in a Web Worker that the studio starts the first time a page
//! needs it (`src/engine.rs`): PostgreSQL's parser, the linter and the schema replay, which
//! would otherwise weigh on every page's download and block the page while they work.
//! It answers each request (`strata_frontend::engine_protocol`) in the order they come.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;
use strata_frontend::engine_protocol::{Answer, Asked, Reply, Request, SectionView};
use strata_shared::graph::RevisionGraph;
use strata_shared::schema::{self, Replayer, RevisionModel, blame};
use strata_shared::{lint, offline, sql};
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

fn main() {
    console_error_panic_hook::set_once();
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let project = Rc::new(RefCell::new(None::<Project>));
    let reply_to = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let reply = match event.data().as_string().map(|text| serde_json::from_str::<Asked>(&text)) {
            Some(Ok(Asked { id, request })) => {
                Reply::Answer { id, answer: Box::new(answer(&mut project.borrow_mut(), request)) }
            }
            // Only the studio posts here, and always a request: anything else is dropped.
            _ => return,
        };
        post(&reply_to, &reply);
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    post(&scope, &Reply::Ready);
}

fn post(scope: &DedicatedWorkerGlobalScope, reply: &Reply) {
    let text = serde_json::to_string(reply).unwrap_or_else(|error| {
        let refused = Reply::Answer { id: 0, answer: Box::new(Answer::Refused(error.to_string())) };
        serde_json::to_string(&refused).unwrap_or_default()
    });
    // Posting a string to the page that started this worker cannot fail.
    let _ = scope.post_message(&JsValue::from_str(&text));
}

/// The project the requests are about, with what is worth keeping between them.
struct Project {
    graph: RevisionGraph,
    /// Every revision's model, made on the first request that needs them all.
    models: Option<Vec<RevisionModel>>,
}

impl Project {
    /// The graph and every revision's model.
    fn with_models(&mut self) -> (&RevisionGraph, &[RevisionModel]) {
        let graph = &self.graph;
        (graph, self.models.get_or_insert_with(|| Replayer::new(graph).model_all()))
    }

    /// Whether every index names a revision of this project.
    fn has_all(&self, indices: &[usize]) -> bool {
        indices.iter().all(|&i| i < self.graph.len())
    }
}

fn answer(project: &mut Option<Project>, request: Request) -> Answer {
    match request {
        Request::Project(sql) => {
            let revisions = Arc::unwrap_or_clone(sql).revisions;
            *project = Some(Project { graph: RevisionGraph::build(revisions).0, models: None });
            Answer::ProjectLoaded
        }
        Request::Section(section) => {
            let analysis = sql::analyze(&section);
            let described = analysis
                .statements
                .iter()
                .map(|s| s.error.is_none().then(|| sql::describe(&s.sql)).flatten())
                .collect();
            let tokens = sql::highlight::highlight(section.sql.trim_end());
            Answer::Section(SectionView { analysis, described, tokens })
        }
        Request::LintRevision { revision, model } => {
            let mut findings = lint::lint_revision(&revision);
            findings.extend(lint::downgrade_finding(&revision, &model));
            Answer::Findings(findings)
        }
        Request::Step { index } => about(project, &[index], |project| {
            let mut replayer = Replayer::new(&project.graph);
            let model = replayer.model_of(index);
            let (schema, _) = replayer.schema_at(&[index]);
            Answer::Step { model, schema }
        }),
        Request::Compare { from, to, plan } => about(project, &[from.as_slice(), &to].concat(), |project| {
            let graph = &project.graph;
            let mut replayer = Replayer::new(graph);
            let (before, _) = replayer.schema_at(&from);
            let (after, _) = replayer.schema_at(&to);
            let sql = plan.map(|plan| {
                offline::render(graph, &plan, offline::TransactionMode::WholePlan, &offline::VersionTable::default())
            });
            Answer::Compared { changes: schema::diff(&before, &after), sql }
        }),
        Request::SchemaAt { targets } => about(project, &targets, |project| {
            let (graph, models) = project.with_models();
            let mut replayer = Replayer::new(graph);
            let (schema, _) = replayer.schema_at(&targets);
            let lineage = replayer.lineage(&targets);
            let blame = blame(&schema, lineage.iter().map(|&i| &models[i]));
            Answer::SchemaAt { schema, blame }
        }),
        Request::Risks { chosen } => about(project, &chosen, |project| {
            let (graph, models) = project.with_models();
            Answer::Findings(lint::lint_revisions(graph, &chosen, models))
        }),
    }
}

/// `work` on the project, once it is known to hold every revision `indices` name.
fn about(project: &mut Option<Project>, indices: &[usize], work: impl FnOnce(&mut Project) -> Answer) -> Answer {
    match project {
        Some(project) if project.has_all(indices) => work(project),
        Some(_) => Answer::Refused("a revision the SQL engine's project does not have".to_owned()),
        None => Answer::Refused("the SQL engine has no project yet".to_owned()),
    }
}
