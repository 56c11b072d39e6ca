//! The schema model against real PostgreSQL: the sample and generated histories are applied
//! one revision at a time to a database the test starts, and after each step the catalog is
//! compared with the model's schema at the same revisions, kind by kind.

use crate::support;

use sqlx::{Connection, PgConnection};
use std::collections::BTreeMap;
use std::path::Path;
use strata_server::config::EnvironmentConfig;
use strata_server::drift::facts;
use strata_server::execute::{self, Environment, Request};
use strata_server::sandbox::Sandbox;
use strata_shared::graph::RevisionGraph;
use strata_shared::offline::TransactionMode;
use strata_shared::schema::Replayer;

/// Applies every revision of the project at `folder`, in upgrade order, to a new database;
/// after each, compares catalog and model. Returns matches per kind, summed over the steps.
async fn walk(
    sandbox: &Sandbox,
    database: &str,
    folder: &Path,
) -> (BTreeMap<&'static str, (usize, usize)>, Vec<String>) {
    let project = strata_server::migrations_dir::load(folder).unwrap();
    assert!(project.diagnostics.is_empty(), "{:?}", project.diagnostics);
    let graph: RevisionGraph = project.graph;
    let mut admin = PgConnection::connect_with(&sandbox.connect_options()).await.unwrap();
    sqlx::raw_sql(&format!("CREATE DATABASE {database}")).execute(&mut admin).await.unwrap();
    admin.close().await.unwrap();
    let url = format!("postgresql://postgres:{}@127.0.0.1:{}/{database}", sandbox.password(), sandbox.port());
    let config = EnvironmentConfig::for_url(url.clone());
    let environment = Environment { name: "fidelity", config: &config, mode: TransactionMode::PerRevision };
    let mut replayer = Replayer::new(&graph);
    let order: Vec<usize> = graph.history_order().into_iter().rev().collect();
    let (mut totals, mut mismatches) = (BTreeMap::new(), Vec::new());
    for &index in &order {
        let id = graph.id(index).to_owned();
        let request = Request::Upgrade(id.clone());
        let mut conn = execute::connect(&environment).await.unwrap();
        let prepared = execute::prepare(&mut conn, &environment, &graph, &request).await.unwrap();
        conn.close().await.unwrap();
        let run_id = format!("fidelity-{id}");
        let by = execute::RunBy { run_id: &run_id, who: "tester" };
        execute::run(&environment, &graph, &request, &prepared.fingerprint, by, &mut |_| {}).await.unwrap();

        let mut conn = PgConnection::connect(&url).await.unwrap();
        let rows = strata_server::version_table::rows(&mut conn, &config.version_table()).await.unwrap();
        let at: Vec<usize> = rows.iter().map(|r| graph.index_of(r).unwrap()).collect();
        let (model, not_modelled) = replayer.schema_at(&at);
        assert!(not_modelled.is_empty(), "at {id}: {not_modelled:?}");
        let (database_facts, model_facts) = facts::of_database_and_model(&mut conn, &model).await.unwrap();
        let (rates, wrong) = facts::compare(&database_facts, &model_facts);
        for (kind, (matched, total)) in rates {
            let sum = totals.entry(kind).or_insert((0, 0));
            sum.0 += matched;
            sum.1 += total;
        }
        mismatches.extend(wrong.into_iter().map(|w| format!("after {id}: {w}")));
        conn.close().await.unwrap();
    }
    (totals, mismatches)
}

fn report(name: &str, totals: &BTreeMap<&'static str, (usize, usize)>) {
    println!("schema model vs PostgreSQL catalog, {name} (objects compared after every revision):");
    for (kind, (matched, total)) in totals {
        println!("  {kind:<18} {matched:>6} / {total:<6} {:>6.1}%", 100.0 * *matched as f64 / (*total).max(1) as f64);
    }
}

#[tokio::test]
async fn the_model_matches_postgresql_after_every_sample_revision() {
    let state = support::state_dir();
    let sandbox = Sandbox::start(state.path()).await.unwrap();
    let (totals, mismatches) = walk(&sandbox, "fidelity_sample", &support::sample_migrations()).await;
    report("sample", &totals);
    assert!(mismatches.is_empty(), "{} mismatches:\n{}", mismatches.len(), mismatches.join("\n"));
    for kind in ["tables", "column types", "nullability", "defaults", "constraints", "check expressions", "indexes"] {
        assert!(totals.get(kind).is_some_and(|(_, total)| *total > 0), "the sample has {kind}");
    }
}

#[tokio::test]
async fn the_model_matches_postgresql_on_generated_histories() {
    let state = support::state_dir();
    let sandbox = Sandbox::start(state.path()).await.unwrap();
    let mut all_mismatches = Vec::new();
    let mut totals: BTreeMap<&'static str, (usize, usize)> = BTreeMap::new();
    // More with STRATA_FIDELITY_SEEDS=N (CI runs four).
    let seeds: u64 = std::env::var("STRATA_FIDELITY_SEEDS").ok().and_then(|n| n.parse().ok()).unwrap_or(4);
    for seed in 1..=seeds {
        let project = tempfile::tempdir().unwrap();
        support::ddl_history::write(project.path(), seed, 25);
        let (rates, mismatches) = walk(&sandbox, &format!("fidelity_generated_{seed}"), project.path()).await;
        for (kind, (matched, total)) in rates {
            let sum = totals.entry(kind).or_insert((0, 0));
            sum.0 += matched;
            sum.1 += total;
        }
        all_mismatches.extend(mismatches.into_iter().map(|m| format!("seed {seed}: {m}")));
    }
    report(&format!("{seeds} generated histories of 25 revisions"), &totals);
    assert!(all_mismatches.is_empty(), "{} mismatches:\n{}", all_mismatches.len(), all_mismatches.join("\n"));
}
