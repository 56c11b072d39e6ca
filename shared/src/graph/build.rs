//! From parsed revisions to a graph: ids, labels and references checked, unhealthy revisions
//! left out (with every revision that builds on them), edges and heads computed.

use super::set::NodeSet;
use super::{ExcludedRevision, Node, RevisionGraph, labels};
use crate::diagnostic::Diagnostic;
use crate::revision::{Revision, check_id};
use std::collections::{HashMap, VecDeque};

pub(super) fn build(candidates: Vec<Revision>) -> (RevisionGraph, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut excluded = Vec::new();
    let candidates = drop_malformed_ids(candidates, &mut diagnostics, &mut excluded);
    let mut revisions = drop_duplicate_ids(candidates, &mut diagnostics, &mut excluded);
    let by_id: HashMap<String, usize> = revisions.iter().enumerate().map(|(i, r)| (r.id.clone(), i)).collect();
    let by_label = map_labels(&mut revisions, &by_id, &mut diagnostics);

    let references = resolve_references(&revisions, &by_id, &by_label, &mut diagnostics);
    let reasons = exclusion_reasons(&revisions, &references, &mut diagnostics);

    // Re-index the healthy revisions, keeping the order the files were read in.
    let mut new_index = vec![usize::MAX; revisions.len()];
    let mut kept = Vec::new();
    let mut kept_references = Vec::new();
    for (old, ((revision, refs), reason)) in revisions.into_iter().zip(references).zip(reasons).enumerate() {
        match reason {
            None => {
                new_index[old] = kept.len();
                kept.push(revision);
                kept_references.push(refs);
            }
            Some(reason) => excluded.push(ExcludedRevision { revision, reason }),
        }
    }

    let mut nodes: Vec<Node> = kept
        .into_iter()
        .zip(kept_references)
        .map(|(revision, refs)| Node {
            down: refs.parents.iter().map(|&p| new_index[p]).collect(),
            dependencies: dedupe(refs.dependencies.iter().map(|&d| new_index[d]).collect()),
            normalized_dependencies: Vec::new(),
            normalized_down: Vec::new(),
            children: Vec::new(),
            all_children: Vec::new(),
            labels: NodeSet::new(0),
            revision,
        })
        .collect();
    link_children(&mut nodes);
    normalize_dependencies(&mut nodes);

    let by_id = nodes.iter().enumerate().map(|(i, n)| (n.revision.id.clone(), i)).collect();
    let by_label: HashMap<String, usize> = by_label
        .into_iter()
        .filter(|&(_, old)| new_index[old] != usize::MAX)
        .map(|(label, old)| (label, new_index[old]))
        .collect();
    let mut label_names: Vec<String> = by_label.keys().cloned().collect();
    label_names.sort_unstable();
    labels::propagate(&mut nodes, &label_names);
    let heads = (0..nodes.len()).filter(|&i| nodes[i].is_head()).collect();
    let real_heads = (0..nodes.len()).filter(|&i| nodes[i].is_real_head()).collect();
    let bases = (0..nodes.len()).filter(|&i| nodes[i].is_base()).collect();
    let graph = RevisionGraph { nodes, by_id, by_label, label_names, heads, real_heads, bases, excluded };
    (graph, diagnostics)
}

/// Ids and labels outside the one alphabet (`revision::check_id`) are left out, whatever the
/// file format: they would mean something else in a target spec, a file name or a URL.
fn drop_malformed_ids(
    candidates: Vec<Revision>,
    diagnostics: &mut Vec<Diagnostic>,
    excluded: &mut Vec<ExcludedRevision>,
) -> Vec<Revision> {
    let mut kept = Vec::with_capacity(candidates.len());
    for revision in candidates {
        let labels =
            revision.branch_labels.iter().map(|label| ("branch label", label.as_str(), revision.lines.branch_labels));
        let problem = std::iter::once(("revision id", revision.id.as_str(), None)).chain(labels).find_map(
            |(what, value, line)| check_id(value).err().map(|why| (format!("invalid {what} `{value}`: {why}"), line)),
        );
        match problem {
            Some((reason, line)) => {
                diagnostics.push(Diagnostic::at(
                    &revision.path,
                    line.unwrap_or(revision.lines.revision),
                    reason.clone(),
                ));
                excluded.push(ExcludedRevision { revision, reason });
            }
            None => {
                if revision.id.len() > VERSION_NUM_LENGTH {
                    let message = format!(
                        "revision id `{}` has {} characters: Alembic's version table (version_num \
                         VARCHAR({VERSION_NUM_LENGTH})) cannot record it, so runs to it fail",
                        revision.id,
                        revision.id.len()
                    );
                    diagnostics.push(Diagnostic::at(&revision.path, revision.lines.revision, message).warning());
                }
                kept.push(revision)
            }
        }
    }
    kept
}

