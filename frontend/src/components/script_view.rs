//! An Alembic script's function beside the SQL Strata rendered from it: pointing at a line on
//! either side marks the lines it corresponds to on the other, and what could not be rendered
//! is listed and marked in the Python.

use crate::components::sql_view::{LinkedLine, SqlView};
use crate::i18n::tr;
use leptos::prelude::*;
use strata_shared::lint::Finding;
use strata_shared::revision::{SqlSection, UnknownSql};

#[component]
pub fn ScriptView(
    title: &'static str,
    kind: &'static str,
    script: String,
    section: SqlSection,
    findings: Vec<Finding>,
    highlighted: Option<u32>,
) -> impl IntoView {
    let linked = LinkedLine(RwSignal::new(None));
    provide_context(linked);
    let lines = function_lines(&script, kind);
    let unknown = section.unknown.clone();
    let python = lines
        .into_iter()
        .map(|(line_no, text)| {
            let is_unknown = unknown.iter().any(|u| u.line == line_no);
            let is_linked = move || linked.0.get() == Some(line_no);
            view! {
                <span class="line" class:linked=is_linked class:unknown-sql=is_unknown data-line=line_no
                    on:mouseenter=move |_| linked.0.set(Some(line_no))>
                    <span class="line-no">{line_no}</span>
                    <span class="code">{text}</span>
                </span>
            }
        })
        .collect_view();
    view! {
        <div class="script-pair" data-script-section=kind>
            <section class="python">
                <h2>{title} <span class="summary">"Python"</span></h2>
                <pre class="listing" data-test="python-source">{python}</pre>
                {unknown_list(unknown)}
            </section>
            <SqlView title=tr("Rendered SQL") kind section findings highlighted />
        </div>
    }
}

fn unknown_list(unknown: Vec<UnknownSql>) -> impl IntoView {
    (!unknown.is_empty()).then(|| {
        view! {
            <div class="notice" data-test="sql-unknown">
                <p>{tr("Strata cannot know the SQL of this code without running it; a run stops before this step:")}</p>
                <ul>
                    {unknown
                        .into_iter()
                        .map(|u| view! {
                            <li data-line=u.line>
                                {tr("line {n}").replace("{n}", &u.line.to_string())} ": " <code>{u.construct}</code> " — " {u.reason}
                            </li>
                        })
                        .collect_view()}
                </ul>
            </div>
        }
    })
}

/// The lines of `def NAME(...)` and its body (up to the next line at column 0 that is code),
/// numbered as in the file.
fn function_lines(script: &str, name: &str) -> Vec<(u32, String)> {
    let opening = format!("def {name}(");
    let mut lines = script.lines().enumerate();
    let Some((start, first)) = lines.by_ref().find(|(_, line)| line.starts_with(&opening)) else {
        return Vec::new();
    };
    let mut taken = vec![(start as u32 + 1, first.to_owned())];
    for (index, line) in lines {
        let top_level_code = line.starts_with(|c: char| !c.is_whitespace() && c != '#' && c != ')');
        if top_level_code {
            break;
        }
        taken.push((index as u32 + 1, line.to_owned()));
    }
    while taken.last().is_some_and(|(_, line)| line.trim().is_empty()) {
        taken.pop();
    }
    taken
}
