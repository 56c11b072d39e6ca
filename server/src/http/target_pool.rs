//! Each environment's connections for reading its state (previews, status, listings): a few,
//! opened on first use and closed when idle, so a flood of viewers cannot take a target's
//! `max_connections`. Past the cap a request waits a moment, then is told the target is busy.
//! Runs open a connection of their own (they hold a session lock).

use super::error::ApiError;
use super::{AppState, Environment};
use crate::config::{EnvironmentConfig, ServerConfig};
use crate::sign_off::Positions;
use crate::version_table;
use axum::http::StatusCode;
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgPool, Postgres};
use std::time::Duration;
use strata_shared::words::Message;

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
            Message::EnvironmentBusy {
                environment: environment.name.clone(),
                connections: environment.pool.options().get_max_connections(),
            },
        ),
        error => super::lookup::unavailable(error),
    })
}

/// The studio reads the rows of the environments that must go first from their pools.
impl Positions for AppState {
    async fn rows(&self, name: &str) -> anyhow::Result<Vec<String>> {
        let environment = self.environment(name).ok_or_else(|| anyhow::anyhow!("no environment `{name}`"))?;
        let mut conn = acquire(environment).await.map_err(|error| anyhow::anyhow!("{}", error.message()))?;
        let rows = version_table::rows(&mut conn, &environment.config.version_table()).await;
        rows.map_err(|error| anyhow::anyhow!("{}", super::lookup::unavailable(error).message()))
    }
}
