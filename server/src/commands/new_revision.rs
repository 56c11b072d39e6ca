//! `revision` and `merge`: write a new revision file with a fresh id and today's date
//! (`revision --from-drift` fills its sections: `from_drift.rs`).

use super::{Loaded, Output};
use crate::cli::NewRevisionArgs;
use anyhow::{Context, Result, bail};
use serde_json::json;
use std::path::PathBuf;
use std::process::ExitCode;
use strata_shared::new_revision::{self, NewRevision};
use strata_shared::revision::check_id;

pub fn revision(loaded: &Loaded<'_>, out: Output, args: &NewRevisionArgs) -> Result<ExitCode> {
    if args.database.environment.is_some() || args.database.url.is_some() {
        bail!(
            "--env and --url name the database whose drift --from-drift writes; without it a revision reads no database"
        );
    }
    let graph = &loaded.project.graph;
    let heads: Vec<String> = if args.heads == ["base"] { Vec::new() } else { args.heads.clone() };
    let parents =
        if heads.is_empty() { Vec::new() } else { new_revision::resolve_parents(graph, &heads, args.splice)? };
    let depends_on = new_revision::resolve_dependencies(graph, &args.depends_on)?;
    let new = Draft { parents, message: &args.message, branch_labels: &args.branch_labels, depends_on };
    let written = write(loaded, new, args.rev_id.as_deref(), Sections::default())?;
    print_written(out, &written);
    Ok(ExitCode::SUCCESS)
}

pub fn merge(
    loaded: &Loaded<'_>,
    out: Output,
    revisions: &[String],
    message: &str,
    branch_labels: &[String],
    rev_id: Option<&str>,
) -> Result<ExitCode> {
    let parents = new_revision::resolve_parents(&loaded.project.graph, revisions, false)?;
    if parents.len() < 2 {
        bail!("a merge needs at least two different heads; `{}` name only {}", revisions.join(" "), parents.join(""));
    }
    let new = Draft { parents, message, branch_labels, depends_on: Vec::new() };
    let written = write(loaded, new, rev_id, Sections::default())?;
    print_written(out, &written);
    Ok(ExitCode::SUCCESS)
}

/// What a new revision says about its place in the graph.
pub struct Draft<'a> {
    pub parents: Vec<String>,
    pub message: &'a str,
    pub branch_labels: &'a [String],
    pub depends_on: Vec<String>,
}

/// The SQL of a new revision's sections; empty ones are left to fill in.
#[derive(Default)]
pub struct Sections {
    pub upgrade: String,
    pub downgrade: String,
}

/// A revision file just written.
pub struct Written {
    pub id: String,
    pub path: PathBuf,
    pub parents: Vec<String>,
}

pub fn print_written(out: Output, written: &Written) {
    out.print(
        || json!({ "id": written.id, "path": written.path, "parents": written.parents }),
        || format!("  Generating {} ...  done", written.path.display()),
    );
}

/// Writes the revision with a fresh id (or `rev_id`), checked against the graph's ids and labels.
pub fn write(loaded: &Loaded<'_>, draft: Draft<'_>, rev_id: Option<&str>, sections: Sections) -> Result<Written> {
    let Draft { parents, message, branch_labels, depends_on } = draft;
    let graph = &loaded.project.graph;
    let id = match rev_id {
        Some(id) => id.to_owned(),
        // Twelve random hex digits, like Alembic's `uuid4().hex[-12:]`.
        None => crate::identity::random_hex(6)?,
    };
    check_id(&id).map_err(|why| anyhow::anyhow!("invalid revision id `{id}`: {why}"))?;
    if graph.index_of(&id).is_some() {
        bail!("revision id `{id}` is already used");
    }
    for label in branch_labels {
        check_id(label).map_err(|why| anyhow::anyhow!("invalid branch label `{label}`: {why}"))?;
        if graph.index_of(label).is_some() || graph.nodes().iter().any(|n| n.revision.branch_labels.contains(label)) {
            bail!("branch label `{label}` is already used");
        }
    }
    let new = NewRevision {
        id: id.clone(),
        parents,
        message: message.to_owned(),
        created: now_utc(),
        branch_labels: branch_labels.to_vec(),
        depends_on,
        upgrade: sections.upgrade,
        downgrade: sections.downgrade,
    };
    let path = loaded.dir.join("versions").join(new_revision::file_name(&id, message));
    std::fs::write(&path, new_revision::render(&new)).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(Written { id, path, parents: new.parents })
}

/// `YYYY-MM-DD HH:MM:SS.ffffff` in UTC, as Alembic writes `Create Date`.
fn now_utc() -> String {
    let format =
        time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second].[subsecond digits:6]");
    time::OffsetDateTime::now_utc().format(format).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_create_date_is_written_as_alembic_writes_it() {
        let now = super::now_utc();
        let shape: String = now.chars().map(|c| if c.is_ascii_digit() { '9' } else { c }).collect();
        assert_eq!(shape, "9999-99-99 99:99:99.999999", "{now}");
        let today = time::OffsetDateTime::now_utc().date();
        assert!(now.starts_with(&format!("{:04}-{:02}-{:02}", today.year(), u8::from(today.month()), today.day())));
    }
}
