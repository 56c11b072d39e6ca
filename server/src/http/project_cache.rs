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
use tokio::sync::Mutex;

pub struct ProjectCache {
    dir: PathBuf,
    /// Held while a load runs, so that concurrent requests wait for one load, not start many.
    current: Mutex<Option<Loaded>>,
}

struct Loaded {
    fingerprint: u64,
    project: Arc<Project>,
    /// `/api/project`'s body, serialized once per version of the folder.
    snapshot: Arc<OnceLock<Bytes>>,
}

impl ProjectCache {
    pub fn new(dir: PathBuf) -> Self {
        Self { dir, current: Mutex::new(None) }
    }

    /// The project as the files are now.
    pub async fn project(&self) -> Result<Arc<Project>> {
        Ok(self.loaded().await?.0)
    }

    /// The project's snapshot as JSON, as the files are now.
    pub async fn snapshot_json(&self) -> Result<Bytes> {
        let (project, snapshot) = self.loaded().await?;
        let bytes = tokio::task::spawn_blocking(move || {
            snapshot
                .get_or_init(|| serde_json::to_vec(&ProjectSnapshot::of(&project)).unwrap_or_default().into())
                .clone()
        })
        .await?;
        Ok(bytes)
    }

    async fn loaded(&self) -> Result<(Arc<Project>, Arc<OnceLock<Bytes>>)> {
        let dir = self.dir.clone();
        let fingerprint = tokio::task::spawn_blocking(move || migrations_dir::fingerprint(&dir)).await?;
        let mut current = self.current.lock().await;
        if let Some(loaded) = current.as_ref().filter(|l| l.fingerprint == fingerprint) {
            return Ok((loaded.project.clone(), loaded.snapshot.clone()));
        }
        let dir = self.dir.clone();
        let project = Arc::new(tokio::task::spawn_blocking(move || migrations_dir::load(&dir)).await??);
        let loaded = Loaded { fingerprint, project, snapshot: Arc::default() };
        let handles = (loaded.project.clone(), loaded.snapshot.clone());
        *current = Some(loaded);
        Ok(handles)
    }
}
