//! Risk lint, per revision, on PostgreSQL's own parse tree: locks that block traffic, rewrites,
//! data loss, statements that fail in (or outside) a transaction, and types that age badly.
//!
//! Every finding names a stable rule id, its severity, the statement and its line, why it is
//! risky and the safer way. `-- strata:allow <rule> <reason>` on the lines just before a
//! statement silences that rule for that statement; in the header, for the whole file.

mod catalog;
mod checks;
mod features;
mod volatile_functions;

pub use catalog::{RULES, Rule, RuleId};
pub use features::{Feature, features_used};

use crate::closed_set::closed_set;
use crate::graph::RevisionGraph;
use crate::plan::Direction;
use crate::postgres_version::PostgresVersion;
use crate::revision::{Allow, Revision, SqlSection};
use crate::schema::{Action, Change, RevisionModel};
use crate::sql::{self, ParsedRevision, ParsedSection, Statement};
use serde::{Deserialize, Serialize};

closed_set! {
    /// How serious a finding is, least first (`--fail-on` compares).
    #[derive(PartialOrd, Ord)]
    pub enum Severity("severity") {
        Hint = "hint",
        Warning = "warning",
        Error = "error",
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: String,
    pub severity: Severity,
    pub revision: String,
    pub path: String,
    /// `upgrade` or `downgrade`; `None` for findings about the revision as a whole.
    pub section: Option<String>,
    pub line: u32,
    /// The statement's first line, when the finding is about one.
    pub statement: Option<String>,
    pub message: String,
    pub why: String,
    pub safer: String,
}

/// Every finding of one revision, upgrade first, in file order.
pub fn lint_revision(revision: &Revision) -> Vec<Finding> {
    lint_parsed(revision, &ParsedRevision::of(revision))
}

/// [`lint_revision`] on SQL already parsed (the parse the schema model shares).
pub fn lint_parsed(revision: &Revision, parsed: &ParsedRevision) -> Vec<Finding> {
    let mut findings = Vec::new();
    let (name, section) = ("upgrade", &revision.upgrade);
    let upgrade = SectionLint { revision, name, section, parsed: &parsed.upgrade, findings: &mut findings }
        .run(checks::Made::default());
    let (name, section) = ("downgrade", &revision.downgrade);
    let downgrade =
        SectionLint { revision, name, section, parsed: &parsed.downgrade, findings: &mut findings }.run(upgrade.made);
    if upgrade.statements > 0 && downgrade.statements == 0 && revision.downgrade.is_complete() {
        let marker_line = revision.downgrade.first_line.saturating_sub(1);
        findings.push(finding(
            revision,
            None,
            marker_line,
            None,
            RuleId::EmptyDowngrade,
            "the downgrade section has no statement".into(),
        ));
    }
    for allow in revision.allowed.iter().filter(|a| a.reason.is_empty()) {
        let message = format!("`{}` is silenced without a reason", allow.rule);
        findings.push(finding(revision, None, allow.line, None, RuleId::AllowWithoutReason, message));
    }
    findings
}

/// Every finding of the chosen revisions (graph indices, in the order given), with the
/// downgrade check from `models` (`Replayer::model_all`, indexed like the graph).
pub fn lint_revisions(graph: &RevisionGraph, chosen: &[usize], models: &[RevisionModel]) -> Vec<Finding> {
    chosen
        .iter()
        .flat_map(|&index| {
            let revision = &graph.node(index).revision;
            let mut findings = lint_revision(revision);
            findings.extend(downgrade_finding(revision, &models[index]));
            findings
        })
        .collect()
}

/// `needs-newer-postgres`: the statements of one direction of a revision that use syntax or
/// functions `server` does not have, each with the feature and both versions.
pub fn version_findings(revision: &Revision, direction: Direction, server: PostgresVersion) -> Vec<Finding> {
    let section = match direction {
        Direction::Up => &revision.upgrade,
        Direction::Down => &revision.downgrade,
    };
    version_findings_parsed(revision, direction, &sql::parse_section(section), server)
}

/// [`version_findings`] on the direction's section already parsed.
pub fn version_findings_parsed(
    revision: &Revision,
    direction: Direction,
    parsed: &ParsedSection,
    server: PostgresVersion,
) -> Vec<Finding> {
    const RULE: RuleId = RuleId::NeedsNewerPostgres;
    let (name, section) = match direction {
        Direction::Up => ("upgrade", &revision.upgrade),
        Direction::Down => ("downgrade", &revision.downgrade),
    };
    let mut findings = Vec::new();
    let mut previous_end = 0;
    for (statement, tree) in parsed.analysis.statements.iter().zip(&parsed.trees) {
        let gap = &section.sql[previous_end.min(statement.offset)..statement.offset];
        previous_end = statement.offset + statement.sql.len();
        let silenced = gap
            .lines()
            .filter_map(|line| Allow::parse(line, 0))
            .chain(revision.allowed.iter().cloned())
            .any(|a| a.rule == RULE.as_str() && !a.reason.is_empty());
        let Some(tree) = tree.as_ref().filter(|_| !silenced) else { continue };
        for feature in features_used(tree).into_iter().filter(|f| f.since() > server.major) {
            let message = format!("{} needs PostgreSQL {}; the target runs {server}", feature.name(), feature.since());
            let first_line = statement.sql.lines().next().unwrap_or_default().to_owned();
            findings.push(finding(revision, Some(name), statement.start.line, Some(first_line), RULE, message));
        }
    }
    findings
}

/// `downgrade-does-not-reverse`, when the model's downgrade check found differences (an
/// empty downgrade is `empty-downgrade`'s business).
pub fn downgrade_finding(revision: &Revision, model: &RevisionModel) -> Option<Finding> {
    const RULE: RuleId = RuleId::DowngradeDoesNotReverse;
    let silenced = revision.allowed.iter().any(|a| a.rule == RULE.as_str() && !a.reason.is_empty());
    if model.downgrade_differences.is_empty() || silenced || sql::analyze(&revision.downgrade).statements.is_empty() {
        return None;
    }
    const SHOWN: usize = 3;
    let mut parts: Vec<String> = model.downgrade_differences.iter().take(SHOWN).map(difference).collect();
    if model.downgrade_differences.len() > SHOWN {
        parts.push(format!("and {} more", model.downgrade_differences.len() - SHOWN));
    }
    let message = format!("upgrade then downgrade does not restore the schema: {}", parts.join("; "));
    let marker_line = revision.downgrade.first_line.saturating_sub(1);
    Some(finding(revision, None, marker_line, None, RULE, message))
}

/// One difference between the schema before and after upgrade+downgrade, in words.
fn difference(change: &Change) -> String {
    let object = format!("{} {}", change.kind.word(), change.name);
    match change.action {
        Action::Added => format!("{object} is left behind"),
        Action::Dropped => format!("{object} is lost"),
        Action::Changed => {
            let mut what: Vec<String> = change
                .details
                .iter()
                .map(|d| {
                    let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "none".into());
                    format!("{} {} instead of {}", d.field, show(&d.after), show(&d.before))
                })
                .collect();
            if let Some(from) = &change.renamed_from {
                what.insert(0, format!("named {} instead of {from}", change.name));
            }
            format!("{object}: {}", what.join(", "))
        }
    }
}

