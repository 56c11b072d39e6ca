//! Rehearsals as recorded in the state database, keyed by environment and plan fingerprint.

use crate::state::StateDb;
use anyhow::Result;
use sqlx::types::Json;
use strata_shared::rehearsal::Rehearsal;

pub async fn insert(db: &StateDb, rehearsal: &Rehearsal) -> Result<()> {
    sqlx::query(
        "INSERT INTO strata.rehearsals (id, environment, fingerprint, succeeded, report, by_user)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&rehearsal.id)
    .bind(&rehearsal.environment)
    .bind(&rehearsal.fingerprint)
    .bind(rehearsal.succeeded())
    .bind(Json(rehearsal))
    .bind(&rehearsal.by)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// The newest rehearsal of exactly this plan.
pub async fn latest(db: &StateDb, environment: &str, fingerprint: &str) -> Result<Option<Rehearsal>> {
    let row: Option<(Json<Rehearsal>,)> = sqlx::query_as(
        "SELECT report FROM strata.rehearsals WHERE environment = $1 AND fingerprint = $2
         ORDER BY at DESC, seq DESC LIMIT 1",
    )
    .bind(environment)
    .bind(fingerprint)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|(Json(rehearsal),)| rehearsal))
}

/// The newest rehearsal of each plan of `environment`, newest first.
pub async fn latest_per_plan(db: &StateDb, environment: &str, limit: i64) -> Result<Vec<Rehearsal>> {
    let rows: Vec<(Json<Rehearsal>,)> = sqlx::query_as(
        "SELECT report FROM (
             SELECT DISTINCT ON (fingerprint) report, at, seq FROM strata.rehearsals
             WHERE environment = $1 ORDER BY fingerprint, at DESC, seq DESC
         ) newest ORDER BY at DESC, seq DESC LIMIT $2",
    )
    .bind(environment)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(|(Json(rehearsal),)| rehearsal).collect())
}
