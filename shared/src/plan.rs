//! Plans: from what the version table holds and a target, the ordered steps and what the
//! version table holds after each, for upgrade, downgrade and stamp. Alembic's
//! `ScriptDirectory._upgrade_revs/_downgrade_revs/_stamp_revs` choose the steps, and its
//! `HeadMaintainer` decides each step's writes to `alembic_version`; this is a port of both.

use crate::closed_set::closed_set;
use crate::graph::{GraphError, Ident, Point, RevisionGraph, Selection};
use crate::words::{Target, Unfit};
use serde::{Deserialize, Serialize};

closed_set! {
    pub enum Operation("operation") {
        Upgrade = "upgrade",
        Downgrade = "downgrade",
        Stamp = "stamp",
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    pub operation: Operation,
    pub target: String,
    /// The version rows before the first step, sorted.
    pub from: Vec<String>,
    pub steps: Vec<Step>,
}

impl Plan {
    /// What an approval or a run confirms: the environment, where it starts, the target, and
    /// the exact script. Any change to the files or to the database's state changes it.
    pub fn fingerprint(&self, environment: &str, script: &str) -> String {
        let text = format!("{environment}\n{}\n{}\n{script}", self.from.join(","), self.target);
        crate::digest::sha256_hex(text.as_bytes())
    }

    /// The first step whose SQL Strata does not fully know (an Alembic script with code that
    /// could not be rendered): a plan with one may be shown, never run or scripted.
    pub fn first_unknown_step(&self, graph: &RevisionGraph) -> Option<UnknownStep> {
        self.steps.iter().find_map(|step| {
            let revision = graph.get(step.revision.as_deref()?)?;
            let section = if step.direction == Direction::Up { &revision.upgrade } else { &revision.downgrade };
            let unknown = section.unknown.first()?;
            Some(UnknownStep {
                revision: revision.id.clone(),
                path: revision.path.clone(),
                direction: step.direction,
                unknown: unknown.clone(),
            })
        })
    }

    /// In one line, such as `upgrade from 1a2b to heads: 3 steps`.
    pub fn summary(&self) -> String {
        let operation = self.operation;
        let from = if self.from.is_empty() { "base".to_owned() } else { self.from.join(", ") };
        let steps = match self.steps.len() {
            1 => "1 step".to_owned(),
            n => format!("{n} steps"),
        };
        format!("{operation} from {from} to {}: {steps}", self.target)
    }

    /// The version rows once every step has run.
    pub fn rows_after(&self) -> &[String] {
        self.steps.last().map_or(&self.from, |s| &s.rows_after)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// The revision whose upgrade or downgrade runs; `None` for a stamp, which runs no SQL.
    pub revision: Option<String>,
    pub direction: Direction,
    /// Alembic's log line ends: `from -> to` (`from_revisions_no_deps -> to_revisions_no_deps`).
    pub from: Vec<String>,
    pub to: Vec<String>,
    /// The writes to the version table, in order.
    pub writes: Vec<VersionWrite>,
    /// The version rows after this step, sorted.
    pub rows_after: Vec<String>,
}

/// A step Strata cannot run because part of its SQL is unknown, and how to go on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownStep {
    pub revision: String,
    pub path: String,
    pub direction: Direction,
    pub unknown: crate::revision::UnknownSql,
}

impl std::fmt::Display for UnknownStep {
    /// One wording for the CLI, the studio and offline scripts. Alembic and Strata share
    /// `alembic_version`, so the step can be run by Alembic and the rest by Strata.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (function, alembic) = match self.direction {
            Direction::Up => ("upgrade", format!("alembic upgrade {}", self.revision)),
            Direction::Down => ("downgrade", format!("alembic downgrade {}-1", self.revision)),
        };
        write!(
            f,
            "{}:{}: the {function} of revision {} has SQL Strata cannot know (`{}`: {}); \
             run that step with Alembic (`{alembic}`: it shares alembic_version), then continue with Strata",
            self.path, self.unknown.line, self.revision, self.unknown.construct, self.unknown.reason
        )
    }
}

closed_set! {
    /// Which of a revision's sections a step runs.
    pub enum Direction("direction") {
        Up = "up",
        Down = "down",
    }
}

