//! SQL analysis of 1,000 generated revisions of everyday DDL — statements, risk lint, the
//! schema model with every revision's diff and downgrade check — natively and as the studio gets it.
//!
//! Native: the computation in this process (best of three), and `strata lint` as a whole
//! process (reading the files included) with its peak memory. Studio: the overview in headless
//! Chromium gets the same analysis from the server (`/api/analysis`) and reports its time and
//! the page's wasm heap, and how soon the history graph is drawn (1,000 and 2,000 revisions).
//! Run with `scripts/bench` (it builds the frontend first).

use std::path::Path;
use std::process::Command;
use std::time::Instant;
use strata_shared::graph::RevisionGraph;
use strata_shared::lint;
use strata_shared::schema::Replayer;

#[path = "../tests/support/mod.rs"]
mod support;

const REVISIONS: usize = 1_000;
const RUNS: usize = 3;

/// What the overview computes: graph, every model (diffs, downgrade checks) and every finding.
fn analyse(graph_revisions: &[strata_shared::revision::Revision]) -> (usize, usize) {
    let (graph, _) = RevisionGraph::build(graph_revisions.to_vec());
    let models = Replayer::new(&graph).model_all();
    let all: Vec<usize> = (0..graph.len()).collect();
    let findings = lint::lint_revisions(&graph, &all, &models);
    (models.iter().map(|m| m.changes.len()).sum(), findings.len())
}

fn native(project: &Path) -> (f64, usize, usize) {
    let loaded = strata_server::migrations_dir::load(project).unwrap();
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    let revisions: Vec<_> = loaded.graph.nodes().iter().map(|n| n.revision.clone()).collect();
    let mut best = f64::MAX;
    let mut counts = (0, 0);
    for _ in 0..RUNS {
        let started = Instant::now();
        counts = analyse(&revisions);
        best = best.min(started.elapsed().as_secs_f64() * 1000.0);
    }
    (best, counts.0, counts.1)
}

fn main() {
    let root = tempfile::tempdir().unwrap();
    support::ddl_history::write(root.path(), 7, REVISIONS);
    let (native_ms, changes, findings) = native(root.path());
    let strata = env!("CARGO_BIN_EXE_strata");
    let whole = support::measure::measure(Command::new(strata).arg("--migrations").arg(root.path()).arg("lint"));
    assert!(whole.exit_code <= 1, "strata lint ran (1 = findings at the gate)");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (studio_ms, wasm_bytes, drawn_ms) = runtime.block_on(support::chrome::overview_figures(root.path(), RUNS));
    // The history graph with 2,000 revisions: drawn (only the rows in view) after the data came.
    let large = tempfile::tempdir().unwrap();
    support::ddl_history::write(large.path(), 8, 2 * REVISIONS);
    let (large_analysis_ms, _, large_drawn_ms) =
        runtime.block_on(support::chrome::overview_figures(large.path(), RUNS));
    println!("Analysis of {REVISIONS} generated revisions ({changes} schema changes, {findings} findings):");
    println!("| where | time | peak memory |");
    println!("|---|---:|---:|");
    println!("| native, in process (best of {RUNS}) | {native_ms:.0} ms | |");
    println!(
        "| native, `strata lint` whole process | {:.0} ms | {:.1} MiB RSS |",
        whole.seconds * 1000.0,
        whole.peak_mib
    );
    println!(
        "| the studio's overview: `/api/analysis` (best of {RUNS}) | {studio_ms:.0} ms | {:.1} MiB wasm heap of the page |",
        wasm_bytes / 1048576.0
    );
    println!(
        "History graph drawn after the data arrived: {drawn_ms:.0} ms ({REVISIONS} revisions), {large_drawn_ms:.0} ms (2,000 revisions; the server's analysis took {large_analysis_ms:.0} ms)"
    );
}
