//! The revision graph: the one home of graph semantics, with Alembic's `RevisionMap` as the
//! reference, so that heads, target specs and plans come out as Alembic computes them.
//!
//! Revisions are indexed in the order their files were read (sorted by path, as Alembic reads
//! them); that order breaks ties wherever Alembic's does. Revisions that cannot take part in
//! the graph (a duplicate id, an unknown parent or dependency, a cycle, or any of these in
//! their ancestry) are left out with a diagnostic each, and the rest loads.

mod build;
mod collect;
mod labels;
mod resolve;
mod set;
mod topological;
mod walk;

pub use collect::Selection;
pub use resolve::{ErrorKind, GraphError, Ident, Point};
pub use set::NodeSet;

use crate::diagnostic::Diagnostic;
use crate::revision::Revision;
use std::collections::HashMap;

/// A revision in the graph, with its edges resolved to indices.
pub struct Node {
    pub revision: Revision,
    /// What it revises (Alembic's `_versioned_down_revisions`), in declared order.
    pub down: Vec<usize>,
    /// Its `depends_on`, resolved (labels become revisions).
    pub dependencies: Vec<usize>,
    /// Dependencies not already implied by an ancestor's dependencies.
    pub normalized_dependencies: Vec<usize>,
    /// `down` followed by the normalized dependencies (Alembic's `_normalized_down_revisions`).
    pub normalized_down: Vec<usize>,
    /// Revisions that revise this one (Alembic's `nextrev`).
    pub children: Vec<usize>,
    /// Revisions that revise or depend on this one (Alembic's `_all_nextrev`).
    pub all_children: Vec<usize>,
    /// Its branch labels and those it inherits, as bits over the graph's label names
    /// (`RevisionGraph::labels_of` gives them as names).
    labels: NodeSet,
}

impl Node {
    pub fn id(&self) -> &str {
        &self.revision.id
    }

    pub fn is_head(&self) -> bool {
        self.children.is_empty()
    }

    pub fn is_real_head(&self) -> bool {
        self.all_children.is_empty()
    }

    pub fn is_base(&self) -> bool {
        self.down.is_empty()
    }

    pub fn is_branch_point(&self) -> bool {
        self.children.len() > 1
    }

    pub fn is_real_branch_point(&self) -> bool {
        self.all_children.len() > 1
    }

    pub fn is_merge_point(&self) -> bool {
        self.down.len() > 1
    }
}

/// A revision file that parsed but could not join the graph.
#[derive(Clone, Debug)]
pub struct ExcludedRevision {
    pub revision: Revision,
    pub reason: String,
}

pub struct RevisionGraph {
    nodes: Vec<Node>,
    by_id: HashMap<String, usize>,
    /// Branch labels as declared (not inherited) → the revision that declares them.
    by_label: HashMap<String, usize>,
    /// Every branch label, sorted: a node's label bits index this.
    label_names: Vec<String>,
    heads: Vec<usize>,
    real_heads: Vec<usize>,
    bases: Vec<usize>,
    excluded: Vec<ExcludedRevision>,
}

impl RevisionGraph {
    /// Builds the graph from revisions in the order their files were read.
    pub fn build(revisions: Vec<Revision>) -> (Self, Vec<Diagnostic>) {
        build::build(revisions)
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// The branch labels a revision carries, its own and those it inherits, sorted (Alembic's
    /// `branch_labels` once spread).
    pub fn labels_of(&self, index: usize) -> Vec<&str> {
        self.nodes[index].labels.iter().map(|bit| self.label_names[bit].as_str()).collect()
    }

    /// Whether a revision carries `label`, its own or inherited.
    pub fn carries_label(&self, index: usize, label: &str) -> bool {
        self.label_names
            .binary_search_by(|name| name.as_str().cmp(label))
            .is_ok_and(|bit| self.nodes[index].labels.contains(bit))
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    pub fn node(&self, index: usize) -> &Node {
        &self.nodes[index]
    }

    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    pub fn get(&self, id: &str) -> Option<&Revision> {
        self.index_of(id).map(|i| &self.nodes[i].revision)
    }

    /// Revisions that nothing revises (dependencies aside), as `alembic heads` lists them.
    pub fn heads(&self) -> &[usize] {
        &self.heads
    }

    /// Revisions that nothing revises or depends on (what the target `heads` means).
    pub fn real_heads(&self) -> &[usize] {
        &self.real_heads
    }

    pub fn bases(&self) -> &[usize] {
        &self.bases
    }

    pub fn excluded(&self) -> &[ExcludedRevision] {
        &self.excluded
    }

    pub fn id(&self, index: usize) -> &str {
        self.nodes[index].id()
    }

    pub fn ids(&self, indices: impl IntoIterator<Item = usize>) -> Vec<String> {
        indices.into_iter().map(|i| self.id(i).to_owned()).collect()
    }

    /// Every revision, newest first, in the order `alembic history` prints them.
    pub fn history_order(&self) -> Vec<usize> {
        let mut all = NodeSet::new(self.len());
        (0..self.len()).for_each(|i| {
            all.insert(i);
        });
        self.topological_sort(&all, &self.real_heads)
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
pub(crate) mod tests_support {
    pub(crate) use super::tests::revision;
}
