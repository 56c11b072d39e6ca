//! Coordinates: each column's nodes at the heights their neighbours pull them to without
//! overlapping (an isotonic regression per column, swept back and forth), columns side by
//! side with room between them for the lines, and a grid for tables without foreign keys.

use super::layers::LayeredGraph;
use super::route::{self, Track};
use super::{MARGIN, Rect, Size};

/// Space between two boxes in a column, and beside a line's passage.
const GAP_BOXES: f64 = 28.0;
const GAP_PASSAGE: f64 = 6.0;
/// Alternating sweeps that pull nodes towards their neighbours.
const ROUNDS: usize = 8;
/// Space between two tables in the grid of tables without foreign keys.
const GRID_GAP: f64 = 40.0;

/// The columns' widths and the channels between them, where lines turn.
pub(super) struct Columns {
    pub width: Vec<f64>,
    /// `tracks[c]`: the lines turning in the channel left of column `c` (none for `c = 0`).
    pub tracks: Vec<Vec<Track>>,
    /// Width of the channel right of the last column (room for self-references).
    last_channel: f64,
}

impl Columns {
    pub fn place(graph: &mut LayeredGraph) -> Columns {
        vertical(graph);
        let count = graph.layers.len();
        let width: Vec<f64> =
            graph.layers.iter().map(|layer| layer.iter().map(|&n| graph.sizes[n].width).fold(0.0, f64::max)).collect();
        let mut tracks = vec![Vec::new()];
        let mut channel = vec![0.0];
        for c in 1..count {
            let turning = route::tracks_left_of(graph, c);
            channel.push(route::channel_width(turning.len()));
            tracks.push(turning);
        }
        let mut x = MARGIN;
        for c in 0..count {
            x += channel[c];
            graph.column_x[c] = x;
            x += width[c];
        }
        for track in tracks.iter_mut().enumerate().flat_map(|(c, t)| t.iter_mut().map(move |t| (c, t))) {
            let (c, track) = track;
            track.x += graph.column_x[c] - channel[c];
        }
        Columns { width, tracks, last_channel: route::channel_width(0) }
    }

    /// The right and bottom edges of the layered part (0 when no table has a foreign key).
    pub fn extent(&self, graph: &LayeredGraph) -> (f64, f64) {
        let Some(&last) = graph.column_x.last() else { return (0.0, 0.0) };
        let right = last + self.width[self.width.len() - 1] + self.last_channel;
        let bottom = graph.layers.iter().flatten().map(|&n| graph.y[n] + graph.sizes[n].height).fold(0.0, f64::max);
        (right, bottom)
    }
}

fn gap(graph: &LayeredGraph, a: usize, b: usize) -> f64 {
    if graph.is_passage(a) || graph.is_passage(b) { GAP_PASSAGE } else { GAP_BOXES }
}

/// Stacks every column, then pulls each node towards the mean height of its lines' other
/// ends, column by column, one way and back.
fn vertical(graph: &mut LayeredGraph) {
    let nodes = graph.layer.len();
    // (neighbour, its port, own port) on each side.
    let mut left: Vec<Vec<(usize, f64, f64)>> = vec![Vec::new(); nodes];
    let mut right: Vec<Vec<(usize, f64, f64)>> = vec![Vec::new(); nodes];
    for c in 0..graph.layers.len().saturating_sub(1) {
        let segments: Vec<_> = graph.segments(c).collect();
        for (l, r, lp, rp) in segments {
            right[l].push((r, rp, lp));
            left[r].push((l, lp, rp));
        }
    }
    for c in 0..graph.layers.len() {
        let layer = graph.layers[c].clone();
        let mut y = 0.0;
        for (i, &node) in layer.iter().enumerate() {
            if i > 0 {
                y += gap(graph, layer[i - 1], node);
            }
            graph.y[node] = y;
            y += graph.sizes[node].height;
        }
    }
    let columns = graph.layers.len();
    for _ in 0..ROUNDS {
        for c in 1..columns {
            align(graph, c, &left);
        }
        for c in (0..columns.saturating_sub(1)).rev() {
            align(graph, c, &right);
        }
    }
    let top = graph.layers.iter().flatten().map(|&n| graph.y[n]).fold(f64::INFINITY, f64::min);
    if top.is_finite() {
        for node in graph.layers.iter().flatten().copied().collect::<Vec<_>>() {
            graph.y[node] += MARGIN - top;
        }
    }
}

/// Puts column `c`'s nodes as near their wished heights as their order and gaps allow
/// (least squares; pool-adjacent-violators on the heights minus the stacked offsets).
fn align(graph: &mut LayeredGraph, c: usize, neighbours: &[Vec<(usize, f64, f64)>]) {
    let layer = &graph.layers[c];
    let mut offset = 0.0;
    // Blocks of (sum of wished values, count), merged while out of order.
    let mut blocks: Vec<(f64, usize)> = Vec::with_capacity(layer.len());
    let mut offsets = Vec::with_capacity(layer.len());
    for (i, &node) in layer.iter().enumerate() {
        if i > 0 {
            offset += graph.sizes[layer[i - 1]].height + gap(graph, layer[i - 1], node);
        }
        offsets.push(offset);
        let around = &neighbours[node];
        let wished = if around.is_empty() {
            graph.y[node]
        } else {
            around.iter().map(|&(n, port, own)| graph.y[n] + port - own).sum::<f64>() / around.len() as f64
        };
        blocks.push((wished - offset, 1));
        while blocks.len() > 1 {
            let (sum, count) = blocks[blocks.len() - 1];
            let (previous_sum, previous_count) = blocks[blocks.len() - 2];
            if previous_sum / previous_count as f64 <= sum / count as f64 {
                break;
            }
            blocks.pop();
            *blocks.last_mut().unwrap() = (previous_sum + sum, previous_count + count);
        }
    }
    let mut i = 0;
    let layer = layer.clone();
    for (sum, count) in blocks {
        let level = sum / count as f64;
        for _ in 0..count {
            graph.y[layer[i]] = level + offsets[i];
            i += 1;
        }
    }
}

/// Tables without foreign keys in rows below `top` (as many per row as the drawing above is
/// wide, at least a square's worth): their boxes, and the grid's right and bottom edges.
pub(super) fn grid(tables: &[usize], sizes: &[Size], top: f64, width: f64, boxes: &mut [Rect]) -> (f64, f64) {
    let cell = tables.iter().map(|&t| sizes[t].width).fold(0.0, f64::max) + GRID_GAP;
    let square = (tables.len() as f64).sqrt().ceil() as usize;
    let fit = ((width - MARGIN) / cell).floor().max(0.0) as usize;
    let per_row = square.max(fit).min(tables.len()).max(1);
    let (mut y, mut right) = (top, 0.0f64);
    for row in tables.chunks(per_row) {
        let mut tallest = 0.0f64;
        for (i, &table) in row.iter().enumerate() {
            let Size { width, height } = sizes[table];
            boxes[table] = Rect { x: MARGIN + i as f64 * cell, y, width, height };
            tallest = tallest.max(height);
            right = right.max(MARGIN + i as f64 * cell + cell);
        }
        y += tallest + GRID_GAP;
    }
    (right, y - GRID_GAP)
}
