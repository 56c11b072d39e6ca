//! Carrying out a confirmed plan on a database, as the sqlx `migrate` executor would, but with
//! Alembic's version table: exactly the previewed SQL, under an advisory lock, in the chosen
//! transaction mode, each step recorded in Strata's journal. When a statement fails, the open
//! transaction rolls back, the version table stays as it was before the failed step, and the
//! failure is recorded with PostgreSQL's details and the revision file's line.

mod edited;
mod failure;
mod journal;
pub(crate) mod lock;

use crate::config::EnvironmentConfig;
use crate::rehearsal::Probe;
use crate::runbook::{self, backup, checks};
use crate::version_table;
use anyhow::Result;
use futures_util::StreamExt;
use sqlx::{Connection, PgConnection};
use std::time::Instant;
use strata_shared::api::{RunEvent, RunStatus, StepFailure};
use strata_shared::graph::RevisionGraph;
use strata_shared::lint::{self, Finding};
use strata_shared::offline::{self, TransactionMode, VersionTable};
use strata_shared::plan::{self, Direction, Operation, Plan, Step};
use strata_shared::postgres_version::PostgresVersion;
use strata_shared::runbook::{CheckPhase, CheckResult};
use strata_shared::words::{Cause, Lang, Message, Trouble};

pub use edited::edited_revisions;
pub use journal::Journal;

/// What to do to the database.
#[derive(Clone, Debug)]
pub enum Request {
    Upgrade(String),
    Downgrade(String),
    Stamp { targets: Vec<String>, purge: bool },
}

impl Request {
    pub fn from_api(request: &strata_shared::api::PlanRequest) -> Self {
        match request.operation {
            Operation::Upgrade => Request::Upgrade(request.target.clone()),
            Operation::Downgrade => Request::Downgrade(request.target.clone()),
            Operation::Stamp => Request::Stamp {
                targets: request.target.split_whitespace().map(str::to_owned).collect(),
                purge: request.purge,
            },
        }
    }

    fn operation(&self) -> Operation {
        match self {
            Request::Upgrade(_) => Operation::Upgrade,
            Request::Downgrade(_) => Operation::Downgrade,
            Request::Stamp { .. } => Operation::Stamp,
        }
    }

    fn target(&self) -> String {
        match self {
            Request::Upgrade(target) | Request::Downgrade(target) => target.clone(),
            Request::Stamp { targets, .. } => targets.join(" "),
        }
    }
}

/// A target database: its name and settings, and the transaction mode for this run.
pub struct Environment<'a> {
    pub name: &'a str,
    pub config: &'a EnvironmentConfig,
    pub mode: TransactionMode,
}

/// A plan made against the database's state of now: what would run, and its fingerprint.
pub struct Prepared {
    pub plan: Plan,
    pub script: String,
    pub fingerprint: String,
    /// Applied revisions whose SQL changed since they ran (reported, never ignored).
    pub edited: Vec<String>,
    /// The target's PostgreSQL, and the plan's statements that need a newer one.
    pub postgres: PostgresVersion,
    pub findings: Vec<Finding>,
}

#[derive(Debug)]
pub enum RunError {
    /// Another run holds the database.
    Locked(String),
    /// The files or the database changed since the plan was shown.
    Changed,
    /// A step failed. In a transaction, everything since the last commit was rolled back;
    /// a revision outside any transaction keeps the statements it ran before the failing one.
    Failed {
        step: usize,
        failure: Box<StepFailure>,
        rolled_back: bool,
    },
    /// The backup could not be taken; nothing ran.
    Backup(anyhow::Error),
    /// A SQL check failed inside the whole-plan transaction, which was rolled back.
    ChecksFailed(Vec<CheckResult>),
    Other(anyhow::Error),
}

impl From<anyhow::Error> for RunError {
    fn from(error: anyhow::Error) -> Self {
        RunError::Other(error)
    }
}

impl From<sqlx::Error> for RunError {
    fn from(error: sqlx::Error) -> Self {
        RunError::Other(error.into())
    }
}

