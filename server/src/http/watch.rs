//! Live reload: the migrations folder is looked at twice a second, and a change of any
//! revision file (added, removed, edited) is announced on `/api/events` as `event: project`,
//! so open pages fetch the project again. Polling the file list's names, sizes and times is
//! cheap and works where inotify does not (network and container file systems); on a folder
//! so large that looking costs more than a fifth of the interval, it looks less often.

use super::AppState;
use crate::migrations_dir;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

const INTERVAL: Duration = Duration::from_millis(500);

/// Watches until the server stops (the task ends with the runtime).
pub fn spawn(state: Arc<AppState>) {
    tokio::spawn(async move {
        let mut seen = fingerprint(&state.migrations_dir).await;
        let mut pause = INTERVAL;
        loop {
            tokio::time::sleep(pause).await;
            let started = Instant::now();
            let now = fingerprint(&state.migrations_dir).await;
            pause = INTERVAL.max(started.elapsed() * 5);
            if now != seen {
                seen = now;
                state.project.folder_changed();
                let _ = state.project_changes.send(()); // nobody listening is fine
            }
        }
    });
}

pub(super) async fn fingerprint(dir: &Path) -> u64 {
    let dir = dir.to_path_buf();
    tokio::task::spawn_blocking(move || migrations_dir::fingerprint(&dir)).await.unwrap_or_default()
}
