//! `strata import alembic DIR`: an Alembic history rewritten as Strata `.sql` revision files,
//! with the same ids, parents, labels, `depends_on`, message and date (a database stays where
//! it is), and the SQL Strata renders from each script's Python.
//!
//! SQL that cannot be rendered is never dropped silently. A section with an unrendered part is
//! still written (so the history stays whole), but it begins with a statement that raises, so
//! the revision refuses to run, online or in a `--sql` script, until someone writes the
//! missing SQL; a `-- strata-import:` comment stands where each unrendered construct was. The
//! command lists every such construct (file, line, construct, reason) and exits 1.

use super::{Loaded, Output, console};
use anyhow::{Context, Result, bail};
use serde_json::json;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use strata_shared::new_revision::file_name;
use strata_shared::revision::{Revision, RevisionFormat, SqlSection, UnknownSql};
use strata_shared::revision_file::{DOWNGRADE_MARKER, UPGRADE_MARKER, parse_revision_file};

/// The comment that marks where an unrendered construct was (not a `-- strata:` section marker).
pub const UNRENDERED: &str = "-- strata-import:";

/// The folder `--out` defaults to: `<DIR>-strata` beside the Alembic folder.
pub fn default_out(dir: &Path) -> PathBuf {
    let dir = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    let dir: PathBuf = dir.components().collect(); // without a trailing `/.`
    let name = dir.file_name().map_or("alembic".into(), |n| n.to_string_lossy().into_owned());
    dir.with_file_name(format!("{name}-strata"))
}

