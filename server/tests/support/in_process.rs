//! The studio's router in the test's own process, driven request by request with
//! `tower::ServiceExt::oneshot`: for API tests where a process is not the point (no port, no
//! child, no HTTP parsing). Its state lives in a sandbox under the test's state folder, as a
//! `strata serve`'s does, so `strata --state-dir …` commands attach to it as to a studio's.

use super::{PASSWORD, Response};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::Request;
use http_body_util::BodyExt;
use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;
use strata_server::config::{Config, EnvironmentConfig};
use strata_server::http::{self, AppState, Environment};
use strata_server::sandbox::{self, Sandbox};
use strata_server::state::StateDb;
use tower::ServiceExt;

/// Where every request seems to come from (sign-in throttling counts per address).
const CLIENT: ([u8; 4], u16) = ([127, 0, 0, 1], 50_000);

/// `http::router` on an `AppState` built as `strata serve` builds it, on a runtime of its own.
/// Comes with an `admin` account (password `PASSWORD`) whose API token is `token`.
pub struct InProcessStudio {
    router: axum::Router,
    state: Option<Arc<AppState>>,
    sandbox: Option<Sandbox>,
    runtime: tokio::runtime::Runtime,
    state_dir: PathBuf,
    config: PathBuf,
    pub token: String,
    log: LogMark,
}

impl InProcessStudio {
    /// As `Studio::start`: a `strata.toml` in `state` if there is one, else the sandbox.
    pub fn start(migrations: &Path, state: &Path) -> Self {
        Self::start_with(migrations, state, &state.join("strata.toml"), &[])
    }

    /// As `Studio::start_with`: the environments of `config` (whose `url_env` variables `env`
    /// gives, without touching this process's environment) and Strata's state in a sandbox
    /// under `state`. Tracing at debug level is captured for `log`.
    pub fn start_with(migrations: &Path, state: &Path, config: &Path, env: &[(&str, &str)]) -> Self {
        let log = LogMark::new();
        let name = log.runtime_thread.clone();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name(name)
            .enable_all()
            .build()
            .unwrap();
        let configured = Config::load(config).unwrap();
        let urls = urls_by_environment(config, env);
        let (sandbox, state_db) = runtime.block_on(async {
            let sandbox = Sandbox::start(state).await.unwrap();
            let state_db = StateDb::open(sandbox.state_options().await.unwrap()).await.unwrap();
            (sandbox, state_db)
        });
        let entered = runtime.enter(); // pools and the folder watcher belong to this runtime
        let mut environments = Vec::new();
        for (name, environment) in configured.environments {
            let mut environment = match urls.get(&name) {
                Some(url) => environment.with_url(url.clone()),
                None => environment,
            };
            environment.place_backups_under(state);
            if environment.is_sandbox() {
                environment = environment.with_url(sandbox.target_url());
            }
            let pool = http::target_pool(environment.connect_options(&name).unwrap(), &configured.server, &environment);
            environments.push(Environment { pool, name, config: environment });
        }
        if environments.is_empty() {
            let config = EnvironmentConfig::for_url(sandbox.target_url());
            let pool = http::target_pool(sandbox.target_options(), &configured.server, &config);
            environments.push(Environment { name: sandbox::ENVIRONMENT_NAME.to_owned(), pool, config });
        }
        let mut app_state = AppState::new(
            migrations.to_path_buf(),
            environments,
            state_db,
            configured.auth,
            format!("strata --config {} --state-dir {} user add admin --role admin", config.display(), state.display()),
            configured.server.trusted_proxies(),
        );
        app_state.rehearsal_cluster = Some(sandbox.rehearsal_cluster());
        let app_state = Arc::new(app_state);
        let router = http::router(app_state.clone(), None);
        drop(entered);
        let mut studio = Self {
            router,
            state: Some(app_state),
            sandbox: Some(sandbox),
            runtime,
            state_dir: state.to_path_buf(),
            config: config.to_path_buf(),
            token: String::new(),
            log,
        };
        studio.token = studio.add_user("admin", "admin");
        studio
    }

