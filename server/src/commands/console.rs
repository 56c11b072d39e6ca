//! Where the command line's text goes: every line of output and every message on stderr.
//! A closed pipe (`strata history | head -1`) ends the command quietly, exit code 0, as
//! command-line tools do; a message on a closed stderr is dropped, never a panic.

use std::io::{ErrorKind, Write};

/// Writes `text` and a newline to stdout. On a closed pipe the command stops quietly here.
pub fn out(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let written =
        stdout.write_all(text.as_bytes()).and_then(|()| stdout.write_all(b"\n")).and_then(|()| stdout.flush());
    stop_unless_written(written);
}

/// Writes each line and a newline to stdout as it comes, so a long listing (a labelled
/// history's is hundreds of megabytes) is never held whole. A closed pipe stops here too.
pub fn out_lines(lines: impl Iterator<Item = String>) {
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    let mut written = Ok(());
    for line in lines {
        written = stdout.write_all(line.as_bytes()).and_then(|()| stdout.write_all(b"\n"));
        if written.is_err() {
            break;
        }
    }
    stop_unless_written(written.and_then(|()| stdout.flush()));
}

fn stop_unless_written(written: std::io::Result<()>) {
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
