//! `revision` and `merge`: write a new revision file with a fresh id and today's date.

use super::{Loaded, Output};
use crate::cli::NewRevisionArgs;
use anyhow::{Context, Result, bail};
use serde_json::json;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};
use strata_shared::new_revision::{self, NewRevision};
use strata_shared::revision::check_id;

pub fn revision(loaded: &Loaded<'_>, out: Output, args: &NewRevisionArgs) -> Result<ExitCode> {
    let graph = &loaded.project.graph;
    let heads: Vec<String> = if args.heads == ["base"] { Vec::new() } else { args.heads.clone() };
    let parents =
        if heads.is_empty() { Vec::new() } else { new_revision::resolve_parents(graph, &heads, args.splice)? };
    let depends_on = new_revision::resolve_dependencies(graph, &args.depends_on)?;
    write(loaded, out, parents, &args.message, &args.branch_labels, depends_on, args.rev_id.as_deref())
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
    write(loaded, out, parents, message, branch_labels, Vec::new(), rev_id)
}

fn write(
    loaded: &Loaded<'_>,
    out: Output,
    parents: Vec<String>,
    message: &str,
    branch_labels: &[String],
    depends_on: Vec<String>,
    rev_id: Option<&str>,
) -> Result<ExitCode> {
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
    };
    let path = loaded.dir.join("versions").join(new_revision::file_name(&id, message));
    std::fs::write(&path, new_revision::render(&new)).with_context(|| format!("cannot write {}", path.display()))?;
    out.print(
        || json!({ "id": id, "path": path, "parents": new.parents }),
        || format!("  Generating {} ...  done", path.display()),
    );
    Ok(ExitCode::SUCCESS)
}

/// `YYYY-MM-DD HH:MM:SS.ffffff` in UTC.
fn now_utc() -> String {
    let since_epoch = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    let seconds = since_epoch.as_secs();
    let (year, month, day) = civil_from_days((seconds / 86_400) as i64);
    let time = seconds % 86_400;
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}.{:06}",
        time / 3600,
        time / 60 % 60,
        time % 60,
        since_epoch.subsec_micros()
    )
}

/// Days since 1970-01-01 → (year, month, day), Howard Hinnant's algorithm.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (year_of_era + era * 400 + i64::from(month <= 2), month, day)
}

#[cfg(test)]
mod tests {
    #[test]
    fn civil_dates() {
        assert_eq!(super::civil_from_days(0), (1970, 1, 1));
        assert_eq!(super::civil_from_days(20_778), (2026, 11, 21));
        assert_eq!(super::civil_from_days(11_016), (2000, 2, 29));
    }
}
