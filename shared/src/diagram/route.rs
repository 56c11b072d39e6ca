//! Lines at right angles: out of a box's side at its port, along the row to a track of its
//! own in the channel between two columns, up or down the track, and on to the next column,
//! crossing a column only through its passage slot.

use super::layers::LayeredGraph;
use super::place::Columns;
use super::{Link, Point, Rect, Route};

/// Distance between two tracks in a channel.
const TRACK: f64 = 8.0;
/// The narrowest channel, and the room kept at a channel's left for self-reference loops.
const MIN_CHANNEL: f64 = 60.0;
const LOOP_ROOM: f64 = 20.0;
/// How far a self-reference loop stands out of its box.
const LOOP: f64 = 12.0;
/// Ends closer than this are drawn as one straight line.
const STRAIGHT: f64 = 0.5;

/// A line's turn in a channel: link, segment of its chain, and x (first relative to the
/// channel's left edge, then absolute once columns are placed).
#[derive(Clone, Copy, Debug)]
pub(super) struct Track {
    pub link: usize,
    pub segment: usize,
    pub x: f64,
}

pub(super) fn channel_width(tracks: usize) -> f64 {
    MIN_CHANNEL.max(LOOP_ROOM + (tracks + 1) as f64 * TRACK)
}

/// The lines that turn between columns `c - 1` and `c`, each on its own track. Ordered so
/// that lines going the same way do not cross: downward lines starting lower run further
/// left, upward ones mirrored.
pub(super) fn tracks_left_of(graph: &LayeredGraph, c: usize) -> Vec<Track> {
    let mut turning: Vec<(bool, f64, f64, usize, usize)> = Vec::new();
    for (link, chain) in graph.chains.iter().enumerate() {
        let Some(chain) = chain else { continue };
        for segment in 0..chain.nodes.len() - 1 {
            if graph.layer[chain.nodes[segment]] + 1 != c {
                continue;
            }
            let from = graph.y[chain.nodes[segment]] + chain.ports[segment];
            let to = graph.y[chain.nodes[segment + 1]] + chain.ports[segment + 1];
            if (from - to).abs() >= STRAIGHT {
                let up = to < from;
                let (a, b) = if up { (from, to) } else { (-from, -to) };
                turning.push((up, a, b, link, segment));
            }
        }
    }
    turning.sort_by(|p, q| p.0.cmp(&q.0).then(p.1.total_cmp(&q.1)).then(p.2.total_cmp(&q.2)).then(p.3.cmp(&q.3)));
    let width = channel_width(turning.len());
    let first = LOOP_ROOM + (width - LOOP_ROOM - turning.len().saturating_sub(1) as f64 * TRACK) / 2.0;
    turning
        .into_iter()
        .enumerate()
        .map(|(i, (_, _, _, link, segment))| Track { link, segment, x: first + i as f64 * TRACK })
        .collect()
}

/// One route per link, from the referencing table's port to the referenced one's; empty for
/// self-references (drawn by `self_loop` once boxes are final) and links to missing tables.
pub(super) fn routes(graph: &LayeredGraph, columns: &Columns, links: &[Link]) -> Vec<Route> {
    let mut turns: Vec<Vec<Option<f64>>> =
        graph.chains.iter().map(|c| vec![None; c.as_ref().map_or(0, |c| c.nodes.len())]).collect();
    for track in columns.tracks.iter().flatten() {
        turns[track.link][track.segment] = Some(track.x);
    }
    graph
        .chains
        .iter()
        .zip(links)
        .enumerate()
        .map(|(i, (chain, link))| {
            let Some(chain) = chain else { return Route { points: Vec::new() } };
            let at = |k: usize| graph.y[chain.nodes[k]] + chain.ports[k];
            let first = graph.rect(chain.nodes[0]);
            let mut points = vec![Point { x: first.x + first.width, y: at(0) }];
            for (k, turn) in turns[i].iter().enumerate() {
                if let Some(x) = *turn {
                    // The row the line runs along (straight hops before may differ by < STRAIGHT).
                    let y = points[points.len() - 1].y;
                    points.push(Point { x, y });
                    points.push(Point { x, y: at(k + 1) });
                }
            }
            let last = chain.nodes.len() - 1;
            points.push(Point { x: graph.rect(chain.nodes[last]).x, y: points[points.len() - 1].y });
            if chain.nodes[0] != link.from {
                points.reverse();
            }
            Route { points: without_collinear(points) }
        })
        .collect()
}

/// A loop out of the box's right side and back, from the referencing column's row to the
/// referenced one's (a little apart when they are the same row).
pub(super) fn self_loop(table: &Rect, link: &Link) -> Route {
    let from = table.y + link.from_port;
    let mut to = table.y + link.to_port;
    if (from - to).abs() < TRACK {
        to = (from + TRACK).min(table.y + table.height);
    }
    let side = table.x + table.width;
    let points = vec![
        Point { x: side, y: from },
        Point { x: side + LOOP, y: from },
        Point { x: side + LOOP, y: to },
        Point { x: side, y: to },
    ];
    Route { points }
}

fn without_collinear(points: Vec<Point>) -> Vec<Point> {
    let mut kept: Vec<Point> = Vec::with_capacity(points.len());
    for p in points {
        if kept.last() == Some(&p) {
            continue;
        }
        if kept.len() >= 2 {
            let (a, b) = (kept[kept.len() - 2], kept[kept.len() - 1]);
            if (a.x == b.x && b.x == p.x) || (a.y == b.y && b.y == p.y) {
                kept.pop();
            }
        }
        kept.push(p);
    }
    kept
}
