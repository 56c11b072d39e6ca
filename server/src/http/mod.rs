//! The studio's HTTP side: the JSON API under `/api`, and the built frontend for everything else.

mod api;
mod approvals;
mod audit_log;
pub mod auth;
mod error;
mod events;
mod project_cache;
mod rehearsals;
mod reviews;
mod schema;
mod watch;

use crate::config::{AuthConfig, EnvironmentConfig};
use crate::state::StateDb;
use axum::Router;
use sqlx::PgPool;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use strata_shared::api::ServerRunEvent;
use tokio::sync::broadcast;
use tower_http::compression::CompressionLayer;
use tower_http::services::{ServeDir, ServeFile};

pub struct AppState {
    pub migrations_dir: PathBuf,
    /// The migrations folder loaded, until its files change.
    project: project_cache::ProjectCache,
    pub environments: Vec<Environment>,
    /// Progress of every run, for `/api/events`.
    pub events: broadcast::Sender<ServerRunEvent>,
    /// A revision file was added, removed or edited (live reload, `/api/events`).
    pub project_changes: broadcast::Sender<()>,
    /// Reviews and proposals that changed, so open pages show them at once (`/api/events`).
    pub sign_off_changes: broadcast::Sender<SignOffChange>,
    /// Users, sessions, reviews, approvals, audit.
    pub state_db: StateDb,
    pub auth: AuthConfig,
    /// What the sign-in page tells the operator to run while no account exists.
    pub first_admin_command: String,
    /// The sandbox cluster's superuser URL, where rehearsals copy databases (none: no sandbox).
    pub rehearsal_cluster: Option<String>,
}

/// What changed in the sign-off records: a revision's review, or an environment's proposals.
#[derive(Clone)]
pub enum SignOffChange {
    Review(String),
    Proposals(String),
}

impl AppState {
    /// Tells open pages (no subscriber is fine: nobody is looking).
    pub(super) fn announce(&self, change: SignOffChange) {
        let _ = self.sign_off_changes.send(change);
    }
}

/// A target database the studio shows and migrates. Its URL stays in `config`.
pub struct Environment {
    pub name: String,
    pub config: EnvironmentConfig,
    /// For reading its state; runs open their own connection (they hold a session lock).
    pub pool: PgPool,
}

impl AppState {
    pub fn new(
        migrations_dir: PathBuf,
        environments: Vec<Environment>,
        state_db: StateDb,
        auth: AuthConfig,
        first_admin_command: String,
    ) -> Self {
        let (events, _) = broadcast::channel(1024);
        let (project_changes, _) = broadcast::channel(16);
        let (sign_off_changes, _) = broadcast::channel(64);
        Self {
            project: project_cache::ProjectCache::new(migrations_dir.clone()),
            migrations_dir,
            environments,
            events,
            project_changes,
            sign_off_changes,
            state_db,
            auth,
            first_admin_command,
            rehearsal_cluster: None,
        }
    }

    fn environment(&self, name: &str) -> Option<&Environment> {
        self.environments.iter().find(|e| e.name == name)
    }
}

/// `dist` is Trunk's output; client-side routes fall back to its `index.html`. Starts the
/// watcher of the migrations folder.
pub fn router(state: Arc<AppState>, dist: &Path) -> Router {
    watch::spawn(state.clone());
    let frontend = ServeDir::new(dist).fallback(ServeFile::new(dist.join("index.html")));
    Router::new()
        .nest("/api", api::routes(state.clone()).with_state(state))
        .fallback_service(frontend)
        .layer(CompressionLayer::new())
}
