//! The drawing's columns (layers): cycles broken, each table one column right of the
//! furthest table it references, and a placeholder node in every column a line passes, so
//! that lines run between boxes rather than across them.

use super::{Link, Rect, Size};

/// Height of the slot a line takes where it passes through a column.
pub(super) const PASSAGE: f64 = 8.0;

/// A link's line from its left (earlier column) end to its right end: the tables at both
/// ends and the passages between, with where the line meets each (distance from its top).
pub(super) struct Chain {
    pub nodes: Vec<usize>,
    pub ports: Vec<f64>,
}

/// Tables (nodes `0..tables`) and passages (the rest), each in a column.
pub(super) struct LayeredGraph {
    pub tables: usize,
    pub sizes: Vec<Size>,
    pub layer: Vec<usize>,
    /// Each column's nodes, top to bottom.
    pub layers: Vec<Vec<usize>>,
    /// Per link; `None` for a self-reference or a link to a missing table.
    pub chains: Vec<Option<Chain>>,
    /// Tables with a foreign key to or from another table.
    pub connected: Vec<bool>,
    /// Set by placement: each node's top and each column's left edge.
    pub y: Vec<f64>,
    pub column_x: Vec<f64>,
}

impl LayeredGraph {
    pub fn build(sizes: &[Size], links: &[Link]) -> Self {
        let tables = sizes.len();
        let joins = |l: &Link| l.from != l.to && l.from < tables && l.to < tables;
        let mut connected = vec![false; tables];
        for link in links.iter().filter(|l| joins(l)) {
            connected[link.from] = true;
            connected[link.to] = true;
        }
        // Referenced tables go left: a link runs from `to` (left) to `from` (right) unless it
        // closes a cycle, then it is turned round.
        let reversed = back_links(tables, links, &joins);
        let ends = |i: usize, l: &Link| if reversed[i] { (l.from, l.to) } else { (l.to, l.from) };
        let heights: Vec<f64> = (0..tables).map(|t| if connected[t] { sizes[t].height } else { 0.0 }).collect();
        let edges = links.iter().enumerate().filter(|(_, l)| joins(l)).map(|(i, l)| ends(i, l));
        let mut layer = bounded_layers(&heights, edges);
        let mut sizes = sizes.to_vec();
        let mut chains = Vec::with_capacity(links.len());
        for (i, link) in links.iter().enumerate() {
            if !joins(link) {
                chains.push(None);
                continue;
            }
            let (left, right) = ends(i, link);
            let port = |node: usize| if node == link.from { link.from_port } else { link.to_port };
            let mut nodes = vec![left];
            let mut ports = vec![port(left)];
            for column in layer[left] + 1..layer[right] {
                nodes.push(sizes.len());
                ports.push(PASSAGE / 2.0);
                sizes.push(Size { width: 0.0, height: PASSAGE });
                layer.push(column);
            }
            nodes.push(right);
            ports.push(port(right));
            chains.push(Some(Chain { nodes, ports }));
        }
        let columns =
            (0..layer.len()).filter(|&n| n >= tables || connected[n]).map(|n| layer[n] + 1).max().unwrap_or(0);
        let mut layers = vec![Vec::new(); columns];
        for node in 0..layer.len() {
            if node >= tables || connected[node] {
                layers[layer[node]].push(node);
            }
        }
        let y = vec![0.0; layer.len()];
        LayeredGraph { tables, sizes, layer, layers, chains, connected, y, column_x: vec![0.0; columns] }
    }

    pub fn is_passage(&self, node: usize) -> bool {
        node >= self.tables
    }

    pub fn rect(&self, node: usize) -> Rect {
        let x = self.column_x.get(self.layer[node]).copied().unwrap_or(0.0);
        Rect { x, y: self.y[node], width: self.sizes[node].width, height: self.sizes[node].height }
    }

