//! Whole-process measurements for the benchmarks: wall time and peak resident memory.

use std::process::{Command, Stdio};
use std::time::Instant;

pub struct Measured {
    pub seconds: f64,
    pub peak_mib: f64,
    pub exit_code: i32,
    /// User plus system CPU time: on a busy machine, closer to what the command costs.
    pub cpu_seconds: f64,
}

/// Runs a command to its end; wall time, the child's peak resident memory, its exit code.
pub fn measure(command: &mut Command) -> Measured {
    let started = Instant::now();
    let child = command.stdout(Stdio::null()).stderr(Stdio::piped()).spawn().expect("the command starts");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: zeroed rusage is a valid out-parameter; wait4 reaps exactly this child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let seconds = started.elapsed().as_secs_f64();
    assert_eq!(waited, pid, "wait4 failed");
    assert!(libc::WIFEXITED(status), "{command:?} did not exit");
    std::mem::forget(child); // already reaped
    let cpu = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    let cpu_seconds = cpu(usage.ru_utime) + cpu(usage.ru_stime);
    Measured { seconds, peak_mib: usage.ru_maxrss as f64 / 1024.0, exit_code: libc::WEXITSTATUS(status), cpu_seconds }
}
