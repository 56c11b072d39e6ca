//! Embeds the built frontend (Trunk's `dist/` at the workspace root) in the `strata` binary,
//! so `strata serve` needs no folder beside it. Without `dist/` the server still builds, with
//! nothing embedded, and `serve` says how to build the frontend.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let dist = Path::new(env!("CARGO_MANIFEST_DIR")).join("../dist");
    // An empty folder rather than a missing path: Cargo treats a missing path as changed on
    // every build, and an existing folder is scanned, so a later `trunk build` is noticed.
    let _ = std::fs::create_dir_all(&dist);
    println!("cargo:rerun-if-changed={}", dist.display());
    let mut files = Vec::new();
    collect(&dist, &dist, &mut files);
    files.sort();
    if !files.iter().any(|(name, _)| name == "index.html") {
        files.clear();
    }
    let mut code = String::from(
        "/// The built frontend: path under `dist/`, contents.\npub static ASSETS: &[(&str, &[u8])] = &[\n",
    );
    for (name, path) in &files {
        writeln!(code, "    ({name:?}, include_bytes!({:?})),", path.display().to_string()).unwrap();
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("frontend_assets.rs");
    std::fs::write(out, code).unwrap();
}

/// Every file under `dir`, as (path relative to `root` with `/`, absolute path).
fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(root, &path, files);
        } else if let Ok(relative) = path.strip_prefix(root) {
            let name = relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
            files.push((name, path.canonicalize().unwrap_or(path)));
        }
    }
}
