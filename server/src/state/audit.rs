//! The audit log: who did what, when, where. Entries are only ever added.

use crate::state::StateDb;
use anyhow::Result;
use strata_shared::audit::{AuditAction, AuditEntry, AuditPage, AuditQuery};

/// One thing that happened. `actor` is a user name (or the name tried at a failed sign-in).
pub struct Event<'a> {
    pub actor: &'a str,
    pub action: AuditAction,
    pub environment: Option<&'a str>,
    pub subject: Option<&'a str>,
    pub detail: String,
    pub address: Option<&'a str>,
}

impl<'a> Event<'a> {
    pub fn new(actor: &'a str, action: AuditAction) -> Self {
        Self { actor, action, environment: None, subject: None, detail: String::new(), address: None }
    }

    pub fn environment(self, environment: &'a str) -> Self {
        Self { environment: Some(environment), ..self }
    }

    pub fn subject(self, subject: &'a str) -> Self {
        Self { subject: Some(subject), ..self }
    }

    pub fn detail(self, detail: impl Into<String>) -> Self {
        Self { detail: detail.into(), ..self }
    }

    pub fn address(self, address: &'a str) -> Self {
        Self { address: Some(address), ..self }
    }
}

pub async fn record(db: &StateDb, event: Event<'_>) -> Result<()> {
    insert(&db.pool, &event).await
}

/// The one INSERT of an entry, on the pool or inside a caller's transaction.
async fn insert<'e>(executor: impl sqlx::PgExecutor<'e>, event: &Event<'_>) -> Result<()> {
    sqlx::query(
        "INSERT INTO strata.audit (actor, action, environment, subject, detail, address) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(event.actor)
    .bind(event.action.as_str())
    .bind(event.environment)
    .bind(event.subject)
    .bind(&event.detail)
    .bind(event.address)
    .execute(executor)
    .await?;
    Ok(())
}

/// Records `event`, or counts it on the entry of the same actor, action and address made
/// within the last `window_minutes`: a flood of refused sign-ins is one entry per window.
pub async fn record_repeated(db: &StateDb, event: Event<'_>, window_minutes: i32) -> Result<()> {
    let mut tx = db.pool.begin().await?;
    // One writer per actor and address at a time, so parallel repeats share one entry.
    sqlx::query("SELECT pg_advisory_xact_lock(7301208, hashtext($1 || ' ' || coalesce($2, '')))")
        .bind(event.actor)
        .bind(event.address)
        .execute(&mut *tx)
        .await?;
    let counted = sqlx::query(
        "UPDATE strata.audit SET count = count + 1 WHERE id = (
             SELECT id FROM strata.audit
             WHERE actor = $1 AND action = $2 AND address IS NOT DISTINCT FROM $3
               AND at > now() - make_interval(mins => $4)
             ORDER BY id DESC LIMIT 1)",
    )
    .bind(event.actor)
    .bind(event.action.as_str())
    .bind(event.address)
    .bind(window_minutes)
    .execute(&mut *tx)
    .await?;
    if counted.rows_affected() == 0 {
        insert(&mut *tx, &event).await?;
    }
    tx.commit().await?;
    Ok(())
}

type Row = (i64, i64, String, String, Option<String>, Option<String>, String, Option<String>, i32);

/// One page of entries matching `query`, newest first.
pub async fn list(db: &StateDb, query: &AuditQuery) -> Result<AuditPage> {
    let size = query.page_size();
    let mut rows: Vec<Row> = sqlx::query_as(
        "SELECT id, extract(epoch FROM at)::bigint, actor, action, environment, subject, detail, address, count
         FROM strata.audit
         WHERE ($1::bigint IS NULL OR id < $1) AND ($2::text IS NULL OR actor = $2)
           AND ($3::text IS NULL OR action = $3) AND ($4::text IS NULL OR environment = $4)
         ORDER BY id DESC LIMIT $5",
    )
    .bind(query.before)
    .bind(&query.actor)
    .bind(&query.action)
    .bind(&query.environment)
    .bind(size + 1)
    .fetch_all(&db.pool)
    .await?;
    // One row more than the page tells whether another page follows.
    let more = rows.len() as i64 > size;
    rows.truncate(size as usize);
    let entries: Vec<AuditEntry> = rows
        .into_iter()
        .map(|(id, at, actor, action, environment, subject, detail, address, count)| AuditEntry {
            id,
            at,
            actor,
            action,
            environment,
            subject,
            detail,
            address,
            count: i64::from(count),
        })
        .collect();
    let next = if more { entries.last().map(|e| e.id) } else { None };
    Ok(AuditPage { entries, next })
}

/// RFC 4180 CSV with a header row; times in UTC as RFC 3339.
pub fn csv(entries: &[AuditEntry]) -> String {
    let mut out = String::from("id,at,actor,action,environment,subject,detail,address,count\r\n");
    for entry in entries {
        let fields = [
            entry.id.to_string(),
            rfc3339(entry.at),
            entry.actor.clone(),
            entry.action.clone(),
            entry.environment.clone().unwrap_or_default(),
            entry.subject.clone().unwrap_or_default(),
            entry.detail.clone(),
            entry.address.clone().unwrap_or_default(),
            entry.count.to_string(),
        ];
        let quoted: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&quoted.join(","));
        out.push_str("\r\n");
    }
    out
}

fn csv_field(text: &str) -> String {
    // A leading = + - @ would run as a formula in a spreadsheet, and so would one after a
    // leading tab or carriage return (OWASP's list): quote it with a '.
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_owned() };
    if text.contains([',', '"', '\r', '\n']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text }
}

/// Unix seconds as `YYYY-MM-DDTHH:MM:SSZ`.
fn rfc3339(seconds: i64) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    time::OffsetDateTime::from_unix_timestamp(seconds)
        .ok()
        .and_then(|at| at.format(format).ok())
        .unwrap_or_else(|| format!("@{seconds}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_what_needs_quoting_and_defuses_formulas() {
        let entry = AuditEntry {
            id: 7,
            at: 1_795_219_200,
            actor: "ann".to_owned(),
            action: "comment".to_owned(),
            environment: None,
            subject: Some("1a2b".to_owned()),
            detail: "said \"no\", twice\n=cmd".to_owned(),
            address: None,
            count: 1,
        };
        let text = csv(&[entry.clone(), AuditEntry { detail: "=HYPERLINK()".to_owned(), ..entry.clone() }]);
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(lines[0], "id,at,actor,action,environment,subject,detail,address,count");
        assert_eq!(lines[1], "7,2026-11-21T00:00:00Z,ann,comment,,1a2b,\"said \"\"no\"\", twice\n=cmd\",,1");
        assert_eq!(lines[2], "7,2026-11-21T00:00:00Z,ann,comment,,1a2b,'=HYPERLINK(),,1");
        let hidden = csv(&[AuditEntry { detail: "\t=cmd".to_owned(), ..entry.clone() }]);
        assert_eq!(hidden.split("\r\n").nth(1), Some("7,2026-11-21T00:00:00Z,ann,comment,,1a2b,'\t=cmd,,1"));
        let returned = csv(&[AuditEntry { detail: "\r=cmd".to_owned(), ..entry }]);
        assert!(returned.contains(",\"'\r=cmd\",,1"), "{returned}");
    }

    #[test]
    fn times_are_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400 + 3661), "2000-02-29T01:01:01Z");
    }
}
