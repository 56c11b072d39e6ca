//! Where the command line's text goes: every line of output and every message on stderr.
//! A closed pipe (`strata history | head -1`) ends the command quietly, exit code 0, as
//! command-line tools do; a message on a closed stderr is dropped, never a panic.

use std::io::{ErrorKind, Write};

/// Writes `text` and a newline to stdout. On a closed pipe the command stops quietly here.
pub fn out(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let written =
        stdout.write_all(text.as_bytes()).and_then(|()| stdout.write_all(b"\n")).and_then(|()| stdout.flush());
    match written {
        Ok(()) => {}
        Err(error) if error.kind() == ErrorKind::BrokenPipe => std::process::exit(0),
        Err(error) => {
            err(&format!("error: cannot write the output: {error}"));
            std::process::exit(1);
        }
    }
}

/// Like `out`, but the command goes on when nobody reads (the studio keeps serving).
pub fn out_if_read(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes()).and_then(|()| stdout.write_all(b"\n")).and_then(|()| stdout.flush());
}

/// Writes `text` and a newline to stderr; nothing happens when stderr is closed.
pub fn err(text: &str) {
    err_part(&format!("{text}\n"));
}

/// Writes `text` to stderr without a newline (a prompt, a progress line being built).
pub fn err_part(text: &str) {
    let mut stderr = std::io::stderr().lock();
    let _ = stderr.write_all(text.as_bytes()).and_then(|()| stderr.flush());
}
