//! Strata's own database: users, sessions, API tokens, reviews, approvals and the audit log,
//! its tables shaped by the revisions of `server/state_migrations/` (`crate::own_schema`).
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
use crate::own_schema;
use crate::sandbox::{self, Sandbox};
use anyhow::{Context, Result};
use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use std::path::Path;
use std::time::Duration;
use strata_shared::offline::VersionTable;

/// The key of the advisory lock under which one process at a time shapes the tables; the
/// releases before versioning took it too, so they take turns with this one.
const SCHEMA_LOCK: i64 = 7301207;

/// Where the state database records its revision (`server/state_migrations/`).
pub fn version_table() -> VersionTable {
    VersionTable { schema: Some("strata".to_owned()), name: "strata_state_version".to_owned() }
}

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
        let mut conn = pool.acquire().await?;
        let applied = own_schema::upgrade(&mut conn, &own_schema::STATE, &version_table(), SCHEMA_LOCK).await?;
        if !applied.is_empty() {
            tracing::info!("Strata's state database upgraded: {}", applied.join(", "));
        }
        drop(conn);
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
