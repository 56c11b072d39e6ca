//! The studio's only way to its SQL engine: PostgreSQL's parser, the linter and the schema
//! replay run in a Web Worker (`src/bin/engine.rs`), started on the first request and kept
//! for the next ones. The studio's own bundle never links them, so a page that shows no SQL
//! loads without them, and a long replay leaves the page responsive.

use crate::i18n::tr;
use futures_channel::oneshot;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::{Arc, Weak};
use strata_frontend::engine_protocol::{Answer, Asked, Reply, Request, SectionView};
use strata_shared::api::ProjectSql;
use strata_shared::lint::Finding;
use strata_shared::plan::Plan;
use strata_shared::revision::{Revision, SqlSection};
use strata_shared::schema::{BlameEntry, Change, RevisionModel, Schema};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{MessageEvent, Worker};

/// The `<meta>` of `index.html` that names the engine's loader script (`scripts/optimise-bundle`
/// gives the release build's files names from their content's hash).
const LOADER_META: &str = "meta[name=strata-engine]";

/// A section of SQL split into statements, described, and cut into coloured tokens.
pub async fn section(section: SqlSection) -> Result<SectionView, String> {
    match ask(Request::Section(section)).await? {
        Answer::Section(view) => Ok(view),
        other => Err(unexpected(other)),
    }
}

/// What `strata lint` finds in one revision, given its schema model.
pub async fn lint_revision(revision: Revision, model: RevisionModel) -> Result<Vec<Finding>, String> {
    match ask(Request::LintRevision { revision: Box::new(revision), model: Box::new(model) }).await? {
        Answer::Findings(findings) => Ok(findings),
        other => Err(unexpected(other)),
    }
}

/// The model of the revision at `index` and the schema after it.
pub async fn step(project: Arc<ProjectSql>, index: usize) -> Result<(RevisionModel, Schema), String> {
    match ask_about(project, Request::Step { index }).await? {
        Answer::Step { model, schema } => Ok((model, schema)),
        other => Err(unexpected(other)),
    }
}

/// The schema changes from revisions `from` to `to`, and the SQL of `plan` when given.
pub async fn compare(
    project: Arc<ProjectSql>,
    from: Vec<usize>,
    to: Vec<usize>,
    plan: Option<Plan>,
) -> Result<(Vec<Change>, Option<String>), String> {
    match ask_about(project, Request::Compare { from, to, plan }).await? {
        Answer::Compared { changes, sql } => Ok((changes, sql)),
        other => Err(unexpected(other)),
    }
}

/// The schema once `targets` are applied, and each object's blame.
pub async fn schema_at(project: Arc<ProjectSql>, targets: Vec<usize>) -> Result<(Schema, Vec<BlameEntry>), String> {
    match ask_about(project, Request::SchemaAt { targets }).await? {
        Answer::SchemaAt { schema, blame } => Ok((schema, blame)),
        other => Err(unexpected(other)),
    }
}

/// The lint findings of the revisions at `chosen`, with every revision's model to hand.
pub async fn risks(project: Arc<ProjectSql>, chosen: Vec<usize>) -> Result<Vec<Finding>, String> {
    match ask_about(project, Request::Risks { chosen }).await? {
        Answer::Findings(findings) => Ok(findings),
        other => Err(unexpected(other)),
    }
}

fn unexpected(answer: Answer) -> String {
    match answer {
        Answer::Refused(why) => why,
        _ => tr("The SQL engine gave an answer to another question.").to_owned(),
    }
}

thread_local! {
    static ENGINE: RefCell<Option<Engine>> = const { RefCell::new(None) };
}

