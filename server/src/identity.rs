//! Who runs strata, and fresh random ids.

use anyhow::{Result, anyhow};

/// `count` random bytes from the operating system's generator.
pub fn random_bytes(count: usize) -> Result<Vec<u8>> {
    let mut buffer = vec![0u8; count];
    getrandom::fill(&mut buffer).map_err(|error| anyhow!("no random bytes from the operating system: {error}"))?;
    Ok(buffer)
}

/// `bytes` random bytes as hex.
pub fn random_hex(bytes: usize) -> Result<String> {
    Ok(random_bytes(bytes)?.iter().map(|b| format!("{b:02x}")).collect())
}

/// `user@host` of the OS account running this command.
pub fn who() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .ok()
        .or_else(account_name)
        .unwrap_or_else(|| "unknown".to_owned());
    let host = std::fs::read_to_string("/etc/hostname").map(|h| h.trim().to_owned()).unwrap_or_default();
    if host.is_empty() { user } else { format!("{user}@{host}") }
}

/// The name of the account this process runs as, from the password database (services and
/// CI jobs often have no `$USER`).
fn account_name() -> Option<String> {
    // SAFETY: all-zero is a valid `passwd` (null pointers, zero ids); getpwuid_r fills it.
    let mut entry: libc::passwd = unsafe { std::mem::zeroed() };
    let mut buffer = vec![0 as libc::c_char; 4096];
    let mut found: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: getpwuid_r writes into `entry` and `buffer`, which outlive the call; `found`
    // points at `entry` on success.
    let status =
        unsafe { libc::getpwuid_r(libc::geteuid(), &mut entry, buffer.as_mut_ptr(), buffer.len(), &mut found) };
    if status != 0 || found.is_null() || entry.pw_name.is_null() {
        return None;
    }
    // SAFETY: on success pw_name is a NUL-terminated string inside `buffer`.
    let name = unsafe { std::ffi::CStr::from_ptr(entry.pw_name) };
    Some(name.to_string_lossy().into_owned())
}
