//! `strata rehearse TARGET --env E`: the plan made now, rehearsed on a copy of the
//! environment's database in the sandbox cluster; the result is recorded in the state database
//! (where `require_rehearsal` looks for it) and the audit log, and printed.

use super::database::{Files, environment};
use super::{Loaded, Output};
use crate::cli::RehearseArgs;
use crate::config::Config;
use crate::execute::{self, Environment, Request, RunError};
use crate::rehearsal::{self, Rehearse};
use crate::sandbox::{self, Sandbox};
use crate::{identity, state};
use anyhow::{Result, bail};
use sqlx::Connection;
use std::process::ExitCode;
use strata_shared::offline::TransactionMode;
use strata_shared::rehearsal::Rehearsal;

pub fn run(loaded: &Loaded<'_>, out: Output, files: Files<'_>, args: &RehearseArgs) -> Result<ExitCode> {
    loaded.require_no_problems()?;
    let graph = &loaded.project.graph;
    let (name, config) = environment(files.config, &args.database)?;
    let mode = args.transactions.map_or(config.transaction_mode, TransactionMode::from);
    let environment = Environment { name: &name, config: &config, mode };
    let request =
        if args.downgrade { Request::Downgrade(args.target.clone()) } else { Request::Upgrade(args.target.clone()) };
    tokio::runtime::Runtime::new()?.block_on(async {
        let confirmed = match &args.fingerprint {
            Some(fingerprint) => fingerprint.clone(),
            None => {
                let mut conn = execute::connect(&environment).await?;
                let prepared = execute::prepare(&mut conn, &environment, graph, &request).await;
                let _ = conn.close().await;
                prepared?.fingerprint
            }
        };
        let (db, state_sandbox) = state::open_for_command(&Config::load(files.config)?, files.state_dir).await?;
        // The sandbox cluster: the one just started for the state, a running studio's, or one
        // started for this command.
        let (cluster, own_sandbox) = match (&state_sandbox, sandbox::running_rehearsal_cluster(files.state_dir)?) {
            (Some(started), _) => (started.rehearsal_cluster(), None),
            (None, Some(cluster)) => (cluster, None),
            (None, None) => {
                let started = Sandbox::start(files.state_dir).await?;
                (started.rehearsal_cluster(), Some(started))
            }
        };
        let who = identity::who();
        let job = Rehearse {
            environment: &environment,
            graph,
            request: &request,
            confirmed: &confirmed,
            cluster: &cluster,
            by: &who,
        };
        let outcome = rehearsal::rehearse(job).await;
        let recorded = match &outcome {
            Ok(rehearsal) => rehearsal::record(&db, rehearsal).await,
            Err(_) => Ok(()),
        };
        db.close().await;
        for started in [state_sandbox, own_sandbox].into_iter().flatten() {
            started.stop().await?;
        }
        recorded?;
        let rehearsal = match outcome {
            Ok(rehearsal) => rehearsal,
            Err(RunError::Other(error)) => return Err(error),
            Err(error) => bail!("{error}"),
        };
        out.print(|| serde_json::to_value(&rehearsal).unwrap_or_default(), || describe(&rehearsal));
        Ok(if rehearsal.succeeded() { ExitCode::SUCCESS } else { ExitCode::from(1) })
    })
}

fn describe(rehearsal: &Rehearsal) -> String {
    let mut text = format!(
        "Rehearsal of `{}` on a {} copy (PostgreSQL {}): {}\n",
        rehearsal.environment,
        rehearsal.copy.name(),
        rehearsal.server_version,
        rehearsal.summary
    );
    for step in &rehearsal.steps {
        let what = step.revision.as_deref().unwrap_or("(stamp)");
        let verb = step.direction.operation();
        let failed = rehearsal.failure.as_ref().is_some_and(|f| f.step == step.index);
        let status = if failed { "FAILED" } else { "ok" };
        text.push_str(&format!("  {:>3}. {verb} {what}: {status} ({} ms)\n", step.index + 1, step.duration_ms));
        for lock in &step.locks {
            text.push_str(&format!("       lock {} on {}\n", lock.mode, lock.relation));
        }
        for table in &step.rewrites {
            text.push_str(&format!("       rewrote {table}\n"));
        }
    }
    match &rehearsal.failure {
        Some(failed) => {
            let failure = &failed.failure;
            let place = match (&failure.path, failure.line) {
                (Some(path), Some(line)) => format!(" at {path}:{line}"),
                (Some(path), None) => format!(" in {path}"),
                _ => String::new(),
            };
            text.push_str(&format!("Failed at step {}{place}: {}", failed.step + 1, failure.message));
            if let Some(detail) = &failure.detail {
                text.push_str(&format!(" ({detail})"));
            }
            text.push('\n');
        }
        None => text.push_str("The plan ran through.\n"),
    }
    text.push_str(&format!("The copy was dropped. Fingerprint: {}", rehearsal.fingerprint));
    text
}
