//! The diagram as files: a standalone SVG document (styles inline, light colours, every box
//! as drawn) and a PNG of it (the SVG drawn on a canvas). Each is offered as a download
//! through a link left in the page (`data-test=diagram-download`, `data-format`).

use super::diagram_model::{BOX_WIDTH, DiagramModel, line_baseline, name_baseline};
use std::collections::BTreeSet;
use strata_shared::diagram::Drawing;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

const STYLE: &str = "text{font-family:sans-serif;font-size:11px;fill:#6b7078}\
.name{font-weight:700;font-size:13px;fill:#1d1f23}\
.column{font-family:'DejaVu Sans Mono',monospace}\
.key{fill:#1d1f23}\
.table{fill:#ffffff;stroke:#9aa3b5;stroke-width:1.5}\
.fk{fill:none;stroke:#7a8499;stroke-width:1.5}";

/// A PNG keeps under this many pixels (browsers refuse larger canvases).
const PNG_MAX_PIXELS: f64 = 40_000_000.0;

pub fn svg_document(model: &DiagramModel, drawing: &Drawing, collapsed: &BTreeSet<usize>) -> String {
    let (w, h) = (drawing.width, drawing.height);
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\">\
         <style>{STYLE}</style>\
         <defs><marker id=\"arrow\" viewBox=\"0 0 8 8\" refX=\"8\" refY=\"4\" markerWidth=\"8\" markerHeight=\"8\" orient=\"auto\">\
         <path d=\"M0 0 L8 4 L0 8 z\" fill=\"#7a8499\"/></marker></defs>\
         <rect width=\"{w}\" height=\"{h}\" fill=\"#f7f7f5\"/>"
    );
    for (route, link) in drawing.routes.iter().zip(&model.links) {
        if !route.points.is_empty() {
            out.push_str(&format!(
                "<path class=\"fk\" d=\"{}\" marker-end=\"url(#arrow)\"><title>{}</title></path>",
                route.path(),
                escape(&link.title)
            ));
        }
    }
    for (i, (table, at)) in model.tables.iter().zip(&drawing.boxes).enumerate() {
        out.push_str(&format!(
            "<g class=\"table-box\" data-table=\"{name}\"><rect class=\"table\" x=\"{x}\" y=\"{y}\" width=\"{BOX_WIDTH}\" height=\"{height}\" rx=\"4\"/>\
             <text class=\"name\" x=\"{tx}\" y=\"{ty}\">{name}</text>",
            name = escape(&table.name),
            x = at.x,
            y = at.y,
            height = at.height,
            tx = at.x + 8.0,
            ty = name_baseline(at),
        ));
        if !collapsed.contains(&i) {
            for (row, line) in table.lines.iter().enumerate() {
                let (class, mark) = match line.key {
                    Some(key) => ("column key", format!("{} ", key.mark())),
                    None => ("column", String::new()),
                };
                out.push_str(&format!(
                    "<text class=\"{class}\" x=\"{}\" y=\"{}\">{}{}</text>",
                    at.x + 8.0,
                    line_baseline(at, row),
                    mark,
                    escape(&line.text)
                ));
            }
        }
        out.push_str("</g>");
    }
    out.push_str("</svg>");
    out
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Offers `markup` as `schema.svg`.
pub fn download_svg(container: &web_sys::Element, markup: &str) {
    if let Some(url) = svg_url(markup) {
        offer(container, &url, "svg");
    }
}

/// Draws `markup` on a canvas (twice the size when that stays within a browser's limits)
/// and offers the result as `schema.png`.
pub fn download_png(container: &web_sys::Element, markup: &str, width: f64, height: f64) {
    let (Some(url), Ok(image)) = (svg_url(markup), web_sys::HtmlImageElement::new()) else { return };
    let scale = (PNG_MAX_PIXELS / (width * height)).sqrt().min(2.0);
    let container = container.clone();
    let drawn = image.clone();
    let source = url.clone();
    let on_load = Closure::once(move || {
        let _ = web_sys::Url::revoke_object_url(&source);
        let Some(canvas) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.create_element("canvas").ok())
            .and_then(|c| c.dyn_into::<web_sys::HtmlCanvasElement>().ok())
        else {
            return;
        };
        canvas.set_width((width * scale).ceil() as u32);
        canvas.set_height((height * scale).ceil() as u32);
        let Some(context) = canvas
            .get_context("2d")
            .ok()
            .flatten()
            .and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok())
        else {
            return;
        };
        let _ = context.scale(scale, scale);
        let _ = context.draw_image_with_html_image_element(&drawn, 0.0, 0.0);
        let on_blob = Closure::once(move |blob: Option<web_sys::Blob>| {
            if let Some(url) = blob.and_then(|b| web_sys::Url::create_object_url_with_blob(&b).ok()) {
                offer(&container, &url, "png");
            }
        });
        let _ = canvas.to_blob(on_blob.as_ref().unchecked_ref());
        on_blob.forget(); // called once by the browser, then dropped with the page
    });
    image.set_onload(Some(on_load.as_ref().unchecked_ref()));
    on_load.forget();
    image.set_src(&url);
}

fn svg_url(markup: &str) -> Option<String> {
    let parts = js_sys::Array::of1(&markup.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("image/svg+xml");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
    web_sys::Url::create_object_url_with_blob(&blob).ok()
}

/// A download link for `url` (replacing, and releasing, the previous one of this format),
/// clicked at once; it stays in the page so the file can be fetched again.
fn offer(container: &web_sys::Element, url: &str, format: &str) {
    let selector = format!("a[data-test=diagram-download][data-format={format}]");
    if let Ok(Some(previous)) = container.query_selector(&selector) {
        if let Some(old) = previous.get_attribute("href") {
            let _ = web_sys::Url::revoke_object_url(&old);
        }
        previous.remove();
    }
    let Some(link) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("a").ok())
        .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    else {
        return;
    };
    link.set_href(url);
    link.set_download(&format!("schema.{format}"));
    let _ = link.set_attribute("data-test", "diagram-download");
    let _ = link.set_attribute("data-format", format);
    let _ = link.set_attribute("hidden", "");
    let _ = container.append_child(&link);
    link.click();
}
