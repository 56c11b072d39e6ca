//! The renderer on real Alembic histories: every script of five open-source projects rendered by
//! Strata and compared, revision by revision and as PostgreSQL parse trees, with what
//! `alembic upgrade/downgrade --sql` (Alembic 1.20.1, SQLAlchemy 2.1.9) printed for it.
//!
//! Runs only when `STRATA_REAL_HISTORIES` names a folder laid out as below; otherwise it says it
//! was skipped and passes. The projects' files are never part of this repository.
//!
//! ```sh
//! STRATA_REAL_HISTORIES=/work/real cargo test -p strata-shared --features render \
//!     --test real_alembic_histories -- --nocapture
//! ```
//!
//! Per project, `$STRATA_REAL_HISTORIES/<project>/`:
//! * `versions/`: the project's revision scripts, from
//!
//!   | project | repository @ commit | versions folder |
//!   |---|---|---|
//!   | prefect | PrefectHQ/prefect @ `ce79dd3d6cfa2b7337265498210dbc4d25bcdc98` | `src/prefect/server/database/_migrations/versions/postgresql/` |
//!   | dispatch | Netflix/dispatch @ `dd2837e82a0bf5565b1b4b4b91ea30b7262d4061` | `src/dispatch/database/revisions/tenant/versions/` |
//!   | dispatch_core | Netflix/dispatch @ the same commit | `src/dispatch/database/revisions/core/versions/` |
//!   | polar | polarsource/polar @ `86bf01347c30c06aca03293f676844121e77e490` (before "Squash migrations") | `server/migrations/versions/` |
//!   | indico | indico/indico @ `b8f1fde8b81b199341cc84a75909cb0ed362d44e` | `indico/migrations/versions/` |
//!   | ctfd | CTFd/CTFd @ `91ced62d44d3ec3142a0948ee96ed19947cfc979` | `migrations/versions/` |
//!
//! * `upgrade.sql` and `downgrade.sql`: the whole history in Alembic's offline mode
//!   (`upgrade base:heads`, `downgrade heads:base`), made by `tests/alembic/real_history_sql.py`
//!   run in that folder with `PYTHONHASHSEED=0` (Alembic emits a new table's indexes in the
//!   order of a Python set; the comparison sorts them anyway). The application packages are not installed, so no project's history
//!   renders with the plain CLI (Alembic imports every script first); the script runs Alembic
//!   in-process and writes `-- STUB(<rev>) <reason>` in place of each revision Alembic cannot
//!   render offline (an import of the application, a result read from the mock connection, an
//!   unnamed constraint drop...). Those revisions have no reference here.
//!
//! Per project the test prints: revisions; rendered fully (nothing unknown); with Alembic's
//! reference; of the revisions with both, equal to Alembic as parse trees (upgrade and
//! downgrade separately) and equal as text; the constructs that leave the rest unknown (reason
//! and construct, counted by revisions); and the first differences, classed and counted, with
//! one example each. It asserts the layout, that every script is in Alembic's output, and that
//! the figures do not fall below those measured when the test was written.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use strata_shared::alembic::RenderedSection;
use strata_shared::alembic::render::render_script;

#[path = "common/alembic_sql.rs"]
mod alembic_sql;
use alembic_sql::{AlembicOutput, alembic_statements, compare, from_section};

/// The projects, their number of scripts, and the least (upgrade, downgrade) revisions equal to
/// Alembic as parse trees: a regression floor, measured on 2026-12-03 (every revision with a
/// reference and nothing unknown was equal then).
const PROJECTS: &[(&str, usize, (usize, usize))] = &[
    ("prefect", 116, (61, 67)),
    ("dispatch", 153, (120, 100)),
    ("dispatch_core", 9, (7, 6)),
    ("polar", 452, (399, 404)),
    ("indico", 176, (132, 131)),
    ("ctfd", 33, (26, 22)),
];