/// The width of `alembic_version.version_num`, as Alembic creates it (`offline::VersionTable`).
const VERSION_NUM_LENGTH: usize = 32;

/// The first file with an id wins; later ones are reported and left out.
fn drop_duplicate_ids(
    candidates: Vec<Revision>,
    diagnostics: &mut Vec<Diagnostic>,
    excluded: &mut Vec<ExcludedRevision>,
) -> Vec<Revision> {
    let mut first_path: HashMap<String, String> = HashMap::new();
    let mut kept = Vec::with_capacity(candidates.len());
    for revision in candidates {
        if let Some(first) = first_path.get(&revision.id) {
            let reason = format!("revision id `{}` is already used by {first}", revision.id);
            diagnostics.push(Diagnostic::at(&revision.path, revision.lines.revision, reason.clone()));
            excluded.push(ExcludedRevision { revision, reason });
            continue;
        }
        first_path.insert(revision.id.clone(), revision.path.clone());
        kept.push(revision);
    }
    kept
}

/// Declared labels → revision. A label that is already a label or a revision id is dropped.
fn map_labels(
    revisions: &mut [Revision],
    by_id: &HashMap<String, usize>,
    diagnostics: &mut Vec<Diagnostic>,
) -> HashMap<String, usize> {
    let ids: Vec<String> = revisions.iter().map(|r| r.id.clone()).collect();
    let mut by_label: HashMap<String, usize> = HashMap::new();
    for (index, revision) in revisions.iter_mut().enumerate() {
        let line = revision.lines.branch_labels.unwrap_or(revision.lines.revision);
        let mut kept = Vec::new();
        for label in std::mem::take(&mut revision.branch_labels) {
            let clash = match (by_label.get(&label), by_id.get(&label)) {
                (Some(&other), _) => Some(format!("a branch label of revision `{}`", ids[other])),
                (None, Some(&other)) if other != index => Some(format!("the id of revision `{}`", ids[other])),
                _ => None,
            };
            match clash {
                Some(what) => diagnostics.push(Diagnostic::at(
                    &revision.path,
                    line,
                    format!(
                        "branch label `{label}` of revision `{}` is already {what}; the label is ignored",
                        revision.id
                    ),
                )),
                None => {
                    by_label.insert(label.clone(), index);
                    kept.push(label);
                }
            }
        }
        revision.branch_labels = kept;
    }
    by_label
}

struct References {
    parents: Vec<usize>,
    dependencies: Vec<usize>,
    /// Why some reference could not be resolved (already reported).
    problem: Option<String>,
}