/// The running worker and the requests it has not answered yet.
struct Engine {
    worker: Worker,
    state: Rc<RefCell<State>>,
    /// The project the worker holds (sent again when the pages have another).
    project: Weak<ProjectSql>,
    next_id: u32,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

#[derive(Default)]
struct State {
    /// Messages written before the worker said it is ready: a worker drops what arrives
    /// before its wasm has set its handler.
    waiting: Option<Vec<String>>,
    pending: HashMap<u32, oneshot::Sender<Result<Answer, String>>>,
    /// The worker failed to load or stopped: the next request starts a new one.
    broken: bool,
}

async fn ask(request: Request) -> Result<Answer, String> {
    let answer = ENGINE.with(|engine| -> Result<_, String> { running(&mut engine.borrow_mut())?.send(request) })?;
    answer.await.unwrap_or_else(|_| Err(stopped()))
}

/// `ask` about the project, sending the project to the worker first when it holds another.
async fn ask_about(project: Arc<ProjectSql>, request: Request) -> Result<Answer, String> {
    let answer = ENGINE.with(|engine| -> Result<_, String> {
        let mut engine = engine.borrow_mut();
        let engine = running(&mut engine)?;
        if !Weak::ptr_eq(&engine.project, &Arc::downgrade(&project)) {
            engine.project = Arc::downgrade(&project);
            // Its answer is not awaited: the request after it is answered only once it is in.
            drop(engine.send(Request::Project(project)));
        }
        engine.send(request)
    })?;
    answer.await.unwrap_or_else(|_| Err(stopped()))
}

/// The engine, started if there is none or the last one broke.
fn running(slot: &mut Option<Engine>) -> Result<&mut Engine, String> {
    if slot.as_ref().is_none_or(|engine| engine.state.borrow().broken) {
        *slot = Some(Engine::start()?);
    }
    slot.as_mut().ok_or_else(stopped)
}

fn stopped() -> String {
    tr("The SQL engine could not be loaded or stopped working; reload the page to try again.").to_owned()
}

impl Engine {
    fn start() -> Result<Self, String> {
        let loader = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector(LOADER_META).ok().flatten())
            .and_then(|meta| meta.get_attribute("content"))
            .ok_or_else(|| tr("This build of the studio has no SQL engine.").to_owned())?;
        let worker = Worker::new(&loader).map_err(|_| stopped())?;
        let state = Rc::new(RefCell::new(State { waiting: Some(Vec::new()), ..State::default() }));
        let on_message = {
            let (state, worker) = (state.clone(), worker.clone());
            Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                let reply = event.data().as_string().and_then(|text| serde_json::from_str::<Reply>(&text).ok());
                let mut state = state.borrow_mut();
                match reply {
                    Some(Reply::Ready) => {
                        for message in state.waiting.take().unwrap_or_default() {
                            post(&worker, &message, &mut state);
                        }
                    }
                    Some(Reply::Answer { id, answer }) => {
                        if let Some(waiter) = state.pending.remove(&id) {
                            let _ = waiter.send(Ok(*answer));
                        }
                    }
                    None => {}
                }
            })
        };
        // A script that does not load, or an engine that stops on an error: every request
        // waiting is told so, and the next one starts a new worker.
        let on_error = {
            let (state, worker) = (state.clone(), worker.clone());
            Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
                worker.terminate();
                fail_all(&mut state.borrow_mut());
            })
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(Engine { worker, state, project: Weak::new(), next_id: 1, _on_message: on_message, _on_error: on_error })
    }

    /// Writes `request` to the worker (or keeps it until the worker is ready); the answer comes
    /// through the receiver.
    fn send(&mut self, request: Request) -> Result<oneshot::Receiver<Result<Answer, String>>, String> {
        let id = self.next_id;
        self.next_id = self.next_id.wrapping_add(1);
        let message = serde_json::to_string(&Asked { id, request }).map_err(|error| error.to_string())?;
        let (sender, receiver) = oneshot::channel();
        let mut state = self.state.borrow_mut();
        state.pending.insert(id, sender);
        match state.waiting.as_mut() {
            Some(waiting) => waiting.push(message),
            None => post(&self.worker, &message, &mut state),
        }
        Ok(receiver)
    }
}

fn post(worker: &Worker, message: &str, state: &mut State) {
    if worker.post_message(&JsValue::from_str(message)).is_err() {
        worker.terminate();
        fail_all(state);
    }
}

fn fail_all(state: &mut State) {
    state.broken = true;
    for (_, waiter) in state.pending.drain() {
        let _ = waiter.send(Err(stopped()));
    }
}
