//! Reviews in the state database: comment threads on revisions and their lines, verdicts.

use crate::state::StateDb;
use anyhow::{Result, bail};
use std::collections::{BTreeMap, HashMap};
use strata_shared::review::{Comment, ReviewSummary, RevisionReview, Thread, Verdict, VerdictRecord, state_of};
use strata_shared::words::Message;

const MAX_COMMENT: usize = 10_000;

/// Adds a comment: to `thread` if given (it must belong to `revision`), else as a new thread.
/// Returns the thread's id.
pub async fn comment(
    db: &StateDb,
    revision: &str,
    author: &str,
    body: &str,
    line: Option<u32>,
    thread: Option<i64>,
) -> Result<i64> {
    let body = body.trim();
    if body.is_empty() || body.len() > MAX_COMMENT {
        bail!(Message::CommentLength { most: MAX_COMMENT });
    }
    let mut tx = db.pool.begin().await?;
    let thread = match thread {
        Some(id) => {
            let found: Option<i64> =
                sqlx::query_scalar("SELECT id FROM strata.threads WHERE id = $1 AND revision = $2 FOR UPDATE")
                    .bind(id)
                    .bind(revision)
                    .fetch_optional(&mut *tx)
                    .await?;
            let Some(id) = found else {
                bail!(Message::NoThreadOnRevision { thread: id, revision: revision.to_owned() })
            };
            // A reply reopens a resolved thread.
            sqlx::query("UPDATE strata.threads SET resolved_by = NULL WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            id
        }
        None => {
            sqlx::query_scalar("INSERT INTO strata.threads (revision, line) VALUES ($1, $2) RETURNING id")
                .bind(revision)
                .bind(line.map(|l| l as i32))
                .fetch_one(&mut *tx)
                .await?
        }
    };
    sqlx::query("INSERT INTO strata.comments (thread_id, author, body) VALUES ($1, $2, $3)")
        .bind(thread)
        .bind(author)
        .bind(body)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(thread)
}

/// Marks a thread resolved by `by`, or open again.
pub async fn resolve(db: &StateDb, thread: i64, by: Option<&str>) -> Result<String> {
    let revision: Option<String> =
        sqlx::query_scalar("UPDATE strata.threads SET resolved_by = $2 WHERE id = $1 RETURNING revision")
            .bind(thread)
            .bind(by)
            .fetch_optional(&db.pool)
            .await?;
    revision.ok_or_else(|| Message::NoThread { thread }.into())
}

/// Records `reviewer`'s verdict on `revision` as its SQL reads now (`checksum`), replacing an
/// earlier one.
pub async fn set_verdict(db: &StateDb, revision: &str, checksum: &str, reviewer: &str, verdict: Verdict) -> Result<()> {
    sqlx::query(
        "INSERT INTO strata.verdicts (revision, reviewer, verdict, checksum) VALUES ($1, $2, $3, $4)
         ON CONFLICT (revision, reviewer) DO UPDATE SET verdict = excluded.verdict, checksum = excluded.checksum, at = now()",
    )
    .bind(revision)
    .bind(reviewer)
    .bind(verdict_name(verdict))
    .bind(checksum)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// A thread's columns and one of its comments.
type ThreadRow = (i64, Option<i32>, Option<String>, String, String, i64);

/// The review of `revision`, whose SQL reads `checksum` now.
pub async fn of_revision(db: &StateDb, revision: &str, checksum: &str) -> Result<RevisionReview> {
    let current = HashMap::from([(revision.to_owned(), checksum.to_owned())]);
    let verdicts = verdicts(db, Some(revision), &current).await?;
    let rows: Vec<ThreadRow> = sqlx::query_as(
        "SELECT t.id, t.line, t.resolved_by, c.author, c.body, extract(epoch FROM c.at)::bigint
         FROM strata.threads t JOIN strata.comments c ON c.thread_id = t.id
         WHERE t.revision = $1 ORDER BY t.id, c.id",
    )
    .bind(revision)
    .fetch_all(&db.pool)
    .await?;
    let mut threads: Vec<Thread> = Vec::new();
    for (id, line, resolved_by, by, body, at) in rows {
        if threads.last().is_none_or(|t| t.id != id) {
            threads.push(Thread {
                id,
                revision: revision.to_owned(),
                line: line.map(|l| l as u32),
                resolved_by,
                comments: Vec::new(),
            });
        }
        threads.last_mut().expect("pushed above").comments.push(Comment { by, body, at });
    }
    Ok(RevisionReview { verdicts, threads })
}

/// Every reviewed revision's state and open threads; `checksums` are the revisions' SQL now.
pub async fn summaries(db: &StateDb, checksums: &HashMap<String, String>) -> Result<Vec<ReviewSummary>> {
    let mut by_revision: BTreeMap<String, Vec<VerdictRecord>> = BTreeMap::new();
    for record in verdicts(db, None, checksums).await? {
        by_revision.entry(record.revision.clone()).or_default().push(record);
    }
    let open: Vec<(String, i64)> =
        sqlx::query_as("SELECT revision, count(*) FROM strata.threads WHERE resolved_by IS NULL GROUP BY revision")
            .fetch_all(&db.pool)
            .await?;
    let open: BTreeMap<String, i64> = open.into_iter().collect();
    let revisions: std::collections::BTreeSet<&String> = by_revision.keys().chain(open.keys()).collect();
    Ok(revisions
        .into_iter()
        .map(|revision| ReviewSummary {
            revision: revision.clone(),
            state: by_revision.get(revision).and_then(state_of),
            open_threads: open.get(revision).copied().unwrap_or(0) as u32,
        })
        .collect())
}

/// Verdicts, stale where the revision's SQL no longer has the checksum they were given on.
async fn verdicts(
    db: &StateDb,
    revision: Option<&str>,
    current: &HashMap<String, String>,
) -> Result<Vec<VerdictRecord>> {
    let rows: Vec<(String, String, String, String, i64)> = sqlx::query_as(
        "SELECT revision, reviewer, verdict, checksum, extract(epoch FROM at)::bigint FROM strata.verdicts
         WHERE $1::text IS NULL OR revision = $1 ORDER BY revision, at",
    )
    .bind(revision)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(revision, by, verdict, checksum, at)| VerdictRecord {
            stale: current.get(&revision) != Some(&checksum),
            revision,
            by,
            verdict: if verdict == "approved" { Verdict::Approved } else { Verdict::ChangesRequested },
            at,
        })
        .collect())
}

pub fn verdict_name(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Approved => "approved",
        Verdict::ChangesRequested => "changes-requested",
    }
}
