//! Strata's own record beside the version table: `strata_run` (one row per run of a plan)
//! and `strata_history` (one row per step that ran or failed), in the version table's schema;
//! `strata_backup` and `strata_check`: the evidence around a run (`crate::runbook`); their
//! shape is the revisions of `server/journal_migrations/`, recorded in `strata_journal_version`.

use crate::own_schema;
use anyhow::{Context, Result};
use sqlx::PgConnection;
use strata_shared::api::{RunRecord, RunStatus, StepFailure, StepOutcome, StepRecordView};
use strata_shared::offline::VersionTable;
use strata_shared::plan::{Direction, Operation};
use strata_shared::runbook::{BackupRecord, CheckResult};

/// Table names qualified like the version table.
pub struct Journal {
    runs: String,
    steps: String,
    backups: String,
    checks: String,
    /// Where the journal records its own revision.
    version: VersionTable,
}

pub struct StepRecord {
    pub run_id: String,
    pub position: usize,
    pub revision: Option<String>,
    pub direction: Direction,
    pub checksum: Option<String>,
    pub rows_after: Vec<String>,
    pub duration_ms: i64,
    pub failure: Option<StepFailure>,
}

impl Journal {
    pub fn beside(table: &VersionTable) -> Self {
        Self {
            runs: table.sibling("strata_run"),
            steps: table.sibling("strata_history"),
            backups: table.sibling("strata_backup"),
            checks: table.sibling("strata_check"),
            version: VersionTable { schema: table.schema.clone(), name: "strata_journal_version".to_owned() },
        }
    }

    /// Whether the journal's tables exist yet (a database Strata never ran on has none).
    pub async fn exists(&self, conn: &mut PgConnection) -> Result<bool> {
        Ok(sqlx::query_scalar("SELECT to_regclass($1) IS NOT NULL").bind(&self.steps).fetch_one(conn).await?)
    }

    /// Brings the journal's tables to this build's revisions (`server/journal_migrations/`);
    /// refuses a journal a newer Strata has shaped.
    pub async fn ensure(&self, conn: &mut PgConnection) -> Result<()> {
        let key = super::lock::key(&self.version);
        own_schema::upgrade(conn, &own_schema::JOURNAL, &self.version, key).await?;
        Ok(())
    }

    /// A run cut off while a revision ran outside a transaction: (run, revision). Until a
    /// stamp says where the database is, no plan runs from a version table that may be behind.
    pub async fn cut_off_outside_transaction(&self, conn: &mut PgConnection) -> Result<Option<(String, String)>> {
        let sql = format!(
            "SELECT id, outside_transaction FROM {} WHERE outside_transaction IS NOT NULL ORDER BY started_at DESC LIMIT 1",
            self.runs
        );
        Ok(sqlx::query_as(&sql).fetch_optional(conn).await?)
    }

    /// Marks (`Some`) or clears (`None`) the revision of `run_id` running outside a transaction.
    pub fn outside_transaction_sql(&self, run_id: &str, revision: Option<&str>) -> String {
        let quote = |text: &str| format!("'{}'", text.replace('\'', "''"));
        let value = revision.map_or("NULL".to_owned(), quote);
        format!("UPDATE {} SET outside_transaction = {value} WHERE id = {}", self.runs, quote(run_id))
    }

    /// After a stamp has said where the database is.
    pub async fn forget_cut_off(&self, conn: &mut PgConnection) -> Result<()> {
        let sql = format!("UPDATE {} SET outside_transaction = NULL WHERE outside_transaction IS NOT NULL", self.runs);
        sqlx::query(&sql).execute(conn).await?;
        Ok(())
    }

