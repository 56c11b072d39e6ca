//! Strata's own database: users, sessions, API tokens, reviews, approvals and the audit log.
//!
//! It is the `[state]` database of `strata.toml`, or else a database in the sandbox cluster
//! under the state folder. The command line reaches the sandbox a running studio holds, or
//! starts it for the length of the command.

pub mod approvals;
pub mod audit;
pub mod reviews;
pub mod sessions;
pub mod throttle;
pub mod tokens;
pub mod users;

use crate::config::Config;
use crate::sandbox::{self, Sandbox};
use anyhow::{Context, Result};
use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use std::path::Path;
use std::time::Duration;

/// A connection pool to the state database, its tables in place.
#[derive(Clone)]
pub struct StateDb {
    pub pool: PgPool,
}

impl StateDb {
    pub async fn open(options: PgConnectOptions) -> Result<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(4)
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(options)
            .await
            .context("cannot reach Strata's state database")?;
        let mut tx = pool.begin().await?;
        // One process creates the tables at a time (an arbitrary constant key).
        sqlx::query("SELECT pg_advisory_xact_lock(7301207)").execute(&mut *tx).await?;
        sqlx::raw_sql(include_str!("schema.sql")).execute(&mut *tx).await.context("cannot create Strata's tables")?;
        tx.commit().await?;
        Ok(Self { pool })
    }

    pub async fn close(self) {
        self.pool.close().await;
    }
}

/// The state database for a command-line verb, and the sandbox it had to start (stop it after).
pub async fn open_for_command(config: &Config, state_dir: &Path) -> Result<(StateDb, Option<Sandbox>)> {
    if let Some(state) = &config.state {
        return Ok((StateDb::open(state.connect_options()?).await?, None));
    }
    if let Some(options) = sandbox::running_state_options(state_dir).await? {
        return Ok((StateDb::open(options).await?, None));
    }
    let sandbox = Sandbox::start(state_dir).await?;
    let db = StateDb::open(sandbox.state_options().await?).await?;
    Ok((db, Some(sandbox)))
}

/// The state database for a command-line verb if there is one already: configured, a running
/// studio's, or a sandbox a studio left under the state folder (started, then stop it after).
pub async fn open_existing_for_command(
    config: &Config,
    state_dir: &Path,
) -> Result<Option<(StateDb, Option<Sandbox>)>> {
    if config.state.is_some() || sandbox::exists(state_dir)? {
        return Ok(Some(open_for_command(config, state_dir).await?));
    }
    Ok(None)
}
