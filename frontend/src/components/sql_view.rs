//! A section of SQL with the file's line numbers, split into statements by PostgreSQL's
//! parser (in the SQL engine worker), with each syntax error shown under its line.

use crate::components::engine_answer::when_answered;
use crate::components::review_panel::LineComments;
use crate::engine;
use crate::i18n::{rule_texts, tr};
use crate::session;
use leptos::prelude::*;
use strata_frontend::engine_protocol::SectionView;
use strata_shared::access::Action;
use strata_shared::lint::Finding;
use strata_shared::revision::SqlSection;
use strata_shared::sql::{self, SectionAnalysis, StatementInfo, SyntaxError, highlight};

#[component]
pub fn SqlView(
    title: &'static str,
    kind: &'static str,
    section: SqlSection,
    findings: Vec<Finding>,
    highlighted: Option<u32>,
) -> impl IntoView {
    let answer = {
        let section = section.clone();
        LocalResource::new(move || engine::section(section.clone()))
    };
    // A syntax error is also a lint finding (so `strata lint` fails on it); here PostgreSQL's
    // own message under the line already says it.
    let findings: Vec<Finding> = findings.into_iter().filter(|f| f.rule != "syntax-error").collect();
    // Taken now, not when the answer comes: the downgrade's script view provides its own
    // `LinkedLine` in the same owner right after this one's.
    let linked = use_context::<LinkedLine>();
    view! {
        <section class="sql" data-section=kind>
            {when_answered(answer, move |answer| section_view(title, &section, answer, &findings, highlighted, linked))}
        </section>
    }
}

fn section_view(
    title: &'static str,
    section: &SqlSection,
    answer: SectionView,
    findings: &[Finding],
    highlighted: Option<u32>,
    linked: Option<LinkedLine>,
) -> impl IntoView + use<> {
    let SectionView { analysis, described, tokens } = answer;
    let errors: Vec<SyntaxError> = analysis.syntax_errors().cloned().collect();
    let mut summary = summary(&analysis, errors.len());
    if !findings.is_empty() {
        summary.push_str(&format!(" · {}", counted(findings.len(), "1 lint finding", "{n} lint findings")));
    }
    let listing = listing(section, &tokens, &errors, findings, highlighted, linked);
    let statements = analysis.statements.into_iter().zip(described).map(|(s, info)| statement_item(s, info));
    view! {
        <h2>{title} <span class="summary">{summary}</span></h2>
        {if section.sql.trim().is_empty() {
            view! { <p class="empty">{tr("This section is empty.")}</p> }.into_any()
        } else {
            view! { <pre class="listing">{listing}</pre> }.into_any()
        }}
        <ol class="statements">{statements.collect_view()}</ol>
    }
}

/// `1 statement`, `3 statements`, in the current language.
fn counted(n: usize, one: &'static str, many: &'static str) -> String {
    if n == 1 { tr(one).to_owned() } else { tr(many).replace("{n}", &n.to_string()) }
}

fn summary(analysis: &SectionAnalysis, error_count: usize) -> String {
    let statements = analysis.statements.len();
    let mut text = counted(statements, "1 statement", "{n} statements");
    if error_count > 0 {
        text.push_str(&format!(" · {}", counted(error_count, "1 syntax error", "{n} syntax errors")));
    }
    text
}

/// The script line a reader points at, shared by the Python source and the SQL rendered from
/// it (provided by `script_view`), so each side marks the other's lines.
#[derive(Clone, Copy)]
pub struct LinkedLine(pub RwSignal<Option<u32>>);

/// The section's lines, numbered as in the file and coloured by PostgreSQL's scanner; each
/// error underlined at its column with PostgreSQL's message under the line, and each finding
/// under its line. `highlighted` (from `?line=`) marks one line and scrolls it into view.
/// SQL rendered from a script numbers its lines by the script line they came from; errors
/// and findings then go under the last SQL line of that script line.
fn listing(
    section: &SqlSection,
    tokens: &[(std::ops::Range<usize>, highlight::TokenClass)],
    errors: &[SyntaxError],
    findings: &[Finding],
    highlighted: Option<u32>,
    linked: Option<LinkedLine>,
) -> impl IntoView + use<> {
    let text = section.sql.trim_end();
    let line_count = text.split('\n').count();
    let mut line_start = 0;
    text.split('\n')
        .enumerate()
        .map(|(index, line)| {
            let start = line_start;
            line_start += line.len() + 1;
            let line_no = section.file_line(index);
            let last_of_line = index + 1 == line_count || section.file_line(index + 1) != line_no;
            let here = |at: u32| last_of_line && at == line_no;
            let line_errors: Vec<SyntaxError> = errors.iter().filter(|e| here(e.position.line)).cloned().collect();
            let line_findings: Vec<Finding> = findings.iter().filter(|f| here(f.line)).cloned().collect();
            // Where the error points, as a byte offset in the line (columns count characters).
            let error_at = line_errors.first().map(|e| {
                line.char_indices().nth(e.position.column.saturating_sub(1) as usize).map_or(line.len(), |(i, _)| i)
            });
            let mut class = if line_errors.is_empty() { "line".to_owned() } else { "line has-error".to_owned() };
            if highlighted == Some(line_no) {
                class.push_str(" highlighted");
            }
            let node_ref = NodeRef::<leptos::html::Span>::new();
            if highlighted == Some(line_no) {
                Effect::new(move |_| {
                    if let Some(element) = node_ref.get() {
                        element.scroll_into_view();
                    }
                });
            }
            let is_linked = move || linked.is_some_and(|l| l.0.get() == Some(line_no));
            let point_here = move |_| {
                if let Some(l) = linked {
                    l.0.set(Some(line_no));
                }
            };
            view! {
                <span class=class class:linked=is_linked data-line=line_no node_ref=node_ref on:mouseenter=point_here>
                    {line_number(line_no)}
                    <span class="code">{coloured(line, start, tokens, error_at)}</span>
                </span>
                {line_errors.into_iter().map(error_marker).collect_view()}
                {line_findings.into_iter().map(finding_marker).collect_view()}
            }
        })
        .collect_view()
}

