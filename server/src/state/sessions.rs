//! Browser sessions: a random id in an HttpOnly cookie, its hash and CSRF token in the state
//! database, an absolute expiry.

use super::users::{User, parse_role};
use crate::auth::secret;
use crate::state::StateDb;
use anyhow::Result;

/// The cookie's name over HTTPS: `__Host-` makes the browser refuse it unless it is `Secure`,
/// from this very host, for `Path=/`, so no neighbour (another port, a subdomain, plain HTTP)
/// can plant or overwrite it.
pub const SECURE_COOKIE: &str = "__Host-strata_session";
/// Its name over plain HTTP (such as http://localhost), where `__Host-` cookies cannot be set.
pub const PLAIN_COOKIE: &str = "strata_session";

pub fn cookie_name(secure: bool) -> &'static str {
    if secure { SECURE_COOKIE } else { PLAIN_COOKIE }
}

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
    find_by_key(db, &key(id)).await
}

/// The live session whose id has this `key`, if any.
pub async fn find_by_key(db: &StateDb, key: &str) -> Result<Option<Session>> {
    let row: Option<(String, String, String)> = sqlx::query_as(
        "SELECT u.name, u.role, s.csrf_token FROM strata.sessions s JOIN strata.users u ON u.name = s.user_name
         WHERE s.id_hash = $1 AND s.expires_at > now()",
    )
    .bind(key)
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
    let name = cookie_name(secure);
    let flag = if secure { "; Secure" } else { "" };
    format!("{name}={id}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{flag}", u64::from(minutes) * 60)
}

pub fn removal_cookie(secure: bool) -> String {
    let name = cookie_name(secure);
    let flag = if secure { "; Secure" } else { "" };
    format!("{name}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{flag}")
}

/// What event streams and other per-session state are keyed by: the stored hash of the id.
pub fn key(id: &str) -> String {
    secret::hash(id)
}
