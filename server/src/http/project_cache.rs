//! The loaded project, kept while the migrations folder is unchanged. Every `/api/*` call
//! needs it, and loading a long history (reading, parsing, rendering Alembic scripts) costs
//! seconds, where telling whether the folder changed costs one directory listing — and only
//! when `folder_events` says it may have.

use super::folder_events::FolderEvents;
use super::stored_models::StoredModels;
use crate::migrations_dir;
use anyhow::Result;
use axum::body::Bytes;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use strata_shared::api::{ProjectSnapshot, ProjectSql, RevisionDetail};
use strata_shared::project::Project;
use tokio::sync::Mutex;

pub struct ProjectCache {
    dir: PathBuf,
    folder_events: FolderEvents,
    /// Held while a load runs, so that concurrent requests wait for one load, not start many.
    current: Mutex<Option<Loaded>>,
}

struct Loaded {
    fingerprint: u64,
    project: Arc<Project>,
    /// Bodies derived from the whole project, made once per version of the folder.
    bodies: Arc<Bodies>,
}

#[derive(Default)]
struct Bodies {
    /// `/api/project`: the history without SQL.
    snapshot: OnceLock<Bytes>,
    /// `/api/project/sql`: every revision with its SQL.
    sql: OnceLock<Bytes>,
    /// Every revision's schema model and the analysis (replaying the history is the costly part).
    models: OnceLock<Arc<StoredModels>>,
    /// `/api/models`.
    models_json: OnceLock<Bytes>,
    /// `/api/analysis`.
    analysis: OnceLock<Bytes>,
}

/// A body derived from the whole project.
#[derive(Clone, Copy)]
pub enum Body {
    Snapshot,
    Sql,
    Models,
    Analysis,
}

impl ProjectCache {
    pub fn new(dir: PathBuf) -> Self {
        Self { folder_events: FolderEvents::watch(&dir.join("versions")), dir, current: Mutex::new(None) }
    }

    /// The project as the files are now.
    pub async fn project(&self) -> Result<Arc<Project>> {
        Ok(self.loaded().await?.0)
    }

    /// `body` as JSON, as the files are now.
    pub async fn json(&self, body: Body) -> Result<Bytes> {
        let (project, bodies) = self.loaded().await?;
        let bytes = tokio::task::spawn_blocking(move || {
            let project = &project;
            let bodies = &bodies;
            match body {
                Body::Snapshot => bodies.snapshot.get_or_init(|| to_json(&ProjectSnapshot::of(project))),
                Body::Sql => bodies.sql.get_or_init(|| to_json(&ProjectSql::of(project))),
                Body::Models => bodies
                    .models_json
                    .get_or_init(|| bodies.models(project).json_array(project.graph.history_order()).into()),
                Body::Analysis => bodies.analysis.get_or_init(|| to_json(&bodies.models(project).analysis)),
            }
            .clone()
        })
        .await?;
        Ok(bytes)
    }

    /// One revision with its SQL and model; `None` when the history has no such id.
    pub async fn revision(&self, id: String) -> Result<Option<RevisionDetail>> {
        let (project, bodies) = self.loaded().await?;
        let detail = tokio::task::spawn_blocking(move || {
            let index = project.graph.index_of(&id)?;
            Some(RevisionDetail::of(&project.graph, index, bodies.models(&project).model(index)))
        })
        .await?;
        Ok(detail)
    }

    /// `watch.rs`'s polling saw the folder change.
    pub fn folder_changed(&self) {
        self.folder_events.mark_changed();
    }

    async fn loaded(&self) -> Result<(Arc<Project>, Arc<Bodies>)> {
        let mut current = self.current.lock().await;
        // Asked under the lock, before any listing: a change after this is seen next time.
        if let Some(loaded) = current.as_ref().filter(|_| !self.folder_events.maybe_changed()) {
            return Ok((loaded.project.clone(), loaded.bodies.clone()));
        }
        let dir = self.dir.clone();
        let fingerprint = tokio::task::spawn_blocking(move || migrations_dir::fingerprint(&dir)).await?;
        if let Some(loaded) = current.as_ref().filter(|l| l.fingerprint == fingerprint) {
            return Ok((loaded.project.clone(), loaded.bodies.clone()));
        }
        let dir = self.dir.clone();
        let project = Arc::new(tokio::task::spawn_blocking(move || migrations_dir::load(&dir)).await??);
        let loaded = Loaded { fingerprint, project, bodies: Arc::default() };
        let handles = (loaded.project.clone(), loaded.bodies.clone());
        *current = Some(loaded);
        Ok(handles)
    }
}

fn to_json(value: &impl serde::Serialize) -> Bytes {
    serde_json::to_vec(value).expect("API types serialize").into()
}

impl Bodies {
    fn models(&self, project: &Project) -> Arc<StoredModels> {
        self.models.get_or_init(|| Arc::new(StoredModels::of(&project.graph))).clone()
    }
}
