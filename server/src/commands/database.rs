//! Verbs that read or change a database: `current`, `check`, and `upgrade`/`downgrade`/`stamp`
//! without `--sql` (shown first, then run once confirmed).

use super::format::{self, Line};
use super::{Loaded, Output, console};
use crate::cli::{ConfirmArgs, DatabaseArgs, Transactions};
use crate::config::{Config, EnvironmentConfig};
use crate::execute::{self, Environment, Prepared, Request, RunError};
use crate::run_plan::{self, FrontDoor};
use crate::sign_off::Positions;
use crate::{database_status, identity, state, version_table};
use anyhow::{Context, Result, bail};
use serde_json::json;
use sqlx::Connection;
use std::io::{BufRead, IsTerminal};
use std::path::Path;
use std::process::ExitCode;
use strata_shared::api::RunEvent;
use strata_shared::graph::RevisionGraph;
use strata_shared::offline::TransactionMode;
use strata_shared::plan::Operation;
use strata_shared::postgres_version::PostgresVersion;
use strata_shared::runbook::{CheckPhase, CheckResult};

/// The database named by `--env` (from strata.toml), or by `--url`, or else by `DATABASE_URL`:
/// an explicit `--env` wins over the exported variable, as Alembic users have it set.
pub fn environment(config_path: &Path, args: &DatabaseArgs) -> Result<(String, EnvironmentConfig)> {
    if let Some(name) = &args.environment {
        let config = Config::load(config_path)?;
        let environment = config.environments.get(name).cloned().with_context(|| {
            let known: Vec<&str> = config.environments.keys().map(String::as_str).collect();
            format!(
                "no environment `{name}` in {} (known: {})",
                config_path.display(),
                if known.is_empty() { "none".to_owned() } else { known.join(", ") }
            )
        })?;
        return Ok((name.clone(), environment));
    }
    let from_environment = || std::env::var("DATABASE_URL").ok().filter(|url| !url.is_empty());
    match args.url.clone().or_else(from_environment) {
        Some(url) => Ok(("default".to_owned(), EnvironmentConfig::for_url(url))),
        None => bail!("name a database: --env NAME (from {}), --url URL, or DATABASE_URL", config_path.display()),
    }
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Runtime::new()?)
}

/// The version rows of the named database.
pub fn read_rows(config_path: &Path, args: &DatabaseArgs) -> Result<Vec<String>> {
    Ok(read_rows_and_version(config_path, args)?.0)
}

/// The version rows of the named database, and its PostgreSQL.
fn read_rows_and_version(config_path: &Path, args: &DatabaseArgs) -> Result<(Vec<String>, PostgresVersion)> {
    let (name, config) = environment(config_path, args)?;
    runtime()?.block_on(async {
        let environment = Environment { name: &name, config: &config, mode: config.transaction_mode };
        let mut conn = execute::connect(&environment).await?;
        let read = async {
            let rows = version_table::rows(&mut conn, &config.version_table()).await?;
            Ok((rows, execute::server_version(&mut conn).await?))
        };
        let read = read.await;
        let _ = conn.close().await;
        read
    })
}

pub fn current(
    loaded: &Loaded<'_>,
    out: Output,
    config_path: &Path,
    args: &DatabaseArgs,
    verbose: bool,
) -> Result<ExitCode> {
    let graph = &loaded.project.graph;
    let (name, _) = environment(config_path, args)?;
    let (rows, postgres) = read_rows_and_version(config_path, args)?;
    let indices = indices_of(graph, &rows)?;
    let mut current = graph.all_current(&indices);
    current.sort_unstable();
    out.print(
        || json!({ "environment": name, "postgres": postgres, "rows": rows, "current": current.iter().map(|&i| format::json(graph, i)).collect::<Vec<_>>() }),
        || {
            let mut text = if verbose {
                format!("Current revision(s) for environment `{name}` (PostgreSQL {postgres}):\n")
            } else {
                String::new()
            };
            for &index in &current {
                let line = if verbose {
                    format::entry(graph, index, loaded.dir, false)
                } else {
                    format::line(graph, index, Line { tree_indicators: true, ..Line::default() }, false)
                };
                text.push_str(&line);
                text.push('\n');
            }
            text
        },
    );
    Ok(loaded.exit_code())
}

fn indices_of(graph: &RevisionGraph, rows: &[String]) -> Result<Vec<usize>> {
    rows.iter()
        .map(|row| {
            graph
                .index_of(row)
                .with_context(|| format!("the version table holds `{row}`, which no revision file defines"))
        })
        .collect()
}

