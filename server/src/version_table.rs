//! The version table Alembic keeps: one row per applied head (`alembic_version` by default).

use anyhow::{Context, Result};
use sqlx::PgConnection;
use strata_shared::offline::VersionTable;

/// The applied heads, sorted. A database without the table is at base: no rows.
pub async fn rows(conn: &mut PgConnection, table: &VersionTable) -> Result<Vec<String>> {
    let name = table.qualified();
    let exists: bool = sqlx::query_scalar("SELECT to_regclass($1) IS NOT NULL")
        .bind(&name)
        .fetch_one(&mut *conn)
        .await
        .context("cannot query the database")?;
    if !exists {
        return Ok(Vec::new());
    }
    sqlx::query_scalar(&format!("SELECT version_num FROM {name} ORDER BY version_num"))
        .fetch_all(conn)
        .await
        .with_context(|| format!("cannot read {name}"))
}

/// Creates the table as Alembic does, if it is not there.
pub async fn ensure(conn: &mut PgConnection, table: &VersionTable) -> Result<()> {
    let sql = table.create_sql().replacen("CREATE TABLE", "CREATE TABLE IF NOT EXISTS", 1);
    sqlx::raw_sql(&sql).execute(conn).await.with_context(|| format!("cannot create {}", table.qualified()))?;
    Ok(())
}
