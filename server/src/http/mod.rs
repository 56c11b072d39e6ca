//! The studio's HTTP side: the JSON API under `/api`, and the built frontend for everything else.

mod api;
mod approvals;
mod audit_log;
pub mod auth;
mod body_deadline;
mod drift;
mod embedded;
mod error;
mod events;
mod first_run;
mod folder_events;
mod frontend_files;
mod lang;
mod listener;
mod lookup;
mod previews;
mod project_cache;
mod rehearsals;
mod request_id;
mod reviews;
mod schema;
mod security_headers;
mod stored_models;
mod streams;
mod target_pool;
mod watch;

use crate::auth::verifier::{self, Verifier};
use crate::config::{AuthConfig, EnvironmentConfig};
use crate::state::StateDb;
use crate::trusted_proxies::TrustedProxies;
use axum::Router;
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
    /// The one-time link that creates the first admin, while no account exists.
    pub first_run: crate::auth::first_run::FirstRun,
    /// How long a request's whole body may take to arrive (`[server] body_timeout_seconds`).
    pub body_timeout: std::time::Duration,
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
            first_run: Default::default(),
            body_timeout: std::time::Duration::from_secs(crate::config::ServerConfig::default().body_timeout_seconds),
        }
    }

    fn environment(&self, name: &str) -> Option<&Environment> {
        self.environments.iter().find(|e| e.name == name)
    }
}

/// The largest request body the API reads: the longest texts of `strata_shared::limits` fit.
pub(crate) const API_BODY_LIMIT: usize = 64 * 1024;

/// Where the studio's frontend comes from.
pub enum Frontend {
    /// Trunk's output folder (`--dist`, for development); client-side routes fall back to its
    /// `index.html`.
    Folder(PathBuf),
    /// The build embedded in the binary (`embedded.rs`).
    Embedded,
}

impl Frontend {
    /// The folder if one is given, else the embedded build; `None` when neither has one.
    pub fn choose(dist: Option<&Path>) -> Option<Self> {
        match dist {
            Some(dist) => dist.join("index.html").is_file().then(|| Frontend::Folder(dist.to_path_buf())),
            None => embedded::index_html().map(|_| Frontend::Embedded),
        }
    }

    fn index_html(&self) -> String {
        match self {
            Frontend::Folder(dist) => std::fs::read_to_string(dist.join("index.html")).unwrap_or_default(),
            Frontend::Embedded => embedded::index_html().unwrap_or_default().to_owned(),
        }
    }
}

/// The API and the frontend (none: the API alone). Starts the watcher of the migrations folder.
pub fn router(state: Arc<AppState>, frontend: Option<&Frontend>) -> Router {
    watch::spawn(state.clone());
    let index = frontend.map(Frontend::index_html).unwrap_or_default();
    // Bodies are limited once, in `body_deadline`, before any extractor reads them.
    let api = api::routes(state.clone()).with_state(state.clone());
    let files = match frontend {
        Some(Frontend::Folder(dist)) => Router::new().fallback_service(frontend_files::service(dist)),
        Some(Frontend::Embedded) => Router::new().fallback(embedded::serve),
        None => Router::new(),
    };
    api.merge(files.layer(axum::middleware::from_fn(frontend_files::cache_control)))
        .layer(axum::middleware::from_fn_with_state(state, body_deadline::read_whole))
        .layer(CompressionLayer::new())
        .layer(axum::middleware::from_fn_with_state(SecurityHeaders::for_index(&index), security_headers::add))
        .layer(axum::middleware::from_fn(lang::choose))
        .layer(axum::middleware::from_fn(request_id::assign))
}
