//! `[environments.NAME.checks]`: queries that must hold before a run commits, and health
//! endpoints that must answer after it.
//!
//! ```toml
//! [[environments.staging.checks.sql]]
//! name = "tenant a sees only its orders"
//! query = "SELECT count(*) = 0 FROM sales_order WHERE tenant <> 'a'"
//! expect = "true"                       # one row, one column, true; or "no rows"
//! role = "app_user"                     # SET LOCAL ROLE for this check only
//! settings = { "app.tenant_id" = "a" }  # set_config(..., is_local) for this check only
//! since = "b2"                          # only where the run leaves b2 applied (its tables exist)
//!
//! [[environments.staging.checks.http]]
//! name = "api health"
//! url = "http://127.0.0.1:8000/health"
//! expect_status = 200                   # the default
//! timeout = "5s"                        # the default
//! ```

use anyhow::{Result, bail};
use serde::Deserialize;
use sqlx::PgConnection;
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};
use strata_shared::graph::RevisionGraph;
use strata_shared::runbook::{CheckKind, CheckPhase, CheckResult, excerpt};

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checks {
    #[serde(default)]
    pub sql: Vec<SqlCheck>,
    #[serde(default)]
    pub http: Vec<HttpCheck>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SqlCheck {
    pub name: String,
    pub query: String,
    pub expect: Expectation,
    pub role: Option<String>,
    #[serde(default)]
    pub settings: BTreeMap<String, String>,
    /// The revision that made what the query reads: the check runs only where the run leaves
    /// that revision applied, so a downgrade below it is not refused by a missing table.
    pub since: Option<String>,
}

/// What a SQL check's query must return.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub enum Expectation {
    /// One row of one column, `true`.
    #[serde(rename = "true")]
    True,
    /// Nothing at all (e.g. the rows another tenant must not see).
    #[serde(rename = "no rows")]
    NoRows,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpCheck {
    pub name: String,
    pub url: String,
    #[serde(default = "default_status")]
    pub expect_status: u16,
    #[serde(default = "default_timeout")]
    pub timeout: String,
}

fn default_status() -> u16 {
    200
}

fn default_timeout() -> String {
    "5s".to_owned()
}

impl Checks {
    /// Names are unique (results are told apart by them), queries are there, URLs are plain
    /// `http://` (no TLS client here) and timeouts read.
    pub fn validate(&self) -> Result<()> {
        let mut names = BTreeSet::new();
        let all_names = self.sql.iter().map(|c| &c.name).chain(self.http.iter().map(|c| &c.name));
        for name in all_names {
            if name.trim().is_empty() {
                bail!("a check has an empty `name`");
            }
            if !names.insert(name) {
                bail!("two checks are named `{name}`; names tell their results apart");
            }
        }
        for check in &self.sql {
            if check.query.trim().trim_end_matches(';').trim().is_empty() {
                bail!("check `{}` has an empty `query`", check.name);
            }
            if check.role.as_deref().is_some_and(|role| role.trim().is_empty()) {
                bail!("check `{}` has an empty `role`", check.name);
            }
        }
        for check in &self.http {
            let url =
                url::Url::parse(&check.url).map_err(|e| anyhow::anyhow!("check `{}`: bad url: {e}", check.name))?;
            if url.scheme() != "http" {
                bail!(
                    "check `{}`: only http:// URLs can be checked (put a plain-HTTP health port in front)",
                    check.name
                );
            }
            parse_timeout(&check.timeout).map_err(|e| anyhow::anyhow!("check `{}`: {e}", check.name))?;
        }
        Ok(())
    }
}

/// The checks that apply where a plan leaves the database (`rows_after`): those without
/// `since`, and those whose revision is applied there. A `since` that names no revision of the
/// project is an error, found before the run changes anything.
pub fn applicable(checks: &[SqlCheck], graph: &RevisionGraph, rows_after: &[String]) -> Result<Vec<SqlCheck>> {
    let heads: Vec<usize> = rows_after.iter().filter_map(|row| graph.index_of(row)).collect();
    let applied = graph.ancestors(&heads, true);
    let mut chosen = Vec::new();
    for check in checks {
        let applies = match &check.since {
            None => true,
            Some(since) => {
                let Some(index) = graph.index_of(since) else {
                    bail!("check `{}`: `since` names `{since}`, which is no revision of this project", check.name);
                };
                applied.contains(index)
            }
        };
        if applies {
            chosen.push(check.clone());
        }
    }
    Ok(chosen)
}

/// `500ms`, `5s`, `2min`.
pub fn parse_timeout(text: &str) -> Result<Duration> {
    let text = text.trim();
    let digits = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (number, unit) = text.split_at(digits);
    let Ok(number) = number.parse::<u64>() else { bail!("timeout `{text}` is not a number with a unit (5s)") };
    match unit.trim() {
        "ms" => Ok(Duration::from_millis(number)),
        "s" => Ok(Duration::from_secs(number)),
        "min" => Ok(Duration::from_secs(number * 60)),
        _ => bail!("timeout `{text}` needs a unit: ms, s or min"),
    }
}

/// Runs the SQL checks in the open transaction. Each runs inside a savepoint that is rolled
/// back after it, so its role and settings (and anything it did) end with it. A query that
/// fails is a failed check; only a connection that fails is an error.
pub async fn run_sql(
    conn: &mut PgConnection,
    checks: &[SqlCheck],
    phase: CheckPhase,
) -> Result<Vec<CheckResult>, sqlx::Error> {
    let mut results = Vec::with_capacity(checks.len());
    for check in checks {
        let started = Instant::now();
        sqlx::raw_sql("SAVEPOINT strata_check").execute(&mut *conn).await?;
        let answer = query(conn, check).await;
        sqlx::raw_sql("ROLLBACK TO SAVEPOINT strata_check; RELEASE SAVEPOINT strata_check").execute(&mut *conn).await?;
        let (passed, returned) = match answer {
            Ok(rows) => judge(check.expect, &rows),
            Err(error) => (false, format!("error: {}", database_message(&error))),
        };
        results.push(CheckResult {
            name: check.name.clone(),
            kind: CheckKind::Sql,
            phase,
            passed,
            returned: excerpt(&returned),
            status: None,
            duration_ms: started.elapsed().as_millis() as u64,
        });
    }
    Ok(results)
}

/// At most this many rows are read back from a check: enough to show what it saw.
const ROWS_SHOWN: i64 = 5;

/// The check's rows, each as JSON text (`{"column": value}`).
async fn query(conn: &mut PgConnection, check: &SqlCheck) -> Result<Vec<String>, sqlx::Error> {
    if let Some(role) = &check.role {
        let sql = format!("SET LOCAL ROLE \"{}\"", role.replace('"', "\"\""));
        sqlx::raw_sql(&sql).execute(&mut *conn).await?;
    }
    for (name, value) in &check.settings {
        sqlx::query("SELECT set_config($1, $2, true)").bind(name).bind(value).execute(&mut *conn).await?;
    }
    let body = check.query.trim().trim_end_matches(';');
    let sql = format!("SELECT row_to_json(q)::text FROM (\n{body}\n) AS q LIMIT {}", ROWS_SHOWN + 1);
    sqlx::query_scalar(&sql).fetch_all(&mut *conn).await
}

fn judge(expect: Expectation, rows: &[String]) -> (bool, String) {
    let shown = if rows.is_empty() {
        "no rows".to_owned()
    } else {
        let mut text = rows.iter().take(ROWS_SHOWN as usize).cloned().collect::<Vec<_>>().join("\n");
        if rows.len() > ROWS_SHOWN as usize {
            text.push_str("\n…");
        }
        text
    };
    let passed = match expect {
        Expectation::NoRows => rows.is_empty(),
        Expectation::True => match rows {
            [row] => serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(row).is_ok_and(|columns| {
                columns.len() == 1 && columns.values().all(|v| v == &serde_json::Value::Bool(true))
            }),
            _ => false,
        },
    };
    (passed, shown)
}

fn database_message(error: &sqlx::Error) -> String {
    match error.as_database_error() {
        Some(db) => db.message().to_owned(),
        None => error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn true_means_one_row_of_one_true_column() {
        assert!(judge(Expectation::True, &[r#"{"ok":true}"#.to_owned()]).0);
        assert!(!judge(Expectation::True, &[r#"{"ok":false}"#.to_owned()]).0);
        assert!(!judge(Expectation::True, &[r#"{"ok":true,"n":1}"#.to_owned()]).0);
        assert!(!judge(Expectation::True, &[r#"{"ok":true}"#.to_owned(), r#"{"ok":true}"#.to_owned()]).0);
        assert_eq!(judge(Expectation::True, &[]), (false, "no rows".to_owned()));
    }

    #[test]
    fn no_rows_shows_what_was_there_instead() {
        assert!(judge(Expectation::NoRows, &[]).0);
        let rows: Vec<String> = (0..7).map(|i| format!(r#"{{"id":{i}}}"#)).collect();
        let (passed, shown) = judge(Expectation::NoRows, &rows);
        assert!(!passed);
        assert_eq!(shown.lines().count(), ROWS_SHOWN as usize + 1);
        assert!(shown.starts_with(r#"{"id":0}"#) && shown.ends_with('…'));
    }

    #[test]
    fn timeouts_need_a_unit() {
        assert_eq!(parse_timeout("5s").unwrap(), Duration::from_secs(5));
        assert_eq!(parse_timeout("250ms").unwrap(), Duration::from_millis(250));
        assert_eq!(parse_timeout("2min").unwrap(), Duration::from_secs(120));
        assert!(parse_timeout("5").unwrap_err().to_string().contains("needs a unit"));
        assert!(parse_timeout("fast").is_err());
    }
}