impl RunError {
    /// Why, for the API to word in the reader's language: Strata's own messages as such,
    /// a step's failure (PostgreSQL's words with their place) as the log has it.
    pub fn cause(&self) -> Cause {
        match self {
            RunError::Locked(holder) => Message::RunLocked { holder: holder.clone() }.into(),
            RunError::Changed => Message::RunChanged.into(),
            RunError::Backup(error) => Message::BackupFailed { cause: crate::cause::of(error) }.into(),
            RunError::Other(error) => crate::cause::of(error),
            RunError::Failed { .. } | RunError::ChecksFailed(_) => Cause::Theirs(self.to_string()),
        }
    }
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::Locked(holder) => f.write_str(&Message::RunLocked { holder: holder.clone() }.words(Lang::En)),
            RunError::Changed => f.write_str(&Message::RunChanged.words(Lang::En)),
            RunError::Failed { step, failure, rolled_back } => {
                let place = match (&failure.path, failure.line) {
                    (Some(path), Some(line)) => format!(" at {path}:{line}"),
                    (Some(path), None) => format!(" in {path}"),
                    _ => String::new(),
                };
                write!(f, "step {} failed{place}: {}", step + 1, failure.message)?;
                if let Some(detail) = &failure.detail {
                    write!(f, " ({detail})")?;
                }
                f.write_str(if *rolled_back {
                    "; the open transaction was rolled back"
                } else {
                    "; the revision runs outside a transaction: its statements before this one stay applied, as do the steps before it"
                })
            }
            RunError::Backup(error) => {
                f.write_str(&Message::BackupFailed { cause: crate::cause::of(error) }.words(Lang::En))
            }
            RunError::ChecksFailed(checks) => {
                for check in checks.iter().filter(|c| !c.passed) {
                    write!(f, "check `{}` failed, it returned: {}; ", check.name, check.returned)?;
                }
                f.write_str("the open transaction was rolled back")
            }
            RunError::Other(error) => write!(f, "{error:#}"),
        }
    }
}

/// Connects with the environment's lock and statement timeouts.
pub async fn connect(environment: &Environment<'_>) -> Result<PgConnection> {
    let options = environment.config.connect_options(environment.name)?;
    let mut conn = PgConnection::connect_with(&options)
        .await
        .map_err(|e| Trouble::CannotConnect { environment: environment.name.to_owned(), cause: e.to_string() })
        .map_err(Message::Trouble)?;
    sqlx::query("SELECT set_config('lock_timeout', $1, false), set_config('statement_timeout', $2, false)")
        .bind(&environment.config.lock_timeout)
        .bind(&environment.config.statement_timeout)
        .execute(&mut conn)
        .await
        .map_err(|e| Message::Trouble(Trouble::BadTimeouts { cause: e.to_string() }))?;
    // If strata dies mid-statement, PostgreSQL notices within a second and rolls back (14+).
    sqlx::query(
        "SELECT set_config('client_connection_check_interval', '1s', false) WHERE current_setting('server_version_num')::int >= 140000",
    )
    .execute(&mut conn)
    .await?;
    Ok(conn)
}

/// The server's version, as `server_version_num` reports it.
pub async fn server_version(conn: &mut PgConnection) -> Result<PostgresVersion> {
    let num: i32 = sqlx::query_scalar("SELECT current_setting('server_version_num')::int").fetch_one(conn).await?;
    Ok(PostgresVersion::from_version_num(u32::try_from(num)?))
}

/// The plan for `request` from the database's current version rows.
pub async fn prepare(
    conn: &mut PgConnection,
    environment: &Environment<'_>,
    graph: &RevisionGraph,
    request: &Request,
) -> Result<Prepared> {
    let table = environment.config.version_table();
    let rows = version_table::rows(conn, &table).await?;
    let (plan, script, fingerprint) = plan_from(environment, graph, request, &rows)?;
    let edited = edited_revisions(conn, &table, graph, &rows).await?;
    let postgres = server_version(conn).await?;
    let findings = too_new_for(graph, &plan, postgres);
    Ok(Prepared { plan, script, fingerprint, edited, postgres, findings })
}

