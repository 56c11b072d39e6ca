//! Tables and their foreign keys as an SVG diagram, laid out by `shared::diagram` (referenced
//! tables left of the tables that reference them, lines routed between boxes). Every column
//! shows, collapsible per table or all at once; drag pans, the wheel and the buttons zoom;
//! hovering over a table (or clicking it, which keeps it) highlights it, its neighbours and the lines between them;
//! the picture exports as SVG or PNG. Tables a walkthrough step touched are marked.

use super::diagram_export::{download_png, download_svg, svg_document};
use super::diagram_model::{BOX_WIDTH, DiagramModel, HEADER, line_baseline, name_baseline};
use crate::i18n::tr;
use leptos::prelude::*;
use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;
use strata_shared::diagram::Drawing;
use strata_shared::schema::Schema;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

const MIN_SCALE: f64 = 0.01;
const MAX_SCALE: f64 = 4.0;
const ZOOM_STEP: f64 = 1.25;
/// Pointer travel (px) after which a press is a drag, not a click.
const DRAG_THRESHOLD: f64 = 4.0;

/// The drawing's offset and scale in the viewport.
#[derive(Clone, Copy, Debug, PartialEq)]
struct View {
    x: f64,
    y: f64,
    scale: f64,
}

impl View {
    /// Scales by `factor` keeping the drawing point under (`px`, `py`) in place.
    fn zoomed(self, factor: f64, px: f64, py: f64) -> View {
        let scale = (self.scale * factor).clamp(MIN_SCALE, MAX_SCALE);
        let k = scale / self.scale;
        View { x: px - (px - self.x) * k, y: py - (py - self.y) * k, scale }
    }

    /// The whole drawing in a `width`×`height` viewport, centred, never enlarged.
    fn fitting(drawing: &Drawing, width: f64, height: f64) -> View {
        let scale = (width / drawing.width).min(height / drawing.height).clamp(MIN_SCALE, 1.0);
        View { x: (width - drawing.width * scale) / 2.0, y: ((height - drawing.height * scale) / 2.0).max(0.0), scale }
    }
}