    /// One request through the router, as if from `CLIENT`; a JSON body as `support::http` sends it.
    pub fn http(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&serde_json::Value>,
    ) -> Response {
        let mut request = Request::builder().method(method).uri(path).header("host", "127.0.0.1");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        if !body.is_empty() || method == "POST" {
            request = request.header("content-type", "application/json");
        }
        let mut request = request.body(Body::from(body)).unwrap();
        request.extensions_mut().insert(ConnectInfo(SocketAddr::from(CLIENT)));
        self.runtime.block_on(async {
            let response = self.router.clone().oneshot(request).await.unwrap();
            let mut head = format!("HTTP/1.1 {}", response.status());
            for (name, value) in response.headers() {
                head.push_str(&format!("\r\n{name}: {}", value.to_str().unwrap_or("<not text>")));
            }
            let status = response.status().as_u16();
            let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
            Response { status, head, body: String::from_utf8_lossy(&bytes).into_owned() }
        })
    }

    /// GET as the admin.
    pub fn get(&self, path: &str) -> (u16, String) {
        let response = self.http("GET", path, &[("Authorization", &format!("Bearer {}", self.token))], None);
        (response.status, response.body)
    }

    /// POST as the admin.
    pub fn post(&self, path: &str, body: &serde_json::Value) -> (u16, String) {
        let response = self.http("POST", path, &[("Authorization", &format!("Bearer {}", self.token))], Some(body));
        (response.status, response.body)
    }

    /// As `support::collect_events`: reads the admin's server-sent events from `path` on this
    /// studio's runtime until `until` matches one of them (or 120 s pass); the `data:` payloads.
    pub fn events(&self, path: &str, until: fn(&serde_json::Value) -> bool) -> mpsc::Receiver<Vec<serde_json::Value>> {
        let request = Request::builder()
            .uri(path)
            .header("authorization", format!("Bearer {}", self.token))
            .header("accept", "text/event-stream")
            .extension(ConnectInfo(SocketAddr::from(CLIENT)))
            .body(Body::empty())
            .unwrap();
        let router = self.router.clone();
        let (sender, receiver) = mpsc::channel();
        self.runtime.spawn(async move {
            let mut body = router.oneshot(request).await.unwrap().into_body();
            let mut events = Vec::new();
            let mut pending = String::new();
            let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
            'read: while let Ok(Some(Ok(frame))) = tokio::time::timeout_at(deadline, body.frame()).await {
                pending.push_str(&String::from_utf8_lossy(frame.data_ref().map(|d| &d[..]).unwrap_or_default()));
                while let Some((line, rest)) = pending.split_once('\n') {
                    let line = line.to_owned();
                    pending = rest.to_owned();
                    if let Some(data) = line.strip_prefix("data:") {
                        let event: serde_json::Value = serde_json::from_str(data.trim()).unwrap();
                        let done = until(&event);
                        events.push(event);
                        if done {
                            break 'read;
                        }
                    }
                }
            }
            let _ = sender.send(events);
        });
        receiver
    }

    /// Creates an account (password `PASSWORD`) with the CLI, as an operator would, and returns
    /// an API token for it.
    pub fn add_user(&self, name: &str, role: &str) -> String {
        let mut add = self.cli(&["user", "add", name, "--role", role, "--password-stdin"]);
        let mut child = add.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        writeln!(child.stdin.take().unwrap(), "{PASSWORD}").unwrap();
        let output = child.wait_with_output().unwrap();
        assert!(output.status.success(), "user add: {}", String::from_utf8_lossy(&output.stderr));
        let output = self.cli(&["token", "create", "--user", name, "--label", "tests"]).output().unwrap();
        assert!(output.status.success(), "token create: {}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8(output.stdout).unwrap().trim().to_owned()
    }

    /// `strata` with this studio's state folder (its sandbox is found there, running).
    pub fn cli(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_strata"));
        command.arg("--state-dir").arg(&self.state_dir).arg("--config").arg(&self.config).args(args);
        command
    }

    /// What this studio logged (debug level) since it started: the lines of its runtime's
    /// threads and of the test's thread, which drives its requests.
    pub fn log(&self) -> String {
        self.log.lines()
    }
}