/// What a section did: what it made, and how many statements it has.
struct Linted {
    made: checks::Made,
    statements: usize,
}

struct SectionLint<'a> {
    revision: &'a Revision,
    name: &'static str,
    section: &'a SqlSection,
    parsed: &'a ParsedSection,
    findings: &'a mut Vec<Finding>,
}

impl SectionLint<'_> {
    /// Lints the section, knowing what the revision made before it.
    fn run(&mut self, mut made: checks::Made) -> Linted {
        let parsed = self.parsed;
        let analysis = &parsed.analysis;
        for error in &analysis.errors {
            self.unreadable(error.position.line, None, RuleId::SyntaxError, error.message.clone());
        }
        let (mut needs_no_transaction, mut strong_lock, mut lock_timeout_set) = (false, None, false);
        let mut previous_end = 0;
        for (statement, tree) in analysis.statements.iter().zip(&parsed.trees) {
            let allowed = self.allows_before(statement, previous_end);
            previous_end = statement.offset + statement.sql.len();
            let tree = match (tree, &statement.error) {
                (Some(tree), _) => tree,
                (None, Some(error)) => {
                    self.unreadable(error.position.line, Some(statement), RuleId::SyntaxError, error.message.clone());
                    continue;
                }
                // It parses, but pg_query's tree of it cannot be read: never pass it over in silence.
                (None, None) => {
                    let message = "nested deeper than pg_query's parse tree can be read (protobuf decoding stops at 100 levels): no rule checked this statement".to_owned();
                    self.unreadable(statement.start.line, Some(statement), RuleId::TooDeeplyNested, message);
                    continue;
                }
            };
            for hit in checks::check(tree, &made, self.revision.transactional) {
                self.report(statement, &allowed, hit.rule, hit.message);
            }
            for name in checks::long_identifiers(&statement.sql) {
                let message = format!("`{name}` is {} bytes long; PostgreSQL keeps 63", name.len());
                self.report(statement, &allowed, RuleId::IdentifierTooLong, message);
            }
            if checks::cannot_run_in_transaction(tree) && self.revision.transactional {
                self.report(
                    statement,
                    &allowed,
                    RuleId::CannotRunInTransaction,
                    "this statement refuses to run in a transaction".into(),
                );
            }
            needs_no_transaction |= checks::wants_no_transaction(tree);
            // Only a lock_timeout set before the first strong lock bounds its wait.
            lock_timeout_set |= checks::sets_lock_timeout(tree);
            if strong_lock.is_none() && !lock_timeout_set && checks::takes_strong_lock(tree, &made) {
                strong_lock = Some(statement);
            }
            made.learn(tree);
        }
        if self.name == "upgrade"
            && !self.revision.transactional
            && !needs_no_transaction
            && !analysis.statements.is_empty()
        {
            let line = self.revision.lines.revision;
            let message = "marked `transactional: false`, yet no statement needs it".to_owned();
            self.findings.push(finding(self.revision, None, line, None, RuleId::NeedlessNonTransactional, message));
        }
        if let Some(statement) = strong_lock {
            let message = "strong locks on existing tables before any lock_timeout is set".to_owned();
            self.report(statement, &[], RuleId::MissingLockTimeout, message);
        }
        Linted { made, statements: analysis.statements.len() }
    }

    /// `-- strata:allow` lines between the previous statement and this one.
    fn allows_before(&mut self, statement: &Statement, from: usize) -> Vec<Allow> {
        let gap = &self.section.sql[from.min(statement.offset)..statement.offset];
        let gap_first_line = statement.start.line - gap.matches('\n').count() as u32;
        let allows: Vec<Allow> =
            gap.lines().enumerate().filter_map(|(i, line)| Allow::parse(line, gap_first_line + i as u32)).collect();
        for allow in allows.iter().filter(|a| a.reason.is_empty()) {
            let message = format!("`{}` is silenced without a reason", allow.rule);
            self.findings.push(finding(
                self.revision,
                Some(self.name),
                allow.line,
                None,
                RuleId::AllowWithoutReason,
                message,
            ));
        }
        allows
    }

    /// SQL no rule could read: reported whatever the `-- strata:allow` lines say.
    fn unreadable(&mut self, line: u32, statement: Option<&Statement>, rule: RuleId, message: String) {
        let first_line = statement.map(|s| s.sql.lines().next().unwrap_or_default().to_owned());
        self.findings.push(finding(self.revision, Some(self.name), line, first_line, rule, message));
    }

    fn report(&mut self, statement: &Statement, allowed: &[Allow], rule: RuleId, message: String) {
        let silenced =
            allowed.iter().chain(&self.revision.allowed).any(|a| a.rule == rule.as_str() && !a.reason.is_empty());
        if !silenced {
            let first_line = statement.sql.lines().next().unwrap_or_default().to_owned();
            let finding =
                finding(self.revision, Some(self.name), statement.start.line, Some(first_line), rule, message);
            self.findings.push(finding);
        }
    }
}

fn finding(
    revision: &Revision,
    section: Option<&str>,
    line: u32,
    statement: Option<String>,
    rule: RuleId,
    message: String,
) -> Finding {
    let rule = catalog::rule(rule);
    Finding {
        rule: rule.id.as_str().to_owned(),
        severity: rule.severity,
        revision: revision.id.clone(),
        path: revision.path.clone(),
        section: section.map(str::to_owned),
        line,
        statement,
        message,
        why: rule.why.to_owned(),
        safer: rule.safer.to_owned(),
    }
}

#[cfg(test)]
mod tests;
