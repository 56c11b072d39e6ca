//! The schema along the revision graph: every revision's upgrade replayed on the schema of
//! its ancestors, in the order an upgrade from base would run them.

use super::apply::apply_statement;
use super::diff::{Change, diff};
use super::model::{Origin, Schema};
use crate::graph::RevisionGraph;
use crate::sql::ParsedRevision;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::ops::Deref;
use std::sync::Arc;

/// A statement the model skipped (wholly or in part), and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotModelled {
    pub revision: String,
    /// `upgrade` or `downgrade`.
    pub section: String,
    pub line: u32,
    /// The statement's first line.
    pub statement: String,
    pub reason: String,
}

/// What the model knows about one revision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevisionModel {
    pub revision: String,
    /// What its upgrade does to the schema before it.
    pub changes: Vec<Change>,
    pub not_modelled: Vec<NotModelled>,
    /// Part of its upgrade could not be rendered (an Alembic script): its effect may be incomplete.
    pub unknown: bool,
    /// The schema before it against the schema after its upgrade then its downgrade; empty
    /// when the downgrade restores what the upgrade changed.
    pub downgrade_differences: Vec<Change>,
}

/// Where a `model_all` in steps stands: the revisions done, the schemas their children still
/// need (freed after their last use), and the models so far.
pub struct ModelWalk {
    at: usize,
    uses: Vec<usize>,
    /// Only the schemas still needed: a slot per revision cost a `Schema`'s size each (70 MB
    /// at 50,000 revisions) though nearly all are empty.
    after: HashMap<usize, Schema>,
    models: Vec<Option<RevisionModel>>,
}

impl ModelWalk {
    /// Models up to `count` more revisions, in upgrade order; `true` once all are done.
    pub fn step<G: Deref<Target = RevisionGraph>>(&mut self, replayer: &mut Replayer<G>, count: usize) -> bool {
        let mut models = std::mem::take(&mut self.models);
        let done = self.step_each(replayer, count, |index, model| models[index] = Some(model));
        self.models = models;
        done
    }

    /// As `step`, but each model goes to `keep` with its graph index instead of into the
    /// walk: a caller can keep less than whole models of a long history (`finish` then has none).
    pub fn step_each<G: Deref<Target = RevisionGraph>>(
        &mut self,
        replayer: &mut Replayer<G>,
        count: usize,
        mut keep: impl FnMut(usize, RevisionModel),
    ) -> bool {
        let end = self.at.saturating_add(count).min(replayer.order.len());
        for at in self.at..end {
            let index = replayer.order[at];
            let before = replayer.schema_before(index, &mut self.after, &mut self.uses);
            let (model, upgraded) = replayer.model_from(index, before);
            keep(index, model);
            // Its parse is needed again only when a merge replays it: parsed again then, so a
            // long history's trees are not all held at once.
            replayer.sections[index] = None;
            if self.uses[index] > 0 {
                self.after.insert(index, upgraded);
            }
        }
        self.at = end;
        self.at == replayer.order.len()
    }

    /// The models, indexed like the graph (call once `step` said done).
    pub fn finish(self) -> Vec<RevisionModel> {
        self.models.into_iter().flatten().collect()
    }
}

/// Every revision's upgrade and downgrade parsed once, for as many replays as needed.
/// `G` is how it holds the graph: a reference, or an `Rc` for a walk that outlives a call.
pub struct Replayer<G: Deref<Target = RevisionGraph>> {
    graph: G,
    /// Parsed on first use, or handed over already parsed (`provide_parsed`).
    sections: Vec<Option<Arc<ParsedRevision>>>,
    /// Graph indices in upgrade order (parents first).
    order: Vec<usize>,
    position: Vec<usize>,
}

impl<G: Deref<Target = RevisionGraph>> Replayer<G> {
    pub fn new(graph: G) -> Self {
        let order: Vec<usize> = graph.history_order().into_iter().rev().collect();
        let mut position = vec![0; graph.len()];
        for (at, &index) in order.iter().enumerate() {
            position[index] = at;
        }
        let sections = (0..graph.len()).map(|_| None).collect();
        Replayer { graph, sections, order, position }
    }

    /// Graph indices in the order a walk models them (parents first).
    pub fn upgrade_order(&self) -> &[usize] {
        &self.order
    }

    /// Hands over the revision at graph `index` already parsed (a walk frees it once used).
    pub fn provide_parsed(&mut self, index: usize, parsed: Arc<ParsedRevision>) {
        self.sections[index] = Some(parsed);
    }

    /// The schema once `targets` and everything they build on are applied, and what of their
    /// upgrades the model skipped.
    pub fn schema_at(&mut self, targets: &[usize]) -> (Schema, Vec<NotModelled>) {
        self.schema_along(targets, false)
    }

    /// As `schema_at` for a replayer used once: each revision's parse is freed once applied,
    /// so a long history's trees are not all held at once (50,000 revisions: 1.3 GB).
    pub fn into_schema_at(mut self, targets: &[usize]) -> (Schema, Vec<NotModelled>) {
        self.schema_along(targets, true)
    }

    fn schema_along(&mut self, targets: &[usize], free_parses: bool) -> (Schema, Vec<NotModelled>) {
        let revisions = self.lineage(targets);
        let (mut schema, mut not_modelled) = (Schema::default(), Vec::new());
        for revision in revisions {
            self.apply(&mut schema, revision, false, &mut not_modelled);
            if free_parses {
                self.sections[revision] = None;
            }
        }
        (schema, not_modelled)
    }

