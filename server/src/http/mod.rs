//! The studio's HTTP side: the JSON API under `/api`, and the built frontend for everything else.

mod api;
mod approvals;
mod audit_log;
pub mod auth;
mod error;
mod events;
mod frontend_files;
mod listener;
mod previews;
mod project_cache;
mod rehearsals;
mod reviews;
mod schema;
mod security_headers;
mod streams;
mod target_pool;
mod watch;

use crate::auth::verifier::{self, Verifier};
use crate::config::{AuthConfig, EnvironmentConfig};
use crate::state::StateDb;
use crate::trusted_proxies::TrustedProxies;
use axum::Router;
use axum::extract::DefaultBodyLimit;
pub use listener::serve;
use security_headers::SecurityHeaders;
use sqlx::PgPool;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use strata_shared::api::ServerRunEvent;
pub use target_pool::pool as target_pool;
use tokio::sync::broadcast;
use tower_http::compression::CompressionLayer;

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
    /// Previews made a moment ago, for identical requests.
    previews: previews::Previews,
    /// Whose forwarding headers are believed.
    pub proxies: TrustedProxies,
    /// Password checks, on a few threads.
    pub verifier: Verifier,
    /// Event streams open per session or token.
    pub streams: Arc<streams::Streams>,
    /// The sandbox cluster's superuser URL, where rehearsals copy databases (none: no sandbox).
    pub rehearsal_cluster: Option<crate::sandbox::RehearsalCluster>,
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
    /// For reading its state (`target_pool`); runs open their own connection (they hold a
    /// session lock).
    pub pool: PgPool,
}

impl AppState {
    pub fn new(
        migrations_dir: PathBuf,
        environments: Vec<Environment>,
        state_db: StateDb,
        auth: AuthConfig,
        first_admin_command: String,
        proxies: TrustedProxies,
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
            previews: Default::default(),
            proxies,
            verifier: Verifier::start(verifier::WORKERS, verifier::QUEUE),
            streams: Arc::default(),
            rehearsal_cluster: None,
        }
    }

    fn environment(&self, name: &str) -> Option<&Environment> {
        self.environments.iter().find(|e| e.name == name)
    }
}

/// The largest request body the API reads: the longest texts of `strata_shared::limits` fit.
const API_BODY_LIMIT: usize = 64 * 1024;

/// `dist` is Trunk's output; client-side routes fall back to its `index.html`. Starts the
/// watcher of the migrations folder.
pub fn router(state: Arc<AppState>, dist: &Path) -> Router {
    watch::spawn(state.clone());
    let frontend = Router::new()
        .fallback_service(frontend_files::service(dist))
        .layer(axum::middleware::from_fn(frontend_files::cache_control));
    Router::new()
        .nest("/api", api::routes(state.clone()).with_state(state).layer(DefaultBodyLimit::max(API_BODY_LIMIT)))
        .merge(frontend)
        .layer(CompressionLayer::new())
        .layer(axum::middleware::from_fn_with_state(SecurityHeaders::for_frontend(dist), security_headers::add))
}