pub fn check(loaded: &Loaded<'_>, out: Output, config_path: &Path, args: &DatabaseArgs) -> Result<ExitCode> {
    let graph = &loaded.project.graph;
    // The files' warnings are shown here (and in the studio), even when no database answers.
    let (name, config) = environment(config_path, args).inspect_err(|_| loaded.print_diagnostics_and_warnings())?;
    let status = runtime()?.block_on(async {
        let environment = Environment { name: &name, config: &config, mode: config.transaction_mode };
        let mut conn = execute::connect(&environment).await?;
        let status = database_status::read(&mut conn, &config.version_table(), graph).await;
        let _ = conn.close().await;
        status
    });
    let status = status.inspect_err(|_| loaded.print_diagnostics_and_warnings())?;
    let heads = graph.ids(graph.heads().iter().copied());
    let mut problems = Vec::new();
    if heads.len() > 1 {
        problems.push(format!(
            "there are {} heads ({}): merge them with `strata merge`",
            heads.len(),
            heads.join(", ")
        ));
    }
    match &status.pending {
        Some(pending) if !pending.is_empty() => {
            problems.push(format!("{} revision(s) pending on `{name}`: {}", pending.len(), pending.join(", ")))
        }
        None => problems
            .push(format!("`{name}` cannot be upgraded to the heads from where it is ({})", status.rows.join(", "))),
        _ => {}
    }
    if !status.edited.is_empty() {
        problems.push(format!("applied revisions were edited after they ran: {}", status.edited.join(", ")));
    }
    out.print(
        || json!({ "environment": name, "ok": problems.is_empty(), "problems": problems, "status": status }),
        || {
            if problems.is_empty() {
                format!("`{name}` (PostgreSQL {}) is at the heads; nothing pending, nothing edited", status.postgres)
            } else {
                problems.join("\n")
            }
        },
    );
    loaded.print_diagnostics_and_warnings();
    Ok(if problems.is_empty() && !loaded.project.has_errors() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// Where the configuration and Strata's own state are.
#[derive(Clone, Copy)]
pub struct Files<'a> {
    pub config: &'a Path,
    pub state_dir: &'a Path,
}

/// Shows the plan for `request` on the named database, and runs it once confirmed
/// (`run_plan`: on a protected environment only a plan approved in the studio, as the studio
/// would). The run is audited wherever Strata keeps its state.
pub fn run(
    loaded: &Loaded<'_>,
    out: Output,
    files: Files<'_>,
    args: &DatabaseArgs,
    request: Request,
    transactions: Option<Transactions>,
    confirm: &ConfirmArgs,
) -> Result<ExitCode> {
    loaded.require_no_problems()?;
    let graph = &loaded.project.graph;
    let (name, mut config) = environment(files.config, args)?;
    config.place_backups_under(files.state_dir);
    let mode = transactions.map_or(config.transaction_mode, TransactionMode::from);
    let environment = Environment { name: &name, config: &config, mode };
    runtime()?.block_on(async {
        let mut conn = execute::connect(&environment).await?;
        let prepared = execute::prepare(&mut conn, &environment, graph, &request).await;
        let _ = conn.close().await;
        let prepared = prepared?;
        show_plan(loaded, &environment, &prepared, out);
        if prepared.plan.steps.is_empty() {
            return Ok(ExitCode::SUCCESS);
        }
        let confirmed = confirmation(&environment, &prepared, confirm)?;
        let strata_config = Config::load(files.config)?;
        let signed_off = config.protected || config.policy().require_rehearsal;
        // Without sign-off to ask, a run is audited where a state database already is (none: no
        // studio ever kept state here, and there is no audit log to write to).
        let (db, sandbox) = if signed_off {
            let (db, sandbox) = state::open_for_command(&strata_config, files.state_dir).await?;
            (Some(db), sandbox)
        } else {
            let opened = state::open_existing_for_command(&strata_config, files.state_dir).await?;
            let (db, sandbox) = opened.unzip();
            (db, sandbox.flatten())
        };
        let who = identity::who();
        let job = run_plan::Run {
            db: db.as_ref(),
            environment: &environment,
            graph,
            request: &request,
            prepared: &prepared,
            confirmed: &confirmed,
            who: &who,
            via: FrontDoor::CommandLine,
        };
        let ran = run_plan::run(job, &Configured(&strata_config), &mut |_: &str, event| report(&event, out)).await;
        if let Some(db) = db {
            db.close().await;
        }
        if let Some(sandbox) = sandbox {
            sandbox.stop().await?;
        }
        match ran {
            Ok(ran) => exit_code(ran.result, &ran.checks),
            Err(stopped) => bail!("{}", stopped.describe()),
        }
    })
}

/// How a run ended, for the shell.
fn exit_code(result: Result<(), RunError>, checks: &[CheckResult]) -> Result<ExitCode> {
    match result {
        Ok(()) if checks.iter().any(|c| !c.passed) => {
            console::err("error: checks failed after the run committed; the run stays applied");
            Ok(ExitCode::from(1))
        }
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(error @ (RunError::Failed { .. } | RunError::ChecksFailed(_))) => {
            console::err(&format!("error: {error}"));
            Ok(ExitCode::from(1))
        }
        Err(error) => Err(anyhow::anyhow!("{error}")),
    }
}

/// The command line reads the rows of the environments that must go first over connections
/// of its own, as `strata.toml` names them.
struct Configured<'a>(&'a Config);

