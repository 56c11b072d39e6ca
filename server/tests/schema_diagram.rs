//! The schema diagram in headless Chromium on a generated 200-table schema (foreign keys in
//! chains, fans around hubs, a cycle, self-references, tables without any): every table
//! drawn, no two boxes overlapping, lines clear of boxes, zoom and pan, highlighting,
//! collapsing, and the SVG and PNG exports. A screenshot lands in `test-artifacts/`.

use crate::support;

use fantoccini::actions::{InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction, WheelAction, WheelActions};
use fantoccini::{Client, Locator};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;
use support::Studio;
use support::chrome::{ChromeDriver, count, element};

const WAIT: Duration = Duration::from_secs(60);
const TABLES: usize = 200;
/// Tables per revision file.
const PER_REVISION: usize = 20;

fn table(t: usize) -> String {
    format!("t{t:03}")
}

/// The foreign keys (referencing, referenced) of the generated schema: chains (each of
/// t…1–t…3 references the one before), fans (t…4–t…6 reference their fifty's hub), t…7
/// references two earlier tables, every fortieth t…8 itself, and t100 → t102 closes the cycle
/// t100 → t102 → t101 → t100.
fn foreign_keys() -> Vec<(usize, usize)> {
    let mut keys = Vec::new();
    for t in 1..TABLES {
        match t % 10 {
            1..=3 => keys.push((t, t - 1)),
            4..=6 => keys.push((t, (t / 50) * 50)),
            7 => keys.extend([(t, (t * 37 + 11) % t), (t, (t * 13 + 5) % t)]),
            8 if t % 40 == 8 => keys.push((t, t)),
            _ => {}
        }
    }
    keys.push((100, 102));
    keys
}

fn columns(t: usize) -> usize {
    2 + (t * 7) % 20
}

/// Ten revisions of twenty CREATE TABLEs each, then one that adds the cycle's last key.
fn write_migrations(dir: &Path) {
    let versions = dir.join("versions");
    std::fs::create_dir_all(&versions).unwrap();
    let keys = foreign_keys();
    let revisions = TABLES / PER_REVISION;
    let id = |r: usize| format!("r{r:02}");
    for r in 0..revisions {
        let mut up = String::new();
        let mut down = String::new();
        for t in r * PER_REVISION..(r + 1) * PER_REVISION {
            let mut lines = vec!["id bigint PRIMARY KEY".to_owned()];
            lines.extend((0..columns(t)).map(|c| format!("c{c:02} text")));
            for (k, &(_, to)) in keys.iter().enumerate().filter(|(_, k)| k.0 == t && k.1 <= t) {
                lines.push(format!("ref{k} bigint CONSTRAINT fk{k} REFERENCES {}", table(to)));
            }
            up.push_str(&format!("CREATE TABLE {} (\n    {}\n);\n", table(t), lines.join(",\n    ")));
            down.insert_str(0, &format!("DROP TABLE {};\n", table(t)));
        }
        let parent = if r == 0 { String::new() } else { id(r - 1) };
        let text = format!(
            "-- revision: {}\n-- revises: {parent}\n-- message: tables {r}\n-- strata:upgrade\n{up}-- strata:downgrade\n{down}",
            id(r)
        );
        std::fs::write(versions.join(format!("{}_tables.sql", id(r))), text).unwrap();
    }
    let (k, &(from, to)) = keys.iter().enumerate().find(|(_, k)| k.0 < k.1).unwrap();
    let text = format!(
        "-- revision: {}\n-- revises: {}\n-- message: close the cycle\n-- strata:upgrade\n\
         ALTER TABLE {f} ADD COLUMN ref{k} bigint CONSTRAINT fk{k} REFERENCES {t};\n\
         -- strata:downgrade\nALTER TABLE {f} DROP COLUMN ref{k};\n",
        id(revisions),
        id(revisions - 1),
        f = table(from),
        t = table(to)
    );
    std::fs::write(versions.join(format!("{}_cycle.sql", id(revisions))), text).unwrap();
}

async fn script(browser: &Client, js: &str) -> Value {
    browser.execute(js, vec![]).await.unwrap_or_else(|e| panic!("{js}: {e}"))
}

async fn transform(browser: &Client) -> String {
    element(browser, "[data-test=diagram-viewport]").await.attr("transform").await.unwrap().unwrap_or_default()
}

