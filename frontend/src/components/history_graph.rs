//! The history as a graph in SVG: lanes like `git log --graph`, heads, merges, branch labels,
//! depends_on as dashed lines, and a marker where each environment stands. Only the rows in
//! view are drawn, so thousands of revisions scroll smoothly.

use crate::i18n::tr;
use crate::timing::now;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use std::collections::HashMap;
use std::sync::Arc;
use strata_shared::api::{EnvironmentStatus, HistoryNode, ProjectAnalysis, RevisionSummary, graph_of};
use strata_shared::graph::RevisionGraph;
use strata_shared::layout::Layout;
use strata_shared::lint::Severity;
use strata_shared::review::{ReviewSummary, Verdict};

const ROW: f64 = 30.0;
const LANE: f64 = 18.0;
/// Rows drawn beyond the visible ones, above and below.
const OVERSCAN: usize = 15;
/// Rows a tall window shows; the container is no taller than this.
const VISIBLE: usize = 40;

/// What the graph draws, computed once per project.
struct GraphModel {
    graph: RevisionGraph,
    layout: Layout,
}

impl GraphModel {
    fn new(nodes: &[HistoryNode]) -> Self {
        let graph = graph_of(nodes);
        let layout = Layout::of(&graph);
        GraphModel { graph, layout }
    }
}

fn x(lane: usize) -> f64 {
    10.0 + lane as f64 * LANE
}

fn y(row: usize) -> f64 {
    row as f64 * ROW + ROW / 2.0
}

#[component]
pub fn HistoryGraph(
    nodes: Vec<HistoryNode>,
    /// Where each environment stands; they may arrive after the history.
    environments: Signal<Vec<EnvironmentStatus>>,
    analysis: RwSignal<Option<ProjectAnalysis>, LocalStorage>,
) -> impl IntoView {
    // From the data's arrival to the first drawn graph, for the record (and the benchmark).
    let arrived = now();
    let model = Arc::new(GraphModel::new(&nodes));
    let drawn_after = RwSignal::new(None::<f64>);
    Effect::new(move |_| drawn_after.set(Some(now() - arrived)));
    let scroll = RwSignal::new(0.0f64);
    // The search lives in the URL (`/?q=…`), so a reload or a shared link keeps it.
    let url_query = use_query_map();
    let navigate = use_navigate();
    let query = RwSignal::new(url_query.read_untracked().get("q").unwrap_or_default());
    let search = move |text: String| {
        query.set(text.clone());
        let encoded = String::from(js_sys::encode_uri_component(&text));
        let path = if text.is_empty() { "/".to_owned() } else { format!("/?q={encoded}") };
        navigate(&path, NavigateOptions { replace: true, scroll: false, ..Default::default() });
    };
    let container = NodeRef::<leptos::html::Div>::new();
    let total = model.layout.rows.len();
    let width = x(model.layout.lanes.max(1)) + 4.0;
    // Where each environment stands: revision id → environment names.
    let markers = Memo::new(move |_| {
        let mut markers: HashMap<String, Vec<String>> = HashMap::new();
        for environment in environments.get() {
            for id in environment.current {
                markers.entry(id).or_default().push(environment.name.clone());
            }
        }
        markers
    });
    let matches = {
        let model = model.clone();
        Memo::new(move |_| {
            let query = query.get().trim().to_lowercase();
            if query.is_empty() {
                return None;
            }
            let found: Vec<usize> = model
                .layout
                .rows
                .iter()
                .enumerate()
                .filter(|(_, placed)| matches(&model.graph, placed.revision, &query))
                .map(|(row, _)| row)
                .collect();
            Some(found)
        })
    };
    let jump_to = move |row: usize| {
        if let Some(element) = container.get() {
            element.set_scroll_top((row as f64 * ROW - 2.0 * ROW).max(0.0) as i32);
        }
    };
    let window = move || {
        let first = ((scroll.get() / ROW) as usize).saturating_sub(OVERSCAN);
        let last = (first + VISIBLE + 2 * OVERSCAN).min(total);
        (first, last)
    };
    let drawn = {
        let model = model.clone();
        move || {
            let (first, last) = window();
            let hits = matches.get();
            let is_hit = |row: usize| hits.as_ref().is_none_or(|h| h.binary_search(&row).is_ok());
            let rows = (first..last)
                .map(|row| {
                    let placed = model.layout.rows[row];
                    let node = model.graph.node(placed.revision);
                    let lines_of_history = model.graph.labels_of(placed.revision).join(", ");
                    let marked = markers.with(|m| m.get(model.graph.id(placed.revision)).cloned().unwrap_or_default());
                    row_view(node, lines_of_history, row, placed.lane, width, marked, analysis, is_hit(row))
                })
                .collect_view();
            view! {
                <svg class="lanes" width=width height=(last - first) as f64 * ROW
                    style=format!("top: {}px", first as f64 * ROW) aria-hidden="true">
                    <g transform=format!("translate(0, {})", -(first as f64) * ROW)>
                        {edges(&model, first, last)}
                        {circles(&model, first, last)}
                    </g>
                </svg>
                {rows}
            }
        }
    };
    view! {
        <div class="history" data-test="revision-list" data-rows=total
            data-drawn-ms=move || drawn_after.get().map(|ms| format!("{ms:.0}"))>
            <div class="history-search">
                <input type="search" data-test="search" placeholder=tr("Search by id, message or label")
                    aria-label=tr("Search by id, message or label")
                    prop:value=query.get_untracked()
                    on:input=move |ev| search(event_target_value(&ev))
                    on:keydown=move |ev| {
                        if ev.key() == "Enter" && let Some(Some(first)) = matches.get_untracked().map(|m| m.first().copied()) {
                            jump_to(first);
                        }
                    } />
                {move || matches.get().map(|m| view! {
                    <span class="muted" data-test="match-count">{tr("{n} matches").replace("{n}", &m.len().to_string())}</span>
                })}
            </div>
            <div class="history-scroll" node_ref=container
                on:scroll=move |ev| scroll.set(event_target::<web_sys::Element>(&ev).scroll_top() as f64)>
                <div class="history-canvas" style=format!("height: {}px", total as f64 * ROW)>{drawn}</div>
            </div>
        </div>
    }
}

