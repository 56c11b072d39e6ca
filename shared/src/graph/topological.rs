//! The order Alembic lists and runs revisions in (`RevisionMap._topological_sort`): newest
//! first, finishing one branch down to where it joins before starting the next, with ties
//! broken by the order the files were read in.
//!
//! Alembic keeps every pending head's whole ancestor set and rebuilds it at each merge, which
//! is quadratic on long histories. The sort only ever asks whether one revision is an ancestor
//! of another pending head, so each head's ancestors are found lazily, deepest first, only as
//! far down as the question needs: the same answers, in time near linear on real histories.

use super::set::NodeSet;
use super::{Node, RevisionGraph};
use std::collections::BinaryHeap;

impl RevisionGraph {
    /// Orders `revisions`, starting from `heads`, children before parents.
    pub fn topological_sort(&self, revisions: &NodeSet, heads: &[usize]) -> Vec<usize> {
        let depth = depths(&self.nodes);
        let ancestors_of = |head: usize| LazyAncestors::new(self.len(), head, &depth);
        let mut todo = revisions.clone();
        let mut current_heads: Vec<usize> = heads.iter().copied().filter(|&h| todo.contains(h)).collect();
        current_heads.sort_unstable();
        current_heads.dedup();
        let mut ancestors_by_head: Vec<LazyAncestors> = current_heads.iter().map(|&h| ancestors_of(h)).collect();
        let mut output = Vec::with_capacity(todo.len());
        let mut candidate_index = 0;
        while !current_heads.is_empty() {
            let candidate = current_heads[candidate_index];
            // A candidate that another pending head still builds on must wait for that head.
            let blocking = (0..ancestors_by_head.len())
                .find(|&i| i != candidate_index && ancestors_by_head[i].contains(candidate, &self.nodes, &depth));
            if let Some(blocking) = blocking {
                candidate_index = blocking;
                continue;
            }
            if todo.contains(candidate) {
                output.push(candidate);
                todo.remove(candidate);
            }
            let node = &self.nodes[candidate];
            let heads_to_add: Vec<usize> = node
                .normalized_down
                .iter()
                .copied()
                .filter(|&r| todo.contains(r) && !current_heads.contains(&r))
                .collect();
            if heads_to_add.is_empty() {
                current_heads.remove(candidate_index);
                ancestors_by_head.remove(candidate_index);
                candidate_index = candidate_index.saturating_sub(1);
            } else if node.normalized_dependencies.is_empty() && node.down.len() == 1 {
                // The one parent's ancestors are the candidate's, less the candidate.
                current_heads[candidate_index] = heads_to_add[0];
                ancestors_by_head[candidate_index].forget(candidate);
            } else {
                current_heads[candidate_index] = heads_to_add[0];
                ancestors_by_head[candidate_index] = ancestors_of(heads_to_add[0]);
                for &head in &heads_to_add[1..] {
                    current_heads.push(head);
                    ancestors_by_head.push(ancestors_of(head));
                }
            }
        }
        debug_assert!(todo.is_empty(), "every revision to sort is reachable from the heads");
        output
    }
}

/// Each revision's longest distance from a base, through `normalized_down`: an ancestor is
/// always less deep than its descendants.
fn depths(nodes: &[Node]) -> Vec<u32> {
    let mut depth: Vec<Option<u32>> = vec![None; nodes.len()];
    for start in 0..nodes.len() {
        let mut stack = vec![start];
        while let Some(&index) = stack.last() {
            if depth[index].is_some() {
                stack.pop();
                continue;
            }
            let pending: Vec<usize> =
                nodes[index].normalized_down.iter().copied().filter(|&p| depth[p].is_none()).collect();
            if pending.is_empty() {
                let deepest_parent = nodes[index].normalized_down.iter().filter_map(|&p| depth[p]).max();
                depth[index] = Some(deepest_parent.map_or(0, |d| d + 1));
                stack.pop();
            } else {
                stack.extend(pending);
            }
        }
    }
    depth.into_iter().map(|d| d.unwrap_or(0)).collect()
}

/// A head and everything it builds on (with dependencies), found on demand: a revision at
/// depth `d` is known to be in or out once every found revision deeper than `d` was expanded.
struct LazyAncestors {
    found: NodeSet,
    to_expand: BinaryHeap<(u32, usize)>,
}

impl LazyAncestors {
    fn new(len: usize, head: usize, depth: &[u32]) -> Self {
        let mut found = NodeSet::new(len);
        found.insert(head);
        Self { found, to_expand: BinaryHeap::from([(depth[head], head)]) }
    }

    fn contains(&mut self, node: usize, nodes: &[Node], depth: &[u32]) -> bool {
        while let Some(&(d, index)) = self.to_expand.peek() {
            if d <= depth[node] {
                break;
            }
            self.to_expand.pop();
            for &parent in &nodes[index].normalized_down {
                if self.found.insert(parent) {
                    self.to_expand.push((depth[parent], parent));
                }
            }
        }
        self.found.contains(node)
    }

    /// Leaves out the head, once the sort moved on to its only parent.
    fn forget(&mut self, head: usize) {
        self.found.remove(head);
    }
}
