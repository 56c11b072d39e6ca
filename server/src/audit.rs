//! The audit log: who did what, when, where. Entries are only ever added.

use crate::state::StateDb;
use anyhow::Result;
use strata_shared::audit::AuditEntry;

/// One thing that happened. `actor` is a user name (or the name tried at a failed sign-in).
pub struct Event<'a> {
    pub actor: &'a str,
    pub action: String,
    pub environment: Option<&'a str>,
    pub subject: Option<&'a str>,
    pub detail: String,
    pub address: Option<&'a str>,
}

impl<'a> Event<'a> {
    pub fn new(actor: &'a str, action: impl Into<String>) -> Self {
        Self { actor, action: action.into(), environment: None, subject: None, detail: String::new(), address: None }
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
    sqlx::query(
        "INSERT INTO strata.audit (actor, action, environment, subject, detail, address) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(event.actor)
    .bind(&event.action)
    .bind(event.environment)
    .bind(event.subject)
    .bind(&event.detail)
    .bind(event.address)
    .execute(&db.pool)
    .await?;
    Ok(())
}

type Row = (i64, i64, String, String, Option<String>, Option<String>, String);

/// The newest `limit` entries, newest first.
pub async fn list(db: &StateDb, limit: i64) -> Result<Vec<AuditEntry>> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, extract(epoch FROM at)::bigint, actor, action, environment, subject, detail
         FROM strata.audit ORDER BY id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, at, actor, action, environment, subject, detail)| AuditEntry {
            id,
            at,
            actor,
            action,
            environment,
            subject,
            detail,
        })
        .collect())
}

/// RFC 4180 CSV with a header row; times in UTC as RFC 3339.
pub fn csv(entries: &[AuditEntry]) -> String {
    let mut out = String::from("id,at,actor,action,environment,subject,detail\r\n");
    for entry in entries {
        let fields = [
            entry.id.to_string(),
            rfc3339(entry.at),
            entry.actor.clone(),
            entry.action.clone(),
            entry.environment.clone().unwrap_or_default(),
            entry.subject.clone().unwrap_or_default(),
            entry.detail.clone(),
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
        };
        let text = csv(&[entry.clone(), AuditEntry { detail: "=HYPERLINK()".to_owned(), ..entry.clone() }]);
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(lines[0], "id,at,actor,action,environment,subject,detail");
        assert_eq!(lines[1], "7,2026-11-21T00:00:00Z,ann,comment,,1a2b,\"said \"\"no\"\", twice\n=cmd\"");
        assert_eq!(lines[2], "7,2026-11-21T00:00:00Z,ann,comment,,1a2b,'=HYPERLINK()");
        let hidden = csv(&[AuditEntry { detail: "\t=cmd".to_owned(), ..entry.clone() }]);
        assert_eq!(hidden.split("\r\n").nth(1), Some("7,2026-11-21T00:00:00Z,ann,comment,,1a2b,'\t=cmd"));
        let returned = csv(&[AuditEntry { detail: "\r=cmd".to_owned(), ..entry }]);
        assert!(returned.contains(",\"'\r=cmd\""), "{returned}");
    }

    #[test]
    fn times_are_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400 + 3661), "2000-02-29T01:01:01Z");
    }
}
