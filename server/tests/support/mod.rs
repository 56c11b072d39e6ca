//! What the integration tests (the modules of `integration.rs`) and the benches share: temp
//! state folders, a `strata serve` child process, and a plain HTTP GET. Every service a test
//! starts is stopped when its guard drops.
#![allow(dead_code)] // each bench uses a different part

pub mod alembic;
pub mod app_history;
pub mod chrome;
pub mod ddl_history;
pub mod in_process;
pub mod measure;
pub mod real_history;
pub mod targets;

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

/// The sample's head and how many revisions lead to it, read from the folder, so tests follow
/// the sample as it grows.
pub fn sample_head() -> (String, usize) {
    let project = strata_server::migrations_dir::load(&sample_migrations()).unwrap();
    let graph = &project.graph;
    assert_eq!(graph.heads().len(), 1, "the sample has one head");
    (graph.id(graph.heads()[0]).to_owned(), graph.len())
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

/// The password every test account gets.
pub const PASSWORD: &str = "correct horse battery staple";

/// `strata serve` on a free port, stopped with SIGTERM when dropped. It comes with an `admin`
/// account (password `PASSWORD`) whose API token `get`/`post` send.
pub struct Studio {
    child: Option<Child>,
    pub url: String,
    pub stderr_log: PathBuf,
    state: PathBuf,
    config: PathBuf,
    pub token: String,
    stdout: std::sync::Mutex<mpsc::Receiver<String>>,
}

impl Studio {
    pub fn start(migrations: &Path, state: &Path) -> Self {
        Self::start_with(migrations, state, &state.join("strata.toml"), &[])
    }

    /// With a `strata.toml` (a missing one means the sandbox) and extra environment variables.
    pub fn start_with(migrations: &Path, state: &Path, config: &Path, env: &[(&str, &str)]) -> Self {
        let mut studio = Self::start_without_accounts(migrations, state, config, env);
        studio.token = studio.add_user("admin", "admin");
        studio
    }

    /// As a first run finds it: no account yet (and so no token).
    pub fn start_without_accounts(migrations: &Path, state: &Path, config: &Path, env: &[(&str, &str)]) -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_strata"));
        command
            .arg("--migrations")
            .arg(migrations)
            .arg("--config")
            .arg(config)
            .args(["serve", "--port", "0", "--dist"])
            .arg(workspace_root().join("dist"))
            .arg("--state-dir")
            .arg(state)
            .envs(env.iter().copied());
        Self::spawn(command, state, config)
    }

    /// Runs `command`, a `strata … serve --port 0 --state-dir STATE` with no account yet.
    pub fn spawn(mut command: Command, state: &Path, config: &Path) -> Self {
        let stderr_log = state.join("strata.log");
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&stderr_log).unwrap())
            .spawn()
            .unwrap();
        // The first stdout line announces the address once the sandbox is up; the later
        // ones stay readable (`stdout_line`).
        let stdout = child.stdout.take().unwrap();
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        let line = receiver.recv_timeout(Duration::from_secs(120)).unwrap_or_default();
        let Some(url) = line.trim().strip_prefix("Strata studio: ").map(str::to_owned) else {
            let _ = child.kill();
            panic!("strata serve did not start; its log:\n{}", std::fs::read_to_string(&stderr_log).unwrap());
        };
        Self {
            child: Some(child),
            url,
            stderr_log,
            state: state.to_path_buf(),
            config: config.to_path_buf(),
            token: String::new(),
            stdout: std::sync::Mutex::new(receiver),
        }
    }

    /// The next line the studio printed after its address, if one comes within `wait`.
    pub fn stdout_line(&self, wait: Duration) -> Option<String> {
        self.stdout.lock().unwrap().recv_timeout(wait).ok()
    }

    /// Creates an account (password `PASSWORD`) with the CLI, as an operator would, and returns
    /// an API token for it.
    pub fn add_user(&self, name: &str, role: &str) -> String {
        let mut add = self.cli(&["user", "add", name, "--role", role, "--password-stdin"]);
        let mut child = add.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        writeln!(child.stdin.take().unwrap(), "{PASSWORD}").unwrap();
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        // A studio restarted on the same state folder keeps its accounts.
        assert!(output.status.success() || stderr.contains("exists already"), "user add: {stderr}");
        let output = self.cli(&["token", "create", "--user", name, "--label", "tests"]).output().unwrap();
        assert!(output.status.success(), "token create: {}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8(output.stdout).unwrap().trim().to_owned()
    }

    /// `strata` with this studio's state folder.
    pub fn cli(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_strata"));
        command.arg("--state-dir").arg(&self.state).arg("--config").arg(&self.config).args(args);
        command
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

    /// GET as the admin.
    pub fn get(&self, path: &str) -> (u16, String) {
        let response = http(&self.url, "GET", path, &[("Authorization", &format!("Bearer {}", self.token))], None);
        (response.status, response.body)
    }

    /// POST as the admin.
    pub fn post(&self, path: &str, body: &serde_json::Value) -> (u16, String) {
        let response =
            http(&self.url, "POST", path, &[("Authorization", &format!("Bearer {}", self.token))], Some(body));
        (response.status, response.body)
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

pub struct Response {
    pub status: u16,
    /// The header lines, as sent.
    pub head: String,
    pub body: String,
}

impl Response {
    /// The value of the first header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| value.trim())
        })
    }
}

/// `strata --migrations <folder>` with nothing on stdin (a confirmation prompt reads end of
/// input and refuses), for a test to add its arguments to.
pub fn strata(folder: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_strata"));
    command.arg("--migrations").arg(folder).stdin(Stdio::null());
    command
}

/// `strata --migrations <folder> <args…> --url <url>`, run to its end.
pub fn strata_at(folder: &Path, url: &str, args: &[&str]) -> std::process::Output {
    strata(folder).args(args).args(["--url", url]).output().unwrap()
}

/// A child's stdout or stderr as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A minimal HTTP/1.0 request with extra headers and an optional JSON body.
pub fn http(
    base: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&serde_json::Value>,
) -> Response {
    let address = base.strip_prefix("http://").unwrap();
    let mut stream = TcpStream::connect(address).unwrap();
    let mut request = format!("{method} {path} HTTP/1.0\r\nHost: {address}\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    if !body.is_empty() || method == "POST" {
        request.push_str(&format!("Content-Type: application/json\r\nContent-Length: {}\r\n", body.len()));
    }
    request.push_str("\r\n");
    request.push_str(&body);
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    Response { status, head: head.to_owned(), body: body.to_owned() }
}

/// A GET without credentials: status and body.
pub fn http_get(base: &str, path: &str) -> (u16, String) {
    let response = http(base, "GET", path, &[], None);
    (response.status, response.body)
}

/// Reads server-sent events from `path` on a thread until `until` matches one of them (or 120 s
/// pass); the `data:` payloads in order.
pub fn collect_events(
    studio: &Studio,
    path: &str,
    until: fn(&serde_json::Value) -> bool,
) -> mpsc::Receiver<Vec<serde_json::Value>> {
    let address = studio.url.strip_prefix("http://").unwrap().to_owned();
    let mut stream = TcpStream::connect(&address).unwrap();
    let token = &studio.token;
    write!(
        stream,
        "GET {path} HTTP/1.0\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n"
    )
    .unwrap();
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
