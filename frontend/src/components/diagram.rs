//! Tables and their foreign keys as an SVG diagram: a box per table with its columns (keys
//! marked), a line per foreign key, and the tables a step touched highlighted.

use leptos::prelude::*;
use std::collections::{BTreeMap, HashSet};
use strata_shared::schema::{ConstraintKind, QualifiedName, Schema};

const BOX_WIDTH: f64 = 250.0;
/// Characters of a column line that fit in a box.
const LINE_CHARS: usize = 36;
const LINE: f64 = 16.0;
const HEADER: f64 = 24.0;
const GAP: f64 = 40.0;
/// Columns listed per box before `…`.
const SHOWN_COLUMNS: usize = 10;

struct Placed {
    x: f64,
    y: f64,
    height: f64,
}

#[component]
pub fn Diagram(schema: Schema, #[prop(optional)] highlight: HashSet<String>) -> impl IntoView {
    let tables: Vec<(&QualifiedName, _)> = schema.tables.iter().collect();
    let per_row = (tables.len() as f64).sqrt().ceil().max(1.0) as usize;
    let heights: Vec<f64> =
        tables.iter().map(|(_, t)| HEADER + LINE * (t.columns.len().min(SHOWN_COLUMNS + 1)) as f64 + 6.0).collect();
    let mut placed: BTreeMap<&QualifiedName, Placed> = BTreeMap::new();
    let mut y = 10.0;
    for (row, chunk) in tables.chunks(per_row).enumerate() {
        let row_height = heights[row * per_row..row * per_row + chunk.len()].iter().copied().fold(0.0, f64::max);
        for (i, (name, _)) in chunk.iter().enumerate() {
            let height = heights[row * per_row + i];
            placed.insert(name, Placed { x: 10.0 + i as f64 * (BOX_WIDTH + GAP), y, height });
        }
        y += row_height + GAP;
    }
    let width = 10.0 + per_row as f64 * (BOX_WIDTH + GAP);
    let height = y;
    let placed_ref = &placed;
    let lines = tables
        .iter()
        .flat_map(|(name, table)| {
            table.constraints.iter().filter(|c| c.kind == ConstraintKind::ForeignKey).filter_map(move |c| {
                let (from, to) = (placed_ref.get(name)?, placed_ref.get(&c.references.as_ref()?.table)?);
                let (x1, y1) = (from.x + BOX_WIDTH, from.y + HEADER / 2.0);
                let (x2, y2) = (to.x, to.y + HEADER / 2.0);
                let d = format!("M {x1} {y1} C {} {y1}, {} {y2}, {x2} {y2}", x1 + 40.0, x2 - 40.0);
                let title = format!("{}: {} → {}", c.name, name, c.references.as_ref()?.table);
                Some(view! { <path class="foreign-key" d=d><title>{title}</title></path> })
            })
        })
        .collect_view();
    let boxes = tables
        .iter()
        .map(|(name, table)| {
            let at = &placed[name];
            let key_columns: HashSet<&str> = table
                .constraints
                .iter()
                .filter(|c| c.kind == ConstraintKind::PrimaryKey)
                .flat_map(|c| c.columns.iter().map(String::as_str))
                .collect();
            let label = name.to_string();
            let class = if highlight.contains(&label) { "table-box changed" } else { "table-box" };
            let mut lines: Vec<String> = table
                .columns
                .iter()
                .take(SHOWN_COLUMNS)
                .map(|c| {
                    let key = if key_columns.contains(c.name.as_str()) { "PK " } else { "" };
                    let line = format!("{key}{} {}", c.name, c.data_type);
                    match line.char_indices().nth(LINE_CHARS) {
                        Some((cut, _)) => format!("{}…", &line[..cut]),
                        None => line,
                    }
                })
                .collect();
            if table.columns.len() > SHOWN_COLUMNS {
                lines.push(format!("… {} more", table.columns.len() - SHOWN_COLUMNS));
            }
            let texts = lines
                .into_iter()
                .enumerate()
                .map(|(i, text)| {
                    view! { <text class="column" x=at.x + 8.0 y=at.y + HEADER + LINE * (i as f64 + 0.8)>{text}</text> }
                })
                .collect_view();
            let data_table = label.clone();
            view! {
                <g class=class data-table=data_table>
                    <rect x=at.x y=at.y width=BOX_WIDTH height=at.height rx=4 />
                    <text class="table-name" x=at.x + 8.0 y=at.y + 16.0>{label}</text>
                    {texts}
                </g>
            }
        })
        .collect_view();
    view! {
        <div class="diagram-scroll">
            <svg class="diagram" data-test="diagram" width=width height=height viewBox=format!("0 0 {width} {height}")>
                {lines}
                {boxes}
            </svg>
        </div>
    }
}
