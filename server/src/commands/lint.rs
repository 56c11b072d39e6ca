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
use strata_shared::schema::Replayer;
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
    // Every revision's SQL is parsed once, on every core; the linter and the schema model
    // share that parse. Then the model replays the history in order while the per-revision
    // rules, which need no model, run beside it.
    let parsed = parse_all(graph);
    let (models, own) = std::thread::scope(|scope| {
        let models = scope.spawn(|| Replayer::with_parsed(graph, parsed.clone()).model_all());
        let own: Vec<(Vec<Finding>, Vec<Finding>)> = chosen
            .iter()
            .map(|&index| {
                let (revision, parsed) = (&graph.node(index).revision, &parsed[index]);
                let versions = target.map_or_else(Vec::new, |target| {
                    let mut found = lint::version_findings_parsed(revision, Direction::Up, &parsed.upgrade, target);
                    found.extend(lint::version_findings_parsed(revision, Direction::Down, &parsed.downgrade, target));
                    found
                });
                (lint::lint_parsed(revision, parsed), versions)
            })
            .collect();
        (models.join().expect("the schema model does not panic"), own)
    });
    let findings: Vec<Finding> = chosen
        .iter()
        .zip(own)
        .flat_map(|(&index, (mut findings, versions))| {
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

/// Every revision of the graph parsed, indexed like it, the work split over the cores.
fn parse_all(graph: &RevisionGraph) -> Vec<Arc<ParsedRevision>> {
    let indices: Vec<usize> = (0..graph.len()).collect();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
    let chunk = indices.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = indices
            .chunks(chunk)
            .map(|part| {
                scope.spawn(|| {
                    part.iter().map(|&i| Arc::new(ParsedRevision::of(&graph.node(i).revision))).collect::<Vec<_>>()
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().expect("parsing does not panic")).collect()
    })
}
