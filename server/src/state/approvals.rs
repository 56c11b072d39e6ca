//! Proposals and their approvals in the state database. Whether a proposal may run is
//! `strata_shared::approval`; this module only keeps the records.

use crate::state::StateDb;
use anyhow::Result;
use strata_shared::access::Role;
use strata_shared::api::PlanRequest;
use strata_shared::approval::ProposalRecord;

/// A proposal as stored, with its approvers and the roles they hold now (a removed account
/// counts as a viewer).
pub struct Stored {
    pub record: ProposalRecord,
    pub approvals: Vec<(String, Role, i64)>,
}

pub struct NewProposal<'a> {
    pub environment: &'a str,
    pub request: &'a PlanRequest,
    pub fingerprint: &'a str,
    pub summary: &'a str,
    pub sql: &'a str,
    pub author: &'a str,
}

pub async fn propose(db: &StateDb, proposal: NewProposal<'_>) -> Result<String> {
    let id = crate::identity::random_hex(6)?;
    sqlx::query(
        "INSERT INTO strata.proposals (id, environment, request, fingerprint, summary, sql, author)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&id)
    .bind(proposal.environment)
    .bind(sqlx::types::Json(proposal.request))
    .bind(proposal.fingerprint)
    .bind(proposal.summary)
    .bind(proposal.sql)
    .bind(proposal.author)
    .execute(&db.pool)
    .await?;
    Ok(id)
}

/// False when `approver` approved it already.
pub async fn approve(db: &StateDb, id: &str, approver: &str) -> Result<bool> {
    let added =
        sqlx::query("INSERT INTO strata.approvals (proposal_id, approver) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(id)
            .bind(approver)
            .execute(&db.pool)
            .await?;
    Ok(added.rows_affected() > 0)
}

/// Claims a proposal for a run, once: false if another run claimed it first. Every other unrun
/// proposal of the same plan on that environment is used up with it: a sign-off is for one
/// run, and a duplicate left behind could otherwise run the plan again once the database
/// returns to the same state.
pub async fn claim(db: &StateDb, id: &str, run_id: &str) -> Result<bool> {
    let mut tx = db.pool.begin().await?;
    let claimed: Option<(String, String)> = sqlx::query_as(
        "UPDATE strata.proposals SET run_id = $2 WHERE id = $1 AND run_id IS NULL RETURNING environment, fingerprint",
    )
    .bind(id)
    .bind(run_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((environment, fingerprint)) = claimed else {
        return Ok(false);
    };
    sqlx::query(
        "UPDATE strata.proposals SET run_id = $3 WHERE environment = $1 AND fingerprint = $2 AND run_id IS NULL",
    )
    .bind(environment)
    .bind(fingerprint)
    .bind(run_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Gives the proposals a run claimed back when it was refused before touching the database.
pub async fn unclaim(db: &StateDb, run_id: &str) -> Result<()> {
    sqlx::query("UPDATE strata.proposals SET run_id = NULL WHERE run_id = $1").bind(run_id).execute(&db.pool).await?;
    Ok(())
}

pub async fn get(db: &StateDb, id: &str) -> Result<Option<Stored>> {
    Ok(select(db, "p.id = $1", &[id], 1).await?.pop())
}

/// The newest proposals for an environment, newest first.
pub async fn for_environment(db: &StateDb, environment: &str, limit: i64) -> Result<Vec<Stored>> {
    select(db, "p.environment = $1", &[environment], limit).await
}

/// The unrun proposals of `environment` with this fingerprint, newest first (a plan may be
/// proposed more than once).
pub async fn unrun_of_plan(db: &StateDb, environment: &str, fingerprint: &str) -> Result<Vec<Stored>> {
    let filter = "p.environment = $1 AND p.fingerprint = $2 AND p.run_id IS NULL";
    select(db, filter, &[environment, fingerprint], 20).await
}

type Row = (String, String, sqlx::types::Json<PlanRequest>, String, String, String, String, i64, Option<String>);

/// The newest `limit` proposals matching `filter`, whose `$1`, `$2`, … are `values`.
async fn select(db: &StateDb, filter: &str, values: &[&str], limit: i64) -> Result<Vec<Stored>> {
    let sql = format!(
        "SELECT p.id, p.environment, p.request, p.fingerprint, p.summary, p.sql, p.author,
                extract(epoch FROM p.proposed_at)::bigint, p.run_id
         FROM strata.proposals p WHERE {filter} ORDER BY p.proposed_at DESC LIMIT ${}",
        values.len() + 1
    );
    let query = values.iter().fold(sqlx::query_as(&sql), |query, value| query.bind(*value));
    let rows: Vec<Row> = query.bind(limit).fetch_all(&db.pool).await?;
    let mut proposals = Vec::with_capacity(rows.len());
    for (id, environment, request, fingerprint, summary, sql, author, proposed_at, run_id) in rows {
        let approvals: Vec<(String, Option<String>, i64)> = sqlx::query_as(
            "SELECT a.approver, u.role, extract(epoch FROM a.at)::bigint
             FROM strata.approvals a LEFT JOIN strata.users u ON u.name = a.approver
             WHERE a.proposal_id = $1 ORDER BY a.at",
        )
        .bind(&id)
        .fetch_all(&db.pool)
        .await?;
        let approvals = approvals
            .into_iter()
            .map(|(by, role, at)| (by, role.and_then(|r| r.parse().ok()).unwrap_or(Role::Viewer), at))
            .collect();
        let record = ProposalRecord {
            id,
            environment,
            request: request.0,
            fingerprint,
            summary,
            sql,
            author,
            proposed_at,
            run_id,
        };
        proposals.push(Stored { record, approvals });
    }
    Ok(proposals)
}