#[component]
pub fn Diagram(schema: Schema, #[prop(optional)] highlight: HashSet<String>) -> impl IntoView {
    let model = Arc::new(DiagramModel::of(&schema));
    let collapsed = RwSignal::new(BTreeSet::<usize>::new());
    let drawing = Memo::new({
        let model = model.clone();
        move |_| collapsed.with(|c| model.lay_out(c))
    });
    let view = RwSignal::new(View { x: 0.0, y: 0.0, scale: 1.0 });
    let pinned = RwSignal::new(None::<usize>);
    let hovered = RwSignal::new(None::<usize>);
    // A clicked table stays highlighted while the pointer wanders; otherwise the hovered one.
    let active = Memo::new(move |_| pinned.get().or(hovered.get()));
    // (pointer x, pointer y, view when pressed) while the button is down; whether it moved.
    let pressed = StoredValue::new(None::<(f64, f64, View)>);
    let dragged = StoredValue::new(false);
    let container = NodeRef::<leptos::html::Div>::new();
    let svg = NodeRef::<leptos::svg::Svg>::new();
    let viewport_size = move || {
        svg.get_untracked().map(|s| {
            let r = s.get_bounding_client_rect();
            (r.width(), r.height())
        })
    };
    let fit = move || {
        if let Some((w, h)) = viewport_size() {
            view.set(drawing.with_untracked(|d| View::fitting(d, w, h)));
        }
    };
    let zoom_centre = move |factor: f64| {
        if let Some((w, h)) = viewport_size() {
            view.update(|v| *v = v.zoomed(factor, w / 2.0, h / 2.0));
        }
    };
    // The wheel zooms around the pointer. Registered by hand as not passive, so that it can
    // keep the page from scrolling; the listener goes with the element, its few bytes of
    // closure stay.
    Effect::new(move |_| {
        let Some(element) = svg.get() else { return };
        let on_wheel = Closure::<dyn FnMut(web_sys::WheelEvent)>::new(move |ev: web_sys::WheelEvent| {
            ev.prevent_default();
            let Some(target) = ev.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return };
            let r = target.get_bounding_client_rect();
            let factor = (-ev.delta_y() * 0.002).exp();
            view.update(|v| *v = v.zoomed(factor, ev.client_x() as f64 - r.left(), ev.client_y() as f64 - r.top()));
        });
        let options = web_sys::AddEventListenerOptions::new();
        options.set_passive(false);
        let _ = element.add_event_listener_with_callback_and_add_event_listener_options(
            "wheel",
            on_wheel.as_ref().unchecked_ref(),
            &options,
        );
        on_wheel.forget();
        fit();
    });
    let export = {
        let model = model.clone();
        move |png: bool| {
            let Some(container) = container.get_untracked() else { return };
            let (markup, width, height) = drawing
                .with_untracked(|d| (collapsed.with_untracked(|c| svg_document(&model, d, c)), d.width, d.height));
            if png {
                download_png(&container, &markup, width, height);
            } else {
                download_svg(&container, &markup);
            }
        }
    };
    let export_png = export.clone();
    let all = model.tables.len();
    let highlight = Arc::new(highlight);
    let boxes_and_lines = {
        let model = model.clone();
        move || drawing.with(|d| render(&model, d, &highlight, collapsed, active, pinned, hovered, dragged))
    };
    view! {
        <div class="diagram-view" node_ref=container data-test="diagram-view">
            <div class="diagram-toolbar">
                <button data-test="zoom-in" title=tr("Zoom in") on:click=move |_| zoom_centre(ZOOM_STEP)>"+"</button>
                <button data-test="zoom-out" title=tr("Zoom out") on:click=move |_| zoom_centre(1.0 / ZOOM_STEP)>"−"</button>
                <button data-test="zoom-fit" on:click=move |_| fit()>{tr("Fit")}</button>
                <span class="zoom-level" data-test="zoom-level">{move || format!("{:.0}%", view.get().scale * 100.0)}</span>
                <button data-test="collapse-all" on:click=move |_| collapsed.set((0..all).collect())>{tr("Collapse all")}</button>
                <button data-test="expand-all" on:click=move |_| collapsed.set(BTreeSet::new())>{tr("Expand all")}</button>
                <button data-test="export-svg" on:click=move |_| export(false)>{tr("Export SVG")}</button>
                <button data-test="export-png" on:click=move |_| export_png(true)>{tr("Export PNG")}</button>
                <span class="muted hint">{tr("Drag to move, scroll to zoom, click a table to highlight its neighbours.")}</span>
            </div>
            <svg class="diagram" data-test="diagram" node_ref=svg
                on:mousedown=move |ev| {
                    if ev.button() == 0 {
                        pressed.set_value(Some((ev.client_x() as f64, ev.client_y() as f64, view.get_untracked())));
                        dragged.set_value(false);
                    }
                }
                on:mousemove=move |ev| {
                    let Some((x0, y0, start)) = pressed.get_value() else { return };
                    let (dx, dy) = (ev.client_x() as f64 - x0, ev.client_y() as f64 - y0);
                    if dx.abs() + dy.abs() > DRAG_THRESHOLD {
                        dragged.set_value(true);
                    }
                    if dragged.get_value() {
                        view.set(View { x: start.x + dx, y: start.y + dy, ..start });
                    }
                }
                on:mouseup=move |_| pressed.set_value(None)
                on:mouseleave=move |_| pressed.set_value(None)
                on:click=move |_| if !dragged.get_value() { pinned.set(None) }>
                <defs>
                    <marker id="foreign-key-arrow" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="8" markerHeight="8" orient="auto">
                        <path d="M0 0 L8 4 L0 8 z" />
                    </marker>
                </defs>
                <g data-test="diagram-viewport" transform=move || { let v = view.get(); format!("translate({} {}) scale({})", v.x, v.y, v.scale) }>
                    {boxes_and_lines}
                </g>
            </svg>
        </div>
    }
}

