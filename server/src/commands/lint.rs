//! `strata lint`: risky SQL in the revisions, for people and for CI gates.

use super::{Loaded, Output};
use anyhow::Result;
use serde_json::json;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use strata_shared::graph::{Ident, Point, RevisionGraph};
use strata_shared::history;
use strata_shared::lint::{self, Finding, Severity};
use strata_shared::plan::Direction;
use strata_shared::postgres_version::PostgresVersion;
use strata_shared::revision::Revision;
use strata_shared::schema::{Replayer, RevisionModel};
use strata_shared::sql::ParsedRevision;

/// What to lint and how: `target` is the PostgreSQL the revisions must run on, if known.
pub struct LintArgs<'a> {
    pub selection: Option<&'a str>,
    pub fail_on: Severity,
    pub target: Option<PostgresVersion>,
}

pub fn run(loaded: &Loaded<'_>, out: Output, args: LintArgs<'_>) -> Result<ExitCode> {
    let LintArgs { selection, fail_on, target } = args;
    let graph = &loaded.project.graph;
    let mut chosen: Vec<usize> = match selection {
        None => graph.history_order(),
        Some(range) if range.contains(':') => history::revisions_in_range(graph, Some(range), None)?,
        Some(spec) => graph.get_revisions(Ident::Spec(spec))?.into_iter().filter_map(Point::revision).collect(),
    };
    chosen.reverse(); // oldest first, as they would run
    let (models, mut own) = lint_along(graph, &chosen, target);
    let findings: Vec<Finding> = chosen
        .iter()
        .flat_map(|&index| {
            let (mut findings, versions) = own[index].take().unwrap_or_default();
            findings.extend(lint::downgrade_finding(&graph.node(index).revision, &models[index]));
            findings.extend(versions);
            findings
        })
        .collect();
    let count = |severity| findings.iter().filter(|f| f.severity == severity).count();
    let failing = findings.iter().any(|f| f.severity >= fail_on);
    out.print(
        || json!({ "revisions": chosen.len(), "findings": findings, "failed": failing }),
        || {
            let mut text: String = findings.iter().map(|f| finding_text(loaded.dir, f)).collect();
            text.push_str(&format!(
                "{} revision(s): {} error(s), {} warning(s), {} hint(s)",
                chosen.len(),
                count(Severity::Error),
                count(Severity::Warning),
                count(Severity::Hint)
            ));
            text
        },
    );
    loaded.print_diagnostics();
    Ok(if failing || loaded.project.has_errors() { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// One finding as `path:line severity[rule] section: message`, its statement, why and instead.
pub fn finding_text(dir: &Path, finding: &Finding) -> String {
    let severity = finding.severity.name();
    let place = dir.join(&finding.path);
    let section = finding.section.as_deref().map_or(String::new(), |s| format!(" {s}:"));
    let mut text =
        format!("{}:{} {severity}[{}]{section} {}\n", place.display(), finding.line, finding.rule, finding.message);
    if let Some(statement) = &finding.statement {
        text.push_str(&format!("    {statement}\n"));
    }
    text.push_str(&format!("    why: {}\n    instead: {}\n", finding.why, finding.safer));
    text
}

/// Revisions parsed at a time, on every core, just ahead of the model walk.
const CHUNK: usize = 256;

/// Every revision's model and each chosen revision's own findings (its rules, and those of
/// the `target` version), indexed like the graph, in one pass along the history. Each
/// revision is parsed once, for the rules and the model alike, a chunk at a time just ahead
/// of the walk, and freed once both used it: a long history's trees are never all held at
/// once (50,000 generated revisions: 1.8 GB when they were).
fn lint_along(
    graph: &RevisionGraph,
    chosen: &[usize],
    target: Option<PostgresVersion>,
) -> (Vec<RevisionModel>, Vec<Option<OwnFindings>>) {
    let mut wanted = vec![false; graph.len()];
    chosen.iter().for_each(|&index| wanted[index] = true);
    let mut replayer = Replayer::new(graph);
    let order = replayer.upgrade_order().to_vec();
    let mut walk = replayer.walk();
    let mut models: Vec<Option<RevisionModel>> = (0..graph.len()).map(|_| None).collect();
    let mut own: Vec<Option<OwnFindings>> = (0..graph.len()).map(|_| None).collect();
    std::thread::scope(|scope| {
        // One chunk waits while the walk takes the one before: parsing and modelling overlap.
        let (chunks, parsed_chunks) = std::sync::mpsc::sync_channel(1);
        let wanted = &wanted;
        scope.spawn(move || {
            for chunk in order.chunks(CHUNK) {
                let parsed = on_every_core(chunk, |index| {
                    let revision = &graph.node(index).revision;
                    let parsed = Arc::new(ParsedRevision::of(revision));
                    let findings = wanted[index].then(|| own_findings(revision, &parsed, target));
                    (index, parsed, findings)
                });
                if chunks.send(parsed).is_err() {
                    return;
                }
            }
        });
        for parsed in parsed_chunks {
            let count = parsed.len();
            for (index, parsed, findings) in parsed {
                replayer.provide_parsed(index, parsed);
                own[index] = findings;
            }
            walk.step_each(&mut replayer, count, |index, model| models[index] = Some(model));
        }
    });
    (models.into_iter().map(|m| m.expect("the walk models every revision")).collect(), own)
}

/// A revision's findings from its own SQL: the rules, then the target version's.
type OwnFindings = (Vec<Finding>, Vec<Finding>);

fn own_findings(revision: &Revision, parsed: &ParsedRevision, target: Option<PostgresVersion>) -> OwnFindings {
    let versions = target.map_or_else(Vec::new, |target| {
        let mut found = lint::version_findings_parsed(revision, Direction::Up, &parsed.upgrade, target);
        found.extend(lint::version_findings_parsed(revision, Direction::Down, &parsed.downgrade, target));
        found
    });
    (lint::lint_parsed(revision, parsed), versions)
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
