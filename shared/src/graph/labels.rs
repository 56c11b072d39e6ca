//! Branch labels spread the way Alembic's `_add_branches` spreads them: to every descendant,
//! and, when the labelled revision's descendants form one plain line, down through its
//! ancestors as well, until a branch point or a merge point.

use super::Node;

pub(super) fn propagate(nodes: &mut [Node]) {
    for node in nodes.iter_mut() {
        node.branch_labels = node.revision.branch_labels.clone();
    }
    for index in 0..nodes.len() {
        if nodes[index].revision.branch_labels.is_empty() {
            continue;
        }
        // What this revision carries by now, inherited labels included (as in Alembic).
        let labels = nodes[index].branch_labels.clone();
        let descendants = super::walk::related(nodes, &[index], |n| &n.children);
        for descendant in descendants.iter() {
            add(&mut nodes[descendant], &labels);
        }
        let Some(tail) = line_tail(nodes, index) else { continue };
        let mut current = tail;
        while !nodes[current].is_real_branch_point() && !nodes[current].is_merge_point() {
            add(&mut nodes[current], &labels);
            match nodes[current].down.as_slice() {
                [parent] => current = *parent,
                _ => break,
            }
        }
    }
    for node in nodes.iter_mut() {
        node.branch_labels.sort_unstable();
    }
}

/// The last revision of the line that starts at `index`, if its descendants form one line.
/// (Otherwise Alembic's walk down stops at a branch or merge point it has already labelled.)
fn line_tail(nodes: &[Node], index: usize) -> Option<usize> {
    let mut current = index;
    loop {
        match nodes[current].children.as_slice() {
            [] => return Some(current),
            [child] => current = *child,
            _ => return None,
        }
    }
}

fn add(node: &mut Node, labels: &[String]) {
    for label in labels {
        if !node.branch_labels.contains(label) {
            node.branch_labels.push(label.clone());
        }
    }
}