    /// Runs still marked as running while we hold the lock were cut off (a crash, a kill).
    pub async fn mark_interrupted(&self, conn: &mut PgConnection) -> Result<u64> {
        let sql = format!("UPDATE {} SET status = $1, finished_at = now() WHERE status = $2", self.runs);
        let query = sqlx::query(&sql).bind(RunStatus::Interrupted.name()).bind(RunStatus::Running.name());
        Ok(query.execute(conn).await?.rows_affected())
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn start_run(
        &self,
        conn: &mut PgConnection,
        id: &str,
        environment: &str,
        operation: Operation,
        target: &str,
        fingerprint: &str,
        from_rows: &[String],
        mode: &str,
        who: &str,
    ) -> Result<()> {
        let sql = format!(
            "INSERT INTO {} (id, environment, operation, target, fingerprint, from_rows, transaction_mode, started_by, status)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            self.runs
        );
        sqlx::query(&sql)
            .bind(id)
            .bind(environment)
            .bind(operation.name())
            .bind(target)
            .bind(fingerprint)
            .bind(from_rows)
            .bind(mode)
            .bind(who)
            .bind(RunStatus::Running.name())
            .execute(conn)
            .await?;
        Ok(())
    }

    pub async fn finish_run(&self, conn: &mut PgConnection, id: &str, status: RunStatus) -> Result<()> {
        let sql = format!("UPDATE {} SET status = $2, finished_at = now() WHERE id = $1", self.runs);
        sqlx::query(&sql).bind(id).bind(status.name()).execute(conn).await?;
        Ok(())
    }

    pub async fn record_backup(&self, conn: &mut PgConnection, run_id: &str, backup: &BackupRecord) -> Result<()> {
        let sql = format!(
            "INSERT INTO {} (run_id, kind, location, size_bytes, sha256, tables, restore_command)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            self.backups
        );
        sqlx::query(&sql)
            .bind(run_id)
            .bind(backup.kind.name())
            .bind(&backup.location)
            .bind(backup.size_bytes as i64)
            .bind(&backup.sha256)
            .bind(&backup.tables)
            .bind(&backup.restore_command)
            .execute(conn)
            .await?;
        Ok(())
    }

    pub async fn record_checks(&self, conn: &mut PgConnection, run_id: &str, checks: &[CheckResult]) -> Result<()> {
        if checks.is_empty() {
            return Ok(());
        }
        let mut insert = sqlx::QueryBuilder::new(format!(
            "INSERT INTO {} (run_id, name, kind, phase, passed, returned, http_status, duration_ms) ",
            self.checks
        ));
        insert.push_values(checks, |mut row, check| {
            row.push_bind(run_id)
                .push_bind(&check.name)
                .push_bind(check.kind.name())
                .push_bind(check.phase.name())
                .push_bind(check.passed)
                .push_bind(&check.returned)
                .push_bind(check.status.map(i32::from))
                .push_bind(check.duration_ms as i64);
        });
        insert.build().execute(conn).await?;
        Ok(())
    }

    /// Writes step records in one statement (whole-plan runs write theirs before each commit).
    pub async fn record_steps(&self, conn: &mut PgConnection, steps: &[StepRecord]) -> Result<()> {
        if steps.is_empty() {
            return Ok(());
        }
        let mut insert = sqlx::QueryBuilder::new(format!(
            "INSERT INTO {} (run_id, position, revision, direction, kind, checksum, rows_after, duration_ms, outcome,
                             error_message, error_detail, error_hint, error_sqlstate, error_file, error_line, error_column) ",
            self.steps
        ));
        insert.push_values(steps, |mut row, step| {
            let failure = step.failure.as_ref();
            row.push_bind(&step.run_id)
                .push_bind(step.position as i32)
                .push_bind(&step.revision)
                .push_bind(step.direction.name())
                .push_bind(if step.revision.is_some() { "migration" } else { "stamp" })
                .push_bind(&step.checksum)
                .push_bind(&step.rows_after)
                .push_bind(step.duration_ms)
                .push_bind(if failure.is_some() { StepOutcome::Failed } else { StepOutcome::Applied }.name())
                .push_bind(failure.map(|f| f.message.clone()))
                .push_bind(failure.and_then(|f| f.detail.clone()))
                .push_bind(failure.and_then(|f| f.hint.clone()))
                .push_bind(failure.and_then(|f| f.sqlstate.clone()))
                .push_bind(failure.and_then(|f| f.path.clone()))
                .push_bind(failure.and_then(|f| f.line).map(|l| l as i32))
                .push_bind(failure.and_then(|f| f.column).map(|c| c as i32));
        });
        insert.build().execute(conn).await?;
        Ok(())
    }

