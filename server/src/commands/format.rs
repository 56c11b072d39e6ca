//! Revisions as text and JSON, laid out as Alembic's `Script.cmd_format`/`log_entry` lays them out.

use serde_json::{Value, json};
use std::path::Path;
use strata_shared::graph::RevisionGraph;
use strata_shared::revision::RevisionFormat;

/// Which parts of Alembic's one-line form to include.
#[derive(Clone, Copy, Default)]
pub struct Line {
    pub branches: bool,
    pub doc: bool,
    pub parents: bool,
    pub tree_indicators: bool,
}

/// `[parents ->] id [(labels)] [(head)] [(branchpoint)] [(mergepoint)][, message]`.
pub fn line(graph: &RevisionGraph, index: usize, parts: Line, current: bool) -> String {
    let node = graph.node(index);
    let revision = &node.revision;
    let mut text = revision.id.clone();
    if parts.parents {
        text = if revision.depends_on.is_empty() {
            format!("{} -> {text}", down(graph, index))
        } else {
            format!("{} ({}) -> {text}", down(graph, index), revision.depends_on.join(", "))
        };
    }
    let labels = graph.labels_of(index);
    if parts.branches && !labels.is_empty() {
        text.push_str(&format!(" ({})", labels.join(", ")));
    }
    if node.is_real_head() {
        text.push_str(" (head)");
    } else if node.is_head() {
        text.push_str(" (effective head)");
    }
    if current {
        text.push_str(" (current)");
    }
    if parts.tree_indicators {
        if node.is_branch_point() {
            text.push_str(" (branchpoint)");
        }
        if node.is_merge_point() {
            text.push_str(" (mergepoint)");
        }
    }
    if parts.doc {
        text.push_str(&format!(", {}", message(graph, index)));
    }
    text
}

/// The block `alembic show` and `history -v` print.
pub fn entry(graph: &RevisionGraph, index: usize, migrations: &Path, current: bool) -> String {
    let node = graph.node(index);
    let revision = &node.revision;
    let mut text = format!("Rev: {}", revision.id);
    for (flag, label) in [
        (node.is_head(), " (head)"),
        (node.is_branch_point(), " (branchpoint)"),
        (node.is_merge_point(), " (mergepoint)"),
        (current, " (current)"),
    ] {
        if flag {
            text.push_str(label);
        }
    }
    text.push('\n');
    let kind = if node.is_merge_point() { "Merges" } else { "Parent" };
    text.push_str(&format!("{kind}: {}\n", down(graph, index)));
    if !revision.depends_on.is_empty() {
        text.push_str(&format!("Also depends on: {}\n", revision.depends_on.join(", ")));
    }
    if node.is_branch_point() {
        text.push_str(&format!("Branches into: {}\n", graph.ids(node.children.iter().copied()).join(", ")));
    }
    let labels = graph.labels_of(index);
    if !labels.is_empty() {
        text.push_str(&format!("Branch names: {}\n", labels.join(", ")));
    }
    text.push_str(&format!("Path: {}\n", migrations.join(&revision.path).display()));
    // `"\n%s\n" % "\n".join("    " + line for line in longdoc.splitlines())`, as Alembic writes it.
    let doc: Vec<String> = longdoc(graph, index).lines().map(|line| format!("    {line}")).collect();
    text.push_str(&format!("\n{}\n", doc.join("\n")));
    text
}

/// Alembic's `Script.longdoc`: an Alembic script's docstring as written, stripped (empty when
/// it has none); for a Strata file, the docstring Alembic's template would have written.
fn longdoc(graph: &RevisionGraph, index: usize) -> String {
    let revision = &graph.node(index).revision;
    match (&revision.doc, revision.format) {
        (Some(doc), _) => doc.trim().to_owned(),
        (None, RevisionFormat::AlembicPython) => String::new(),
        (None, RevisionFormat::StrataSql) => format!(
            "{}\n\nRevision ID: {}\nRevises: {}\nCreate Date: {}",
            message(graph, index),
            revision.id,
            revision.parents.join(", "),
            revision.created.as_deref().unwrap_or("")
        ),
    }
}

fn down(graph: &RevisionGraph, index: usize) -> String {
    let node = graph.node(index);
    if node.down.is_empty() { "<base>".to_owned() } else { graph.ids(node.down.iter().copied()).join(", ") }
}

fn message(graph: &RevisionGraph, index: usize) -> &str {
    graph.node(index).revision.message.as_deref().unwrap_or("")
}

/// The same facts for scripts (`--json`).
pub fn json(graph: &RevisionGraph, index: usize) -> Value {
    let node = graph.node(index);
    let revision = &node.revision;
    json!({
        "id": revision.id,
        "parents": revision.parents,
        "children": graph.ids(node.children.iter().copied()),
        "depends_on": revision.depends_on,
        "branch_labels": graph.labels_of(index),
        "message": revision.message,
        "created": revision.created,
        "path": revision.path,
        "transactional": revision.transactional,
        "is_head": node.is_real_head(),
        "is_effective_head": node.is_head(),
        "is_branch_point": node.is_branch_point(),
        "is_merge_point": node.is_merge_point(),
    })
}
