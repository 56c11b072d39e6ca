//! Ancestors and descendants (Alembic's `_iterate_related_revisions` and its callers).

use super::resolve::GraphError;
use super::set::NodeSet;
use super::{Node, RevisionGraph};

/// Every revision reachable from `start` by following `next` (`start` included).
pub(super) fn related(nodes: &[Node], start: &[usize], next: fn(&Node) -> &Vec<usize>) -> NodeSet {
    let mut seen = NodeSet::new(nodes.len());
    let mut stack: Vec<usize> = start.to_vec();
    while let Some(index) = stack.pop() {
        if seen.insert(index) {
            stack.extend(next(&nodes[index]).iter().copied());
        }
    }
    seen
}

/// Every node after all of its parents (the graph has no cycles: they were left out).
pub(super) fn parents_first(nodes: &[Node]) -> Vec<usize> {
    let mut waiting: Vec<usize> = nodes.iter().map(|n| n.down.len()).collect();
    let mut ready: Vec<usize> = (0..nodes.len()).filter(|&i| waiting[i] == 0).collect();
    let mut order = Vec::with_capacity(nodes.len());
    while let Some(index) = ready.pop() {
        order.push(index);
        for &child in &nodes[index].children {
            waiting[child] -= 1;
            if waiting[child] == 0 {
                ready.push(child);
            }
        }
    }
    order
}

impl RevisionGraph {
    /// `targets` and everything they build on; with dependencies, through `depends_on` too.
    pub fn ancestors(&self, targets: &[usize], with_dependencies: bool) -> NodeSet {
        if with_dependencies {
            related(&self.nodes, targets, |n| &n.normalized_down)
        } else {
            related(&self.nodes, targets, |n| &n.down)
        }
    }

    /// `targets` and everything built on them; with dependencies, through `depends_on` too.
    pub fn descendants(&self, targets: &[usize], with_dependencies: bool) -> NodeSet {
        if with_dependencies {
            related(&self.nodes, targets, |n| &n.all_children)
        } else {
            related(&self.nodes, targets, |n| &n.children)
        }
    }

    /// Like `ancestors`/`descendants`, but refuses targets of which one lies beyond another
    /// (Alembic's `check=True`): such a request names one line of history twice.
    pub(super) fn related_checked(
        &self,
        targets: &[usize],
        set: NodeSet,
        beyond: impl Fn(usize) -> NodeSet,
    ) -> Result<NodeSet, GraphError> {
        for &target in targets {
            let reach = beyond(target);
            let others: Vec<String> =
                targets.iter().filter(|&&t| t != target && reach.contains(t)).map(|&t| self.id(t).to_owned()).collect();
            if !others.is_empty() {
                return Err(GraphError::other(crate::words::Target::Overlaps {
                    id: self.id(target).to_owned(),
                    others,
                }));
            }
        }
        Ok(set)
    }

    pub(super) fn ancestors_checked(&self, targets: &[usize]) -> Result<NodeSet, GraphError> {
        let all = self.ancestors(targets, true);
        self.related_checked(targets, all, |t| self.ancestors(&[t], true))
    }

    pub(super) fn descendants_checked(&self, targets: &[usize]) -> Result<NodeSet, GraphError> {
        let all = self.descendants(targets, false);
        self.related_checked(targets, all, |t| self.descendants(&[t], false))
    }
}
