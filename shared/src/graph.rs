//! The revision graph: the one home of "what revises what".
//!
//! Built from parsed revisions; problems that need the whole set (duplicate ids, unknown
//! parents) become diagnostics on the offending file, and the healthy revisions still load.

use crate::diagnostic::Diagnostic;
use crate::revision::Revision;
use std::collections::HashMap;

pub struct RevisionGraph {
    /// Newest first: every revision comes before the revisions it revises.
    revisions: Vec<Revision>,
    index: HashMap<String, usize>,
    children: Vec<Vec<usize>>,
}

impl RevisionGraph {
    /// Builds the graph; the second of two revisions with one id is left out, and edges to
    /// unknown parents are dropped, each with a diagnostic.
    pub fn build(candidates: Vec<Revision>) -> (Self, Vec<Diagnostic>) {
        let mut diagnostics = Vec::new();
        let mut revisions: Vec<Revision> = Vec::with_capacity(candidates.len());
        let mut index = HashMap::with_capacity(candidates.len());
        for revision in candidates {
            if let Some(&first) = index.get(&revision.id) {
                let first: &Revision = &revisions[first];
                diagnostics.push(Diagnostic::at(
                    &revision.path,
                    revision.lines.revision,
                    format!("revision id `{}` is already used by {}", revision.id, first.path),
                ));
                continue;
            }
            index.insert(revision.id.clone(), revisions.len());
            revisions.push(revision);
        }

        let mut parents_of: Vec<Vec<usize>> = Vec::with_capacity(revisions.len());
        for revision in &revisions {
            let mut known = Vec::with_capacity(revision.parents.len());
            for parent in &revision.parents {
                match index.get(parent) {
                    Some(&p) => known.push(p),
                    None => diagnostics.push(Diagnostic::at(
                        &revision.path,
                        revision.lines.revises.unwrap_or(revision.lines.revision),
                        format!("revision `{}` revises `{parent}`, which no file defines", revision.id),
                    )),
                }
            }
            parents_of.push(known);
        }
        let order = newest_first(&parents_of);
        let graph = Self::in_order(revisions, &parents_of, &order);
        (graph, diagnostics)
    }

    /// Rebuilds the vectors so that position `i` holds `order[i]`.
    fn in_order(revisions: Vec<Revision>, parents_of: &[Vec<usize>], order: &[usize]) -> Self {
        let mut new_position = vec![0; order.len()];
        for (position, &old) in order.iter().enumerate() {
            new_position[old] = position;
        }
        let mut slots: Vec<Option<Revision>> = revisions.into_iter().map(Some).collect();
        let revisions: Vec<Revision> = order.iter().map(|&old| slots[old].take().expect("each index once")).collect();
        let mut children = vec![Vec::new(); order.len()];
        for (old, parents) in parents_of.iter().enumerate() {
            for &parent in parents {
                children[new_position[parent]].push(new_position[old]);
            }
        }
        for list in &mut children {
            list.sort_unstable();
        }
        let index = revisions.iter().enumerate().map(|(i, r)| (r.id.clone(), i)).collect();
        Self { revisions, index, children }
    }

    /// All revisions, newest first.
    pub fn revisions(&self) -> &[Revision] {
        &self.revisions
    }

    pub fn get(&self, id: &str) -> Option<&Revision> {
        self.index.get(id).map(|&i| &self.revisions[i])
    }

    /// The revisions that revise `id` directly.
    pub fn children(&self, id: &str) -> Vec<&str> {
        self.index
            .get(id)
            .map_or_else(Vec::new, |&i| self.children[i].iter().map(|&c| self.revisions[c].id.as_str()).collect())
    }

    /// Revisions that nothing revises, newest first.
    pub fn heads(&self) -> Vec<&str> {
        (0..self.revisions.len())
            .filter(|&i| self.children[i].is_empty())
            .map(|i| self.revisions[i].id.as_str())
            .collect()
    }
}

/// A topological order, children before parents; among revisions that are free at the same
/// time the one read last comes first, so that the order is stable for a given folder.
fn newest_first(parents_of: &[Vec<usize>]) -> Vec<usize> {
    let mut pending_children = vec![0usize; parents_of.len()];
    for parents in parents_of {
        for &p in parents {
            pending_children[p] += 1;
        }
    }
    let mut ready: std::collections::BinaryHeap<usize> =
        (0..parents_of.len()).filter(|&i| pending_children[i] == 0).collect();
    let mut order = Vec::with_capacity(parents_of.len());
    while let Some(next) = ready.pop() {
        order.push(next);
        for &p in &parents_of[next] {
            pending_children[p] -= 1;
            if pending_children[p] == 0 {
                ready.push(p);
            }
        }
    }
    // Revisions on a cycle never become ready; keep them (at the end) rather than lose them.
    let mut placed = vec![false; parents_of.len()];
    order.iter().for_each(|&i| placed[i] = true);
    order.extend((0..parents_of.len()).filter(|&i| !placed[i]));
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::revision::{HeaderLines, SqlSection};

    fn revision(id: &str, parents: &[&str]) -> Revision {
        let empty = SqlSection { sql: String::new(), first_line: 1 };
        Revision {
            id: id.into(),
            parents: parents.iter().map(|p| p.to_string()).collect(),
            branch_labels: vec![],
            depends_on: vec![],
            message: None,
            created: None,
            transactional: true,
            path: format!("{id}.sql"),
            upgrade: empty.clone(),
            downgrade: empty,
            lines: HeaderLines { revision: 1, revises: Some(2), ..HeaderLines::default() },
        }
    }

    #[test]
    fn children_heads_and_newest_first_order_through_a_branch_and_merge() {
        let (graph, diagnostics) = RevisionGraph::build(vec![
            revision("merge", &["left", "right"]),
            revision("base", &[]),
            revision("left", &["base"]),
            revision("right", &["base"]),
            revision("tip", &["merge"]),
            revision("side", &["base"]),
        ]);
        assert!(diagnostics.is_empty());
        let order: Vec<&str> = graph.revisions().iter().map(|r| r.id.as_str()).collect();
        for (child, parent) in
            [("tip", "merge"), ("merge", "left"), ("merge", "right"), ("left", "base"), ("side", "base")]
        {
            let pos = |id| order.iter().position(|&o| o == id).expect("present");
            assert!(pos(child) < pos(parent), "{child} before {parent} in {order:?}");
        }
        let mut children = graph.children("base");
        children.sort_unstable();
        assert_eq!(children, ["left", "right", "side"]);
        let mut heads = graph.heads();
        heads.sort_unstable();
        assert_eq!(heads, ["side", "tip"]);
    }

    #[test]
    fn duplicate_ids_and_unknown_parents_are_diagnosed_and_the_rest_loads() {
        let mut twin = revision("a", &[]);
        twin.path = "twin.sql".into();
        let (graph, diagnostics) = RevisionGraph::build(vec![revision("a", &[]), twin, revision("b", &["a", "ghost"])]);
        let messages: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
        assert_eq!(
            messages,
            [
                "twin.sql:1: revision id `a` is already used by a.sql",
                "b.sql:2: revision `b` revises `ghost`, which no file defines"
            ]
        );
        assert_eq!(graph.revisions().len(), 2);
        assert_eq!(graph.children("a"), ["b"]);
        assert_eq!(graph.heads(), ["b"]);
    }
}
