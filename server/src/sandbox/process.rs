//! Just enough process control for a postmaster: is it alive, and tell it to stop.
#![allow(unsafe_code)]

pub type Pid = libc::pid_t;

/// True if a process with this pid exists (even one we may not signal) and has not exited.
pub fn is_alive(pid: Pid) -> bool {
    // SAFETY: signal 0 only checks for existence and permission.
    let result = unsafe { libc::kill(pid, 0) };
    let exists = result == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM);
    exists && !is_zombie(pid)
}

/// An exited process its parent has not reaped yet still answers signal 0.
fn is_zombie(pid: Pid) -> bool {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { return false };
    // The state letter follows the command name, which is in parentheses and may contain spaces.
    stat.rsplit_once(')').and_then(|(_, rest)| rest.trim_start().chars().next()) == Some('Z')
}

/// The process's command name, from /proc (Linux).
pub fn command_name(pid: Pid) -> Option<String> {
    std::fs::read_to_string(format!("/proc/{pid}/comm")).ok().map(|name| name.trim().to_owned())
}

/// PostgreSQL's shutdown modes, by the signal that asks for them.
#[derive(Clone, Copy)]
pub enum Shutdown {
    /// SIGINT: roll back open transactions, disconnect, stop cleanly.
    Fast,
    /// SIGQUIT: stop now; recovery runs on the next start.
    Immediate,
}

pub fn request_shutdown(pid: Pid, mode: Shutdown) {
    let signal = match mode {
        Shutdown::Fast => libc::SIGINT,
        Shutdown::Immediate => libc::SIGQUIT,
    };
    // SAFETY: sending a signal has no memory-safety preconditions; a vanished pid is harmless.
    unsafe {
        libc::kill(pid, signal);
    }
}