impl Direction {
    /// The operation that moves a revision this way, as progress lines name a step.
    pub fn operation(self) -> Operation {
        match self {
            Direction::Up => Operation::Upgrade,
            Direction::Down => Operation::Downgrade,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VersionWrite {
    Insert(String),
    Delete(String),
    Update { from: String, to: String },
}

type Result<T> = std::result::Result<T, GraphError>;

/// Upgrade from the database's `rows` to `target` (any target spec).
pub fn upgrade(graph: &RevisionGraph, rows: &[String], target: &str) -> Result<Plan> {
    check_rows(graph, rows)?;
    let how = Selection { implicit_base: true, ..Selection::default() };
    let order = graph.select_upgrade(Ident::Spec(target), Ident::Rows(rows), how)?;
    let steps = order.into_iter().rev().map(|index| RevisionStep { index, up: true });
    run(graph, Operation::Upgrade, rows, target, steps.map(StepKind::Revision))
}

/// Downgrade from the database's `rows` to `target` (any target spec).
pub fn downgrade(graph: &RevisionGraph, rows: &[String], target: &str) -> Result<Plan> {
    check_rows(graph, rows)?;
    let order = graph.select_downgrade(Ident::Rows(rows), Some(target), Selection::default())?;
    let steps = order.into_iter().map(|index| RevisionStep { index, up: false });
    run(graph, Operation::Downgrade, rows, target, steps.map(StepKind::Revision))
}

/// Record `targets` in the version table without running any SQL (`purge` empties it first).
pub fn stamp(graph: &RevisionGraph, rows: &[String], targets: &[String], purge: bool) -> Result<Plan> {
    let rows: Vec<String> = if purge { Vec::new() } else { rows.to_vec() };
    check_rows(graph, &rows)?;
    let steps = stamp_steps(graph, &rows, targets)?;
    let target = if targets.is_empty() { "base".to_owned() } else { targets.join(" ") };
    run(graph, Operation::Stamp, &rows, &target, steps.into_iter().map(StepKind::Stamp))
}

fn check_rows(graph: &RevisionGraph, rows: &[String]) -> Result<()> {
    for row in rows {
        if graph.index_of(row).is_none() {
            return Err(GraphError::other(Target::UnknownRow { row: row.clone() }));
        }
    }
    Ok(())
}

#[derive(Clone, Copy)]
struct RevisionStep {
    index: usize,
    up: bool,
}

#[derive(Clone)]
struct StampStep {
    from: Vec<String>,
    to: Vec<String>,
    up: bool,
    branch_move: bool,
}

enum StepKind {
    Revision(RevisionStep),
    Stamp(StampStep),
}

fn run(
    graph: &RevisionGraph,
    operation: Operation,
    rows: &[String],
    target: &str,
    steps: impl Iterator<Item = StepKind>,
) -> Result<Plan> {
    let mut heads = Heads { rows: rows.to_vec(), writes: Vec::new() };
    let mut planned = Vec::new();
    for step in steps {
        let (revision, direction, from, to) = match &step {
            StepKind::Revision(s) => {
                let node = graph.node(s.index);
                let (from, to) = if s.up {
                    (graph.ids(node.down.iter().copied()), vec![node.id().to_owned()])
                } else {
                    (vec![node.id().to_owned()], graph.ids(node.down.iter().copied()))
                };
                (Some(node.id().to_owned()), if s.up { Direction::Up } else { Direction::Down }, from, to)
            }
            StepKind::Stamp(s) => {
                (None, if s.up { Direction::Up } else { Direction::Down }, s.from.clone(), s.to.clone())
            }
        };
        match &step {
            StepKind::Revision(s) => heads.apply_revision(graph, *s)?,
            StepKind::Stamp(s) => heads.apply_stamp(s)?,
        }
        planned.push(Step { revision, direction, from, to, writes: heads.take_writes(), rows_after: heads.sorted() });
    }
    let mut from = rows.to_vec();
    from.sort();
    Ok(Plan { operation, target: target.to_owned(), from, steps: planned })
}

/// The version rows as a step runs (Alembic's `HeadMaintainer`), and the writes it made.
struct Heads {
    rows: Vec<String>,
    writes: Vec<VersionWrite>,
}

impl Heads {
    fn has(&self, id: &str) -> bool {
        self.rows.iter().any(|r| r == id)
    }

    fn sorted(&self) -> Vec<String> {
        let mut rows = self.rows.clone();
        rows.sort();
        rows
    }

    fn take_writes(&mut self) -> Vec<VersionWrite> {
        std::mem::take(&mut self.writes)
    }

    fn insert(&mut self, id: &str) -> Result<()> {
        if self.has(id) {
            return Err(unfit(Unfit::RecordedTwice { id: id.to_owned() }));
        }
        self.rows.push(id.to_owned());
        self.writes.push(VersionWrite::Insert(id.to_owned()));
        Ok(())
    }

    fn delete(&mut self, id: &str) -> Result<()> {
        let Some(position) = self.rows.iter().position(|r| r == id) else {
            return Err(unfit(Unfit::NotRecorded { id: id.to_owned() }));
        };
        self.rows.remove(position);
        self.writes.push(VersionWrite::Delete(id.to_owned()));
        Ok(())
    }

    fn update(&mut self, from: &str, to: &str) -> Result<()> {
        if self.has(to) {
            return Err(unfit(Unfit::AlreadyRecorded { id: to.to_owned() }));
        }
        self.delete(from)?;
        self.writes.pop();
        self.rows.push(to.to_owned());
        self.writes.push(VersionWrite::Update { from: from.to_owned(), to: to.to_owned() });
        Ok(())
    }

    /// Alembic's `update_to_step` for a revision's upgrade or downgrade.
    fn apply_revision(&mut self, graph: &RevisionGraph, step: RevisionStep) -> Result<()> {
        let node = graph.node(step.index);
        let id = node.id();
        let down = &node.normalized_down;
        let on_rows = |heads: &Heads| down.iter().copied().filter(|&d| heads.has(graph.id(d))).collect::<Vec<usize>>();
        if !step.up && self.has(id) && (down.is_empty() || self.unmerge_targets(graph, step.index).is_empty()) {
            return self.delete(id);
        }
        if step.up && (down.is_empty() || on_rows(self).is_empty()) {
            return self.insert(id);
        }
        if step.up && down.len() > 1 && on_rows(self).len() > 1 {
            // Merge: the parents left on the rows (but those another row still needs) collapse into this one.
            let others: Vec<usize> = self
                .rows
                .iter()
                .filter(|r| !down.iter().any(|&d| graph.id(d) == r.as_str()))
                .filter_map(|r| graph.index_of(r))
                .collect();
            let ancestors_of_others = graph.ancestors(&others, true);
            // Only recorded parents can collapse: a dependency on an ancestor is not recorded
            // (Alembic fails with a KeyError there).
            // Dependencies first: their rows go, and the last parent's row becomes this revision.
            let mut from: Vec<usize> =
                down.iter().copied().filter(|&d| !ancestors_of_others.contains(d) && self.has(graph.id(d))).collect();
            from.sort_by_key(|d| node.down.contains(d));
            let from: Vec<&str> = from.into_iter().map(|d| graph.id(d)).collect();
            let Some((last, rest)) = from.split_last() else {
                return Err(unfit(Unfit::NoParentToReplace { id: id.to_owned() }));
            };
            for parent in rest {
                self.delete(parent)?;
            }
            return self.update(last, id);
        }
        if !step.up && self.has(id) && down.len() > 1 {
            // Unmerge: this row splits back into the parents no other row already covers.
            let targets = self.unmerge_targets(graph, step.index);
            let Some((last, rest)) = targets.split_last() else {
                return Err(unfit(Unfit::NoParentToRestore { id: id.to_owned() }));
            };
            for parent in rest {
                self.insert(parent)?;
            }
            return self.update(id, last);
        }
        let parent = if down.len() == 1 {
            graph.id(down[0]).to_owned()
        } else {
            match on_rows(self).as_slice() {
                [one] => graph.id(*one).to_owned(),
                _ => return Err(unfit(Unfit::AmbiguousParent { id: id.to_owned() })),
            }
        };
        if step.up { self.update(&parent, id) } else { self.update(id, &parent) }
    }

    /// Alembic's `_unmerge_to_revisions`: the parents a downgrade puts back on the rows.
    fn unmerge_targets(&self, graph: &RevisionGraph, index: usize) -> Vec<String> {
        let node = graph.node(index);
        let others: Vec<usize> =
            self.rows.iter().filter(|r| r.as_str() != node.id()).filter_map(|r| graph.index_of(r)).collect();
        let covered = if others.is_empty() {
            let mut below = crate::graph::NodeSet::new(graph.len());
            for &parent in &node.normalized_down {
                let mut ancestors = graph.ancestors(&[parent], true);
                ancestors.remove(parent);
                below.union_with(&ancestors);
            }
            below
        } else {
            graph.ancestors(&others, true)
        };
        node.normalized_down.iter().filter(|&&d| !covered.contains(d)).map(|&d| graph.id(d).to_owned()).collect()
    }

    /// Alembic's `update_to_step` for a stamp.
    fn apply_stamp(&mut self, step: &StampStep) -> Result<()> {
        if !step.up && step.branch_move {
            return self.delete(&step.from[0]);
        }
        let from_missing = step.from.iter().any(|f| !self.has(f));
        let to_missing = step.to.iter().any(|t| !self.has(t));
        if step.up && (step.branch_move || from_missing) && to_missing {
            return self.insert(&step.to[0]);
        }
        if step.from.len() > 1 {
            let (last, rest) = step.from.split_last().expect("more than one");
            for row in rest {
                self.delete(row)?;
            }
            return self.update(last, &step.to[0]);
        }
        match (step.from.as_slice(), step.to.as_slice()) {
            ([from], [to]) => self.update(from, to),
            _ => Err(unfit(Unfit::StampFromSeveral)),
        }
    }
}

fn unfit(how: Unfit) -> GraphError {
    GraphError::other(Target::Unfit(how))
}

/// Alembic's `_stamp_revs`: how to move the rows to `targets` without running revisions.
fn stamp_steps(graph: &RevisionGraph, rows: &[String], targets: &[String]) -> Result<Vec<StampStep>> {
    let current: Vec<usize> = graph.get_revisions(Ident::Rows(rows))?.into_iter().filter_map(Point::revision).collect();
    let specs: Vec<String> = if targets.is_empty() { vec!["base".to_owned()] } else { targets.to_vec() };
    let mut lineage: Vec<usize> = Vec::new();
    for spec in &specs {
        for head in graph.filter_lineage_with_dependencies(&current, spec)? {
            if !lineage.contains(&head) {
                lineage.push(head);
            }
        }
    }
    let mut destinations = graph.get_revisions(Ident::Rows(&specs))?;
    if destinations.is_empty() {
        destinations.push(Point::Nothing);
    }
    let lineage_ids = graph.ids(lineage.iter().copied());
    let mut steps = Vec::new();
    for destination in destinations {
        let index = match destination {
            Point::Nothing => {
                steps.extend(lineage_ids.iter().map(|head| StampStep {
                    from: vec![head.clone()],
                    to: Vec::new(),
                    up: false,
                    branch_move: true,
                }));
                continue;
            }
            Point::Base => {
                return Err(GraphError::other(Target::StampBelowBases));
            }
            Point::Rev(index) => index,
        };
        if lineage.contains(&index) {
            continue;
        }
        let to = vec![graph.id(index).to_owned()];
        let descendants = graph.descendants(&[index], true);
        let ancestors = graph.ancestors(&[index], true);
        let step = if lineage.iter().any(|&h| descendants.contains(h)) {
            StampStep { from: lineage_ids.clone(), to, up: false, branch_move: false }
        } else if lineage.iter().any(|&h| ancestors.contains(h)) {
            StampStep { from: lineage_ids.clone(), to, up: true, branch_move: false }
        } else {
            StampStep { from: Vec::new(), to, up: true, branch_move: true }
        };
        steps.push(step);
    }
    Ok(steps)
}

#[cfg(test)]
mod tests;