/// The `revision = '...'` of a script (also `revision: str = "..."`).
fn revision_id(text: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let rest = line.strip_prefix("revision")?;
        let rest = rest.trim_start();
        let rest = match rest.strip_prefix(':') {
            Some(annotated) => &annotated[annotated.find('=')?..],
            None => rest,
        };
        let value = rest.strip_prefix('=')?.trim();
        let quote = value.chars().next().filter(|c| *c == '\'' || *c == '"')?;
        Some(value[1..].split(quote).next()?.to_owned())
    })
}

/// One direction's figures for one project.
#[derive(Default)]
struct Direction {
    rendered_fully: usize,
    reference: usize,
    both: usize,
    equal_trees: usize,
    equal_text: usize,
    /// Revisions with a reference but something unknown (not compared).
    unknown_with_reference: usize,
}

#[derive(Default)]
struct Project {
    revisions: usize,
    up: Direction,
    down: Direction,
    /// (reason, construct head) → revisions (and functions) it stops.
    blockers: HashMap<(String, String), usize>,
    /// The same, only in functions Alembic did render offline (what Strata could do too).
    blockers_with_reference: HashMap<(String, String), usize>,
    /// class → (count, example).
    mismatches: HashMap<String, (usize, String)>,
}

/// The construct up to its first bracket (and the keyword, for `op.x(keyword=...)`), at most
/// 60 characters.
fn construct_head(construct: &str) -> String {
    let (head, arguments) = construct.split_once('(').unwrap_or((construct, ""));
    let head = head.trim();
    let head = if head.starts_with('\'') || head.starts_with('"') { "a string" } else { head };
    let keyword = arguments.split_once('=').map(|(keyword, _)| keyword.trim()).unwrap_or_default();
    let head = if !keyword.is_empty() && keyword.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        format!("{head}({keyword}=)")
    } else {
        head.to_owned()
    };
    head.chars().take(60).collect()
}

impl Project {
    fn direction(
        &mut self,
        upgrade: bool,
        revision: &str,
        file: &str,
        section: &RenderedSection,
        alembic: &AlembicOutput,
    ) {
        let reference = alembic.reference(revision);
        let blocked = !section.unknown.is_empty();
        let mut seen = std::collections::HashSet::new();
        for unknown in &section.unknown {
            let key = (unknown.reason.clone(), construct_head(&unknown.construct));
            if seen.insert(key.clone()) {
                if reference.is_some() {
                    *self.blockers_with_reference.entry(key.clone()).or_default() += 1;
                }
                *self.blockers.entry(key).or_default() += 1;
            }
        }
        let figures = if upgrade { &mut self.up } else { &mut self.down };
        figures.rendered_fully += usize::from(!blocked);
        figures.reference += usize::from(reference.is_some());
        let Some(expected) = reference else { return };
        if blocked {
            figures.unknown_with_reference += 1;
            return;
        }
        figures.both += 1;
        let comparison = compare(expected, from_section(section));
        figures.equal_trees += usize::from(comparison.equal());
        figures.equal_text += usize::from(comparison.equal_as_text());
        if let Some(difference) = &comparison.difference {
            let function = if upgrade { "upgrade" } else { "downgrade" };
            let entry = self
                .mismatches
                .entry(difference.class())
                .or_insert_with(|| (0, format!("{revision} {function} ({file}), {}", difference.describe())));
            entry.0 += 1;
        }
    }

    fn print(&self, name: &str) {
        println!("\n## {name}: {} revisions\n", self.revisions);
        println!("| | upgrade | downgrade |");
        println!("|---|---|---|");
        let row = |label: &str, f: &dyn Fn(&Direction) -> usize| {
            println!("| {label} | {} | {} |", f(&self.up), f(&self.down));
        };
        row("rendered fully (nothing unknown)", &|d| d.rendered_fully);
        row("Alembic reference available", &|d| d.reference);
        row("reference, but Strata has unknown SQL", &|d| d.unknown_with_reference);
        row("reference and rendered fully", &|d| d.both);
        row("of those, equal as parse trees", &|d| d.equal_trees);
        row("of those, equal as text too", &|d| d.equal_text);
        for (title, map) in [
            ("What stops the rest (functions stopped, reason: construct)", &self.blockers),
            ("Of those, in functions Alembic renders offline", &self.blockers_with_reference),
        ] {
            let mut blockers: Vec<_> = map.iter().collect();
            blockers.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            println!("\n{title}:");
            for ((reason, construct), count) in blockers.iter().take(15) {
                println!("  {count:4}  {reason}: `{construct}`");
            }
        }
        let mut mismatches: Vec<_> = self.mismatches.iter().collect();
        mismatches.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(b.0)));
        println!("\nFirst differences (functions, class, one example):");
        for (class, (count, example)) in mismatches.iter().take(15) {
            println!("  {count:4}  {class}\n        e.g. {}", example.replace('\n', "\n        "));
        }
    }
}

