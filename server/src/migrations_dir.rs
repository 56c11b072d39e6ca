//! Reading a migrations folder from disk: `<dir>/versions/*.sql`, and Alembic's `*.py` scripts.

use anyhow::{Context, Result};
use std::path::Path;
use strata_shared::diagnostic::Diagnostic;
use strata_shared::project::{Project, SourceFile};

/// Reads every revision file and loads the project. Files that cannot be read become
/// diagnostics like any other broken file; only a missing folder is an error.
pub fn load(dir: &Path) -> Result<Project> {
    let versions = dir.join("versions");
    let entries = std::fs::read_dir(&versions)
        .with_context(|| format!("cannot read the revisions folder {}", versions.display()))?;
    let mut files = Vec::new();
    let mut unreadable = Vec::new();
    for entry in entries {
        let path = entry.with_context(|| format!("cannot list {}", versions.display()))?.path();
        let is_revision_file = path.extension().is_some_and(|ext| ext == "sql" || ext == "py")
            && path.file_name().is_some_and(|name| name != "__init__.py" && !name.to_string_lossy().starts_with(".#"));
        if !is_revision_file || !path.is_file() {
            continue;
        }
        let name = format!("versions/{}", path.file_name().unwrap_or_default().to_string_lossy());
        match std::fs::read(&path).map(String::from_utf8) {
            Ok(Ok(text)) => files.push(SourceFile { path: name, text }),
            Ok(Err(_)) => unreadable.push(Diagnostic::in_file(&name, "the file is not valid UTF-8")),
            Err(error) => unreadable.push(Diagnostic::in_file(&name, format!("cannot read the file: {error}"))),
        }
    }
    let mut project = Project::load(files);
    project.diagnostics.extend(unreadable);
    Ok(project)
}