/// What a table or line looks like while a table is highlighted.
fn emphasis(active: Option<usize>, involved: bool, itself: bool) -> &'static str {
    match active {
        None => "",
        Some(_) if itself => " active",
        Some(_) if involved => " near",
        Some(_) => " dimmed",
    }
}

#[allow(clippy::too_many_arguments)] // the component's signals, handed down once
fn render(
    model: &Arc<DiagramModel>,
    drawing: &Drawing,
    highlight: &HashSet<String>,
    collapsed: RwSignal<BTreeSet<usize>>,
    active: Memo<Option<usize>>,
    pinned: RwSignal<Option<usize>>,
    hovered: RwSignal<Option<usize>>,
    dragged: StoredValue<bool>,
) -> impl IntoView + use<> {
    let lines = drawing
        .routes
        .iter()
        .zip(&model.links)
        .filter(|(route, _)| !route.points.is_empty())
        .map(|(route, link)| {
            let (from, to) = (link.from, link.to);
            let class = move || {
                let a = active.get();
                format!("foreign-key{}", emphasis(a, a == Some(from) || a == Some(to), false))
            };
            view! {
                <path class=class d=route.path() marker-end="url(#foreign-key-arrow)"
                    data-from=model.tables[from].name.clone() data-to=model.tables[to].name.clone()>
                    <title>{link.title.clone()}</title>
                </path>
            }
        })
        .collect_view();
    let open = collapsed.with_untracked(|c| (0..model.tables.len()).map(|t| !c.contains(&t)).collect::<Vec<_>>());
    let boxes = model
        .tables
        .iter()
        .zip(&drawing.boxes)
        .enumerate()
        .map(|(i, (table, at))| {
            let changed = if highlight.contains(&table.name) { " changed" } else { "" };
            let model_for_class = model.clone();
            let class = move || {
                let a = active.get();
                let near = a.is_some_and(|a| model_for_class.neighbours[a].contains(&i));
                format!("table-box{changed}{}", emphasis(a, near, a == Some(i)))
            };
            let rows = open[i].then(|| {
                table
                    .lines
                    .iter()
                    .enumerate()
                    .map(|(row, line)| {
                        let (class, mark) = match line.key {
                            Some(key) => ("column key", format!("{} ", key.mark())),
                            None => ("column", String::new()),
                        };
                        view! { <text class=class x=at.x + 8.0 y=line_baseline(at, row)>{mark}{line.text.clone()}</text> }
                    })
                    .collect_view()
            });
            let toggle_title = tr("Show or hide the columns");
            view! {
                <g class=class data-table=table.name.clone() data-columns=table.lines.len()
                    on:mouseenter=move |_| hovered.set(Some(i))
                    on:mouseleave=move |_| hovered.set(None)
                    on:click=move |ev| {
                        ev.stop_propagation();
                        if !dragged.get_value() {
                            pinned.update(|p| *p = if *p == Some(i) { None } else { Some(i) });
                        }
                    }>
                    <rect x=at.x y=at.y width=BOX_WIDTH height=at.height rx=4 />
                    <line class="header-rule" x1=at.x x2=at.x + BOX_WIDTH y1=at.y + HEADER y2=at.y + HEADER />
                    <text class="table-name" x=at.x + 8.0 y=name_baseline(at)>{table.name.clone()}</text>
                    <g class="toggle" data-test="toggle-columns"
                        on:click=move |ev| {
                            ev.stop_propagation();
                            collapsed.update(|c| if !c.remove(&i) { c.insert(i); });
                        }>
                        <title>{toggle_title}</title>
                        <rect x=at.x + BOX_WIDTH - 22.0 y=at.y + 3.0 width=18 height=18 rx=3 />
                        <text x=at.x + BOX_WIDTH - 17.0 y=name_baseline(at)>{if open[i] { "−" } else { "+" }}</text>
                    </g>
                    {rows}
                </g>
            }
        })
        .collect_view();
    view! { {lines} {boxes} }
}