/// Id prefix, words of the message, or a branch label.
fn matches(graph: &RevisionGraph, index: usize, query: &str) -> bool {
    let node = graph.node(index);
    node.id().starts_with(query)
        || node.revision.message.as_deref().is_some_and(|m| m.to_lowercase().contains(query))
        || graph.labels_of(index).iter().any(|l| l.to_lowercase().contains(query))
}

/// Parent and dependency lines that cross rows `first..last`.
fn edges(model: &GraphModel, first: usize, last: usize) -> impl IntoView + use<> {
    let rows = &model.layout.rows;
    model
        .layout
        .edges
        .iter()
        .filter(|e| e.from_row < last && e.to_row >= first)
        .map(|edge| {
            let (child, parent) = (rows[edge.from_row], rows[edge.to_row]);
            let (x1, y1, x2, y2, xl) = (x(child.lane), y(edge.from_row), x(parent.lane), y(edge.to_row), x(edge.lane));
            let d = if edge.dependency {
                format!("M {x1} {y1} C {} {y1}, {} {y2}, {x2} {y2}", x1 + LANE, x2 + LANE)
            } else if edge.to_row == edge.from_row + 1 || (child.lane == edge.lane && parent.lane == edge.lane) {
                format!("M {x1} {y1} C {x1} {}, {x2} {}, {x2} {y2}", y1 + ROW / 2.0, y2 - ROW / 2.0)
            } else {
                // Leave the child into the edge's lane, run down it, join the parent.
                let (down, up) = (y1 + ROW, y2 - ROW);
                format!(
                    "M {x1} {y1} C {x1} {}, {xl} {}, {xl} {down} L {xl} {up} C {xl} {}, {x2} {}, {x2} {y2}",
                    y1 + ROW / 2.0,
                    down - ROW / 2.0,
                    up + ROW / 2.0,
                    y2 - ROW / 2.0
                )
            };
            let class = if edge.dependency { "edge dependency" } else { "edge" };
            view! { <path class=class d=d /> }
        })
        .collect_view()
}

fn circles(model: &GraphModel, first: usize, last: usize) -> impl IntoView + use<> {
    (first..last)
        .map(|row| {
            let placed = model.layout.rows[row];
            let node = model.graph.node(placed.revision);
            let class = if node.children.is_empty() {
                "node head"
            } else if node.down.len() > 1 {
                "node merge"
            } else {
                "node"
            };
            view! { <circle class=class cx=x(placed.lane) cy=y(row) r=5 /> }
        })
        .collect_view()
}

