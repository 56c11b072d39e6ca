//! One run at a time per database: a session-level advisory lock, and who holds it when taken.

use anyhow::Result;
use sqlx::PgConnection;
use strata_shared::digest::sha256_hex;
use strata_shared::offline::VersionTable;

/// The lock's key: one per version table, so two projects in one database do not block each other.
pub fn key(table: &VersionTable) -> i64 {
    let digest = sha256_hex(format!("strata:{}.{}", table.schema.as_deref().unwrap_or(""), table.name).as_bytes());
    i64::from_str_radix(&digest[..15], 16).unwrap_or(0)
}

pub async fn try_acquire(conn: &mut PgConnection, key: i64) -> Result<bool> {
    Ok(sqlx::query_scalar("SELECT pg_try_advisory_lock($1)").bind(key).fetch_one(conn).await?)
}

pub async fn release(conn: &mut PgConnection, key: i64) -> Result<()> {
    sqlx::query("SELECT pg_advisory_unlock($1)").bind(key).execute(conn).await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Holder {
    pid: i32,
    application_name: Option<String>,
    usename: Option<String>,
    client_addr: Option<String>,
    since: Option<String>,
}

/// Who holds the lock: the session (application, user, address) and since when it is connected.
pub async fn holder(conn: &mut PgConnection, key: i64) -> Result<String> {
    let holder: Option<Holder> = sqlx::query_as(
        "SELECT a.pid, a.application_name, a.usename::text AS usename, a.client_addr::text AS client_addr,
                to_char(a.backend_start, 'YYYY-MM-DD HH24:MI:SS TZ') AS since
           FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
          WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
            AND l.classid::bigint = ($1 >> 32) AND l.objid::bigint = ($1 & 4294967295)",
    )
    .bind(key)
    .fetch_optional(conn)
    .await?;
    Ok(match holder {
        Some(h) => format!(
            "{} (database user {}, server process {}{}), connected since {}",
            h.application_name.filter(|a| !a.is_empty()).unwrap_or_else(|| "another session".to_owned()),
            h.usename.unwrap_or_default(),
            h.pid,
            h.client_addr.map(|a| format!(", from {a}")).unwrap_or_default(),
            h.since.unwrap_or_default()
        ),
        None => "another session (it has just finished)".to_owned(),
    })
}
