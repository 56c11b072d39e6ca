//! The order Alembic lists and runs revisions in (`RevisionMap._topological_sort`): newest
//! first, finishing one branch down to where it joins before starting the next, with ties
//! broken by the order the files were read in.

use super::RevisionGraph;
use super::set::NodeSet;

impl RevisionGraph {
    /// Orders `revisions`, starting from `heads`, children before parents.
    pub fn topological_sort(&self, revisions: &NodeSet, heads: &[usize]) -> Vec<usize> {
        let mut todo = revisions.clone();
        let mut current_heads: Vec<usize> = heads.iter().copied().filter(|&h| todo.contains(h)).collect();
        current_heads.sort_unstable();
        current_heads.dedup();
        let mut ancestors_by_head: Vec<NodeSet> = current_heads.iter().map(|&h| self.ancestors(&[h], true)).collect();
        let mut output = Vec::with_capacity(todo.len());
        let mut candidate_index = 0;
        while !current_heads.is_empty() {
            let candidate = current_heads[candidate_index];
            // A candidate that another pending head still builds on must wait for that head.
            if let Some(blocking) = ancestors_by_head
                .iter()
                .enumerate()
                .position(|(i, ancestors)| i != candidate_index && ancestors.contains(candidate))
            {
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
                current_heads[candidate_index] = heads_to_add[0];
                ancestors_by_head[candidate_index].remove(candidate);
            } else {
                current_heads[candidate_index] = heads_to_add[0];
                ancestors_by_head[candidate_index] = self.ancestors(&[heads_to_add[0]], true);
                for &head in &heads_to_add[1..] {
                    current_heads.push(head);
                    ancestors_by_head.push(self.ancestors(&[head], true));
                }
            }
        }
        debug_assert!(todo.is_empty(), "every revision to sort is reachable from the heads");
        output
    }
}