    /// The latest runs, newest first, with their steps. A run still marked `running` while no
    /// session holds the lock was cut off: it shows as `interrupted`.
    pub async fn runs(&self, conn: &mut PgConnection, lock_key: i64, limit: i64) -> Result<Vec<RunRecord>> {
        let locked: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1
                              AND classid::bigint = ($1 >> 32) AND objid::bigint = ($1 & 4294967295))",
        )
        .bind(lock_key)
        .fetch_one(&mut *conn)
        .await?;
        let runs: Vec<RunRow> = sqlx::query_as(&format!(
            "SELECT id, operation, target, fingerprint, started_by, started_at::text AS started_at,
                    finished_at::text AS finished_at, status
               FROM {} ORDER BY started_at DESC LIMIT $1",
            self.runs
        ))
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?;
        let mut records = Vec::with_capacity(runs.len());
        for run in runs {
            let steps: Vec<StepRow> = sqlx::query_as(&format!(
                "SELECT position, revision, direction, checksum, rows_after, duration_ms, outcome, error_message,
                        error_detail, error_hint, error_sqlstate, error_file, error_line, error_column
                   FROM {} WHERE run_id = $1 ORDER BY position, id",
                self.steps
            ))
            .bind(&run.id)
            .fetch_all(&mut *conn)
            .await?;
            let status = match stored(&run.status, "strata_run.status", &run.id)? {
                RunStatus::Running if !locked => RunStatus::Interrupted,
                status => status,
            };
            let operation = stored(&run.operation, "strata_run.operation", &run.id)?;
            let steps = steps.into_iter().map(|step| step.into_view(&run.id)).collect::<Result<_>>()?;
            let (backup, checks) = self.evidence(&mut *conn, &run.id).await?;
            records.push(RunRecord {
                id: run.id,
                operation,
                target: run.target,
                fingerprint: run.fingerprint,
                started_by: run.started_by,
                started_at: run.started_at,
                finished_at: run.finished_at,
                status,
                steps,
                backup,
                checks,
            });
        }
        Ok(records)
    }

    async fn evidence(
        &self,
        conn: &mut PgConnection,
        run_id: &str,
    ) -> Result<(Option<BackupRecord>, Vec<CheckResult>)> {
        let backup: Option<BackupRow> = sqlx::query_as(&format!(
            "SELECT kind, location, size_bytes, sha256, tables, restore_command FROM {} WHERE run_id = $1",
            self.backups
        ))
        .bind(run_id)
        .fetch_optional(&mut *conn)
        .await?;
        let checks: Vec<CheckRow> = sqlx::query_as(&format!(
            "SELECT name, kind, phase, passed, returned, http_status, duration_ms FROM {} WHERE run_id = $1 ORDER BY id",
            self.checks
        ))
        .bind(run_id)
        .fetch_all(conn)
        .await?;
        let backup = backup.map(|row| row.into_record(run_id)).transpose()?;
        Ok((backup, checks.into_iter().map(|row| row.into_result(run_id)).collect::<Result<_>>()?))
    }

    /// The checksum each revision's upgrade had when it last ran, if Strata ran it.
    pub async fn applied_checksums(&self, conn: &mut PgConnection) -> Result<Vec<(String, String)>> {
        let sql = format!(
            "SELECT DISTINCT ON (revision) revision, checksum FROM {}
              WHERE kind = 'migration' AND outcome = 'applied' AND revision IS NOT NULL
              ORDER BY revision, id DESC",
            self.steps
        );
        let rows: Vec<(String, Option<String>)> = sqlx::query_as(&sql).fetch_all(conn).await?;
        Ok(rows.into_iter().filter_map(|(revision, checksum)| checksum.map(|c| (revision, c))).collect())
    }
}

#[derive(sqlx::FromRow)]
struct RunRow {
    id: String,
    operation: String,
    target: String,
    fingerprint: String,
    started_by: String,
    started_at: String,
    finished_at: Option<String>,
    status: String,
}

#[derive(sqlx::FromRow)]
struct StepRow {
    position: i32,
    revision: Option<String>,
    direction: String,
    checksum: Option<String>,
    rows_after: Vec<String>,
    duration_ms: i64,
    outcome: String,
    error_message: Option<String>,
    error_detail: Option<String>,
    error_hint: Option<String>,
    error_sqlstate: Option<String>,
    error_file: Option<String>,
    error_line: Option<i32>,
    error_column: Option<i32>,
}

impl StepRow {
    fn into_view(self, run_id: &str) -> Result<StepRecordView> {
        let failure = self.error_message.map(|message| StepFailure {
            message,
            detail: self.error_detail,
            hint: self.error_hint,
            sqlstate: self.error_sqlstate,
            path: self.error_file,
            line: self.error_line.map(|l| l as u32),
            column: self.error_column.map(|c| c as u32),
        });
        Ok(StepRecordView {
            position: self.position,
            revision: self.revision,
            direction: stored(&self.direction, "strata_history.direction", run_id)?,
            checksum: self.checksum,
            rows_after: self.rows_after,
            duration_ms: self.duration_ms,
            outcome: stored(&self.outcome, "strata_history.outcome", run_id)?,
            failure,
        })
    }
}

#[derive(sqlx::FromRow)]
struct BackupRow {
    kind: String,
    location: String,
    size_bytes: i64,
    sha256: String,
    tables: Vec<String>,
    restore_command: String,
}

impl BackupRow {
    fn into_record(self, run_id: &str) -> Result<BackupRecord> {
        Ok(BackupRecord {
            kind: stored(&self.kind, "strata_backup.kind", run_id)?,
            location: self.location,
            size_bytes: self.size_bytes as u64,
            sha256: self.sha256,
            tables: self.tables,
            restore_command: self.restore_command,
        })
    }
}

#[derive(sqlx::FromRow)]
struct CheckRow {
    name: String,
    kind: String,
    phase: String,
    passed: bool,
    returned: String,
    http_status: Option<i32>,
    duration_ms: i64,
}

impl CheckRow {
    fn into_result(self, run_id: &str) -> Result<CheckResult> {
        Ok(CheckResult {
            name: self.name,
            kind: stored(&self.kind, "strata_check.kind", run_id)?,
            phase: stored(&self.phase, "strata_check.phase", run_id)?,
            passed: self.passed,
            returned: self.returned,
            status: self.http_status.and_then(|s| u16::try_from(s).ok()),
            duration_ms: self.duration_ms as u64,
        })
    }
}

/// A closed set's value as the journal stores it. Text this build does not know (a journal
/// edited by hand, or a newer Strata's) is an error naming the column and the run.
fn stored<T: std::str::FromStr<Err = String>>(text: &str, column: &str, run_id: &str) -> Result<T> {
    text.parse().map_err(anyhow::Error::msg).with_context(|| format!("{column} of run {run_id}"))
}