/// The plan for `request` from version rows already read: the plan, its SQL and fingerprint.
pub fn plan_from(
    environment: &Environment<'_>,
    graph: &RevisionGraph,
    request: &Request,
    rows: &[String],
) -> Result<(Plan, String, String)> {
    let table = environment.config.version_table();
    let plan = match request {
        Request::Upgrade(target) => plan::upgrade(graph, rows, target)?,
        Request::Downgrade(target) => plan::downgrade(graph, rows, target)?,
        Request::Stamp { targets, purge } => plan::stamp(graph, rows, targets, *purge)?,
    };
    if let Some(unknown) = plan.first_unknown_step(graph) {
        anyhow::bail!("{unknown}");
    }
    let mut script = offline::render(graph, &plan, environment.mode, &table);
    if matches!(request, Request::Stamp { purge: true, .. }) {
        script = format!("{}\n\n{script}", purge_sql(&table));
    }
    let fingerprint = plan.fingerprint(environment.name, &script);
    Ok((plan, script, fingerprint))
}

/// The statements a plan runs that need a newer PostgreSQL than `postgres`.
pub fn too_new_for(graph: &RevisionGraph, plan: &Plan, postgres: PostgresVersion) -> Vec<Finding> {
    plan.steps
        .iter()
        .filter_map(|step| Some((graph.get(step.revision.as_deref()?)?, step.direction)))
        .flat_map(|(revision, direction)| lint::version_findings(revision, direction, postgres))
        .collect()
}

fn purge_sql(table: &VersionTable) -> String {
    format!("DELETE FROM {};", table.qualified())
}

/// Who starts a run, under which id (recorded in the journal).
pub struct RunBy<'a> {
    pub run_id: &'a str,
    pub who: &'a str,
}

/// Runs `request` if its plan still has the `confirmed` fingerprint.
pub async fn run(
    environment: &Environment<'_>,
    graph: &RevisionGraph,
    request: &Request,
    confirmed: &str,
    by: RunBy<'_>,
    on_event: &mut (dyn FnMut(RunEvent) + Send),
) -> Result<(), RunError> {
    run_observed(environment, graph, request, confirmed, by, on_event, None).await
}

/// Runs `request` on a rehearsal's copy, `probe` looking at the transaction around each step.
pub async fn rehearse(
    copy: &Environment<'_>,
    graph: &RevisionGraph,
    request: &Request,
    confirmed: &str,
    by: RunBy<'_>,
    probe: &mut Probe,
) -> Result<(), RunError> {
    run_observed(copy, graph, request, confirmed, by, &mut |_| {}, Some(probe)).await
}

async fn run_observed(
    environment: &Environment<'_>,
    graph: &RevisionGraph,
    request: &Request,
    confirmed: &str,
    by: RunBy<'_>,
    on_event: &mut (dyn FnMut(RunEvent) + Send),
    probe: Option<&mut Probe>,
) -> Result<(), RunError> {
    let mut conn = connect(environment).await?;
    let table = environment.config.version_table();
    let key = lock::key(&table);
    if !lock::try_acquire(&mut conn, key).await? {
        return Err(RunError::Locked(lock::holder(&mut conn, key).await?));
    }
    let watch = Watch { on_event, probe };
    let result = run_locked(&mut conn, environment, graph, request, confirmed, by, watch).await;
    // Closing the session releases the lock too; release it explicitly all the same.
    let _ = lock::release(&mut conn, key).await;
    let _ = conn.close().await;
    result
}

