//! The version table Alembic keeps: one row per applied head, in `alembic_version`.

use anyhow::{Context, Result};
use sqlx::PgPool;

/// The applied heads recorded in `alembic_version` (in the connection's search path), sorted.
/// A database without the table is at base: no rows.
pub async fn current_heads(pool: &PgPool) -> Result<Vec<String>> {
    let exists: bool = sqlx::query_scalar("SELECT to_regclass('alembic_version') IS NOT NULL")
        .fetch_one(pool)
        .await
        .context("cannot query the database")?;
    if !exists {
        return Ok(Vec::new());
    }
    sqlx::query_scalar("SELECT version_num FROM alembic_version ORDER BY version_num")
        .fetch_all(pool)
        .await
        .context("cannot read alembic_version")
}
