//! Failed sign-ins slow down further tries of the same name from the same address, with an
//! exponential backoff rather than a lock: an attacker elsewhere cannot lock a user out, and
//! people behind one address do not lock each other out.
//!
//! An attempt is reserved before its password is checked (one row per name and address,
//! claimed in one statement), so parallel tries cannot all pass a check made before any of
//! them failed.

use crate::state::StateDb;
use anyhow::Result;

/// Failures allowed before any wait.
const FREE_FAILURES: i32 = 3;
/// The longest wait between two tries.
const MAX_WAIT_SECONDS: i64 = 15 * 60;
/// After this long without failures, a name and address start afresh.
const FORGET_MINUTES: i32 = 60;
/// How long a reserved attempt blocks others if its outcome is never recorded (a crash).
const HOLD_SECONDS: i64 = 10;

/// The wait after `failures` consecutive failures: none for the first few, then 1 s, 2 s,
/// 4 s … up to `MAX_WAIT_SECONDS`.
pub fn wait_after(failures: i32) -> i64 {
    let doublings = failures - FREE_FAILURES;
    if doublings < 0 { 0 } else { 1i64.checked_shl(doublings.min(20) as u32).unwrap_or(i64::MAX).min(MAX_WAIT_SECONDS) }
}

/// A reserved attempt: record its outcome with `succeeded`, `failed` or `release`.
pub struct Attempt<'a> {
    db: &'a StateDb,
    name: &'a str,
    address: &'a str,
}

/// Reserves the next attempt of `name` from `address`, or says how many seconds to wait.
pub async fn reserve<'a>(db: &'a StateDb, name: &'a str, address: &'a str) -> Result<Result<Attempt<'a>, u64>> {
    let reserved: Option<i32> = sqlx::query_scalar(
        "INSERT INTO strata.sign_in_backoff AS b (name, address, failures, not_before)
         VALUES ($1, $2, 0, now() + make_interval(secs => $3))
         ON CONFLICT (name, address) DO UPDATE
             SET not_before = now() + make_interval(secs => $3),
                 failures = CASE WHEN b.last_failure < now() - make_interval(mins => $4) THEN 0 ELSE b.failures END
             WHERE b.not_before <= now()
         RETURNING failures",
    )
    .bind(name)
    .bind(address)
    .bind(HOLD_SECONDS as f64)
    .bind(FORGET_MINUTES)
    .fetch_optional(&db.pool)
    .await?;
    if reserved.is_some() {
        return Ok(Ok(Attempt { db, name, address }));
    }
    let wait: Option<f64> = sqlx::query_scalar(
        "SELECT extract(epoch FROM not_before - now())::float8 FROM strata.sign_in_backoff
         WHERE name = $1 AND address = $2",
    )
    .bind(name)
    .bind(address)
    .fetch_optional(&db.pool)
    .await?;
    Ok(Err(wait.unwrap_or(1.0).ceil().max(1.0) as u64))
}

impl Attempt<'_> {
    /// The right password: the name and address start afresh.
    pub async fn succeeded(self) -> Result<()> {
        sqlx::query("DELETE FROM strata.sign_in_backoff WHERE name = $1 AND address = $2")
            .bind(self.name)
            .bind(self.address)
            .execute(&self.db.pool)
            .await?;
        Ok(())
    }

    /// A wrong password: the next try waits longer. Returns the new count of failures.
    pub async fn failed(self) -> Result<i32> {
        let mut tx = self.db.pool.begin().await?;
        let failures: i32 = sqlx::query_scalar(
            "UPDATE strata.sign_in_backoff SET failures = failures + 1, last_failure = now()
             WHERE name = $1 AND address = $2 RETURNING failures",
        )
        .bind(self.name)
        .bind(self.address)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE strata.sign_in_backoff SET not_before = now() + make_interval(secs => $3)
             WHERE name = $1 AND address = $2",
        )
        .bind(self.name)
        .bind(self.address)
        .bind(wait_after(failures) as f64)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(failures)
    }

    /// The password was never checked (the server was busy): the attempt does not count.
    pub async fn release(self) -> Result<()> {
        sqlx::query("UPDATE strata.sign_in_backoff SET not_before = now() WHERE name = $1 AND address = $2")
            .bind(self.name)
            .bind(self.address)
            .execute(&self.db.pool)
            .await?;
        Ok(())
    }
}

/// Rows of names and addresses that have not failed for a long time go (at each sign-in).
pub async fn forget_old(db: &StateDb) -> Result<()> {
    sqlx::query("DELETE FROM strata.sign_in_backoff WHERE not_before < now() - make_interval(mins => $1)")
        .bind(FORGET_MINUTES)
        .execute(&db.pool)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_after_the_free_failures_up_to_a_cap() {
        let waits: Vec<i64> = (0..8).map(wait_after).collect();
        assert_eq!(waits, [0, 0, 0, 1, 2, 4, 8, 16]);
        assert_eq!(wait_after(40), MAX_WAIT_SECONDS);
        assert_eq!(wait_after(i32::MAX), MAX_WAIT_SECONDS);
    }
}