fn resolve_references(
    revisions: &[Revision],
    by_id: &HashMap<String, usize>,
    by_label: &HashMap<String, usize>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<References> {
    revisions
        .iter()
        .map(|revision| {
            let mut refs = References { parents: Vec::new(), dependencies: Vec::new(), problem: None };
            for parent in &revision.parents {
                match by_id.get(parent) {
                    Some(&p) => refs.parents.push(p),
                    None => {
                        let line = revision.lines.revises.unwrap_or(revision.lines.revision);
                        let hint = unknown_reference_hint(parent, by_id, by_label);
                        let message = format!("revision `{}` revises `{parent}`, which no file defines{hint}", revision.id);
                        diagnostics.push(Diagnostic::at(&revision.path, line, message.clone()));
                        refs.problem.get_or_insert(message);
                    }
                }
            }
            for dependency in &revision.depends_on {
                match by_id.get(dependency).or_else(|| by_label.get(dependency)) {
                    Some(&d) => refs.dependencies.push(d),
                    None => {
                        let line = revision.lines.depends_on.unwrap_or(revision.lines.revision);
                        let hint = unknown_reference_hint(dependency, by_id, by_label);
                        let message = format!(
                            "revision `{}` depends on `{dependency}`, which is neither a revision nor a branch label{hint}",
                            revision.id
                        );
                        diagnostics.push(Diagnostic::at(&revision.path, line, message.clone()));
                        refs.problem.get_or_insert(message);
                    }
                }
            }
            refs
        })
        .collect()
}

/// A reference must be a full id; say so when it is a prefix or a label.
fn unknown_reference_hint(
    reference: &str,
    by_id: &HashMap<String, usize>,
    by_label: &HashMap<String, usize>,
) -> String {
    let mut matches: Vec<&str> = by_id.keys().filter(|id| id.starts_with(reference)).map(String::as_str).collect();
    matches.sort_unstable();
    match matches.as_slice() {
        [] if by_label.contains_key(reference) => " (it is a branch label; `revises` takes revision ids)".to_owned(),
        [] => String::new(),
        [one] => format!(" (write the full id `{one}`)"),
        several => format!(" (it is an ambiguous prefix of {}; write the full id)", several.join(", ")),
    }
}

/// For each revision, why it cannot join the graph, if it cannot: a reference that does not
/// resolve, a cycle, or an unhealthy revision it builds on.
fn exclusion_reasons(
    revisions: &[Revision],
    references: &[References],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Option<String>> {
    let count = revisions.len();
    let mut reasons: Vec<Option<String>> = references.iter().map(|r| r.problem.clone()).collect();
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); count];
    let mut pending = vec![0usize; count];
    for (index, refs) in references.iter().enumerate() {
        for &target in refs.parents.iter().chain(&refs.dependencies) {
            dependents[target].push(index);
            pending[index] += 1;
        }
    }
    // Kahn's algorithm: a revision is settled once everything it builds on is.
    let mut settled = NodeSet::new(count);
    let mut queue: VecDeque<usize> = (0..count).filter(|&i| pending[i] == 0).collect();
    while let Some(index) = queue.pop_front() {
        settled.insert(index);
        if reasons[index].is_none() {
            let refs = &references[index];
            if let Some(&culprit) = refs.parents.iter().chain(&refs.dependencies).find(|&&t| reasons[t].is_some()) {
                let revision = &revisions[index];
                let message = format!(
                    "revision `{}` is left out because it builds on `{}`, which is left out",
                    revision.id, revisions[culprit].id
                );
                diagnostics.push(Diagnostic::at(&revision.path, revision.lines.revision, message.clone()));
                reasons[index] = Some(message);
            }
        }
        for &dependent in &dependents[index] {
            pending[dependent] -= 1;
            if pending[dependent] == 0 {
                queue.push_back(dependent);
            }
        }
    }
    let unsettled: Vec<usize> = (0..count).filter(|&i| !settled.contains(i)).collect();
    let ids: Vec<&str> = unsettled.iter().map(|&i| revisions[i].id.as_str()).collect();
    for &index in &unsettled {
        let revision = &revisions[index];
        let message = format!("revision `{}` is on a cycle, or builds on one, among: {}", revision.id, ids.join(", "));
        diagnostics.push(Diagnostic::at(
            &revision.path,
            revision.lines.revises.unwrap_or(revision.lines.revision),
            message.clone(),
        ));
        reasons[index] = Some(message);
    }
    reasons
}

fn link_children(nodes: &mut [Node]) {
    for index in 0..nodes.len() {
        let down = nodes[index].down.clone();
        let all_down = dedupe(down.iter().chain(&nodes[index].dependencies).copied().collect());
        for parent in all_down {
            nodes[parent].all_children.push(index);
            if down.contains(&parent) {
                nodes[parent].children.push(index);
            }
        }
    }
}

/// Alembic's `_normalize_depends_on`: a dependency that an ancestor (through `revises`)
/// already depends on is implied, and left out of the normalized list.
/// A dependency is normalized away when an ancestor already declares it (Alembic's
/// `_normalized_down_revisions`). What the ancestors declare is carried down once, parents
/// first, as bitsets over the dependency targets: linear in the history, where walking every
/// dependent revision's ancestors was dependents × history.
fn normalize_dependencies(nodes: &mut [Node]) {
    let mut targets: Vec<usize> = nodes.iter().flat_map(|n| n.dependencies.iter().copied()).collect();
    targets.sort_unstable();
    targets.dedup();
    let bit = |target: usize| targets.binary_search(&target).unwrap_or_default();
    let mut declared_above: Vec<NodeSet> = vec![NodeSet::new(targets.len()); nodes.len()];
    for index in super::walk::parents_first(nodes) {
        for &parent in &nodes[index].down {
            let mut from_parent = declared_above[parent].clone();
            nodes[parent].dependencies.iter().for_each(|&d| {
                from_parent.insert(bit(d));
            });
            declared_above[index].union_with(&from_parent);
        }
        let node = &nodes[index];
        let normalized: Vec<usize> =
            node.dependencies.iter().copied().filter(|&d| !declared_above[index].contains(bit(d))).collect();
        nodes[index].normalized_down = dedupe(nodes[index].down.iter().chain(&normalized).copied().collect());
        nodes[index].normalized_dependencies = normalized;
    }
}

fn dedupe(items: Vec<usize>) -> Vec<usize> {
    let mut seen = Vec::with_capacity(items.len());
    for item in items {
        if !seen.contains(&item) {
            seen.push(item);
        }
    }
    seen
}
