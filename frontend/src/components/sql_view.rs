//! A section of SQL with the file's line numbers, split into statements by PostgreSQL's
//! parser running right here in wasm, with each syntax error shown under its line.

use leptos::prelude::*;
use strata_shared::lint::{Finding, Severity};
use strata_shared::revision::SqlSection;
use strata_shared::sql::{self, SectionAnalysis, SyntaxError};

#[component]
pub fn SqlView(title: &'static str, kind: &'static str, section: SqlSection, findings: Vec<Finding>) -> impl IntoView {
    let analysis = sql::analyze(&section);
    let errors: Vec<SyntaxError> = analysis.syntax_errors().cloned().collect();
    let mut summary = summary(&analysis, errors.len());
    if !findings.is_empty() {
        summary.push_str(&format!(" · {} lint finding{}", findings.len(), if findings.len() == 1 { "" } else { "s" }));
    }
    let listing = listing(&section, &errors, &findings);
    view! {
        <section class="sql" data-section=kind>
            <h2>{title} <span class="summary">{summary}</span></h2>
            {if section.sql.trim().is_empty() {
                view! { <p class="empty">"This section is empty."</p> }.into_any()
            } else {
                view! { <pre class="listing">{listing}</pre> }.into_any()
            }}
            <ol class="statements">{analysis.statements.into_iter().map(statement_item).collect_view()}</ol>
        </section>
    }
}

fn summary(analysis: &SectionAnalysis, error_count: usize) -> String {
    let statements = analysis.statements.len();
    let mut text = format!("{statements} statement{}", if statements == 1 { "" } else { "s" });
    if error_count > 0 {
        text.push_str(&format!(" · {error_count} syntax error{}", if error_count == 1 { "" } else { "s" }));
    }
    text
}

/// The section's lines, numbered as in the file, each error and finding under its line.
fn listing(section: &SqlSection, errors: &[SyntaxError], findings: &[Finding]) -> impl IntoView + use<> {
    section
        .sql
        .trim_end()
        .lines()
        .enumerate()
        .map(|(index, line)| {
            let line_no = section.first_line + index as u32;
            let line_errors: Vec<SyntaxError> = errors.iter().filter(|e| e.position.line == line_no).cloned().collect();
            let line_findings: Vec<Finding> = findings.iter().filter(|f| f.line == line_no).cloned().collect();
            let class = if line_errors.is_empty() { "line" } else { "line has-error" };
            view! {
                <span class=class data-line=line_no>
                    <span class="line-no">{line_no}</span>
                    <span class="code">{line.to_owned()}</span>
                </span>
                {line_errors.into_iter().map(error_marker).collect_view()}
                {line_findings.into_iter().map(finding_marker).collect_view()}
            }
        })
        .collect_view()
}

fn error_marker(error: SyntaxError) -> impl IntoView {
    let caret = format!("{}^ ", " ".repeat(error.position.column.saturating_sub(1) as usize));
    let place = format!("line {}, column {}", error.position.line, error.position.column);
    view! {
        <span class="syntax-error" data-test="syntax-error" data-line=error.position.line data-column=error.position.column>
            <span class="line-no"></span>
            <span class="code">{caret}<strong class="pg-message">{error.message}</strong>" ("{place}")"</span>
        </span>
    }
}

fn severity_name(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Hint => "hint",
    }
}

/// A lint finding under its line: the rule, what was seen, and (unfolded) why and instead.
fn finding_marker(finding: Finding) -> impl IntoView {
    let severity = severity_name(finding.severity);
    view! {
        <details class=format!("finding {severity}") data-test="finding" data-rule=finding.rule.clone() data-line=finding.line>
            <summary>{format!("{severity} {}: {}", finding.rule, finding.message)}</summary>
            <span class="why">"Why: " {finding.why}</span>
            <span class="safer">"Instead: " {finding.safer}</span>
        </details>
    }
}

/// Findings about the revision as a whole (an empty downgrade, a needless non-transactional mark).
#[component]
pub fn RevisionFindings(findings: Vec<Finding>) -> impl IntoView {
    (!findings.is_empty()).then(|| {
        view! {
            <ul class="revision-findings">
                {findings
                    .into_iter()
                    .map(|f| {
                        let severity = severity_name(f.severity);
                        view! {
                            <li class=format!("finding {severity}") data-test="finding" data-rule=f.rule.clone() data-line=f.line>
                                <strong>{format!("{severity} {}", f.rule)}</strong>
                                {format!(": {}. {} Instead: {}", f.message, f.why, f.safer)}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
    })
}

fn statement_item(statement: sql::Statement) -> impl IntoView {
    let lines = if statement.start.line == statement.end.line {
        format!("line {}", statement.start.line)
    } else {
        format!("lines {}–{}", statement.start.line, statement.end.line)
    };
    let ok = statement.error.is_none();
    let first_line = statement.sql.lines().next().unwrap_or_default().to_owned();
    // PostgreSQL's parser, here in wasm: what kind of statement, on what, and how it reads formatted.
    let info = ok.then(|| sql::describe(&statement.sql)).flatten();
    let kind = info.as_ref().map(|i| format!("{:?}", i.kind).to_lowercase());
    let objects = info.as_ref().map(|i| i.objects.join(", ")).unwrap_or_default();
    let formatted = info.map(|i| i.formatted);
    let kind_attribute = kind.clone().unwrap_or_default();
    view! {
        <li class=if ok { "statement" } else { "statement broken" } data-kind=kind_attribute>
            <span class="where">{lines}</span>
            {kind.map(|k| view! { <span class="tag kind">{k}</span> })}
            <code>{first_line}</code>
            {(!objects.is_empty()).then(|| view! { <span class="objects">" on " {objects}</span> })}
            {formatted.map(|f| view! {
                <details class="formatted"><summary>"formatted"</summary><pre>{f}</pre></details>
            })}
        </li>
    }
}
