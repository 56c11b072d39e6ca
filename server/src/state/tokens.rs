//! API tokens for CI: `Authorization: Bearer strata_…`, acting as their user. Only hashes are
//! kept; the token is shown once, when created.

use super::users::{User, parse_role};
use crate::auth::secret;
use crate::state::StateDb;
use anyhow::{Result, bail};
use strata_shared::limits::{self, Field};

const PREFIX: &str = "strata_";

pub struct TokenInfo {
    pub id: String,
    pub user: String,
    pub label: String,
    pub created: String,
    pub revoked: bool,
}

/// A new token for `user`: its public id and the secret to hand over.
pub async fn create(db: &StateDb, user: &str, label: &str) -> Result<(String, String)> {
    limits::check(Field::TokenLabel, label).map_err(anyhow::Error::msg)?;
    let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT FROM strata.users WHERE name = $1)")
        .bind(user)
        .fetch_one(&db.pool)
        .await?;
    if !exists {
        bail!("no user `{user}` (create it first: strata user add {user} --role ROLE)");
    }
    let id = crate::identity::random_hex(4)?;
    let token = format!("{PREFIX}{}", secret::fresh()?);
    sqlx::query("INSERT INTO strata.api_tokens (id, token_hash, user_name, label) VALUES ($1, $2, $3, $4)")
        .bind(&id)
        .bind(secret::hash(&token))
        .bind(user)
        .bind(label)
        .execute(&db.pool)
        .await?;
    Ok((id, token))
}

pub async fn revoke(db: &StateDb, id: &str) -> Result<()> {
    let revoked = sqlx::query("UPDATE strata.api_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL")
        .bind(id)
        .execute(&db.pool)
        .await?;
    if revoked.rows_affected() == 0 {
        bail!("no live token `{id}` (see `strata token list`)");
    }
    Ok(())
}

pub async fn list(db: &StateDb) -> Result<Vec<TokenInfo>> {
    let rows: Vec<(String, String, String, String, bool)> = sqlx::query_as(
        "SELECT id, user_name, label, to_char(created_at, 'YYYY-MM-DD HH24:MI'), revoked_at IS NOT NULL
         FROM strata.api_tokens ORDER BY created_at",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, user, label, created, revoked)| TokenInfo { id, user, label, created, revoked })
        .collect())
}

/// The user a live token acts as.
pub async fn user_of(db: &StateDb, token: &str) -> Result<Option<User>> {
    if !token.starts_with(PREFIX) {
        return Ok(None);
    }
    user_of_key(db, &key(token)).await
}

/// What per-token state is keyed by: the stored hash.
pub fn key(token: &str) -> String {
    secret::hash(token)
}

/// The user a live token with this `key` acts as.
pub async fn user_of_key(db: &StateDb, key: &str) -> Result<Option<User>> {
    let row: Option<(String, String)> = sqlx::query_as(
        "SELECT u.name, u.role FROM strata.api_tokens t JOIN strata.users u ON u.name = t.user_name
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL",
    )
    .bind(key)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|(name, role)| Ok(User { role: parse_role(&role)?, name })).transpose()
}
