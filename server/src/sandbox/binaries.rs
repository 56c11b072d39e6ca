//! Finding PostgreSQL's server programs (`initdb`, `postgres`), which Debian keeps off PATH.

use anyhow::{Result, bail};
use std::path::{Path, PathBuf};

pub struct PostgresBinaries {
    bindir: PathBuf,
}

impl PostgresBinaries {
    /// `$STRATA_PG_BINDIR`, else the folder of an `initdb` on PATH, else the newest
    /// `/usr/lib/postgresql/<major>/bin`.
    pub fn find() -> Result<Self> {
        let candidates = std::env::var_os("STRATA_PG_BINDIR")
            .map(PathBuf::from)
            .into_iter()
            .chain(initdb_on_path())
            .chain(debian_bindirs());
        for bindir in candidates {
            if bindir.join("initdb").is_file() && bindir.join("postgres").is_file() {
                return Ok(Self { bindir });
            }
        }
        bail!(
            "PostgreSQL's server programs (initdb, postgres) were not found: install Debian's `postgresql` \
             package (scripts/setup does) or set STRATA_PG_BINDIR to the folder that holds them"
        )
    }

    pub fn initdb(&self) -> PathBuf {
        self.bindir.join("initdb")
    }

    pub fn postgres(&self) -> PathBuf {
        self.bindir.join("postgres")
    }

    /// Another program of the same installation (`pg_dump`, `pg_restore`), so its version
    /// matches the sandbox's.
    pub fn tool(&self, name: &str) -> Result<PathBuf> {
        let path = self.bindir.join(name);
        if !path.is_file() {
            bail!("`{name}` is not in {} beside initdb; install PostgreSQL's client programs", self.bindir.display());
        }
        Ok(path)
    }
}

/// The real folder of `initdb` on PATH (Debian's /usr/local/bin links point into the versioned folder).
fn initdb_on_path() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("initdb"))
        .find(|candidate| candidate.is_file())
        .and_then(|initdb| initdb.canonicalize().ok())
        .and_then(|real| real.parent().map(Path::to_path_buf))
}

/// `/usr/lib/postgresql/<major>/bin`, newest major first.
fn debian_bindirs() -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir("/usr/lib/postgresql") else { return Vec::new() };
    let mut majors: Vec<(u32, PathBuf)> = entries
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let major = entry.file_name().to_str()?.parse().ok()?;
            Some((major, entry.path().join("bin")))
        })
        .collect();
    majors.sort_by_key(|&(major, _)| std::cmp::Reverse(major));
    majors.into_iter().map(|(_, bindir)| bindir).collect()
}