fn run_project(root: &Path, name: &str) -> Project {
    let dir = root.join(name);
    let read = |file: &str| {
        std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{}: {e}", dir.join(file).display()))
    };
    let upgrades = alembic_statements(&read("upgrade.sql"));
    let downgrades = alembic_statements(&read("downgrade.sql"));
    let mut scripts: Vec<PathBuf> = std::fs::read_dir(dir.join("versions"))
        .unwrap_or_else(|e| panic!("{}/versions: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "py") && !path.ends_with("__init__.py"))
        .collect();
    scripts.sort();
    let mut project = Project::default();
    for script in &scripts {
        let text = std::fs::read_to_string(script).unwrap();
        let file = script.file_name().unwrap().to_string_lossy().into_owned();
        let revision = revision_id(&text).unwrap_or_else(|| panic!("{file}: no `revision = '...'`"));
        assert!(upgrades.ran.contains(&revision), "{name}: {revision} ({file}) is not in upgrade.sql");
        assert!(downgrades.ran.contains(&revision), "{name}: {revision} ({file}) is not in downgrade.sql");
        project.revisions += 1;
        let rendered = render_script(&script.to_string_lossy(), &text);
        if let Some((line, message)) = &rendered.syntax_error {
            *project.blockers.entry(("not valid Python".into(), format!("line {line}: {message}"))).or_default() += 2;
            project.up.reference += usize::from(upgrades.reference(&revision).is_some());
            project.down.reference += usize::from(downgrades.reference(&revision).is_some());
            continue;
        }
        project.direction(true, &revision, &file, &rendered.upgrade, &upgrades);
        project.direction(false, &revision, &file, &rendered.downgrade, &downgrades);
    }
    project
}

#[test]
fn real_alembic_histories() {
    let Some(root) = std::env::var_os("STRATA_REAL_HISTORIES").map(PathBuf::from) else {
        println!("real_alembic_histories: skipped (set STRATA_REAL_HISTORIES to the folder of the histories)");
        return;
    };
    let mut totals: BTreeMap<&str, (usize, usize, usize, usize)> = BTreeMap::new();
    let mut below = Vec::new();
    for &(name, scripts, (least_up, least_down)) in PROJECTS {
        let project = run_project(&root, name);
        project.print(name);
        assert_eq!(project.revisions, scripts, "{name}: every script of the history was read");
        assert!(project.up.reference > 0 && project.down.reference > 0, "{name}: Alembic's reference SQL was read");
        if project.up.equal_trees < least_up || project.down.equal_trees < least_down {
            below.push(format!(
                "{name}: equal as parse trees upgrade {} (at least {least_up}), downgrade {} (at least {least_down})",
                project.up.equal_trees, project.down.equal_trees
            ));
        }
        totals.insert(name, (project.up.both, project.up.equal_trees, project.down.both, project.down.equal_trees));
    }
    println!("\n## Summary (reference and rendered fully → equal as parse trees)\n");
    for (name, (up_both, up_equal, down_both, down_equal)) in &totals {
        println!("  {name:14} upgrade {up_equal}/{up_both}, downgrade {down_equal}/{down_both}");
    }
    assert!(below.is_empty(), "fewer revisions equal to Alembic than before:\n{}", below.join("\n"));
}
