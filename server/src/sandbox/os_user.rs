//! PostgreSQL refuses to run as root; when strata runs as root, the sandbox runs as `postgres`.
#![allow(unsafe_code)]

use anyhow::{Context, Result, bail};
use std::ffi::CString;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Command;

/// An OS account to run PostgreSQL's programs as.
#[derive(Clone, Copy)]
pub struct OsUser {
    uid: libc::uid_t,
    gid: libc::gid_t,
}

const SANDBOX_USER: &str = "postgres";

impl OsUser {
    /// `None` when strata itself is not root (PostgreSQL then runs as the current user).
    pub fn for_postgres() -> Result<Option<Self>> {
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } != 0 {
            return Ok(None);
        }
        match lookup(SANDBOX_USER)? {
            Some(user) => Ok(Some(user)),
            None => bail!(
                "strata runs as root, and PostgreSQL refuses to: no unprivileged `{SANDBOX_USER}` OS user \
                 exists to run the sandbox as (installing Debian's `postgresql` package creates it)"
            ),
        }
    }

    pub fn run_as(self, command: &mut Command) {
        command.uid(self.uid).gid(self.gid);
    }

    /// Whether this user may enter `path`: every folder on the way needs its search (x) bit
    /// for the user as owner, group member (primary group only) or other.
    pub fn can_enter(self, path: &Path) -> bool {
        use std::os::unix::fs::MetadataExt;
        path.ancestors().all(|folder| {
            let Ok(meta) = std::fs::metadata(folder) else { return false };
            let mode = meta.mode();
            if meta.uid() == self.uid {
                mode & 0o100 != 0
            } else if meta.gid() == self.gid {
                mode & 0o010 != 0
            } else {
                mode & 0o001 != 0
            }
        })
    }

    pub fn give(self, path: &Path) -> Result<()> {
        std::os::unix::fs::chown(path, Some(self.uid), Some(self.gid))
            .with_context(|| format!("cannot hand {} to the `{SANDBOX_USER}` user", path.display()))
    }
}

fn lookup(name: &str) -> Result<Option<OsUser>> {
    let c_name = CString::new(name)?;
    let mut entry: libc::passwd = unsafe { std::mem::zeroed() };
    let mut buffer = vec![0 as libc::c_char; 16 * 1024];
    let mut found: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: every pointer refers to live, correctly sized storage for the call's duration.
    let status =
        unsafe { libc::getpwnam_r(c_name.as_ptr(), &mut entry, buffer.as_mut_ptr(), buffer.len(), &mut found) };
    if status != 0 {
        bail!("cannot look up the `{name}` OS user: error {status}");
    }
    Ok((!found.is_null()).then_some(OsUser { uid: entry.pw_uid, gid: entry.pw_gid }))
}