    /// The segments between column `c` and `c + 1`: (left node, right node, left port, right port).
    pub fn segments(&self, c: usize) -> impl Iterator<Item = (usize, usize, f64, f64)> + '_ {
        self.chains.iter().flatten().flat_map(move |chain| {
            (0..chain.nodes.len() - 1)
                .filter(move |&i| self.layer[chain.nodes[i]] == c)
                .map(move |i| (chain.nodes[i], chain.nodes[i + 1], chain.ports[i], chain.ports[i + 1]))
        })
    }
}

/// Links that close a cycle (found by a depth-first walk in table order): drawing them turned
/// round makes the rest acyclic.
fn back_links(tables: usize, links: &[Link], joins: &dyn Fn(&Link) -> bool) -> Vec<bool> {
    let mut out: Vec<Vec<(usize, usize)>> = vec![Vec::new(); tables];
    for (i, link) in links.iter().enumerate().filter(|(_, l)| joins(l)) {
        out[link.to].push((link.from, i));
    }
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        New,
        Open,
        Done,
    }
    let mut state = vec![State::New; tables];
    let mut reversed = vec![false; links.len()];
    for root in 0..tables {
        if state[root] != State::New {
            continue;
        }
        state[root] = State::Open;
        let mut stack = vec![(root, 0usize)];
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            if let Some(&(target, link)) = out[node].get(*next) {
                *next += 1;
                match state[target] {
                    State::Open => reversed[link] = true,
                    State::New => {
                        state[target] = State::Open;
                        stack.push((target, 0));
                    }
                    State::Done => {}
                }
            } else {
                state[node] = State::Done;
                stack.pop();
            }
        }
    }
    reversed
}

/// How tall a column may grow, from the boxes' total height: about a 16:10 picture.
fn column_budget(heights: &[f64]) -> f64 {
    const COLUMN_WIDTH: f64 = 320.0;
    let total: f64 = heights.iter().map(|h| h + 28.0).sum();
    (total * COLUMN_WIDTH / 1.6).sqrt().max(heights.iter().copied().fold(0.0, f64::max))
}

/// Each table right of every table it references, in the first column from there that has
/// room (so that wide layers wrap into more columns instead of one endless one); then a table
/// that references nothing moves as near as room allows to the tables referencing it.
fn bounded_layers(heights: &[f64], edges: impl Iterator<Item = (usize, usize)>) -> Vec<usize> {
    let tables = heights.len();
    let budget = column_budget(heights);
    let mut right: Vec<Vec<usize>> = vec![Vec::new(); tables];
    let mut incoming = vec![0usize; tables];
    for (l, r) in edges {
        right[l].push(r);
        incoming[r] += 1;
    }
    let mut earliest = vec![0usize; tables];
    let mut layer = vec![0usize; tables];
    let mut used: Vec<f64> = Vec::new();
    let has_room = |used: &[f64], c: usize, h: f64| used.get(c).is_none_or(|&u| u == 0.0 || u + h <= budget);
    let mut waiting = incoming.clone();
    let mut ready: Vec<usize> = (0..tables).rev().filter(|&n| waiting[n] == 0).collect();
    let mut order = Vec::with_capacity(tables);
    while let Some(node) = ready.pop() {
        order.push(node);
        let h = heights[node];
        let mut c = earliest[node];
        while !has_room(&used, c, h) {
            c += 1;
        }
        if used.len() <= c {
            used.resize(c + 1, 0.0);
        }
        used[c] += h;
        layer[node] = c;
        for &r in &right[node] {
            earliest[r] = earliest[r].max(c + 1);
            waiting[r] -= 1;
            if waiting[r] == 0 {
                ready.push(r);
            }
        }
    }
    for &node in order.iter().rev() {
        let Some(nearest) = right[node].iter().map(|&r| layer[r]).min() else { continue };
        if incoming[node] != 0 || heights[node] == 0.0 {
            continue;
        }
        if let Some(c) = (layer[node] + 1..nearest).rev().find(|&c| has_room(&used, c, heights[node])) {
            used[layer[node]] -= heights[node];
            used[c] += heights[node];
            layer[node] = c;
        }
    }
    layer
}
