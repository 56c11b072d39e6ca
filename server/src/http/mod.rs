//! The studio's HTTP side: the JSON API under `/api`, and the built frontend for everything else.

mod api;
mod error;

use axum::Router;
use sqlx::PgPool;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tower_http::compression::CompressionLayer;
use tower_http::services::{ServeDir, ServeFile};

pub struct AppState {
    pub migrations_dir: PathBuf,
    pub environments: Vec<Environment>,
}

/// A target database the studio shows and (later) migrates.
pub struct Environment {
    pub name: String,
    pub pool: PgPool,
}

/// `dist` is Trunk's output; client-side routes fall back to its `index.html`.
pub fn router(state: Arc<AppState>, dist: &Path) -> Router {
    let frontend = ServeDir::new(dist).fallback(ServeFile::new(dist.join("index.html")));
    Router::new()
        .nest("/api", api::routes().with_state(state))
        .fallback_service(frontend)
        .layer(CompressionLayer::new())
}
