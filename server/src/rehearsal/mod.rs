//! Rehearsals: the exact plan of an environment run on a throwaway copy of its database in the
//! sandbox cluster, with the environment's settings, recording each step's time, the locks it
//! took and the tables it rewrote, or where it failed. The copy is dropped afterwards, whatever
//! happened. A rehearsal is bound to the plan's fingerprint; `require_rehearsal` makes a
//! successful one a condition of the run (`sign_off`).

mod copy;
mod probe;
pub mod store;

use crate::execute::{self, Environment, Request, RunBy, RunError};
use crate::state::StateDb;
use crate::state::audit::{self, Event};
use crate::version_table;
use anyhow::Result;
pub use probe::Probe;
use sqlx::Connection;
use strata_shared::audit::AuditAction;
use strata_shared::graph::RevisionGraph;
use strata_shared::rehearsal::{Rehearsal, RehearsalFailure};

/// What to rehearse, where from, and where the copy goes.
pub struct Rehearse<'a> {
    /// The environment whose database is copied and whose settings the run uses.
    pub environment: &'a Environment<'a>,
    pub graph: &'a RevisionGraph,
    pub request: &'a Request,
    /// The fingerprint of the plan that was shown: the rehearsal is of exactly that plan.
    pub confirmed: &'a str,
    /// The sandbox cluster's superuser URL (its `postgres` database).
    pub cluster: &'a crate::sandbox::RehearsalCluster,
    pub by: &'a str,
}

/// Rehearses; a plan that fails on the copy is a rehearsal that failed, not an error.
/// `RunError::Changed` when the plan made now is not the confirmed one.
pub async fn rehearse(job: Rehearse<'_>) -> Result<Rehearsal, RunError> {
    let environment = job.environment;
    let config = environment.config;
    let mut source = execute::connect(environment).await?;
    let prepared = execute::prepare(&mut source, environment, job.graph, job.request).await?;
    let (server_version, version_num): (String, String) =
        sqlx::query_as("SELECT current_setting('server_version'), current_setting('server_version_num')")
            .fetch_one(&mut source)
            .await?;
    let rows = version_table::rows(&mut source, &config.version_table()).await?;
    let _ = source.close().await;
    if prepared.fingerprint != job.confirmed {
        return Err(RunError::Changed);
    }
    copy::check_versions(environment.name, version_num.parse().unwrap_or(0), copy::tools_major()?)?;

    let copy = copy::CopyDb::create(job.cluster).await?;
    let id = crate::identity::random_hex(8)?;
    let mut probe = Probe::default();
    let ran = run_on_copy(&job, &copy, &rows, &id, &mut probe).await;
    copy.drop().await?;
    let failure = match ran {
        Ok(()) => None,
        Err(RunError::Failed { step, failure, .. }) => Some(RehearsalFailure { step, failure: *failure }),
        Err(error) => return Err(error),
    };
    Ok(Rehearsal {
        id,
        environment: environment.name.to_owned(),
        fingerprint: prepared.fingerprint,
        summary: prepared.plan.summary(),
        copy: config.rehearsal,
        server_version,
        by: job.by.to_owned(),
        at: unix_now(),
        steps: probe.steps,
        failure,
    })
}

/// Fills the copy and runs the plan there under the environment's name (so the plan, made
/// from the copied version rows, has the same fingerprint) and settings.
async fn run_on_copy(
    job: &Rehearse<'_>,
    copy: &copy::CopyDb,
    rows: &[String],
    run_id: &str,
    probe: &mut Probe,
) -> Result<(), RunError> {
    let source = job.environment;
    copy.fill_from(source.config, source.name, source.config.rehearsal).await?;
    let config = source.config.with_url(copy.url()?);
    let target = Environment { name: source.name, config: &config, mode: source.mode };
    restore_version_rows(&target, rows).await?;
    let by = RunBy { run_id, who: job.by };
    execute::rehearse(&target, job.graph, job.request, job.confirmed, by, probe).await
}

/// A schema-only copy has an empty version table: the environment's rows go in, so the copy
/// stands where the environment stands.
async fn restore_version_rows(target: &Environment<'_>, rows: &[String]) -> anyhow::Result<()> {
    let table = target.config.version_table();
    let mut conn = execute::connect(target).await?;
    version_table::ensure(&mut conn, &table).await?;
    let present = version_table::rows(&mut conn, &table).await?;
    for row in rows.iter().filter(|row| !present.contains(row)) {
        let sql = format!("INSERT INTO {} (version_num) VALUES ($1)", table.qualified());
        sqlx::query(&sql).bind(row).execute(&mut conn).await?;
    }
    let _ = conn.close().await;
    Ok(())
}

/// The rehearsal in the state database, where `require_rehearsal` looks, and in the audit log.
pub async fn record(db: &StateDb, rehearsal: &Rehearsal) -> Result<()> {
    store::insert(db, rehearsal).await?;
    audit::record(db, audit_event(rehearsal)).await
}

fn audit_event(rehearsal: &Rehearsal) -> Event<'_> {
    let action = if rehearsal.succeeded() { AuditAction::RehearseSucceeded } else { AuditAction::RehearseFailed };
    let mut detail = format!(
        "{} on a {} copy (plan {})",
        rehearsal.summary,
        rehearsal.copy.name(),
        &rehearsal.fingerprint[..rehearsal.fingerprint.len().min(12)]
    );
    if let Some(failure) = &rehearsal.failure {
        detail.push_str(&format!(": {}", failure.failure.message));
    }
    Event::new(&rehearsal.by, action).environment(&rehearsal.environment).subject(&rehearsal.id).detail(detail)
}

fn unix_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}
