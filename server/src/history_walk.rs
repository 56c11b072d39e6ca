//! One pass along a history for `strata lint` and the studio's analysis
//! (`http/stored_models.rs`): every revision parsed once, for its own lint rules and the
//! schema model alike, and freed once both used it, so a long history's trees are never all
//! held at once (50,000 generated revisions: 1.8 GB when they were). One revision at a time,
//! on one core: parsing chunks on every core ahead of the walk was no faster on two cores and
//! raised the studio's peak memory (329 against 307 MiB at 50,000 revisions).

use std::sync::Arc;
use strata_shared::graph::RevisionGraph;
use strata_shared::lint::{self, Finding};
use strata_shared::plan::Direction;
use strata_shared::postgres_version::PostgresVersion;
use strata_shared::revision::Revision;
use strata_shared::schema::{Replayer, RevisionModel};
use strata_shared::sql::ParsedRevision;

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
    lint_it: impl Fn(usize) -> bool,
    target: Option<PostgresVersion>,
    mut keep: impl FnMut(usize, RevisionModel, Option<OwnFindings>),
) {
    let mut replayer = Replayer::new(graph);
    let order = replayer.upgrade_order().to_vec();
    let mut walk = replayer.walk();
    for index in order {
        let revision = &graph.node(index).revision;
        let parsed = Arc::new(ParsedRevision::of(revision));
        let findings = lint_it(index).then(|| own_findings(revision, &parsed, target));
        replayer.provide_parsed(index, parsed);
        let mut findings = Some(findings);
        // The walk's next revision is this one: it goes in the same upgrade order.
        walk.step_each(&mut replayer, 1, |index, model| keep(index, model, findings.take().flatten()));
    }
}

fn own_findings(revision: &Revision, parsed: &ParsedRevision, target: Option<PostgresVersion>) -> OwnFindings {
    let versions = target.map_or_else(Vec::new, |target| {
        let mut found = lint::version_findings_parsed(revision, Direction::Up, &parsed.upgrade, target);
        found.extend(lint::version_findings_parsed(revision, Direction::Down, &parsed.downgrade, target));
        found
    });
    OwnFindings { rules: lint::lint_parsed(revision, parsed), versions }
}
