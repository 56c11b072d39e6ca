//! Where the schema diagram draws each table and foreign key: a layered drawing in which the
//! tables others reference stand in earlier columns than the tables that reference them,
//! columns ordered to cross few lines, lines routed at right angles through the gaps between
//! columns (never across a box), and tables without foreign keys packed in a grid below.
//! Pure and deterministic: the same boxes and links always give the same picture.

mod layers;
mod order;
mod place;
mod route;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Size {
    pub width: f64,
    pub height: f64,
}

/// A foreign key: the referencing table `from` points at the referenced table `to`. The ports
/// are where the line meets each box, as a distance from the box's top (a column's row).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Link {
    pub from: usize,
    pub to: usize,
    pub from_port: f64,
    pub to_port: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

impl Rect {
    pub fn bottom(&self) -> f64 {
        self.y + self.height
    }

    /// Whether the open interiors meet (touching edges do not count).
    pub fn overlaps(&self, other: &Rect) -> bool {
        self.x < other.x + other.width
            && other.x < self.x + self.width
            && self.y < other.y + other.height
            && other.y < self.y + self.height
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

/// A link's line: horizontal and vertical segments from the referencing box's port to the
/// referenced box's port.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Route {
    pub points: Vec<Point>,
}

impl Route {
    /// The SVG path data (`M x y L x y …`).
    pub fn path(&self) -> String {
        let mut d = String::new();
        for (i, p) in self.points.iter().enumerate() {
            d.push_str(if i == 0 { "M " } else { " L " });
            d.push_str(&format!("{} {}", p.x, p.y));
        }
        d
    }
}

/// Boxes in input order, routes in link order, and the size of the whole picture.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Drawing {
    pub boxes: Vec<Rect>,
    pub routes: Vec<Route>,
    pub width: f64,
    pub height: f64,
}

/// Blank space around the picture.
pub const MARGIN: f64 = 20.0;

/// Lays out `sizes` (one per table, in name order) joined by `links` (a link naming a table
/// that is not there gets an empty route).
pub fn lay_out(sizes: &[Size], links: &[Link]) -> Drawing {
    lay_out_with(sizes, links, true)
}

/// `reorder: false` keeps each column in name order (the baseline the tests compare with).
fn lay_out_with(sizes: &[Size], links: &[Link], reorder: bool) -> Drawing {
    let mut graph = layers::LayeredGraph::build(sizes, links);
    if reorder {
        order::reduce_crossings(&mut graph);
    }
    let columns = place::Columns::place(&mut graph);
    let mut routes = route::routes(&graph, &columns, links);
    let mut boxes: Vec<Rect> = (0..sizes.len()).map(|node| graph.rect(node)).collect();
    let (mut width, mut height) = columns.extent(&graph);
    let isolated: Vec<usize> = (0..sizes.len()).filter(|&n| !graph.connected[n]).collect();
    if !isolated.is_empty() {
        let top = if height > 0.0 { height + 2.0 * MARGIN } else { MARGIN };
        let (grid_width, grid_bottom) = place::grid(&isolated, sizes, top, width, &mut boxes);
        width = width.max(grid_width);
        height = grid_bottom;
    }
    for (route, link) in routes.iter_mut().zip(links) {
        if link.from == link.to && link.from < sizes.len() {
            *route = route::self_loop(&boxes[link.from], link);
        }
    }
    Drawing { boxes, routes, width: width + MARGIN, height: height + MARGIN }
}

/// How many times two different routes cross (a perpendicular meeting of a horizontal and a
/// vertical segment, endpoints excluded): the figure the ordering tries to keep low.
pub fn crossings(drawing: &Drawing) -> usize {
    let segments: Vec<Vec<(Point, Point)>> =
        drawing.routes.iter().map(|r| r.points.windows(2).map(|w| (w[0], w[1])).collect()).collect();
    let mut count = 0;
    for (i, a) in segments.iter().enumerate() {
        for b in &segments[i + 1..] {
            for &(p, q) in a {
                for &(r, s) in b {
                    if cross(p, q, r, s) || cross(r, s, p, q) {
                        count += 1;
                    }
                }
            }
        }
    }
    count
}

/// Whether horizontal `p–q` crosses vertical `r–s` strictly inside both.
fn cross(p: Point, q: Point, r: Point, s: Point) -> bool {
    let horizontal = p.y == q.y && p.x != q.x;
    let vertical = r.x == s.x && r.y != s.y;
    horizontal && vertical && r.x > p.x.min(q.x) && r.x < p.x.max(q.x) && p.y > r.y.min(s.y) && p.y < r.y.max(s.y)
}
