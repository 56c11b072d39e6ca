//! `revision --from-drift`: a database's drift written as a revision. The live catalog
//! (`drift::live_schema`) and the schema model at the database's revision (its expressions
//! put through the database's own printers, so that wording is no drift) go through
//! `schema::migration_both_ways`: upgrade = model → database, downgrade = back from what that
//! upgrade does.
//! What the model cannot express is printed and written into the file as comments.

use super::new_revision::{self, Draft, Sections, Written};
use super::{Loaded, Output, database};
use crate::cli::NewRevisionArgs;
use crate::drift;
use crate::execute::{self, Environment};
use crate::version_table;
use anyhow::{Context, Result, bail};
use serde_json::json;
use sqlx::Connection;
use std::path::Path;
use std::process::ExitCode;
use strata_shared::new_revision as shared_new_revision;
use strata_shared::schema::{self, NotExpressed, NotModelled, Schema, SchemaMigration};

/// What the database has against the model at its revision(s).
struct Drift {
    rows: Vec<String>,
    model: Schema,
    live: Schema,
    not_modelled: Vec<NotModelled>,
}

pub fn revision(loaded: &Loaded<'_>, out: Output, config_path: &Path, args: &NewRevisionArgs) -> Result<ExitCode> {
    loaded.require_no_problems()?;
    let graph = &loaded.project.graph;
    let (name, config) = database::environment(config_path, &args.database)?;
    let drift = read(loaded, &name, &config)?;
    let parents = match drift.rows.is_empty() {
        // A database without a recorded revision starts the history, if there is none yet.
        true if graph.is_empty() => Vec::new(),
        true => bail!(
            "environment `{name}` records no revision in its version table; stamp it with the revision its schema is at first"
        ),
        false => shared_new_revision::resolve_parents(graph, &drift.rows, args.splice)
            .map_err(|e| anyhow::anyhow!("environment `{name}` is at {}: {e}", drift.rows.join(", ")))?,
    };
    let (upgrade, downgrade) = schema::migration_both_ways(&drift.model, &drift.live);
    if upgrade == SchemaMigration::default() && downgrade == SchemaMigration::default() {
        out.print(
            || json!({ "environment": name, "at": drift.rows, "drift": false, "written": null }),
            || format!("No drift: environment `{name}` has the schema of {}; nothing written.", at(&drift.rows)),
        );
        return Ok(ExitCode::SUCCESS);
    }
    let depends_on = shared_new_revision::resolve_dependencies(graph, &args.depends_on)?;
    let draft = Draft { parents, message: &args.message, branch_labels: &args.branch_labels, depends_on };
    let header = header(&name, &drift);
    let sections = Sections {
        upgrade: format!("{header}{}", upgrade.section()),
        downgrade: format!("{header}{}", downgrade.section()),
    };
    let written = new_revision::write(loaded, draft, args.rev_id.as_deref(), sections)?;
    report(out, &name, &drift, &written, &upgrade, &downgrade);
    Ok(ExitCode::SUCCESS)
}

fn at(rows: &[String]) -> String {
    if rows.is_empty() { "base".to_owned() } else { rows.join(", ") }
}

/// The database's version rows, its live schema, and the model at those rows in its words:
/// read in one snapshot that is rolled back, as `drift::check` reads them.
fn read(loaded: &Loaded<'_>, name: &str, config: &crate::config::EnvironmentConfig) -> Result<Drift> {
    let graph = &loaded.project.graph;
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let environment = Environment { name, config, mode: config.transaction_mode };
        let mut conn = execute::connect(&environment).await?;
        let read = async {
            let mut transaction = conn.begin().await.context("cannot begin a transaction")?;
            // A look at the catalog never queues behind a migration's locks.
            sqlx::raw_sql("SET LOCAL lock_timeout = '2s'; SET LOCAL statement_timeout = '60s'")
                .execute(&mut *transaction)
                .await?;
            let version_table = config.version_table();
            let rows = version_table::rows(&mut transaction, &version_table).await?;
            let model = schema::query::schema_at_rows(graph, &rows)?;
            // The version table is bookkeeping, wherever it lives: never drift to write.
            let live = drift::live_schema(&mut transaction, &version_table)
                .await
                .context("cannot read the database's catalog")?;
            let printed = drift::normalize::in_database_words(&mut transaction, &model.schema, &live)
                .await
                .context("cannot put the model's expressions through the database")?;
            transaction.rollback().await?;
            let sound = schema::sound_wording(&model.schema, &printed, &live);
            let (not_modelled, model, live) = (model.not_modelled, sound, live);
            anyhow::Ok(Drift { rows, model, live, not_modelled })
        };
        let read = read.await;
        let _ = conn.close().await;
        read
    })
}

/// The sections' opening comment: where the SQL came from, and what the model skipped.
fn header(name: &str, drift: &Drift) -> String {
    let mut text = format!(
        "-- Written by `strata revision --from-drift` from environment `{name}` against the schema model at {}.\n",
        at(&drift.rows)
    );
    if !drift.model.unknown_effects.is_empty() {
        let revisions = drift.model.unknown_effects.join(", ");
        text.push_str(&format!(
            "-- Revisions with code Strata could not render ({revisions}): the model may be incomplete.\n"
        ));
    }
    if !drift.not_modelled.is_empty() {
        text.push_str("-- The model skipped statements it does not cover; their objects may show as drift:\n");
        for skipped in &drift.not_modelled {
            text.push_str(&format!(
                "--   {}:{} {}\n",
                skipped.revision,
                skipped.line,
                skipped.reason.replace('\n', " ")
            ));
        }
    }
    text.push('\n');
    text
}

fn report(
    out: Output,
    name: &str,
    drift: &Drift,
    written: &Written,
    upgrade: &SchemaMigration,
    downgrade: &SchemaMigration,
) {
    let unsaid = |list: &[NotExpressed]| -> Vec<String> {
        list.iter().map(|n| format!("{} {}: {}", n.kind.word(), n.name, n.reason)).collect()
    };
    out.print(
        || {
            json!({
                "environment": name,
                "at": drift.rows,
                "drift": true,
                "written": { "id": written.id, "path": written.path, "parents": written.parents },
                "upgrade": upgrade,
                "downgrade": downgrade,
                "not_modelled": drift.not_modelled,
            })
        },
        || {
            let mut text = format!("  Generating {} ...  done\n", written.path.display());
            text.push_str(&format!(
                "  Drift of environment `{name}` against the model at {}: {} upgrade and {} downgrade statement(s).\n",
                at(&drift.rows),
                upgrade.statements.len(),
                downgrade.statements.len()
            ));
            for (section, migration) in [("upgrade", upgrade), ("downgrade", downgrade)] {
                let lines = unsaid(&migration.not_expressed);
                if !lines.is_empty() {
                    text.push_str(&format!("  Not expressed in the {section} (listed in the file; write by hand):\n"));
                    text.extend(lines.iter().map(|l| format!("    {l}\n")));
                }
            }
            if !drift.not_modelled.is_empty() {
                text.push_str(&format!(
                    "  The model skipped {} statement(s) of the history; their objects may show as drift (see the file).\n",
                    drift.not_modelled.len()
                ));
            }
            text
        },
    );
}
