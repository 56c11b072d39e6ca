//! What the integration tests share: temp state folders, a `strata serve` child process,
//! and a plain HTTP GET. Every service a test starts is stopped when its guard drops.
#![allow(dead_code)] // each test file uses a different part

pub mod alembic;
pub mod catalog;
pub mod chrome;
pub mod ddl_history;
pub mod measure;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::Duration;

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

pub fn sample_migrations() -> PathBuf {
    workspace_root().join("migrations")
}

pub fn broken_fixture() -> PathBuf {
    workspace_root().join("server/tests/fixtures/broken")
}

/// A temp folder the `postgres` OS user can enter (tempfile makes them 0700, and the
/// sandbox runs PostgreSQL as `postgres` when the tests run as root).
pub fn state_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

/// The sandbox postmaster's pid, from its pid file.
pub fn postmaster_pid(state: &Path) -> Option<i32> {
    let text = std::fs::read_to_string(state.join("sandbox/data/postmaster.pid")).ok()?;
    text.lines().next()?.trim().parse().ok()
}

pub fn is_running(pid: i32) -> bool {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    !stat.is_empty() && stat.rsplit_once(')').is_some_and(|(_, rest)| !rest.trim_start().starts_with('Z'))
}

pub fn send_signal(pid: i32, signal: i32) {
    // SAFETY: plain kill(2).
    assert_eq!(unsafe { libc::kill(pid, signal) }, 0, "cannot signal {pid}");
}

/// `strata serve` on a free port, stopped with SIGTERM when dropped.
pub struct Studio {
    child: Option<Child>,
    pub url: String,
    pub stderr_log: PathBuf,
}

impl Studio {
    pub fn start(migrations: &Path, state: &Path) -> Self {
        let stderr_log = state.join("strata.log");
        let mut child = Command::new(env!("CARGO_BIN_EXE_strata"))
            .arg("--migrations")
            .arg(migrations)
            .args(["serve", "--port", "0", "--dist"])
            .arg(workspace_root().join("dist"))
            .arg("--state-dir")
            .arg(state)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&stderr_log).unwrap())
            .spawn()
            .unwrap();
        // The first stdout line announces the address once the sandbox is up.
        let stdout = child.stdout.take().unwrap();
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = sender.send(line);
        });
        let line = receiver.recv_timeout(Duration::from_secs(120)).unwrap_or_default();
        let Some(url) = line.trim().strip_prefix("Strata studio: ").map(str::to_owned) else {
            let _ = child.kill();
            panic!("strata serve did not start; its log:\n{}", std::fs::read_to_string(&stderr_log).unwrap());
        };
        Self { child: Some(child), url, stderr_log }
    }

    pub fn pid(&self) -> i32 {
        self.child.as_ref().unwrap().id() as i32
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.stderr_log).unwrap_or_default()
    }

    /// Sends `signal` and waits for the process to end.
    pub fn stop_with(mut self, signal: i32) -> ExitStatus {
        let mut child = self.child.take().unwrap();
        send_signal(child.id() as i32, signal);
        child.wait().unwrap()
    }

    pub fn get(&self, path: &str) -> (u16, String) {
        http_get(&self.url, path)
    }
}

impl Drop for Studio {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            send_signal(child.id() as i32, libc::SIGTERM);
            let _ = child.wait();
        }
    }
}

/// A minimal HTTP/1.0 GET: status and body.
pub fn http_get(base: &str, path: &str) -> (u16, String) {
    let address = base.strip_prefix("http://").unwrap();
    let mut stream = TcpStream::connect(address).unwrap();
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {address}\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, body.to_owned())
}

/// A minimal HTTP/1.0 POST of a JSON body: status and body.
pub fn http_post(base: &str, path: &str, body: &serde_json::Value) -> (u16, String) {
    let address = base.strip_prefix("http://").unwrap();
    let mut stream = TcpStream::connect(address).unwrap();
    let body = body.to_string();
    write!(
        stream,
        "POST {path} HTTP/1.0\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, body.to_owned())
}

/// Reads server-sent events from `path` on a thread until `until` matches one of them (or 120 s
/// pass); the `data:` payloads in order.
pub fn collect_events(
    base: &str,
    path: &str,
    until: fn(&serde_json::Value) -> bool,
) -> mpsc::Receiver<Vec<serde_json::Value>> {
    let address = base.strip_prefix("http://").unwrap().to_owned();
    let mut stream = TcpStream::connect(&address).unwrap();
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {address}\r\nAccept: text/event-stream\r\n\r\n").unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let mut events = Vec::new();
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            if let Some(data) = line.strip_prefix("data:") {
                let event: serde_json::Value = serde_json::from_str(data.trim()).unwrap();
                let done = until(&event);
                events.push(event);
                if done {
                    break;
                }
            }
        }
        let _ = sender.send(events);
    });
    receiver
}
