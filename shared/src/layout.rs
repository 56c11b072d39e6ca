//! Where the history graph draws each revision: a row per revision (newest first, the order
//! `history` prints) and a lane, the way `git log --graph` lays out commits: a line of history
//! keeps its lane, a branch takes a free lane, a merge brings lanes back together.

use crate::graph::RevisionGraph;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Layout {
    /// Per row (newest first): the graph index of the revision drawn there and its lane.
    pub rows: Vec<Placed>,
    /// How many lanes the widest row needs.
    pub lanes: usize,
    pub edges: Vec<Edge>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Placed {
    pub revision: usize,
    pub lane: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edge {
    /// Rows of the child (above) and the parent (below).
    pub from_row: usize,
    pub to_row: usize,
    /// The lane the line runs down between them.
    pub lane: usize,
    /// A `depends_on` edge (drawn dashed), not a parent.
    pub dependency: bool,
}

impl Layout {
    pub fn of(graph: &RevisionGraph) -> Layout {
        let order = graph.history_order();
        let mut row_of = vec![usize::MAX; graph.len()];
        for (row, &revision) in order.iter().enumerate() {
            row_of[revision] = row;
        }
        // lanes[l] = the revision lane l waits for (drawn further down), if any.
        let mut lanes: Vec<Option<usize>> = Vec::new();
        let mut rows = Vec::with_capacity(order.len());
        // (child row, parent, lane the line runs in)
        let mut pending: Vec<(usize, usize, usize)> = Vec::new();
        for (row, &revision) in order.iter().enumerate() {
            let waiting: Vec<usize> = (0..lanes.len()).filter(|&l| lanes[l] == Some(revision)).collect();
            let lane = match waiting.first() {
                Some(&lane) => lane,
                None => free_lane(&mut lanes),
            };
            for &l in &waiting {
                lanes[l] = None; // lines that end here
            }
            rows.push(Placed { revision, lane });
            let node = graph.node(revision);
            for (i, &parent) in node.down.iter().enumerate() {
                let line = if let Some(existing) = lanes.iter().position(|&w| w == Some(parent)) {
                    existing
                } else if i == 0 {
                    lane
                } else {
                    free_lane(&mut lanes)
                };
                lanes[line] = Some(parent);
                pending.push((row, parent, line));
            }
        }
        let mut edges: Vec<Edge> = pending
            .into_iter()
            .map(|(from_row, parent, lane)| Edge { from_row, to_row: row_of[parent], lane, dependency: false })
            .collect();
        for (row, placed) in rows.iter().enumerate() {
            for &dependency in &graph.node(placed.revision).dependencies {
                let to_row = row_of[dependency];
                edges.push(Edge { from_row: row, to_row, lane: rows[to_row].lane, dependency: true });
            }
        }
        let lanes = rows.iter().map(|p| p.lane + 1).chain(edges.iter().map(|e| e.lane + 1)).max().unwrap_or(0);
        Layout { rows, lanes, edges }
    }
}

fn free_lane(lanes: &mut Vec<Option<usize>>) -> usize {
    match lanes.iter().position(Option::is_none) {
        Some(lane) => lane,
        None => {
            lanes.push(None);
            lanes.len() - 1
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::revision_file::parse_revision_file;

    fn graph(spec: &[(&str, &str, &str)]) -> RevisionGraph {
        let revisions = spec
            .iter()
            .map(|(id, revises, depends)| {
                let text = format!(
                    "-- revision: {id}\n-- revises: {revises}\n-- depends-on: {depends}\n-- strata:upgrade\n-- strata:downgrade\n"
                );
                parse_revision_file(&format!("{id}.sql"), &text).expect("valid")
            })
            .collect();
        RevisionGraph::build(revisions).0
    }

    #[test]
    fn branches_take_lanes_and_merges_give_them_back() {
        // a ← b ← d(merge of b, c) ← e ;  a ← c ;  f depends on c, revises e
        let graph =
            graph(&[("a", "", ""), ("b", "a", ""), ("c", "a", ""), ("d", "b, c", ""), ("e", "d", ""), ("f", "e", "c")]);
        let layout = Layout::of(&graph);
        let placed: Vec<(&str, usize)> = layout.rows.iter().map(|p| (graph.id(p.revision), p.lane)).collect();
        assert_eq!(placed[0], ("f", 0));
        assert_eq!(placed[1], ("e", 0));
        assert_eq!(placed[2], ("d", 0));
        // The merge's second parent runs in lane 1 until it is drawn; the first line stays in 0.
        let lane_of = |id: &str| placed.iter().find(|(r, _)| *r == id).expect("placed").1;
        assert_eq!((lane_of("b"), lane_of("a")), (0, 0));
        assert_eq!(lane_of("c"), 1);
        assert_eq!(layout.lanes, 2);
        let dependency: Vec<&Edge> = layout.edges.iter().filter(|e| e.dependency).collect();
        assert_eq!(dependency.len(), 1);
        assert_eq!(graph.id(layout.rows[dependency[0].to_row].revision), "c");
        assert_eq!(layout.edges.iter().filter(|e| !e.dependency).count(), 6, "one per parent");
    }
}