async fn run_locked(
    conn: &mut PgConnection,
    environment: &Environment<'_>,
    graph: &RevisionGraph,
    request: &Request,
    confirmed: &str,
    by: RunBy<'_>,
    watch: Watch<'_>,
) -> Result<(), RunError> {
    let Watch { on_event, probe } = watch;
    let table = environment.config.version_table();
    let journal = Journal::beside(&table);
    version_table::ensure(conn, &table).await?;
    journal.ensure(conn).await?;
    journal.mark_interrupted(conn).await?;
    let stamp = matches!(request, Request::Stamp { .. });
    if let Some((run, revision)) = journal.cut_off_outside_transaction(conn).await?
        && !stamp
    {
        return Err(RunError::Other(Message::Trouble(Trouble::CutOff { run, revision }).into()));
    }
    let prepared = prepare(conn, environment, graph, request).await?;
    if prepared.fingerprint != confirmed {
        return Err(RunError::Changed);
    }
    let checks = checks::applicable(&environment.config.checks.sql, graph, prepared.plan.rows_after())
        .map_err(RunError::Other)?;
    let run_id = by.run_id;
    // Before anything changes, under the lock: the database as the plan found it.
    let written = strata_shared::runbook::written_tables(graph, &prepared.plan);
    let request_backup =
        backup::Request { environment: environment.name, config: environment.config, run_id, written: &written };
    let backup = backup::take(conn, &request_backup).await.map_err(RunError::Backup)?;
    let mode = match environment.mode {
        TransactionMode::WholePlan => "whole-plan",
        TransactionMode::PerRevision => "per-revision",
    };
    journal
        .start_run(
            conn,
            run_id,
            environment.name,
            request.operation(),
            &request.target(),
            &prepared.fingerprint,
            &prepared.plan.from,
            mode,
            by.who,
        )
        .await?;
    if let Some(backup) = backup {
        journal.record_backup(conn, run_id, &backup).await?;
        on_event(RunEvent::BackupTaken { backup });
    }
    let mut steps = StepRunner {
        conn,
        graph,
        table: &table,
        journal: &journal,
        run_id,
        on_event,
        deferred: Vec::new(),
        defer_records: environment.mode == TransactionMode::WholePlan,
        outside_transaction: false,
        checks: &checks,
        check_results: Vec::new(),
        probe,
    };
    let purge = matches!(request, Request::Stamp { purge: true, .. }).then(|| purge_sql(&table));
    let outcome = steps.run_all(&prepared.plan, environment.mode, purge.as_deref()).await;
    if stamp && outcome.is_ok() {
        journal.forget_cut_off(steps.conn).await?;
    }
    let mut results = std::mem::take(&mut steps.check_results);
    if outcome.is_ok() {
        // After the commit: the endpoints see the migrated database; a failure is reported
        // and the run stays applied.
        let answered = runbook::run_http_checks(&environment.config.checks.http).await;
        for check in &answered {
            (steps.on_event)(RunEvent::CheckFinished { check: check.clone() });
        }
        results.extend(answered);
    }
    journal.record_checks(steps.conn, run_id, &results).await?;
    let status = if outcome.is_ok() { RunStatus::Succeeded } else { RunStatus::Failed };
    journal.finish_run(steps.conn, run_id, status).await?;
    (steps.on_event)(RunEvent::RunFinished { status });
    outcome
}

/// Who follows a run's steps: the progress callback, and in a rehearsal its probe.
struct Watch<'w> {
    on_event: &'w mut (dyn FnMut(RunEvent) + Send),
    probe: Option<&'w mut Probe>,
}

/// A step that ran: the checksum of its SQL, and whether it committed on its own (a revision
/// outside any transaction, with its version row).
struct StepDone {
    checksum: Option<String>,
    committed: bool,
}

struct StepRunner<'r> {
    conn: &'r mut PgConnection,
    graph: &'r RevisionGraph,
    table: &'r VersionTable,
    journal: &'r Journal,
    run_id: &'r str,
    on_event: &'r mut (dyn FnMut(RunEvent) + Send),
    /// In whole-plan mode, records of applied steps wait for the next commit (one statement
    /// for all of them, in the same transaction); a rollback drops them with their steps.
    deferred: Vec<journal::StepRecord>,
    defer_records: bool,
    /// A non-transactional revision is running its statements, with no transaction open.
    outside_transaction: bool,
    checks: &'r [checks::SqlCheck],
    check_results: Vec<CheckResult>,
    /// Only in a rehearsal: reads the locks and table files around each step.
    probe: Option<&'r mut Probe>,
}