    /// Graph indices of `revisions` and everything they build on, oldest first.
    pub fn lineage(&self, revisions: &[usize]) -> Vec<usize> {
        let mut lineage: Vec<usize> = self.graph.ancestors(revisions, true).iter().collect();
        lineage.sort_by_key(|&r| self.position[r]);
        lineage
    }

    /// Every revision's model: its changes, what was not modelled, and its downgrade check.
    /// Indexed like the graph.
    pub fn model_all(&mut self) -> Vec<RevisionModel> {
        let mut walk = self.walk();
        while !walk.step(self, usize::MAX) {}
        walk.finish()
    }

    /// `model_all` in steps, for callers that must not block for long (the browser).
    pub fn walk(&self) -> ModelWalk {
        let count = self.graph.len();
        let mut uses = vec![0usize; count];
        for index in 0..count {
            for &parent in &self.graph.node(index).normalized_down {
                uses[parent] += 1;
            }
        }
        ModelWalk { at: 0, uses, after: HashMap::new(), models: (0..count).map(|_| None).collect() }
    }

    /// One revision's model, replaying only what it builds on (for a page about one revision).
    pub fn model_of(&mut self, index: usize) -> RevisionModel {
        let parents = self.graph.node(index).normalized_down.clone();
        let (before, _) = self.schema_at(&parents);
        self.model_from(index, before).0
    }

    /// The model of `index` given the schema before it; also returns the schema after it.
    /// The schema is changed in place, noting what each section replaces: the diffs compare
    /// only those objects, and the downgrade is undone from its notes.
    fn model_from(&mut self, index: usize, before: Schema) -> (RevisionModel, Schema) {
        let mut not_modelled = Vec::new();
        let mut schema = before;
        schema.start_notes();
        self.apply(&mut schema, index, false, &mut not_modelled);
        let upgrade = schema.take_notes();
        let (old, new) = schema.before_and_now(&upgrade);
        let changes = diff(&old, &new);
        let revision = &self.graph.node(index).revision;
        let unknown = !revision.upgrade.is_complete();
        let id = revision.id.clone();
        let downgrade_differences = if unknown || !revision.downgrade.is_complete() {
            Vec::new()
        } else {
            schema.start_notes();
            self.apply(&mut schema, index, true, &mut not_modelled);
            let downgrade = schema.take_notes();
            let (old, new) = schema.before_and_now(&upgrade.then(&downgrade));
            schema.undo(downgrade);
            diff(&old, &new)
        };
        (RevisionModel { revision: id, changes, not_modelled, unknown, downgrade_differences }, schema)
    }

    /// The schema just before `index`: its parent's, or at a merge the biggest parent's with
    /// the other lines of history replayed on top. Parents' schemas are freed after last use.
    fn schema_before(&mut self, index: usize, after: &mut HashMap<usize, Schema>, uses: &mut [usize]) -> Schema {
        let parents = self.graph.node(index).normalized_down.clone();
        let largest = match parents[..] {
            [] => return Schema::default(),
            [only] => only,
            _ => *parents.iter().max_by_key(|&&p| (self.graph.ancestors(&[p], true).len(), p)).expect("parents"),
        };
        let mut schema = take_or_clone(after, uses, largest);
        if parents.len() > 1 {
            let mut missing = self.graph.ancestors(&parents, true);
            missing.subtract(&self.graph.ancestors(&[largest], true));
            let mut missing: Vec<usize> = missing.iter().collect();
            missing.sort_by_key(|&r| self.position[r]);
            for revision in missing {
                self.apply(&mut schema, revision, false, &mut Vec::new());
            }
            for &parent in parents.iter().filter(|&&p| p != largest) {
                uses[parent] -= 1;
                if uses[parent] == 0 {
                    after.remove(&parent);
                }
            }
        }
        schema
    }

    fn apply(&mut self, schema: &mut Schema, index: usize, downgrade: bool, notes: &mut Vec<NotModelled>) {
        let revision = &self.graph.node(index).revision;
        // What an Alembic script's unknown code does is unknown; what it renders still counts.
        if !downgrade && !revision.upgrade.is_complete() {
            schema.unknown_effects.push(revision.id.clone());
        }
        let parsed = self.sections[index].get_or_insert_with(|| Arc::new(ParsedRevision::of(revision)));
        let (section, name) = if downgrade { (&parsed.downgrade, "downgrade") } else { (&parsed.upgrade, "upgrade") };
        for (number, (statement, tree)) in section.analysis.statements.iter().zip(&section.trees).enumerate() {
            let note = |reason: String| NotModelled {
                revision: revision.id.clone(),
                section: name.to_owned(),
                line: statement.start.line,
                statement: statement.sql.lines().next().unwrap_or_default().to_owned(),
                reason,
            };
            let Some(tree) = tree else {
                // No tree and no syntax error: pg_query's tree of it is too deep to be read.
                let reason = match statement.error {
                    Some(_) => "it has a syntax error",
                    None => "it is nested too deeply for pg_query's parse tree to be read",
                };
                notes.push(note(reason.to_owned()));
                continue;
            };
            let origin = Origin { revision: revision.id.clone(), downgrade, statement: number as u32, part: 0 };
            notes.extend(apply_statement(schema, tree, origin).into_iter().map(note));
        }
    }
}

/// The parent's schema: moved out on its last use, cloned before.
fn take_or_clone(after: &mut HashMap<usize, Schema>, uses: &mut [usize], parent: usize) -> Schema {
    uses[parent] -= 1;
    if uses[parent] == 0 { after.remove(&parent) } else { after.get(&parent).cloned() }.unwrap_or_default()
}
