//! Accounts: a name, a role and a password hash.

use crate::auth::password;
use crate::state::StateDb;
use anyhow::{Result, bail};
use strata_shared::access::Role;
use strata_shared::limits::{self, Field};
use strata_shared::words::Message;

pub struct User {
    pub name: String,
    pub role: Role,
}

pub async fn add(db: &StateDb, name: &str, role: Role, password: &str) -> Result<()> {
    let hash = checked_hash(name, password)?;
    let inserted =
        sqlx::query("INSERT INTO strata.users (name, role, password_hash) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
            .bind(name)
            .bind(role.name())
            .bind(hash)
            .execute(&db.pool)
            .await?;
    if inserted.rows_affected() == 0 {
        bail!(Message::UserExists { name: name.to_owned() });
    }
    Ok(())
}

/// The password hash of a new account, once its name and password are fit to use.
pub fn checked_hash(name: &str, password: &str) -> Result<String> {
    check_name(name)?;
    if password.chars().count() < password::MIN_LENGTH {
        bail!(Message::PasswordTooShort { least: password::MIN_LENGTH });
    }
    limits::check(Field::Password, password)
        .map_err(|too_long| Message::TooLong { field: too_long.field, limit: too_long.limit })?;
    password::hash(password)
}

/// Adds an admin only while no account exists; `false` when one does.
pub async fn add_first_admin(db: &StateDb, name: &str, hash: &str) -> Result<bool> {
    let mut tx = db.pool.begin().await?;
    // Before the check: no account can appear in between (`user add` waits for the commit).
    sqlx::query("LOCK TABLE strata.users IN EXCLUSIVE MODE").execute(&mut *tx).await?;
    let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT FROM strata.users)").fetch_one(&mut *tx).await?;
    if exists {
        return Ok(false);
    }
    sqlx::query("INSERT INTO strata.users (name, role, password_hash) VALUES ($1, $2, $3)")
        .bind(name)
        .bind(Role::Admin.name())
        .bind(hash)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}

/// Removes the account with its sessions and tokens; its reviews and audit entries stay.
pub async fn remove(db: &StateDb, name: &str) -> Result<()> {
    let removed = sqlx::query("DELETE FROM strata.users WHERE name = $1").bind(name).execute(&db.pool).await?;
    if removed.rows_affected() == 0 {
        bail!(Message::NoUser { name: name.to_owned() });
    }
    Ok(())
}

pub async fn list(db: &StateDb) -> Result<Vec<User>> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT name, role FROM strata.users ORDER BY name").fetch_all(&db.pool).await?;
    rows.into_iter().map(|(name, role)| Ok(User { role: parse_role(&role)?, name })).collect()
}

pub async fn any_exist(db: &StateDb) -> Result<bool> {
    Ok(sqlx::query_scalar("SELECT EXISTS (SELECT FROM strata.users)").fetch_one(&db.pool).await?)
}

/// The account and its password hash, for a sign-in.
pub async fn credentials(db: &StateDb, name: &str) -> Result<Option<(User, String)>> {
    let row: Option<(String, String, String)> =
        sqlx::query_as("SELECT name, role, password_hash FROM strata.users WHERE name = $1")
            .bind(name)
            .fetch_optional(&db.pool)
            .await?;
    row.map(|(name, role, hash)| Ok((User { role: parse_role(&role)?, name }, hash))).transpose()
}

pub(super) fn parse_role(text: &str) -> Result<Role> {
    text.parse().map_err(|e: String| anyhow::anyhow!("the state database holds {e}"))
}

fn check_name(name: &str) -> Result<()> {
    let fine = !name.is_empty()
        && limits::check(Field::UserName, name).is_ok()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '@'));
    if !fine {
        bail!(Message::UnusableUserName { name: name.to_owned(), most: Field::UserName.max_chars() });
    }
    Ok(())
}