impl StepRunner<'_> {
    async fn execute(&mut self, sql: &str) -> Result<(), sqlx::Error> {
        sqlx::raw_sql(sql).execute(&mut *self.conn).await.map(|_| ())
    }

    /// Runs several statements in one round trip; on failure, also how many completed before
    /// it (PostgreSQL answers each completed statement with its own CommandComplete), which
    /// tells the failing statement without a position and without another round trip.
    async fn execute_counting(&mut self, sql: &str) -> Result<(), (sqlx::Error, usize)> {
        let mut results = sqlx::raw_sql(sql).execute_many(&mut *self.conn);
        let mut completed = 0;
        while let Some(result) = results.next().await {
            match result {
                Ok(_) => completed += 1,
                Err(error) => return Err((error, completed)),
            }
        }
        Ok(())
    }

    async fn run_all(&mut self, plan: &Plan, mode: TransactionMode, purge: Option<&str>) -> Result<(), RunError> {
        let whole_plan = mode == TransactionMode::WholePlan;
        let total = plan.steps.len();
        if whole_plan {
            self.execute("BEGIN").await?;
        }
        if let Some(purge) = purge {
            self.execute(purge).await?;
        }
        for (index, step) in plan.steps.iter().enumerate() {
            (self.on_event)(RunEvent::StepStarted {
                index,
                total,
                revision: step.revision.clone(),
                direction: step.direction,
            });
            if !whole_plan {
                self.execute("BEGIN").await?;
            }
            if let Some(probe) = self.probe.as_deref_mut() {
                probe.before_step(self.conn).await?;
            }
            let started = Instant::now();
            let outcome = self.run_step(step).await;
            let duration_ms = started.elapsed().as_millis() as u64;
            match outcome {
                Ok(done) => {
                    if let Some(probe) = self.probe.as_deref_mut() {
                        probe.after_step(self.conn, index, step, duration_ms).await?;
                    }
                    let record = self.step_record(index, step, done.checksum, duration_ms, None);
                    if done.committed {
                        // Its work, its version row and its record are committed already;
                        // the plan goes on in a new transaction.
                        self.journal.record_steps(self.conn, std::slice::from_ref(&record)).await?;
                        self.execute("BEGIN").await?;
                    } else {
                        self.record(record).await?;
                    }
                    if !whole_plan {
                        self.commit(step).await.map_err(|failure| RunError::Failed {
                            step: index,
                            failure: Box::new(failure),
                            rolled_back: true,
                        })?;
                    }
                    (self.on_event)(RunEvent::StepFinished { index, duration_ms });
                }
                Err(failure) => {
                    // A revision outside any transaction has nothing to roll back (a ROLLBACK
                    // would only warn): what it ran stays, and the failure says so.
                    let rolled_back = !self.outside_transaction;
                    if rolled_back {
                        self.execute("ROLLBACK").await?;
                    }
                    self.deferred.clear();
                    self.record(self.step_record(index, step, None, duration_ms, Some(&failure))).await?;
                    if let Some(probe) = self.probe.as_deref_mut() {
                        probe.failed_step(index, step, duration_ms);
                    }
                    (self.on_event)(RunEvent::StepFailed { index, failure: failure.clone() });
                    return Err(RunError::Failed { step: index, failure: Box::new(failure), rolled_back });
                }
            }
        }
        if whole_plan {
            // Inside the plan's transaction: a failing check undoes the run.
            if !self.run_checks(CheckPhase::BeforeCommit).await? {
                self.execute("ROLLBACK").await?;
                self.deferred.clear();
                return Err(RunError::ChecksFailed(self.check_results.clone()));
            }
        }
        if whole_plan && let Some(last) = plan.steps.last() {
            self.commit(last).await.map_err(|failure| RunError::Failed {
                step: total - 1,
                failure: Box::new(failure),
                rolled_back: true,
            })?;
        } else if whole_plan {
            self.execute("COMMIT").await?;
        } else if !self.checks.is_empty() {
            // Per revision, every step has committed: the checks read the result in a
            // transaction of their own, and a failure can only be reported.
            self.execute("BEGIN").await?;
            self.run_checks(CheckPhase::AfterCommit).await?;
            self.execute("ROLLBACK").await?;
        }
        Ok(())
    }

    /// Runs the SQL checks in the open transaction; whether all passed.
    async fn run_checks(&mut self, phase: CheckPhase) -> Result<bool, RunError> {
        let results = checks::run_sql(self.conn, self.checks, phase).await?;
        for check in &results {
            (self.on_event)(RunEvent::CheckFinished { check: check.clone() });
        }
        let passed = results.iter().all(|c| c.passed);
        self.check_results.extend(results);
        Ok(passed)
    }

    /// Writes the records that wait for a commit.
    async fn flush_records(&mut self) -> Result<(), sqlx::Error> {
        let records = std::mem::take(&mut self.deferred);
        self.journal.record_steps(self.conn, &records).await.map_err(|e| sqlx::Error::Protocol(format!("{e:#}")))
    }

    /// A COMMIT can fail too (a deferred constraint); it then counts as the step's failure.
    async fn commit(&mut self, step: &Step) -> Result<(), StepFailure> {
        if let Err(error) = self.flush_records().await {
            return Err(failure::describe(&error, None, "INSERT INTO strata_history"));
        }
        self.execute("COMMIT").await.map_err(|error| {
            let source = step.revision.as_deref().and_then(|id| self.graph.get(id)).map(|r| r.path.clone());
            let mut failure = failure::describe(&error, None, "COMMIT");
            failure.path = source;
            failure
        })
    }

    /// The step's SQL and its version-table writes; the checksum of the SQL that ran.
    async fn run_step(&mut self, step: &Step) -> Result<StepDone, StepFailure> {
        let writes: Vec<String> = step.writes.iter().map(|w| self.table.write_sql(w)).collect();
        let Some(revision) = step.revision.as_deref().and_then(|id| self.graph.get(id)) else {
            // A stamp: only version-table writes.
            return self.execute_writes(&writes).await.map(|()| StepDone { checksum: None, committed: false });
        };
        let section = if step.direction == Direction::Up { &revision.upgrade } else { &revision.downgrade };
        let path = revision.path.as_str();
        if revision.transactional {
            // The SQL and its version-table write in one round trip.
            let combined = format!("{}\n;\n{}", section.sql, writes.join("\n"));
            if let Err((error, completed)) = self.execute_counting(&combined).await {
                let statement_at = failure::statement_after(section, completed);
                let source = failure::Source { path, section, sent_at: 0, statement_at };
                return Err(failure::describe(&error, Some(source), &combined));
            }
        } else {
            // Outside any transaction, one statement at a time (several in one query would
            // make a transaction block, which CREATE INDEX CONCURRENTLY refuses).
            if let Err(error) = self.flush_records().await {
                return Err(failure::describe(&error, None, "INSERT INTO strata_history"));
            }
            if let Err(error) = self.execute("COMMIT").await {
                return Err(failure::describe(&error, None, "COMMIT"));
            }
            let marked = self.journal.outside_transaction_sql(self.run_id, Some(&revision.id));
            if let Err(error) = self.execute(&marked).await {
                return Err(failure::describe(&error, None, &marked));
            }
            self.outside_transaction = true;
            for statement in strata_shared::sql::analyze(section).statements {
                if let Err(error) = self.execute(&statement.sql).await {
                    let at = Some(statement.offset);
                    let source = failure::Source { path, section, sent_at: statement.offset, statement_at: at };
                    return Err(failure::describe(&error, Some(source), &statement.sql));
                }
            }
            // The version row is written at once, outside any transaction too: what this step
            // did is committed, so whatever fails later, `alembic_version` must say so. The
            // mark goes in the same round trip (one implicit transaction).
            let mut writes = writes;
            writes.push(format!("{};", self.journal.outside_transaction_sql(self.run_id, None)));
            self.execute_writes(&writes).await?;
            self.outside_transaction = false;
            return Ok(StepDone { checksum: Some(section.checksum()), committed: true });
        }
        Ok(StepDone { checksum: Some(section.checksum()), committed: false })
    }

    async fn execute_writes(&mut self, writes: &[String]) -> Result<(), StepFailure> {
        if writes.is_empty() {
            return Ok(());
        }
        let sql = writes.join("\n");
        self.execute(&sql).await.map_err(|error| failure::describe(&error, None, &sql))
    }

    fn step_record(
        &self,
        index: usize,
        step: &Step,
        checksum: Option<String>,
        duration_ms: u64,
        failure: Option<&StepFailure>,
    ) -> journal::StepRecord {
        journal::StepRecord {
            run_id: self.run_id.to_owned(),
            position: index,
            revision: step.revision.clone(),
            direction: step.direction,
            checksum,
            rows_after: step.rows_after.clone(),
            duration_ms: duration_ms as i64,
            failure: failure.cloned(),
        }
    }

    /// In whole-plan mode a step's record waits for the commit that makes the step real.
    async fn record(&mut self, record: journal::StepRecord) -> Result<(), RunError> {
        if self.defer_records && record.failure.is_none() {
            self.deferred.push(record);
        } else {
            self.journal.record_steps(self.conn, std::slice::from_ref(&record)).await?;
        }
        Ok(())
    }
}
