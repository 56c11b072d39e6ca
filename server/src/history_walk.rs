//! One pass along a history for `strata lint` and the studio's analysis
//! (`http/stored_models.rs`): every revision parsed once, for its own lint rules and the
//! schema model alike. Revisions are parsed a chunk at a time on every core, their rules run
//! in the same workers, just ahead of the model's walk (which must go in order, on one core);
//! each parse is freed once both used it, so a long history's trees are never all held at
//! once (50,000 generated revisions: 1.8 GB when they were).

use std::sync::Arc;
use strata_shared::graph::RevisionGraph;
use strata_shared::lint::{self, Finding};
use strata_shared::plan::Direction;
use strata_shared::postgres_version::PostgresVersion;
use strata_shared::revision::Revision;
use strata_shared::schema::{Replayer, RevisionModel};
use strata_shared::sql::ParsedRevision;

/// Revisions parsed at a time, on every core, just ahead of the model walk.
const CHUNK: usize = 256;

/// A revision's findings from its own SQL.
pub struct OwnFindings {
    /// Its rules' (`lint::lint_parsed`).
    pub rules: Vec<Finding>,
    /// What the target PostgreSQL version lacks, when one was given.
    pub versions: Vec<Finding>,
}

/// Walks `graph`'s history in upgrade order: `keep` gets each revision's graph index, model
/// and, when `lint_it` says so, its own findings.
pub fn walk(
    graph: &RevisionGraph,
    lint_it: impl Fn(usize) -> bool + Sync,
    target: Option<PostgresVersion>,
    mut keep: impl FnMut(usize, RevisionModel, Option<OwnFindings>),
) {
    let mut replayer = Replayer::new(graph);
    let order = replayer.upgrade_order().to_vec();
    let mut walk = replayer.walk();
    std::thread::scope(|scope| {
        // One chunk waits while the walk takes the one before: parsing and modelling overlap.
        let (chunks, parsed_chunks) = std::sync::mpsc::sync_channel(1);
        let lint_it = &lint_it;
        scope.spawn(move || {
            for chunk in order.chunks(CHUNK) {
                let parsed = on_every_core(chunk, |index| {
                    let revision = &graph.node(index).revision;
                    let parsed = Arc::new(ParsedRevision::of(revision));
                    let findings = lint_it(index).then(|| own_findings(revision, &parsed, target));
                    (index, parsed, findings)
                });
                if chunks.send(parsed).is_err() {
                    return;
                }
            }
        });
        for parsed in parsed_chunks {
            let count = parsed.len();
            let mut findings: Vec<(usize, Option<OwnFindings>)> = Vec::with_capacity(count);
            for (index, parsed, own) in parsed {
                replayer.provide_parsed(index, parsed);
                findings.push((index, own));
            }
            // The walk takes exactly this chunk's revisions, in this order.
            let mut findings = findings.into_iter();
            walk.step_each(&mut replayer, count, |index, model| {
                let (parsed_index, own) = findings.next().expect("one model per parsed revision");
                debug_assert_eq!(parsed_index, index, "the walk follows the upgrade order");
                keep(index, model, own);
            });
        }
    });
}

fn own_findings(revision: &Revision, parsed: &ParsedRevision, target: Option<PostgresVersion>) -> OwnFindings {
    let versions = target.map_or_else(Vec::new, |target| {
        let mut found = lint::version_findings_parsed(revision, Direction::Up, &parsed.upgrade, target);
        found.extend(lint::version_findings_parsed(revision, Direction::Down, &parsed.downgrade, target));
        found
    });
    OwnFindings { rules: lint::lint_parsed(revision, parsed), versions }
}

/// `work` on each of `indices`, split over the cores, results in the same order.
fn on_every_core<T: Send>(indices: &[usize], work: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
    let part = indices.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = indices
            .chunks(part)
            .map(|part| scope.spawn(|| part.iter().map(|&i| work(i)).collect::<Vec<_>>()))
            .collect();
        workers.into_iter().flat_map(|w| w.join().expect("parsing does not panic")).collect()
    })
}