/// The line's number; on a revision page, a click starts a comment on the line (for those who
/// may review), and a mark shows lines that have threads.
fn line_number(line_no: u32) -> impl IntoView {
    let Some(lines) = use_context::<LineComments>() else {
        return view! { <span class="line-no">{line_no}</span> }.into_any();
    };
    let has_thread = move || lines.with_threads.with(|l| l.contains(&line_no));
    if !session::may(Action::Review) {
        return view! { <span class="line-no" class:has-thread=has_thread>{line_no}</span> }.into_any();
    }
    let comment_here = move |_| {
        lines.line.set(line_no.to_string());
        if let Some(form) = leptos::prelude::document().get_element_by_id("new-comment") {
            form.scroll_into_view();
        }
    };
    view! {
        <button class="line-no" class:has-thread=has_thread data-test="comment-on-line" title=tr("Comment on this line")
            on:click=comment_here>{line_no}</button>
    }
    .into_any()
}

/// One line cut into coloured token spans; the token an error points at is underlined.
fn coloured(
    line: &str,
    line_start: usize,
    tokens: &[(std::ops::Range<usize>, highlight::TokenClass)],
    error_at: Option<usize>,
) -> impl IntoView + use<> {
    let line_end = line_start + line.len();
    let mut pieces: Vec<(String, String)> = Vec::new();
    let mut at = 0;
    for (range, token_class) in tokens.iter().filter(|(r, _)| r.end > line_start && r.start < line_end) {
        let (from, to) = (range.start.max(line_start) - line_start, range.end.min(line_end) - line_start);
        if from > at {
            pieces.push((line[at..from].to_owned(), String::new()));
        }
        let mut class = token_class.css().to_owned();
        if error_at.is_some_and(|e| e >= from && e < to) {
            class.push_str(" error-at");
        }
        pieces.push((line[from..to].to_owned(), class));
        at = to;
    }
    if at < line.len() {
        let rest_has_error = error_at.is_some_and(|e| e >= at);
        pieces.push((line[at..].to_owned(), if rest_has_error { "error-at".into() } else { String::new() }));
    } else if error_at == Some(line.len()) {
        pieces.push((" ".to_owned(), "error-at".into())); // the error is at the end of the line
    }
    pieces
        .into_iter()
        .map(
            |(text, class)| {
                if class.is_empty() { text.into_any() } else { view! { <span class=class>{text}</span> }.into_any() }
            },
        )
        .collect_view()
}

fn error_marker(error: SyntaxError) -> impl IntoView {
    let caret = format!("{}^ ", " ".repeat(error.position.column.saturating_sub(1) as usize));
    let place = tr("line {l}, column {c}")
        .replace("{l}", &error.position.line.to_string())
        .replace("{c}", &error.position.column.to_string());
    view! {
        <span class="syntax-error" data-test="syntax-error" data-line=error.position.line data-column=error.position.column>
            <span class="line-no"></span>
            <span class="code">{caret}<strong class="pg-message">{error.message}</strong>" ("{place}")"</span>
        </span>
    }
}

/// A lint finding under its line: the rule, what was seen, and (unfolded) why and instead.
fn finding_marker(finding: Finding) -> impl IntoView {
    let severity = finding.severity.name();
    let (why, instead) = rule_texts(&finding.rule, &finding.why, &finding.safer);
    let (why, instead) = (why.to_owned(), instead.to_owned());
    view! {
        <details class=format!("finding {severity}") data-test="finding" data-rule=finding.rule.clone() data-line=finding.line>
            <summary>{format!("{severity} {}: {}", finding.rule, finding.message)}</summary>
            <span class="why">{tr("Why:")} " " {why}</span>
            <span class="safer">{tr("Instead:")} " " {instead}</span>
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
                        let severity = f.severity.name();
                        view! {
                            <li class=format!("finding {severity}") data-test="finding" data-rule=f.rule.clone() data-line=f.line>
                                <strong>{format!("{severity} {}", f.rule)}</strong>
                                {let (why, instead) = rule_texts(&f.rule, &f.why, &f.safer);
                                    format!(": {}. {why} {} {instead}", f.message, tr("Instead:"))}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
    })
}

/// A statement with what PostgreSQL's parser makes of it (`info`, when it parses).
fn statement_item(statement: sql::Statement, info: Option<StatementInfo>) -> impl IntoView {
    let lines = if statement.start.line == statement.end.line {
        tr("line {n}").replace("{n}", &statement.start.line.to_string())
    } else {
        tr("lines {a}–{b}")
            .replace("{a}", &statement.start.line.to_string())
            .replace("{b}", &statement.end.line.to_string())
    };
    let ok = statement.error.is_none();
    let first_line = statement.sql.lines().next().unwrap_or_default().to_owned();
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