impl Drop for InProcessStudio {
    /// Closes the pools and stops the sandbox, as `strata serve` does on SIGTERM.
    fn drop(&mut self) {
        let state = self.state.take();
        let sandbox = self.sandbox.take();
        self.runtime.block_on(async {
            if let Some(state) = state {
                for environment in &state.environments {
                    environment.pool.close().await;
                }
                state.state_db.pool.close().await;
            }
            if let Some(sandbox) = sandbox {
                let _ = sandbox.stop().await;
            }
        });
    }
}

/// The URL of each environment of `config` whose `url_env` names a variable of `env`.
fn urls_by_environment(config: &Path, env: &[(&str, &str)]) -> std::collections::BTreeMap<String, String> {
    let text = std::fs::read_to_string(config).unwrap_or_default();
    let table: toml::Table = toml::from_str(&text).unwrap();
    let Some(environments) = table.get("environments").and_then(toml::Value::as_table) else {
        return Default::default();
    };
    environments
        .iter()
        .filter_map(|(name, environment)| {
            let variable = environment.get("url_env")?.as_str()?;
            let (_, url) = env.iter().find(|(key, _)| *key == variable)?;
            Some((name.clone(), (*url).to_owned()))
        })
        .collect()
}

/// The tracing lines of the threads of live in-process studios (and of their tests), in order:
/// a global subscriber, since the server's tasks log wherever they run.
static CAPTURED: Mutex<Vec<String>> = Mutex::new(Vec::new());
/// The thread names whose lines are kept, ` name ` as the formatter prints them.
static WATCHED: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Where a studio's log begins in `CAPTURED`, and the thread names that are its own.
struct LogMark {
    start: usize,
    runtime_thread: String,
    names: [String; 2],
}

impl LogMark {
    fn new() -> Self {
        static INSTALLED: std::sync::Once = std::sync::Once::new();
        INSTALLED.call_once(|| {
            tracing_subscriber::fmt()
                .with_env_filter("debug")
                .with_thread_names(true)
                .with_ansi(false)
                .with_writer(|| Line(Vec::new()))
                .init();
        });
        static STUDIOS: AtomicUsize = AtomicUsize::new(0);
        let runtime_thread = format!("in-process-studio-{}", STUDIOS.fetch_add(1, Ordering::Relaxed));
        let test_thread = std::thread::current().name().unwrap_or("main").to_owned();
        let names = [format!(" {runtime_thread} "), format!(" {test_thread} ")];
        WATCHED.lock().unwrap().extend(names.iter().cloned());
        Self { start: CAPTURED.lock().unwrap().len(), runtime_thread, names }
    }

    fn lines(&self) -> String {
        let captured = CAPTURED.lock().unwrap();
        captured[self.start..]
            .iter()
            .filter(|line| self.names.iter().any(|name| line.contains(name.as_str())))
            .cloned()
            .collect()
    }
}

impl Drop for LogMark {
    fn drop(&mut self) {
        let mut watched = WATCHED.lock().unwrap();
        for name in &self.names {
            if let Some(index) = watched.iter().position(|n| n == name) {
                watched.remove(index);
            }
        }
    }
}

/// One formatted event, kept when the formatter is done with it if a watched thread wrote it.
struct Line(Vec<u8>);

impl Write for Line {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for Line {
    fn drop(&mut self) {
        let line = String::from_utf8_lossy(&self.0);
        if WATCHED.lock().unwrap().iter().any(|name| line.contains(name.as_str())) {
            CAPTURED.lock().unwrap().push(line.into_owned());
        }
    }
}
