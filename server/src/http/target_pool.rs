//! Each environment's connections for reading its state (previews, status, listings): a few,
//! opened on first use and closed when idle, so a flood of viewers cannot take a target's
//! `max_connections`. Past the cap a request waits a moment, then is told the target is busy.
//! Runs open a connection of their own (they hold a session lock).

use super::Environment;
use super::error::ApiError;
use crate::config::{EnvironmentConfig, ServerConfig};
use axum::http::StatusCode;
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgPool, Postgres};
use std::time::Duration;

/// Reads of the version table and the journal are quick; a slow one is a stuck one.
const READ_TIMEOUT: &str = "30s";

pub fn pool(options: PgConnectOptions, limits: &ServerConfig, config: &EnvironmentConfig) -> PgPool {
    let options = options
        .application_name("strata studio")
        .options([("lock_timeout", config.lock_timeout.as_str()), ("statement_timeout", READ_TIMEOUT)]);
    PgPoolOptions::new()
        .max_connections(limits.target_connections.max(1))
        .min_connections(0)
        .acquire_timeout(Duration::from_secs(3))
        .idle_timeout(Duration::from_secs(30))
        .connect_lazy_with(options)
}

pub async fn acquire(environment: &Environment) -> Result<PoolConnection<Postgres>, ApiError> {
    environment.pool.acquire().await.map_err(|error| match error {
        sqlx::Error::PoolTimedOut => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "environment `{}` is busy: its {} connections for the studio are all in use; try again in a moment",
                environment.name,
                environment.pool.options().get_max_connections()
            ),
        ),
        error => super::api::unavailable(error),
    })
}
