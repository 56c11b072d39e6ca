//! Whole-process measurements for the benchmarks: wall time and peak resident memory.

use std::process::{Command, Stdio};
use std::time::Instant;

pub struct Measured {
    pub seconds: f64,
    pub peak_mib: f64,
    pub exit_code: i32,
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
    Measured { seconds, peak_mib: usage.ru_maxrss as f64 / 1024.0, exit_code: libc::WEXITSTATUS(status) }
}
