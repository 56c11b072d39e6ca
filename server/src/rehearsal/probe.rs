//! What a rehearsal sees around each step, on the run's own connection and inside its
//! transaction: the relation locks the transaction holds (`pg_locks`) and the files of the
//! user tables (`pg_class.relfilenode`; a new file means the table was rewritten). Only a
//! rehearsal carries a probe: a real run never spends these queries.

use sqlx::PgConnection;
use std::collections::{BTreeSet, HashMap};
use strata_shared::plan::Step;
use strata_shared::rehearsal::{LockTaken, RehearsedStep};

/// Relations outside PostgreSQL's own schemas (a lock the probe's queries take on the catalog
/// is not the plan's).
const USER_RELATION: &str =
    "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'";

#[derive(Default)]
pub struct Probe {
    locks_before: BTreeSet<LockTaken>,
    /// Table oid → (schema-qualified name, relfilenode).
    files_before: HashMap<i64, (String, i64)>,
    pub steps: Vec<RehearsedStep>,
}

impl Probe {
    pub(crate) async fn before_step(&mut self, conn: &mut PgConnection) -> Result<(), sqlx::Error> {
        self.locks_before = locks(conn).await?;
        self.files_before = table_files(conn).await?;
        Ok(())
    }

    /// A step ran: the locks it added and the tables it rewrote.
    pub(crate) async fn after_step(
        &mut self,
        conn: &mut PgConnection,
        index: usize,
        step: &Step,
        duration_ms: u64,
    ) -> Result<(), sqlx::Error> {
        let locks_now = locks(conn).await?;
        let files_now = table_files(conn).await?;
        let mut rewrites: Vec<String> = files_now
            .iter()
            .filter_map(|(oid, (name, file))| {
                let (_, before) = self.files_before.get(oid)?;
                (before != file).then(|| name.clone())
            })
            .collect();
        rewrites.sort();
        let locks = locks_now.difference(&self.locks_before).cloned().collect();
        self.steps.push(observed(index, step, duration_ms, locks, rewrites));
        Ok(())
    }

    /// A step failed: its transaction is aborted and cannot be asked; its time still counts.
    pub(crate) fn failed_step(&mut self, index: usize, step: &Step, duration_ms: u64) {
        self.steps.push(observed(index, step, duration_ms, Vec::new(), Vec::new()));
    }
}

fn observed(
    index: usize,
    step: &Step,
    duration_ms: u64,
    locks: Vec<LockTaken>,
    rewrites: Vec<String>,
) -> RehearsedStep {
    RehearsedStep { index, revision: step.revision.clone(), direction: step.direction, duration_ms, locks, rewrites }
}

/// The relation locks this backend holds now (a relation dropped in the transaction keeps its oid).
async fn locks(conn: &mut PgConnection) -> Result<BTreeSet<LockTaken>, sqlx::Error> {
    let rows: Vec<(String, String)> = sqlx::query_as(&format!(
        "SELECT coalesce(n.nspname || '.' || c.relname, 'dropped relation ' || l.relation::text), l.mode
         FROM pg_locks l
         LEFT JOIN pg_class c ON c.oid = l.relation
         LEFT JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND l.granted
           AND (c.oid IS NULL OR ({USER_RELATION}))"
    ))
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|(relation, mode)| LockTaken { relation, mode }).collect())
}

async fn table_files(conn: &mut PgConnection) -> Result<HashMap<i64, (String, i64)>, sqlx::Error> {
    let rows: Vec<(i64, String, i64)> = sqlx::query_as(&format!(
        "SELECT c.oid::bigint, n.nspname || '.' || c.relname, c.relfilenode::bigint
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind IN ('r', 'm') AND {USER_RELATION}"
    ))
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|(oid, name, file)| (oid, (name, file))).collect())
}
