//! `upgrade`, `downgrade` and `stamp` with `--sql`: the plan as one script for psql.

use super::{Loaded, Output, console, lint};
use crate::cli::{DatabaseArgs, MoveArgs};
use crate::execute;
use anyhow::{Result, bail};
use serde_json::json;
use std::path::Path;
use std::process::ExitCode;
use strata_shared::graph::{Point, RevisionGraph};
use strata_shared::offline::{self, TransactionMode, VersionTable};
use strata_shared::plan::{self, Plan};
use strata_shared::postgres_version::PostgresVersion;

/// The PostgreSQL of `--env`'s environment as strata.toml gives it (a script is written
/// without asking the database).
pub fn configured_version(config: &Path, args: &DatabaseArgs) -> Result<Option<PostgresVersion>> {
    if args.environment.is_none() {
        return Ok(None);
    }
    Ok(super::database::environment(config, args)?.1.postgres_version())
}

pub fn upgrade(
    loaded: &Loaded<'_>,
    out: Output,
    args: &MoveArgs,
    postgres: Option<PostgresVersion>,
) -> Result<ExitCode> {
    loaded.require_no_problems()?;
    let graph = &loaded.project.graph;
    let (start, target) = split_range(&args.target);
    let rows = starting_rows(graph, start)?;
    let plan = plan::upgrade(graph, &rows, target)?;
    let mode = args.transactions.map_or(TransactionMode::WholePlan, Into::into);
    print_script(loaded, &plan, mode, postgres, out)
}

pub fn downgrade(
    loaded: &Loaded<'_>,
    out: Output,
    args: &MoveArgs,
    postgres: Option<PostgresVersion>,
) -> Result<ExitCode> {
    loaded.require_no_problems()?;
    let graph = &loaded.project.graph;
    let (Some(start), target) = split_range(&args.target) else {
        bail!("downgrade --sql needs where to start: write `<from>:<to>`, e.g. `head:{}`", args.target)
    };
    let rows = starting_rows(graph, Some(start))?;
    let plan = plan::downgrade(graph, &rows, target)?;
    let mode = args.transactions.map_or(TransactionMode::WholePlan, Into::into);
    print_script(loaded, &plan, mode, postgres, out)
}

pub fn stamp(loaded: &Loaded<'_>, out: Output, targets: &[String], purge: bool) -> Result<ExitCode> {
    if purge {
        bail!("--purge empties a live version table; it cannot be combined with --sql");
    }
    loaded.require_no_problems()?;
    let graph = &loaded.project.graph;
    let mut start = None;
    let mut destinations = Vec::new();
    for spec in targets {
        let (from, to) = split_range(spec);
        if let Some(from) = from {
            if start.is_some_and(|s| s != from) {
                bail!("a stamp with --sql starts from one revision only");
            }
            start = Some(from);
        }
        destinations.push(to.to_owned());
    }
    let rows = starting_rows(graph, start)?;
    let plan = plan::stamp(graph, &rows, &destinations, false)?;
    print_script(loaded, &plan, TransactionMode::WholePlan, None, out)
}

/// `start:target` → (start, target); a bare target starts from an empty database.
fn split_range(spec: &str) -> (Option<&str>, &str) {
    match spec.split_once(':') {
        Some((start, target)) => (Some(start), target),
        None => (None, spec),
    }
}

/// The version rows an offline script starts from, as Alembic's `--sql` reads `start:`.
fn starting_rows(graph: &RevisionGraph, start: Option<&str>) -> Result<Vec<String>> {
    match start {
        None | Some("base") | Some("") => Ok(Vec::new()),
        Some(spec) => match graph.get_revision(Some(spec))? {
            Point::Rev(index) => Ok(vec![graph.id(index).to_owned()]),
            _ => Ok(Vec::new()),
        },
    }
}

/// The script on stdout; statements too new for `postgres` (when known) as warnings on stderr.
fn print_script(
    loaded: &Loaded<'_>,
    plan: &Plan,
    mode: TransactionMode,
    postgres: Option<PostgresVersion>,
    out: Output,
) -> Result<ExitCode> {
    let graph = &loaded.project.graph;
    if let Some(unknown) = plan.first_unknown_step(graph) {
        bail!("{unknown}");
    }
    let script = offline::render(graph, plan, mode, &VersionTable::default());
    let findings = postgres.map(|v| execute::too_new_for(graph, plan, v)).unwrap_or_default();
    out.print(|| json!({ "plan": plan, "sql": script, "postgres": postgres, "findings": findings }), || script.clone());
    if !out.json {
        for finding in &findings {
            console::err(lint::finding_text(loaded.dir, finding).trim_end());
        }
    }
    Ok(ExitCode::SUCCESS)
}
