//! `heads`, `history`, `branches`, `show`: the graph as text, read-only.

use super::format::{self, Line};
use super::{Loaded, Output};
use anyhow::Result;
use serde_json::Value;
use std::process::ExitCode;
use strata_shared::graph::{Ident, Point};
use strata_shared::history;

pub fn heads(loaded: &Loaded<'_>, out: Output, verbose: bool, resolve_dependencies: bool) -> Result<ExitCode> {
    let graph = &loaded.project.graph;
    let heads = if resolve_dependencies { graph.real_heads() } else { graph.heads() };
    out.print(
        || heads.iter().map(|&h| format::json(graph, h)).collect(),
        || {
            let parts = Line { branches: true, ..Line::default() };
            // One print per revision, as Alembic prints them (a verbose entry ends in a blank line).
            heads
                .iter()
                .map(|&h| {
                    if verbose {
                        format::entry(graph, h, loaded.dir, false)
                    } else {
                        format::line(graph, h, parts, false)
                    }
                })
                .map(|text| text + "\n")
                .collect::<String>()
        },
    );
    Ok(loaded.exit_code())
}

pub fn history(
    loaded: &Loaded<'_>,
    out: Output,
    range: Option<&str>,
    verbose: bool,
    indicate_current: bool,
    current: Option<Vec<String>>,
) -> Result<ExitCode> {
    let graph = &loaded.project.graph;
    let order = history::revisions_in_range(graph, range, current.as_deref())?;
    let is_current = |index: usize| {
        indicate_current && current.as_ref().is_some_and(|rows| rows.iter().any(|r| r == graph.id(index)))
    };
    out.print_lines(
        || order.iter().map(|&i| format::json(graph, i)).collect(),
        || {
            let parts = Line { branches: true, doc: true, parents: true, tree_indicators: true };
            order.iter().map(move |&i| {
                if verbose {
                    format::entry(graph, i, loaded.dir, is_current(i))
                } else {
                    format::line(graph, i, parts, is_current(i))
                }
            })
        },
    );
    Ok(loaded.exit_code())
}

pub fn branches(loaded: &Loaded<'_>, out: Output, verbose: bool) -> Result<ExitCode> {
    let graph = &loaded.project.graph;
    let points: Vec<usize> = graph.history_order().into_iter().filter(|&i| graph.node(i).is_branch_point()).collect();
    out.print(
        || points.iter().map(|&i| format::json(graph, i)).collect(),
        || {
            let mut text = String::new();
            for &point in &points {
                let head = if verbose {
                    format::entry(graph, point, loaded.dir, false)
                } else {
                    format::line(graph, point, Line { branches: true, tree_indicators: true, ..Line::default() }, false)
                };
                text.push_str(&head);
                text.push('\n');
                let indent = " ".repeat(graph.id(point).len());
                for &child in &graph.node(point).children {
                    let parts = Line { branches: true, doc: verbose, tree_indicators: true, ..Line::default() };
                    text.push_str(&format!("{indent} -> {}\n", format::line(graph, child, parts, false)));
                }
                text.push('\n');
            }
            text
        },
    );
    Ok(loaded.exit_code())
}

pub fn show(loaded: &Loaded<'_>, out: Output, spec: &str) -> Result<ExitCode> {
    let graph = &loaded.project.graph;
    // `base`, `LABEL@base` and `nosuch@-1` name no revision: Alembic then prints nothing, exit 0.
    let shown: Vec<usize> = graph.get_revisions(Ident::Spec(spec))?.into_iter().filter_map(Point::revision).collect();
    out.print(
        || Value::Array(shown.iter().map(|&i| format::json(graph, i)).collect()),
        || shown.iter().map(|&i| format::entry(graph, i, loaded.dir, false) + "\n").collect::<String>(),
    );
    Ok(loaded.exit_code())
}
