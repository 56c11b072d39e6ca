//! `strata heads` and `strata history`: the graph as text, in Alembic's layout.

use crate::migrations_dir;
use anyhow::Result;
use std::path::Path;
use std::process::ExitCode;
use strata_shared::graph::RevisionGraph;
use strata_shared::project::Project;
use strata_shared::revision::Revision;

pub fn heads(dir: &Path, verbose: bool) -> Result<ExitCode> {
    let project = migrations_dir::load(dir)?;
    let graph = &project.graph;
    for head in graph.heads() {
        let revision = graph.get(head).expect("a head is a revision of the graph");
        println!("{}", describe(graph, revision, verbose));
    }
    Ok(report_diagnostics(&project))
}

pub fn history(dir: &Path, verbose: bool) -> Result<ExitCode> {
    let project = migrations_dir::load(dir)?;
    for revision in project.graph.revisions() {
        println!("{}", describe(&project.graph, revision, verbose));
    }
    Ok(report_diagnostics(&project))
}

/// One line like Alembic's `a -> b (label) (head), message`, or a block with `-v`.
fn describe(graph: &RevisionGraph, revision: &Revision, verbose: bool) -> String {
    let parents = match revision.parents.as_slice() {
        [] => "<base>".to_owned(),
        [one] => one.clone(),
        many => format!("({})", many.join(", ")),
    };
    let mut tags = String::new();
    if !revision.branch_labels.is_empty() {
        tags.push_str(&format!(" ({})", revision.branch_labels.join(", ")));
    }
    let children = graph.children(&revision.id);
    if children.is_empty() {
        tags.push_str(" (head)");
    }
    if children.len() > 1 {
        tags.push_str(" (branchpoint)");
    }
    if revision.is_merge() {
        tags.push_str(" (mergepoint)");
    }
    let message = revision.message.as_deref().unwrap_or("empty message");
    if !verbose {
        return format!("{parents} -> {}{tags}, {message}", revision.id);
    }
    let mut block = format!("Rev: {}{tags}\n", revision.id);
    block.push_str(&format!("Parent: {parents}\n"));
    if children.len() > 1 {
        block.push_str(&format!("Branches into: {}\n", children.join(", ")));
    }
    block.push_str(&format!("Path: {}\n\n    {message}\n", revision.path));
    if let Some(created) = &revision.created {
        block.push_str(&format!("\n    Create Date: {created}\n"));
    }
    block
}

/// Problems go to stderr; any problem makes the exit code 1, after the answer was printed.
fn report_diagnostics(project: &Project) -> ExitCode {
    for diagnostic in &project.diagnostics {
        eprintln!("{diagnostic}");
    }
    if project.diagnostics.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) }
}
