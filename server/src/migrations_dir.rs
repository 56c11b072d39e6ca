//! Reading a migrations folder from disk: `<dir>/versions/*.sql`, and Alembic's `*.py` scripts.

use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use strata_shared::diagnostic::Diagnostic;
use strata_shared::project::{ParsedFile, Project, SourceFile};

/// Reads every revision file and loads the project. Files that cannot be read become
/// diagnostics like any other broken file; only a missing folder is an error.
pub fn load(dir: &Path) -> Result<Project> {
    let versions = dir.join("versions");
    let entries = std::fs::read_dir(&versions)
        .with_context(|| format!("cannot read the revisions folder {}", versions.display()))?;
    let mut paths = Vec::new();
    let mut symlinks = Vec::new();
    for entry in entries {
        let entry = entry.with_context(|| format!("cannot list {}", versions.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !is_revision_file(&name) {
            continue;
        }
        // The entry's own type: no extra stat per file (long histories have thousands). A
        // symbolic link is not followed: it could make the studio read any file on the host.
        match entry.file_type() {
            Ok(kind) if kind.is_file() => paths.push(entry.path()),
            Ok(kind) if kind.is_symlink() => symlinks.push(Diagnostic::in_file(
                &format!("versions/{name}"),
                "is a symbolic link: not followed (put the revision file itself in the folder)",
            )),
            _ => {}
        }
    }
    let (parsed, unreadable) = read_all(&paths);
    let mut project = Project::assemble(parsed);
    project.diagnostics.extend(unreadable);
    project.diagnostics.extend(symlinks);
    Ok(project)
}

/// A hash of every entry of `versions/` (name, size, modification time): equal hashes mean
/// an unchanged folder, found without opening a file.
pub fn fingerprint(dir: &Path) -> u64 {
    use std::hash::{DefaultHasher, Hash, Hasher};
    let mut entries: Vec<(std::ffi::OsString, u64, Option<std::time::SystemTime>)> =
        std::fs::read_dir(dir.join("versions"))
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|entry| {
                let metadata = entry.metadata().ok()?;
                Some((entry.file_name(), metadata.len(), metadata.modified().ok()))
            })
            .collect();
    entries.sort();
    let mut hasher = DefaultHasher::new();
    entries.hash(&mut hasher);
    hasher.finish()
}

fn is_revision_file(name: &str) -> bool {
    (name.ends_with(".sql") || name.ends_with(".py")) && name != "__init__.py" && !name.starts_with(".#")
}

/// Reads and parses the files on every core: for long histories the time goes into opening,
/// reading and (for Alembic scripts) rendering.
fn read_all(paths: &[PathBuf]) -> (Vec<ParsedFile>, Vec<Diagnostic>) {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
    let chunk = paths.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = paths
            .chunks(chunk)
            .map(|part| scope.spawn(|| part.iter().map(read_and_parse).collect::<Vec<_>>()))
            .collect();
        let mut files = Vec::with_capacity(paths.len());
        let mut unreadable = Vec::new();
        for worker in workers {
            for result in worker.join().expect("a reading thread does not panic") {
                match result {
                    Ok(file) => files.push(file),
                    Err(diagnostic) => unreadable.push(diagnostic),
                }
            }
        }
        (files, unreadable)
    })
}

fn read_and_parse(path: &PathBuf) -> Result<ParsedFile, Diagnostic> {
    read_one(path).map(|file| ParsedFile::parse(&file))
}

fn read_one(path: &PathBuf) -> Result<SourceFile, Diagnostic> {
    let name = format!("versions/{}", path.file_name().unwrap_or_default().to_string_lossy());
    match std::fs::read(path).map(String::from_utf8) {
        Ok(Ok(text)) => Ok(SourceFile { path: name, text }),
        Ok(Err(_)) => Err(Diagnostic::in_file(&name, "the file is not valid UTF-8")),
        Err(error) => Err(Diagnostic::in_file(&name, format!("cannot read the file: {error}"))),
    }
}