#[allow(clippy::too_many_arguments)]
fn row_view(
    node: &strata_shared::graph::Node,
    lines_of_history: String,
    row: usize,
    lane: usize,
    width: f64,
    environments: Vec<String>,
    analysis: RwSignal<Option<ProjectAnalysis>, LocalStorage>,
    hit: bool,
) -> impl IntoView + use<> {
    let revision = &node.revision;
    let id = revision.id.clone();
    let href = format!("/revisions/{id}");
    let is_head = node.is_head();
    let is_merge = revision.parents.len() > 1;
    let summary = {
        let id = id.clone();
        move || analysis.with(|a| a.as_ref().map(|a| a.revisions.get(&id).cloned().unwrap_or_default()))
    };
    let schema_summary = summary.clone();
    let review = {
        let (reviews, id) = (expect_context::<crate::context::Data>().reviews, id.clone());
        move || {
            let all = reviews.get().and_then(Result::ok)?;
            all.into_iter().find(|r| r.revision == id).map(review_cell)
        }
    };
    let class = if hit { "history-row" } else { "history-row dimmed" };
    // A click anywhere on the row opens the revision (the id is the keyboard's way in).
    let open = {
        let (href, navigate) = (href.clone(), use_navigate());
        move |_| navigate(&href, Default::default())
    };
    view! {
        <div class=class data-revision=id.clone() data-lane=lane on:click=open title=lines_of_history
            style=format!("top: {}px; padding-left: {}px", row as f64 * ROW, width + 8.0)>
            <a href=href><code>{id.clone()}</code></a>
            {is_head.then(|| view! { <span class="tag head">{tr("head")}</span> })}
            {is_merge.then(|| view! { <span class="tag merge">{tr("merge")}</span> })}
            // Its own labels; the inherited ones (its line of history) are in the tooltip.
            {revision.branch_labels.iter().map(|l| view! { <span class="tag label">{l.clone()}</span> }).collect_view()}
            {environments.into_iter().map(|name| view! {
                <span class="tag environment-marker" data-environment-marker=name.clone()>{format!("◆ {name}")}</span>
            }).collect_view()}
            {review}
            <span class="message">{revision.message.clone().unwrap_or_default()}</span>
            <span class="counts">
                <span class="schema-summary">{move || schema_summary().map(schema_cell)}</span>
                " "
                <span class="lint-summary">{move || summary().map(lint_cell)}</span>
            </span>
        </div>
    }
}

/// The review state (✓ approved, ✗ changes requested) and the open threads.
fn review_cell(summary: ReviewSummary) -> impl IntoView {
    let state = summary.state.map(|state| match state {
        Verdict::Approved => view! { <span class="tag review approved" data-review="approved">{format!("✓ {}", tr("approved"))}</span> },
        Verdict::ChangesRequested => view! {
            <span class="tag review changes-requested" data-review="changes-requested">{format!("✗ {}", tr("changes requested"))}</span>
        },
    });
    let open = (summary.open_threads > 0).then(|| {
        let title = tr("open threads");
        view! { <span class="tag threads" title=title data-open-threads=summary.open_threads>{format!("💬 {}", summary.open_threads)}</span> }
    });
    view! { {state} {open} }
}

/// `+2 ~1 −1`: objects the revision adds, changes and drops.
fn schema_cell(summary: RevisionSummary) -> impl IntoView {
    if summary.unknown {
        return view! { <span class="muted">{tr("unknown")}</span> }.into_any();
    }
    let parts = [("+", summary.added, "added"), ("~", summary.changed, "changed"), ("−", summary.dropped, "dropped")];
    parts
        .into_iter()
        .filter(|(_, n, _)| *n > 0)
        .map(|(sign, n, class)| view! { <span class=format!("count {class}")>{format!("{sign}{n}")}</span> " " })
        .collect_view()
        .into_any()
}

/// Findings by severity: `1E 2W`.
fn lint_cell(summary: RevisionSummary) -> impl IntoView {
    let parts = [
        (summary.errors, Severity::Error, "E"),
        (summary.warnings, Severity::Warning, "W"),
        (summary.hints, Severity::Hint, "H"),
    ];
    let shown: Vec<_> = parts
        .into_iter()
        .filter(|(n, _, _)| *n > 0)
        .map(|(n, severity, letter)| view! { <span class=format!("count {severity}") title=severity.name()>{format!("{n}{letter}")}</span> " " })
        .collect();
    if shown.is_empty() {
        view! { <span class="muted">{tr("clean")}</span> }.into_any()
    } else {
        shown.collect_view().into_any()
    }
}
