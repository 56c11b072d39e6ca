//! Branch labels spread the way Alembic's `_add_branches` spreads them: to every descendant,
//! and, when the labelled revision's descendants form one plain line, down through its
//! ancestors as well, until a branch point or a merge point.
//!
//! Alembic copies label lists revision by revision, which costs labels × history; here each
//! revision's labels are a bitset over the graph's label names, and two linear passes give
//! the same sets:
//! - down the descendants: a revision carries what its parents carry, plus its own labels;
//! - down through ancestors: such a walk always starts at a head and follows single parents
//!   while it meets neither a branch point nor a merge point, so every revision lies on at
//!   most one walk, and all revisions on a walk carry every label declared on it.

use super::Node;
use super::set::NodeSet;

/// Sets `labels` of every node. `names` are the graph's label names, sorted: a label's bit is
/// its position there.
pub(super) fn propagate(nodes: &mut [Node], names: &[String]) {
    let own: Vec<NodeSet> = nodes.iter().map(|node| bits(&node.revision.branch_labels, names)).collect();
    let mut carried = own.clone();
    for index in super::walk::parents_first(nodes) {
        for &parent in &nodes[index].down {
            let (parent_labels, labels) = pick_two(&mut carried, parent, index);
            labels.union_with(parent_labels);
        }
    }
    for head in (0..nodes.len()).filter(|&i| nodes[i].is_head()) {
        let walk = walk_down(nodes, head);
        let mut declared = NodeSet::new(names.len());
        walk.iter().for_each(|&index| declared.union_with(&own[index]));
        if !declared.is_empty() {
            walk.iter().for_each(|&index| carried[index].union_with(&declared));
        }
    }
    for (node, labels) in nodes.iter_mut().zip(carried) {
        node.labels = labels;
    }
}

fn bits(labels: &[String], names: &[String]) -> NodeSet {
    let mut set = NodeSet::new(names.len());
    for label in labels {
        if let Ok(bit) = names.binary_search(label) {
            set.insert(bit);
        }
    }
    set
}

/// From a head down through single parents, while neither a branch point nor a merge point.
fn walk_down(nodes: &[Node], head: usize) -> Vec<usize> {
    let mut walk = Vec::new();
    let mut current = head;
    while !nodes[current].is_real_branch_point() && !nodes[current].is_merge_point() {
        walk.push(current);
        match nodes[current].down.as_slice() {
            [parent] => current = *parent,
            _ => break,
        }
    }
    walk
}

/// `(&sets[read], &mut sets[write])` for two different indices.
fn pick_two(sets: &mut [NodeSet], read: usize, write: usize) -> (&NodeSet, &mut NodeSet) {
    if read < write {
        let (low, high) = sets.split_at_mut(write);
        (&low[read], &mut high[0])
    } else {
        let (low, high) = sets.split_at_mut(read);
        (&high[0], &mut low[write])
    }
}