#[derive(Debug, Clone, Copy)]
struct Box2 {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

impl Box2 {
    fn overlaps(&self, o: &Box2) -> bool {
        self.x < o.x + o.w && o.x < self.x + self.w && self.y < o.y + o.h && o.y < self.y + self.h
    }
}

/// `M x y L x y …` → points.
fn points(d: &str) -> Vec<(f64, f64)> {
    let numbers: Vec<f64> = d.split_whitespace().filter_map(|w| w.parse().ok()).collect();
    numbers.chunks(2).map(|p| (p[0], p[1])).collect()
}

#[tokio::test]
async fn a_200_table_schema_is_laid_out_without_overlaps_and_can_be_explored_and_exported() {
    let project = tempfile::tempdir().unwrap();
    write_migrations(project.path());
    let state = support::state_dir();
    let studio = Studio::start(project.path(), state.path());
    let driver = ChromeDriver::start();
    let browser = driver.browser(&state.path().join("chromium")).await;
    support::chrome::sign_in(&browser, &studio.url, "admin").await;
    browser.goto(&format!("{}/schema?at=heads", studio.url)).await.unwrap();
    element(&browser, &format!("[data-test=diagram] g.table-box[data-table={}]", table(TABLES - 1))).await;

    // Every table, every foreign key.
    let names: BTreeSet<String> = {
        let mut names = BTreeSet::new();
        for g in browser.find_all(Locator::Css("[data-test=diagram] g.table-box")).await.unwrap() {
            names.insert(g.attr("data-table").await.unwrap().unwrap());
        }
        names
    };
    assert_eq!(names, (0..TABLES).map(table).collect::<BTreeSet<_>>());
    let keys = foreign_keys();
    assert_eq!(count(&browser, "path.foreign-key").await, keys.len());
    assert_eq!(
        count(&browser, "g.table-box[data-table=t007] text.column").await,
        1 + columns(7) + 2,
        "id, c00…, two refs"
    );

    // Boxes as the browser lays them out (SVG user space), and the lines' routes.
    let boxes = script(
        &browser,
        "return Array.from(document.querySelectorAll('[data-test=diagram] g.table-box')).map(g => {
            const b = g.querySelector(':scope > rect').getBBox();
            return [g.dataset.table, b.x, b.y, b.width, b.height]; })",
    )
    .await;
    let boxes: Vec<(String, Box2)> = boxes
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            let n = |i: usize| b[i].as_f64().unwrap();
            (b[0].as_str().unwrap().to_owned(), Box2 { x: n(1), y: n(2), w: n(3), h: n(4) })
        })
        .collect();
    for (i, (a, p)) in boxes.iter().enumerate() {
        for (b, q) in &boxes[i + 1..] {
            assert!(!p.overlaps(q), "{a} {p:?} overlaps {b} {q:?}");
        }
    }
    let routes = script(
        &browser,
        "return Array.from(document.querySelectorAll('path.foreign-key')).map(p => [p.dataset.from, p.dataset.to, p.getAttribute('d')])",
    )
    .await;
    let routes = routes.as_array().unwrap();
    let mut checked = 0;
    for route in routes {
        let (from, to, d) = (route[0].as_str().unwrap(), route[1].as_str().unwrap(), route[2].as_str().unwrap());
        let points = points(d);
        assert!(points.len() >= 2, "{from} → {to}: {d}");
        for pair in points.windows(2) {
            let ((x1, y1), (x2, y2)) = (pair[0], pair[1]);
            assert!(x1 == x2 || y1 == y2, "{from} → {to} has a slanted segment: {d}");
            let segment =
                Box2 { x: x1.min(x2), y: y1.min(y2), w: (x1 - x2).abs().max(0.01), h: (y1 - y2).abs().max(0.01) };
            for (name, b) in &boxes {
                let inner = Box2 { x: b.x + 1.0, y: b.y + 1.0, w: b.w - 2.0, h: b.h - 2.0 };
                assert!(!segment.overlaps(&inner), "{from} → {to} passes through {name}: {d}");
            }
        }
        checked += 1;
    }
    assert_eq!(checked, keys.len());
    // Referenced tables stand left of the tables referencing them (bar the cycle's turned key).
    let x_of = |t: usize| boxes.iter().find(|(n, _)| *n == table(t)).unwrap().1.x;
    let leftward = keys.iter().filter(|(f, t)| f != t && x_of(*t) < x_of(*f)).count();
    assert!(
        leftward >= keys.iter().filter(|(f, t)| f != t).count() - 1,
        "{leftward} of {} keys point left",
        keys.len()
    );

    // Zoom by button and by wheel, fit, and pan by dragging change the transform.
    let start = transform(&browser).await;
    browser.find(Locator::Css("[data-test=zoom-in]")).await.unwrap().click().await.unwrap();
    let zoomed = transform(&browser).await;
    assert_ne!(zoomed, start, "zoom in");
    let svg = element(&browser, "[data-test=diagram]").await;
    script(&browser, "document.querySelector('[data-test=diagram]').scrollIntoView({block: 'center'})").await;
    let centre = script(&browser, "const r = document.querySelector('[data-test=diagram]').getBoundingClientRect(); return [Math.round(r.x + r.width / 2), Math.round(r.y + r.height / 2)]").await;
    let (cx, cy) = (centre[0].as_i64().unwrap(), centre[1].as_i64().unwrap());
    let mut wheel = WheelActions::new("wheel".into());
    wheel.push(WheelAction::Scroll { duration: None, x: cx, y: cy, delta_x: 0, delta_y: -300 });
    let page_scroll = script(&browser, "return window.scrollY").await;
    browser.perform_actions(wheel).await.unwrap();
    let wheeled = transform(&browser).await;
    assert_ne!(wheeled, zoomed, "the wheel zooms");
    assert_eq!(script(&browser, "return window.scrollY").await, page_scroll, "the wheel does not scroll the page");
    let drag = MouseActions::new("mouse".into())
        .then(PointerAction::MoveToElement { element: svg.clone(), duration: None, x: 0.0, y: 0.0 })
        .then(PointerAction::Down { button: MOUSE_BUTTON_LEFT })
        .then(PointerAction::MoveBy { duration: Some(Duration::from_millis(200)), x: 120.0, y: 60.0 })
        .then(PointerAction::Up { button: MOUSE_BUTTON_LEFT });
    browser.perform_actions(drag).await.unwrap();
    let panned = transform(&browser).await;
    let translate = |t: &str| -> (f64, f64) {
        let inner = t.trim_start_matches("translate(").split(')').next().unwrap().to_owned();
        let v: Vec<f64> = inner.split_whitespace().map(|n| n.parse().unwrap()).collect();
        (v[0], v[1])
    };
    let (before, after) = (translate(&wheeled), translate(&panned));
    assert!(
        (after.0 - before.0 - 120.0).abs() < 2.0 && (after.1 - before.1 - 60.0).abs() < 2.0,
        "{wheeled} → {panned}"
    );
    // With the pointer off the diagram, no table is highlighted: the drag clicked none.
    browser
        .perform_actions(MouseActions::new("mouse".into()).then(PointerAction::MoveTo {
            duration: None,
            x: 1.0,
            y: 1.0,
        }))
        .await
        .unwrap();
    assert_eq!(count(&browser, "g.table-box.active").await, 0, "a drag is not a click");
    browser.find(Locator::Css("[data-test=zoom-fit]")).await.unwrap().click().await.unwrap();
    assert_ne!(transform(&browser).await, panned, "fit");
    let inside = script(
        &browser,
        "const outer = document.querySelector('[data-test=diagram]').getBoundingClientRect();
         const inner = document.querySelector('[data-test=diagram-viewport]').getBoundingClientRect();
         return inner.left >= outer.left - 1 && inner.right <= outer.right + 1
             && inner.top >= outer.top - 1 && inner.bottom <= outer.bottom + 1;",
    )
    .await;
    assert_eq!(inside, Value::Bool(true), "fit shows the whole drawing");
    std::fs::create_dir_all(support::workspace_root().join("test-artifacts")).unwrap();
    let shot = |name: &str| support::workspace_root().join(format!("test-artifacts/{name}.png"));
    std::fs::write(shot("schema-diagram-200-fit"), browser.screenshot().await.unwrap()).unwrap();

    // Highlight: the hub t050, its neighbours and their lines; the rest dims.
    let hub = 50;
    let neighbours: BTreeSet<usize> = keys
        .iter()
        .filter_map(|&(f, t)| {
            if f == hub && t != hub {
                Some(t)
            } else if t == hub && f != hub {
                Some(f)
            } else {
                None
            }
        })
        .collect();
    assert!(neighbours.len() > 5, "{neighbours:?}");
    let hub_box = browser.find(Locator::Css("g.table-box[data-table=t050] > rect")).await.unwrap();
    let click = MouseActions::new("mouse".into())
        .then(PointerAction::MoveToElement { element: hub_box, duration: None, x: 0.0, y: 0.0 })
        .then(PointerAction::Down { button: MOUSE_BUTTON_LEFT })
        .then(PointerAction::Up { button: MOUSE_BUTTON_LEFT });
    browser.perform_actions(click).await.unwrap();
    // The click keeps it highlighted once the pointer leaves.
    browser
        .perform_actions(MouseActions::new("mouse".into()).then(PointerAction::MoveTo {
            duration: None,
            x: 1.0,
            y: 1.0,
        }))
        .await
        .unwrap();
    element(&browser, "g.table-box.active[data-table=t050]").await;
    let mut near = BTreeSet::new();
    for g in browser.find_all(Locator::Css("g.table-box.near")).await.unwrap() {
        near.insert(g.attr("data-table").await.unwrap().unwrap());
    }
    assert_eq!(near, neighbours.iter().map(|&t| table(t)).collect::<BTreeSet<_>>());
    assert_eq!(count(&browser, "g.table-box.dimmed").await, TABLES - 1 - neighbours.len());
    let incident = keys.iter().filter(|&&(f, t)| f == hub || t == hub).count();
    assert_eq!(count(&browser, "path.foreign-key.near").await, incident);
    assert_eq!(count(&browser, "path.foreign-key.dimmed").await, keys.len() - incident);
    // Clicking the background clears it.
    script(
        &browser,
        "document.querySelector('[data-test=diagram]').dispatchEvent(new MouseEvent('click', {bubbles: true}))",
    )
    .await;
    let deadline = std::time::Instant::now() + WAIT;
    while count(&browser, "g.table-box.dimmed").await > 0 {
        assert!(std::time::Instant::now() < deadline, "the highlight stays after a background click");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Collapse one table, then all, then expand all.
    let all_columns = count(&browser, "g.table-box text.column").await;
    let height = |b: &Value| b.as_f64().unwrap();
    let tall =
        script(&browser, "return document.querySelector('g.table-box[data-table=t019] > rect').getBBox().height").await;
    script(&browser, "document.querySelector('g.table-box[data-table=t019] [data-test=toggle-columns]').dispatchEvent(new MouseEvent('click', {bubbles: true}))").await;
    element(&browser, "g.table-box[data-table=t019]:not(:has(text.column))").await;
    let short =
        script(&browser, "return document.querySelector('g.table-box[data-table=t019] > rect').getBBox().height").await;
    assert!(height(&short) < height(&tall), "{short} < {tall}");
    assert_eq!(count(&browser, "g.table-box text.column").await, all_columns - (columns(19) + 1));
    browser.find(Locator::Css("[data-test=collapse-all]")).await.unwrap().click().await.unwrap();
    assert_eq!(count(&browser, "g.table-box text.column").await, 0);
    std::fs::write(shot("schema-diagram-200-collapsed"), browser.screenshot().await.unwrap()).unwrap();
    browser.find(Locator::Css("[data-test=expand-all]")).await.unwrap().click().await.unwrap();
    assert_eq!(count(&browser, "g.table-box text.column").await, all_columns);

    // Export: an SVG document with every table, and a PNG.
    browser.find(Locator::Css("[data-test=export-svg]")).await.unwrap().click().await.unwrap();
    let link = element(&browser, "a[data-test=diagram-download][data-format=svg]").await;
    assert_eq!(link.attr("download").await.unwrap().as_deref(), Some("schema.svg"));
    let exported = browser
        .execute_async(
            "const done = arguments[0];
             fetch(document.querySelector('a[data-test=diagram-download][data-format=svg]').href)
               .then(r => r.text())
               .then(text => {
                 const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
                 done([doc.documentElement.nodeName, doc.querySelectorAll('g.table-box').length,
                       doc.querySelectorAll('path.fk').length, doc.querySelectorAll('parsererror').length]);
               });",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(exported, serde_json::json!(["svg", TABLES, keys.len(), 0]));
    browser.find(Locator::Css("[data-test=export-png]")).await.unwrap().click().await.unwrap();
    element(&browser, "a[data-test=diagram-download][data-format=png]").await;
    let png = browser
        .execute_async(
            "const done = arguments[0];
             fetch(document.querySelector('a[data-test=diagram-download][data-format=png]').href)
               .then(r => r.arrayBuffer())
               .then(b => done([Array.from(new Uint8Array(b.slice(0, 4))), b.byteLength]));",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(png[0], serde_json::json!([137, 80, 78, 71]), "a PNG signature");
    assert!(png[1].as_u64().unwrap() > 10_000, "{png}");

    // Readable at common widths without sideways scrolling.
    for (width, height) in [(1280, 800), (1920, 1080)] {
        browser.set_window_size(width, height).await.unwrap();
        let overflow =
            script(&browser, "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
                .await;
        assert_eq!(overflow.as_i64(), Some(0), "{width}×{height}");
    }
    browser.close().await.unwrap();
}
