//! Properties of plans on generated histories: an upgrade is undone by the downgrade back to
//! where it started, every step leaves a consistent version table, and stamps run no SQL.

mod common;

use common::{Rng, generate_history};
use strata_shared::graph::RevisionGraph;
use strata_shared::offline::{self, TransactionMode, VersionTable};
use strata_shared::plan::{self, Plan};

/// No row may be an ancestor of another: the version table names applied heads only.
fn assert_rows_are_heads(graph: &RevisionGraph, plan: &Plan) {
    for step in &plan.steps {
        let rows: Vec<usize> = step.rows_after.iter().map(|r| graph.index_of(r).expect("a known revision")).collect();
        for &row in &rows {
            let mut below = graph.ancestors(&[row], true);
            below.remove(row);
            assert!(
                !rows.iter().any(|&other| below.contains(other)),
                "rows {:?} name a revision twice",
                step.rows_after
            );
        }
    }
}

/// On histories without depends_on: with it, Alembic's upgrades follow the normalized
/// dependencies and its downgrades all of them, so the two are not mirror images; the
/// differential test holds Strata to Alembic's behaviour there.
#[test]
fn an_upgrade_then_the_downgrade_back_restores_the_version_rows() {
    let mut rng = Rng(0xD0_0D1E);
    let mut exact_round_trips = 0;
    for _ in 0..300 {
        let (graph, _) = RevisionGraph::build(generate_history(&mut rng, false));
        let start = rng.below(graph.len() + 1).checked_sub(1);
        let (start_rows, start_spec) = match start {
            None => (Vec::new(), "base".to_owned()),
            Some(s) => (vec![graph.id(s).to_owned()], graph.id(s).to_owned()),
        };
        let above: Vec<usize> = match start {
            None => (0..graph.len()).collect(),
            Some(s) => graph.descendants(&[s], false).iter().filter(|&d| d != s).collect(),
        };
        let Some(&target) = above.get(rng.below(above.len().max(1))) else { continue };
        let up = plan::upgrade(&graph, &start_rows, graph.id(target)).expect("an upgrade to a descendant is possible");
        assert_rows_are_heads(&graph, &up);
        assert!(up.rows_after().contains(&graph.id(target).to_owned()));
        let down = plan::downgrade(&graph, up.rows_after(), &start_spec).expect("the downgrade back is possible");
        assert_rows_are_heads(&graph, &down);
        // The downgrade undoes what the upgrade ran above the start, in reverse. Revisions a
        // merge pulled in from another branch are not above the start, and stay applied.
        let ran_up: Vec<String> = up.steps.iter().filter_map(|s| s.revision.clone()).collect();
        let mut ran_down: Vec<String> = down.steps.iter().filter_map(|s| s.revision.clone()).collect();
        ran_down.reverse();
        let above_start: Vec<String> =
            ran_up.iter().filter(|id| above.contains(&graph.index_of(id).expect("known"))).cloned().collect();
        assert_eq!(ran_down, above_start, "the downgrade undoes what the upgrade ran above the start, in reverse");
        if above_start.len() == ran_up.len() {
            let mut expected = start_rows.clone();
            expected.sort();
            assert_eq!(down.rows_after(), expected.as_slice(), "back to the starting rows");
            exact_round_trips += 1;
        } else {
            let rows: Vec<usize> = down.rows_after().iter().filter_map(|r| graph.index_of(r)).collect();
            let applied = graph.ancestors(&rows, true);
            assert!(start.is_none_or(|s| applied.contains(s)), "the start is still applied");
        }
    }
    assert!(exact_round_trips > 150, "only {exact_round_trips} exact round trips");
}

#[test]
fn a_stamp_runs_no_sql() {
    let mut rng = Rng(0x0005_7A4B);
    for _ in 0..200 {
        let (graph, _) = RevisionGraph::build(generate_history(&mut rng, true));
        let from = vec![graph.id(rng.below(graph.len())).to_owned()];
        let to = vec![graph.id(rng.below(graph.len())).to_owned()];
        let plan = plan::stamp(&graph, &from, &to, false).expect("a stamp between two revisions");
        assert!(plan.steps.iter().all(|s| s.revision.is_none()), "a stamp step names no revision to run");
        let script = offline::render(&graph, &plan, TransactionMode::WholePlan, &VersionTable::default());
        for chunk in script.split("\n\n").filter(|c| !c.is_empty()) {
            let allowed = [
                "BEGIN;",
                "COMMIT;",
                "CREATE TABLE alembic_version",
                "-- Running stamp_revision",
                "INSERT INTO alembic_version",
                "UPDATE alembic_version",
                "DELETE FROM alembic_version",
            ];
            assert!(
                allowed.iter().any(|a| chunk.starts_with(a)),
                "a stamp script holds only version-table SQL, not:\n{chunk}"
            );
        }
        assert!(plan.rows_after().contains(&to[0]));
    }
}
