//! A preview made a moment ago answers the same request on the same revision files again: a
//! flood of identical previews costs one read of the target. Entries live a few seconds and
//! are dropped at once when a run ends. A run never uses them: it checks its fingerprint
//! against the database under its lock.

use super::error::ApiError;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use strata_shared::api::{PlanPreview, PlanRequest};
use strata_shared::offline::TransactionMode;
use tokio::sync::OnceCell;

const FRESH_FOR: Duration = Duration::from_secs(3);

/// When it was made, and the preview (one maker at a time; the others wait for it).
type Entry = (Instant, Arc<OnceCell<PlanPreview>>);

#[derive(Default)]
pub struct Previews {
    /// By request (environment, operation, target, mode, purge) and the folder's state (names,
    /// sizes and times of the revision files).
    entries: Mutex<HashMap<String, Entry>>,
}

impl Previews {
    pub async fn get_or_make(
        &self,
        request: &PlanRequest,
        mode: TransactionMode,
        files: u64,
        make: impl Future<Output = Result<PlanPreview, ApiError>>,
    ) -> Result<PlanPreview, ApiError> {
        let key =
            serde_json::json!([request.environment, request.operation, request.target, mode, request.purge, files]);
        let cell = {
            let mut entries = self.entries.lock().expect("not poisoned");
            entries.retain(|_, (made, _)| made.elapsed() < FRESH_FOR);
            entries.entry(key.to_string()).or_insert_with(|| (Instant::now(), Arc::default())).1.clone()
        };
        cell.get_or_try_init(|| make).await.cloned()
    }

    pub fn forget_all(&self) {
        self.entries.lock().expect("not poisoned").clear();
    }
}
