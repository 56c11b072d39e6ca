//! Real migration histories of other tools, written as a Strata project: each migration becomes
//! one `.sql` revision file whose sections are the tool's up and down files, verbatim, chained
//! in the tool's own order.
//!
//! * diesel: `<version>_<name>/up.sql` + `down.sql`, ordered by version (the folder name before
//!   the first `_` without its dashes, compared as text, as diesel does); a `metadata.toml` with
//!   `run_in_transaction = false` runs the migration outside a transaction.
//! * sqlx: `<version>_<name>.up.sql` + `.down.sql`, ordered by the integer version; a first line
//!   `-- no-transaction` does the same.
//!
//! * prisma: `<timestamp>_<name>/migration.sql`, ordered by folder name, up only. Prisma sends
//!   the file as one query: PostgreSQL runs a query of several statements as one implicit
//!   transaction and a single statement outside any (the way a lone `CREATE INDEX
//!   CONCURRENTLY` passes), so a one-statement file runs outside a transaction.
//!
//! Those outside a transaction get Strata's `-- transactional: false` header.

use std::path::{Path, PathBuf};

/// The tool whose layout a history folder uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    Diesel,
    Sqlx,
    Prisma,
}

impl Layout {
    /// Whether the tool has down migrations at all (prisma has none).
    pub fn has_downgrades(self) -> bool {
        self != Layout::Prisma
    }
}

/// One migration as the tool sees it.
#[derive(Debug)]
pub struct Migration {
    /// The tool's version (diesel's without its dashes, as diesel records it), the revision id.
    pub version: String,
    pub name: String,
    pub up: String,
    pub down: String,
    pub transactional: bool,
    /// Where the up file is, for messages.
    pub source: PathBuf,
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// diesel's `run_in_transaction = false` (a one-key TOML file; anything else keeps the default).
fn diesel_transactional(folder: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(folder.join("metadata.toml")) else { return true };
    !text.lines().any(|line| {
        let line = line.split('#').next().unwrap_or("");
        matches!(line.split_once('='), Some((key, value)) if key.trim() == "run_in_transaction" && value.trim() == "false")
    })
}

/// The migrations of `dir` in the order the tool runs them.
pub fn read_migrations(dir: &Path, layout: Layout) -> Vec<Migration> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    entries.sort();
    let mut migrations: Vec<(String, Migration)> = match layout {
        Layout::Diesel => entries
            .iter()
            .filter(|path| path.is_dir() && path.join("up.sql").is_file())
            .map(|folder| {
                let stem = folder.file_name().unwrap().to_string_lossy().into_owned();
                let (version, name) = stem.split_once('_').unwrap_or((&stem, ""));
                let down = folder.join("down.sql");
                let version = version.replace('-', "");
                let migration = Migration {
                    version: version.clone(),
                    name: name.to_owned(),
                    up: read(&folder.join("up.sql")),
                    down: if down.is_file() { read(&down) } else { String::new() },
                    transactional: diesel_transactional(folder),
                    source: folder.join("up.sql"),
                };
                (version, migration)
            })
            .collect(),
        Layout::Sqlx => entries
            .iter()
            .filter_map(|path| {
                let file = path.file_name()?.to_str()?;
                let stem = file.strip_suffix(".up.sql")?;
                let (version, name) = stem.split_once('_').unwrap_or((stem, ""));
                let number: i64 = version.parse().ok()?;
                let down = path.with_file_name(format!("{stem}.down.sql"));
                let up = read(path);
                let migration = Migration {
                    version: version.to_owned(),
                    name: name.to_owned(),
                    transactional: up.lines().next().is_none_or(|l| l.trim() != "-- no-transaction"),
                    up,
                    down: if down.is_file() { read(&down) } else { String::new() },
                    source: path.clone(),
                };
                Some((format!("{number:020}"), migration))
            })
            .collect(),
        Layout::Prisma => entries
            .iter()
            .filter(|path| path.join("migration.sql").is_file())
            .map(|folder| {
                let stem = folder.file_name().unwrap().to_string_lossy().into_owned();
                let (timestamp, name) = stem.split_once('_').unwrap_or((&stem, ""));
                // Prisma's id is the whole folder name, but Alembic's version table holds 32
                // characters: the timestamp, and a number where two folders share it.
                let seen = entries.iter().take_while(|p| p != &folder).filter(|p| {
                    p.join("migration.sql").is_file() && p.file_name().unwrap().to_string_lossy().starts_with(timestamp)
                });
                let version = match seen.count() {
                    0 => timestamp.to_owned(),
                    n => format!("{timestamp}_{}", n + 1),
                };
                let up = read(&folder.join("migration.sql"));
                let section = strata_shared::revision::SqlSection::written(up.clone(), 1);
                let migration = Migration {
                    version,
                    name: name.to_owned(),
                    transactional: strata_shared::sql::analyze(&section).statements.len() != 1,
                    up,
                    down: String::new(),
                    source: folder.join("migration.sql"),
                };
                (stem, migration)
            })
            .collect(),
    };
    migrations.sort_by(|a, b| a.0.cmp(&b.0));
    migrations.into_iter().map(|(_, migration)| migration).collect()
}

/// One revision file's text.
fn revision_text(migration: &Migration, parent: Option<&str>) -> String {
    let mut text = format!("-- revision: {}\n", migration.version);
    if let Some(parent) = parent {
        text.push_str(&format!("-- revises: {parent}\n"));
    }
    text.push_str(&format!("-- message: {}\n", migration.name.replace(['\n', '\r'], " ")));
    if !migration.transactional {
        text.push_str("-- transactional: false\n");
    }
    text.push_str(&format!("-- converted from {}\n\n-- strata:upgrade\n", migration.source.display()));
    text.push_str(&migration.up);
    if !migration.up.ends_with('\n') {
        text.push('\n');
    }
    text.push_str("\n-- strata:downgrade\n");
    text.push_str(&migration.down);
    text
}

/// Writes `migrations` as a linear Strata project under `project/versions`; returns the ids in
/// upgrade order.
pub fn write_project(migrations: &[Migration], project: &Path) -> Vec<String> {
    let versions = project.join("versions");
    std::fs::create_dir_all(&versions).unwrap();
    let mut parent: Option<&str> = None;
    for (number, migration) in migrations.iter().enumerate() {
        let file = versions.join(format!("{number:04}_{}.sql", migration.version));
        std::fs::write(&file, revision_text(migration, parent)).unwrap();
        parent = Some(&migration.version);
    }
    migrations.iter().map(|m| m.version.clone()).collect()
}
