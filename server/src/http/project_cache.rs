//! The loaded project, kept while the migrations folder is unchanged. Every `/api/*` call
//! needs it, and loading a long history (reading, parsing, rendering Alembic scripts) costs
//! seconds, where telling whether the folder changed costs one directory listing.

use crate::migrations_dir;
use anyhow::Result;
use axum::body::Bytes;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use strata_shared::api::ProjectSnapshot;
use strata_shared::project::Project;
use strata_shared::schema::{Replayer, RevisionModel};
use tokio::sync::Mutex;

pub struct ProjectCache {
    dir: PathBuf,
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
    /// `/api/project`.
    snapshot: OnceLock<Bytes>,
    /// `/api/models`: every revision's schema model (replaying the history is the costly part).
    models: OnceLock<Bytes>,
}

/// A body derived from the whole project.
#[derive(Clone, Copy)]
pub enum Body {
    Snapshot,
    Models,
}

impl ProjectCache {
    pub fn new(dir: PathBuf) -> Self {
        Self { dir, current: Mutex::new(None) }
    }

    /// The project as the files are now.
    pub async fn project(&self) -> Result<Arc<Project>> {
        Ok(self.loaded().await?.0)
    }

    /// `body` as JSON, as the files are now.
    pub async fn json(&self, body: Body) -> Result<Bytes> {
        let (project, bodies) = self.loaded().await?;
        let bytes = tokio::task::spawn_blocking(move || {
            let (cell, make): (_, fn(&Project) -> Vec<u8>) = match body {
                Body::Snapshot => (&bodies.snapshot, |p| to_json(&ProjectSnapshot::of(p))),
                Body::Models => (&bodies.models, |p| to_json(&models_newest_first(p))),
            };
            cell.get_or_init(|| make(&project).into()).clone()
        })
        .await?;
        Ok(bytes)
    }

    async fn loaded(&self) -> Result<(Arc<Project>, Arc<Bodies>)> {
        let dir = self.dir.clone();
        let fingerprint = tokio::task::spawn_blocking(move || migrations_dir::fingerprint(&dir)).await?;
        let mut current = self.current.lock().await;
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

fn to_json(value: &impl serde::Serialize) -> Vec<u8> {
    serde_json::to_vec(value).expect("API types serialize")
}

/// Every revision's model (changes, statements not modelled, downgrade check), newest first.
fn models_newest_first(project: &Project) -> Vec<RevisionModel> {
    let graph = &project.graph;
    let mut models: Vec<Option<RevisionModel>> = Replayer::new(graph).model_all().into_iter().map(Some).collect();
    graph.history_order().into_iter().filter_map(|i| models[i].take()).collect()
}
