//! `strata drift --env E`: the environment's database against the schema model at the
//! revisions it is at. Exit 0 without drift, 1 with drift, 2 when it cannot be told.

use super::database::environment;
use super::schema::not_modelled_text;
use super::{Loaded, Output, console};
use crate::cli::DatabaseArgs;
use crate::drift;
use crate::execute::{self, Environment};
use anyhow::Result;
use sqlx::Connection;
use std::path::Path;
use std::process::ExitCode;
use strata_shared::schema::drift::{Difference, Drift, Found};

pub fn run(loaded: &Loaded<'_>, out: Output, config_path: &Path, args: &DatabaseArgs) -> Result<ExitCode> {
    match read(loaded, config_path, args) {
        Ok(found) => {
            out.print(|| serde_json::to_value(&found).unwrap_or_default(), || describe(&found));
            Ok(if found.drifted() { ExitCode::from(1) } else { ExitCode::SUCCESS })
        }
        // Not 1: a script must tell "drift" from "could not look".
        Err(error) => {
            console::err(&format!("error: {error:#}"));
            Ok(ExitCode::from(2))
        }
    }
}

fn read(loaded: &Loaded<'_>, config_path: &Path, args: &DatabaseArgs) -> Result<Drift> {
    loaded.require_no_problems()?;
    let graph = &loaded.project.graph;
    let (name, config) = environment(config_path, args)?;
    tokio::runtime::Runtime::new()?.block_on(async {
        let environment = Environment { name: &name, config: &config, mode: config.transaction_mode };
        let mut conn = execute::connect(&environment).await?;
        let found = drift::check(&mut conn, &name, graph, &config.version_table()).await;
        let _ = conn.close().await;
        found
    })
}

fn describe(drift: &Drift) -> String {
    let at = if drift.at.is_empty() { "base".to_owned() } else { drift.at.join(", ") };
    let mut text = format!("`{}` at {at}: {}\n", drift.environment, drift.summary());
    for difference in &drift.differences {
        text.push_str(&difference_text(difference));
    }
    if !drift.unknown_effects.is_empty() {
        text.push_str(&format!(
            "the model may be incomplete: the upgrade of {} has Python code Strata could not render\n",
            drift.unknown_effects.join(", ")
        ));
    }
    text.push_str(&not_modelled_text(&drift.not_modelled));
    text
}

/// `missing table invoice`, then its definition or what differs (model -> database).
fn difference_text(difference: &Difference) -> String {
    let mut text = format!("  {:<9} {} {}\n", difference.found.word(), difference.kind.word(), difference.name);
    let value = |v: &Option<String>| v.clone().unwrap_or_else(|| "(none)".into());
    for detail in &difference.details {
        let line = match difference.found {
            Found::Missing => format!("{}: {}", detail.field, value(&detail.before)),
            Found::Extra => format!("{}: {}", detail.field, value(&detail.after)),
            Found::Different => {
                format!("{}: {} (model) -> {} (database)", detail.field, value(&detail.before), value(&detail.after))
            }
        };
        text.push_str(&format!("      {line}\n"));
    }
    text
}