impl Positions for Configured<'_> {
    async fn rows(&self, name: &str) -> Result<Vec<String>> {
        let config = self.0.environments.get(name).with_context(|| format!("no environment `{name}`"))?;
        let target = Environment { name, config, mode: config.transaction_mode };
        let mut conn = execute::connect(&target).await?;
        let rows = version_table::rows(&mut conn, &config.version_table()).await;
        let _ = conn.close().await;
        rows
    }
}

fn show_plan(loaded: &Loaded<'_>, environment: &Environment<'_>, prepared: &Prepared, out: Output) {
    let graph = &loaded.project.graph;
    let plan = &prepared.plan;
    out.print(
        || {
            json!({
                "environment": environment.name, "plan": plan, "sql": prepared.script,
                "fingerprint": prepared.fingerprint, "edited": prepared.edited,
                "postgres": prepared.postgres, "findings": prepared.findings,
            })
        },
        || {
            let mut warning: String =
                prepared.findings.iter().map(|f| super::lint::finding_text(loaded.dir, f)).collect();
            if !prepared.edited.is_empty() {
                warning += &format!(
                    "Warning: applied revisions were edited after they ran: {} (their new SQL will not run)\n",
                    prepared.edited.join(", ")
                );
            }
            if plan.steps.is_empty() {
                return format!("{warning}Nothing to do: `{}` is already at {}.", environment.name, plan.target);
            }
            let mode = match environment.mode {
                TransactionMode::WholePlan => "one transaction for the whole plan",
                TransactionMode::PerRevision => "one transaction per revision",
            };
            let mut text = format!("{warning}Plan for `{}`, {} step(s), {mode}:\n", environment.name, plan.steps.len());
            for (number, step) in plan.steps.iter().enumerate() {
                let (verb, what) = match &step.revision {
                    Some(id) => {
                        let message = graph.get(id).and_then(|r| r.message.clone()).unwrap_or_default();
                        (step.direction.operation(), format!("{id} {message}"))
                    }
                    None => (Operation::Stamp, format!("{} -> {}", step.from.join(", "), step.to.join(", "))),
                };
                text.push_str(&format!("  {:>3}. {verb} {what}\n", number + 1));
            }
            text.push_str(&format!("Server: PostgreSQL {}\n", prepared.postgres));
            text.push_str(&format!("Fingerprint: {}\n(`--sql` prints the exact SQL)", prepared.fingerprint));
            text
        },
    );
}

/// The fingerprint to run: given with --fingerprint, or the shown one once the user agrees.
fn confirmation(environment: &Environment<'_>, prepared: &Prepared, confirm: &ConfirmArgs) -> Result<String> {
    if let Some(fingerprint) = &confirm.fingerprint {
        return Ok(fingerprint.clone());
    }
    if confirm.yes {
        return Ok(prepared.fingerprint.clone());
    }
    if !std::io::stdin().is_terminal() {
        bail!(
            "not confirmed: add --yes to run this plan (or --fingerprint {} to run exactly it)",
            prepared.fingerprint
        );
    }
    console::err_part(&format!("Type the environment's name (`{}`) to run this plan: ", environment.name));
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    if answer.trim() != environment.name {
        bail!("not confirmed: nothing was run");
    }
    Ok(prepared.fingerprint.clone())
}

/// Progress on stderr: one line per step, with a bar.
fn report(event: &RunEvent, out: Output) {
    if out.json {
        console::err(&serde_json::to_string(event).unwrap_or_default());
        return;
    }
    match event {
        RunEvent::StepStarted { index, total, revision, direction } => {
            let done = (index * 20) / total.max(&1);
            let bar = format!("{}{}", "#".repeat(done), ".".repeat(20 - done));
            let what = revision.as_deref().unwrap_or("(stamp)");
            let verb = direction.operation();
            console::err_part(&format!("[{bar}] {:>3}/{total} {verb} {what} ... ", index + 1));
        }
        RunEvent::StepFinished { duration_ms, .. } => console::err(&format!("ok ({duration_ms} ms)")),
        RunEvent::StepFailed { failure, .. } => console::err(&format!("FAILED: {}", failure.message)),
        RunEvent::BackupTaken { backup } => console::err(&format!(
            "backup ({}): {}, {} bytes, sha256 {}\n  restore into an empty database: {}",
            backup.kind.name(),
            backup.location,
            backup.size_bytes,
            backup.sha256,
            backup.restore_command
        )),
        RunEvent::CheckFinished { check } => {
            let verdict = if check.passed { "passed" } else { "FAILED" };
            let when = match check.phase {
                CheckPhase::BeforeCommit => "before commit",
                CheckPhase::AfterCommit => "after commit",
            };
            console::err(&format!("check `{}` ({when}): {verdict}; returned: {}", check.name, check.returned));
        }
        RunEvent::RunFinished { status } => console::err(&format!("run {status}")),
    }
}
