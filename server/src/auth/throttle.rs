//! Repeated failed sign-ins slow an attacker down: after too many for one name or from one
//! address within the window, sign-ins for it are refused until the window has passed. The
//! audit log's `sign-in-failed` entries are the count.

use crate::state::StateDb;
use anyhow::Result;

const WINDOW_MINUTES: i32 = 15;
const PER_NAME: i64 = 5;
const PER_ADDRESS: i64 = 20;

/// Seconds to wait before `name` may try again from `address`, if it must wait.
pub async fn wait_needed(db: &StateDb, name: &str, address: &str) -> Result<Option<u64>> {
    let (by_name, by_address, oldest): (i64, i64, Option<f64>) = sqlx::query_as(
        "WITH recent AS (
             SELECT actor, address, at FROM strata.audit
             WHERE action = 'sign-in-failed' AND at > now() - make_interval(mins => $3)
         )
         SELECT count(*) FILTER (WHERE actor = $1),
                count(*) FILTER (WHERE address = $2),
                extract(epoch FROM min(at) FILTER (WHERE actor = $1 OR address = $2) + make_interval(mins => $3) - now())::float8
         FROM recent",
    )
    .bind(name)
    .bind(address)
    .bind(WINDOW_MINUTES)
    .fetch_one(&db.pool)
    .await?;
    if by_name >= PER_NAME || by_address >= PER_ADDRESS {
        Ok(Some(oldest.unwrap_or(60.0).ceil().max(1.0) as u64))
    } else {
        Ok(None)
    }
}
