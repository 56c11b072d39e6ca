//! Browser sessions: a random id in an HttpOnly cookie, its hash and CSRF token in the state
//! database, an absolute expiry.

use super::secret;
use super::users::{User, parse_role};
use crate::state::StateDb;
use anyhow::Result;

pub const COOKIE: &str = "strata_session";

pub struct Session {
    pub user: User,
    pub csrf_token: String,
}

/// A new session for `user`: the id for the cookie (never stored) and the CSRF token.
pub async fn start(db: &StateDb, user: &str, minutes: u32) -> Result<(String, String)> {
    let id = secret::fresh()?;
    let csrf_token = secret::fresh()?;
    // Expired sessions are cleared here, at sign-in, not on every request.
    sqlx::query("DELETE FROM strata.sessions WHERE expires_at <= now()").execute(&db.pool).await?;
    sqlx::query(
        "INSERT INTO strata.sessions (id_hash, user_name, csrf_token, expires_at)
         VALUES ($1, $2, $3, now() + make_interval(mins => $4))",
    )
    .bind(secret::hash(&id))
    .bind(user)
    .bind(&csrf_token)
    .bind(minutes as i32)
    .execute(&db.pool)
    .await?;
    Ok((id, csrf_token))
}

/// The live session with this id, if any.
pub async fn find(db: &StateDb, id: &str) -> Result<Option<Session>> {
    let row: Option<(String, String, String)> = sqlx::query_as(
        "SELECT u.name, u.role, s.csrf_token FROM strata.sessions s JOIN strata.users u ON u.name = s.user_name
         WHERE s.id_hash = $1 AND s.expires_at > now()",
    )
    .bind(secret::hash(id))
    .fetch_optional(&db.pool)
    .await?;
    row.map(|(name, role, csrf_token)| Ok(Session { user: User { role: parse_role(&role)?, name }, csrf_token }))
        .transpose()
}

pub async fn end(db: &StateDb, id: &str) -> Result<()> {
    sqlx::query("DELETE FROM strata.sessions WHERE id_hash = $1").bind(secret::hash(id)).execute(&db.pool).await?;
    Ok(())
}

/// The `Set-Cookie` value: HttpOnly (no script reads it), SameSite=Strict (no other site sends
/// it), Secure when the studio is reached over HTTPS.
pub fn cookie(id: &str, minutes: u32, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{COOKIE}={id}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure}", u64::from(minutes) * 60)
}

pub fn removal_cookie(secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}")
}
