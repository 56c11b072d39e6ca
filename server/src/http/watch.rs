//! Live reload: the migrations folder is looked at twice a second, and a change of any
//! revision file (added, removed, edited) is announced on `/api/events` as `event: project`,
//! so open pages fetch the project again. Polling the file list's names, sizes and times is
//! cheap and works where inotify does not (network and container file systems).

use super::AppState;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

const INTERVAL: Duration = Duration::from_millis(500);

/// Watches until the server stops (the task ends with the runtime).
pub fn spawn(state: Arc<AppState>) {
    tokio::spawn(async move {
        let mut seen = fingerprint(&state.migrations_dir).await;
        loop {
            tokio::time::sleep(INTERVAL).await;
            let now = fingerprint(&state.migrations_dir).await;
            if now != seen {
                seen = now;
                let _ = state.project_changes.send(()); // nobody listening is fine
            }
        }
    });
}

/// A hash of every entry of `versions/`: name, size and modification time.
pub(super) async fn fingerprint(dir: &Path) -> u64 {
    let versions = dir.join("versions");
    tokio::task::spawn_blocking(move || {
        let mut entries: Vec<(std::ffi::OsString, u64, Option<std::time::SystemTime>)> = std::fs::read_dir(&versions)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|entry| {
                let metadata = entry.metadata().ok()?;
                Some((entry.file_name(), metadata.len(), metadata.modified().ok()))
            })
            .collect();
        entries.sort();
        let mut hasher = DefaultHasher::new();
        entries.hash(&mut hasher);
        hasher.finish()
    })
    .await
    .unwrap_or_default()
}
