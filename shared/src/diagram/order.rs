//! The order of the nodes in each column: barycenter sweeps (each node moves to the mean
//! position of its neighbours in the column just ordered), left to right and back, keeping
//! the order that crosses the fewest lines.

use super::layers::LayeredGraph;

/// Sweeps in each direction at most; they usually settle after a few.
const ROUNDS: usize = 12;

pub(super) fn reduce_crossings(graph: &mut LayeredGraph) {
    let columns = graph.layers.len();
    if columns < 2 {
        return;
    }
    let nodes = graph.layer.len();
    let (mut left, mut right) = (vec![Vec::new(); nodes], vec![Vec::new(); nodes]);
    for c in 0..columns - 1 {
        for (l, r, _, _) in graph.segments(c) {
            right[l].push(r);
            left[r].push(l);
        }
    }
    let mut position = vec![0usize; nodes];
    let mut layers = graph.layers.clone();
    let mut best_count = count(&layers, &mut position, &right);
    let mut best = layers.clone();
    let mut stale = 0;
    for _ in 0..ROUNDS {
        for c in 1..columns {
            number(&layers[c - 1], &mut position);
            sort_by_barycenter(&mut layers[c], &position, &left);
        }
        for c in (0..columns - 1).rev() {
            number(&layers[c + 1], &mut position);
            sort_by_barycenter(&mut layers[c], &position, &right);
        }
        let now = count(&layers, &mut position, &right);
        if now < best_count {
            (best_count, best, stale) = (now, layers.clone(), 0);
        } else {
            stale += 1;
            if stale == 2 || best_count == 0 {
                break;
            }
        }
    }
    graph.layers = best;
}

fn number(layer: &[usize], position: &mut [usize]) {
    for (i, &node) in layer.iter().enumerate() {
        position[node] = i;
    }
}

/// Nodes without neighbours on that side keep their place; ties keep their order.
fn sort_by_barycenter(layer: &mut [usize], fixed_position: &[usize], neighbours: &[Vec<usize>]) {
    let key = |i: usize, node: usize| -> f64 {
        let around = &neighbours[node];
        if around.is_empty() {
            i as f64
        } else {
            around.iter().map(|&n| fixed_position[n] as f64).sum::<f64>() / around.len() as f64
        }
    };
    let mut keyed: Vec<(f64, usize)> = layer.iter().enumerate().map(|(i, &node)| (key(i, node), node)).collect();
    keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
    for (slot, (_, node)) in layer.iter_mut().zip(keyed) {
        *slot = node;
    }
}

/// Crossings between neighbouring columns for these orders: pairs of segments whose ends
/// are in opposite orders (counted with a Fenwick tree, segments sorted by their left end).
pub(super) fn count(layers: &[Vec<usize>], position: &mut [usize], right: &[Vec<usize>]) -> usize {
    for layer in layers {
        number(layer, position);
    }
    let mut total = 0;
    for c in 0..layers.len().saturating_sub(1) {
        let mut ends: Vec<(usize, usize)> = layers[c]
            .iter()
            .flat_map(|&l| right[l].iter().map(move |&r| (l, r)))
            .map(|(l, r)| (position[l], position[r]))
            .collect();
        ends.sort_unstable();
        let size = layers[c + 1].len();
        let mut tree = vec![0usize; size + 1];
        for (seen, &(_, r)) in ends.iter().enumerate() {
            // Earlier segments whose right end is at or before r do not cross this one.
            let mut at_or_before = 0;
            let mut i = r + 1;
            while i > 0 {
                at_or_before += tree[i];
                i -= i & i.wrapping_neg();
            }
            total += seen - at_or_before;
            let mut i = r + 1;
            while i <= size {
                tree[i] += 1;
                i += i & i.wrapping_neg();
            }
        }
    }
    total
}