pub fn alembic(loaded: &Loaded<'_>, out: Output, target: &Path) -> Result<ExitCode> {
    let graph = &loaded.project.graph;
    let versions = target.join("versions");
    let revisions: Vec<&Revision> = graph.history_order().into_iter().rev().map(|i| &graph.node(i).revision).collect();
    if !revisions.iter().any(|r| r.format == RevisionFormat::AlembicPython) {
        bail!("no Alembic revision script in {}", loaded.dir.join("versions").display());
    }
    // Strata files beside the scripts are copied as they are: the history stays whole.
    let files: Vec<(PathBuf, &Revision)> = revisions
        .iter()
        .map(|r| match r.format {
            RevisionFormat::AlembicPython => (versions.join(file_name(&r.id, &one_line(r.message.as_deref()))), *r),
            RevisionFormat::StrataSql => (versions.join(Path::new(&r.path).file_name().unwrap_or_default()), *r),
        })
        .collect();
    let existing: Vec<String> =
        files.iter().filter(|(path, _)| path.exists()).map(|(path, _)| path.display().to_string()).collect();
    if !existing.is_empty() {
        bail!("will not overwrite existing files: {}", strata_shared::text::few(&existing));
    }
    // Every file is made, and read back as Strata reads it, before any is written.
    let mut texts = Vec::with_capacity(files.len());
    let mut unrendered: Vec<(String, &'static str, UnknownSql)> = Vec::new();
    for (path, revision) in &files {
        let text = match revision.format {
            RevisionFormat::AlembicPython => {
                let (text, missing) = revision_text(revision);
                let name = format!("versions/{}", path.file_name().unwrap_or_default().to_string_lossy());
                if let Err(errors) = parse_revision_file(&name, &text) {
                    let first = errors.first().map(ToString::to_string).unwrap_or_default();
                    bail!("{}: the file written from it would not be a valid revision: {first}", revision.path);
                }
                unrendered
                    .extend(missing.into_iter().map(|(section, unknown)| (revision.path.clone(), section, unknown)));
                text
            }
            RevisionFormat::StrataSql => {
                let source = loaded.dir.join(&revision.path);
                std::fs::read_to_string(&source).with_context(|| format!("cannot read {}", source.display()))?
            }
        };
        texts.push((path, text));
    }
    std::fs::create_dir_all(&versions).with_context(|| format!("cannot create {}", versions.display()))?;
    let mut written = Vec::new();
    for (path, text) in texts {
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .with_context(|| format!("cannot create {}", path.display()))?;
        file.write_all(text.as_bytes()).with_context(|| format!("cannot write {}", path.display()))?;
        written.push(path.display().to_string());
    }
    out.print(
        || {
            let unrendered: Vec<_> = unrendered
                .iter()
                .map(|(file, section, u)| {
                    json!({ "file": file, "section": section, "line": u.line, "construct": u.construct, "reason": u.reason })
                })
                .collect();
            json!({ "out": target, "written": written, "unrendered": unrendered })
        },
        || {
            written.iter().map(|path| format!("  Writing {path} ...  done\n")).collect::<String>()
        },
    );
    for (file, section, unknown) in &unrendered {
        let place = loaded.dir.join(file);
        console::err(&format!(
            "error: {}:{}: {section}: `{}` could not be rendered: {}",
            place.display(),
            unknown.line,
            unknown.construct,
            unknown.reason
        ));
    }
    if !unrendered.is_empty() {
        let revisions: std::collections::BTreeSet<&str> = unrendered.iter().map(|(f, _, _)| f.as_str()).collect();
        console::err(&format!(
            "error: {} construct(s) in {} revision(s) could not be rendered: those revisions were written with \
             a statement that stops them from running until their SQL is written by hand (search for `{UNRENDERED}`)",
            unrendered.len(),
            revisions.len()
        ));
    }
    loaded.print_diagnostics();
    Ok(if unrendered.is_empty() && !loaded.project.has_errors() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// The `.sql` file for one script, and what in it could not be rendered.
pub fn revision_text(revision: &Revision) -> (String, Vec<(&'static str, UnknownSql)>) {
    let mut text = format!("-- revision: {}\n-- revises: {}\n", revision.id, revision.parents.join(", "));
    let message = one_line(revision.message.as_deref());
    if !message.is_empty() {
        text.push_str(&format!("-- message: {message}\n"));
    }
    if let Some(created) = &revision.created {
        text.push_str(&format!("-- created: {created}\n"));
    }
    if !revision.branch_labels.is_empty() {
        text.push_str(&format!("-- branch-labels: {}\n", revision.branch_labels.join(", ")));
    }
    if !revision.depends_on.is_empty() {
        text.push_str(&format!("-- depends-on: {}\n", revision.depends_on.join(", ")));
    }
    if !revision.transactional {
        text.push_str("-- transactional: false\n");
    }
    text.push_str(&format!("--\n-- Imported from the Alembic script {} by `strata import alembic`.\n", revision.path));
    let mut missing = Vec::new();
    for (name, marker, section) in
        [("upgrade", UPGRADE_MARKER, &revision.upgrade), ("downgrade", DOWNGRADE_MARKER, &revision.downgrade)]
    {
        let unknown = unrendered(revision, name, section);
        text.push_str(&format!("\n{marker}\n"));
        text.push_str(&section_text(revision, name, section, &unknown));
        missing.extend(unknown.into_iter().map(|u| (name, u)));
    }
    (text, missing)
}

/// A section's SQL; with unrendered parts, a stopping statement first and a comment where each was.
fn section_text(revision: &Revision, name: &str, section: &SqlSection, unknown: &[UnknownSql]) -> String {
    let mut text = String::new();
    if !unknown.is_empty() {
        let lines: Vec<String> = unknown.iter().map(|u| u.line.to_string()).collect();
        text.push_str(&format!(
            "{UNRENDERED} this {name} is incomplete: Strata could not render all of {}'s {name}(). Write the SQL \
             where the `{UNRENDERED}` comments below stand, then delete this DO block.\n\
             DO $strata_import$ BEGIN RAISE EXCEPTION '{}'; END $strata_import$;\n\n",
            revision.path,
            format!(
                "revision {} was imported incomplete: its {name} has SQL Strata could not render ({} line {}); write it by hand first",
                revision.id,
                revision.path,
                lines.join(", ")
            )
            .replace('\'', "''")
        ));
    }
    let mut pending: Vec<&UnknownSql> = unknown.iter().collect();
    pending.sort_by_key(|u| u.line);
    let mut pending = pending.into_iter().peekable();
    let comment = |u: &UnknownSql| {
        format!("{UNRENDERED} {}:{}: `{}` could not be rendered: {}\n", revision.path, u.line, u.construct, u.reason)
    };
    for (index, line) in section.sql.lines().enumerate() {
        while let Some(u) = pending.next_if(|u| u.line < section.file_line(index)) {
            text.push_str(&comment(u));
        }
        text.push_str(line);
        text.push('\n');
    }
    for u in pending {
        text.push_str(&comment(u));
    }
    if !text.ends_with("\n\n") {
        text.push('\n');
    }
    text
}

/// What in a section could not be rendered: its `unknown` entries, and, should a function with
/// a body have rendered to nothing at all, the function itself (nothing is dropped unnoticed).
fn unrendered(revision: &Revision, name: &str, section: &SqlSection) -> Vec<UnknownSql> {
    let mut unknown = section.unknown.clone();
    if unknown.is_empty()
        && section.sql.trim().is_empty()
        && let Some(line) = revision.script.as_deref().and_then(|script| function_with_body(script, name))
    {
        unknown.push(UnknownSql {
            line,
            construct: format!("def {name}()"),
            reason: "its body rendered to no SQL".to_owned(),
        });
    }
    unknown
}

/// The line of `def NAME(` when its body holds more than `pass`, comments and strings.
fn function_with_body(script: &str, name: &str) -> Option<u32> {
    let lines: Vec<&str> = script.lines().collect();
    let start = lines.iter().position(|l| l.starts_with(&format!("def {name}(")))?;
    let signature_end = (start..lines.len()).find(|&i| lines[i].trim_end().ends_with(':'))?;
    let body = lines[signature_end + 1..].iter().take_while(|l| l.trim().is_empty() || l.starts_with([' ', '\t']));
    let mut in_string: Option<&str> = None;
    for line in body {
        let line = line.trim();
        if let Some(delimiter) = in_string {
            if line.contains(delimiter) {
                in_string = None;
            }
            continue;
        }
        if line.is_empty() || line.starts_with('#') || line == "pass" || line == "..." {
            continue;
        }
        if let Some(delimiter) = ["\"\"\"", "'''"].into_iter().find(|d| line.starts_with(d)) {
            if line.len() < 6 || !line[3..].contains(delimiter) {
                in_string = Some(delimiter);
            }
            continue;
        }
        return Some(start as u32 + 1);
    }
    None
}

/// A message for a one-line header field.
fn one_line(message: Option<&str>) -> String {
    message.unwrap_or("").split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_function_with_code_is_told_from_an_empty_one() {
        let script = "def upgrade():\n    \"\"\"Nothing.\"\"\"\n    # no\n    pass\n\n\ndef downgrade() -> None:\n    \
                      op.drop_table('x')\n";
        assert_eq!(function_with_body(script, "upgrade"), None);
        assert_eq!(function_with_body(script, "downgrade"), Some(7));
    }
}
