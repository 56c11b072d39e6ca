//! `strata lint`: risky SQL in the revisions, for people and for CI gates.

use super::{Loaded, Output};
use crate::history_walk;
use anyhow::Result;
use serde_json::json;
use std::path::Path;
use std::process::ExitCode;
use strata_shared::graph::{Ident, Point};
use strata_shared::history;
use strata_shared::lint::{self, Finding, Severity};
use strata_shared::postgres_version::PostgresVersion;

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
    let mut wanted = vec![false; graph.len()];
    chosen.iter().for_each(|&index| wanted[index] = true);
    let mut found: Vec<Vec<Finding>> = vec![Vec::new(); graph.len()];
    history_walk::walk(
        graph,
        |index| wanted[index],
        target,
        |index, model, own| {
            if let Some(own) = own {
                let mut findings = own.rules;
                findings.extend(lint::downgrade_finding(&graph.node(index).revision, &model));
                findings.extend(own.versions);
                found[index] = findings;
            }
        },
    );
    let findings: Vec<Finding> = chosen.iter().flat_map(|&index| std::mem::take(&mut found[index])).collect();
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
