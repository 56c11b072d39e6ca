//! The throwaway PostgreSQL that `strata serve` starts when no database is configured.
//!
//! Everything lives in `<state dir>/sandbox/`: the cluster (`data/`), its passwords, its log,
//! and `owner.pid`, the strata process that runs it.
//!
//! The sandbox environment is the `sandbox` database, owned by the `strata_sandbox` role, which
//! is no superuser and may not connect to Strata's state database: a revision run there cannot
//! touch accounts, approvals or the audit log. The postmaster gets a clean environment, so no
//! variable of the studio's (a `url_env` URL) is readable from SQL. The cluster survives restarts (so does
//! what was applied to it); a postmaster left running by a crashed strata is found through
//! `data/postmaster.pid` and stopped before a new one starts.

mod binaries;
mod os_user;
mod process;

use anyhow::{Context, Result, bail};
use binaries::PostgresBinaries;
use os_user::OsUser;
use process::{Pid, Shutdown};
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection};
use std::fs;
use std::io::Write;
use std::net::TcpListener;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const ENVIRONMENT_NAME: &str = "sandbox";
/// Strata's own database in the sandbox cluster (users, reviews, approvals, audit), apart from
/// the `postgres` database the sandbox environment migrates.
const STATE_DATABASE: &str = "strata_state";
const SUPERUSER: &str = "postgres";
/// Who the sandbox environment's revisions run as, and the database it owns.
const TARGET_ROLE: &str = "strata_sandbox";
const TARGET_DATABASE: &str = "sandbox";
/// What the postmaster and initdb keep of strata's environment: what PostgreSQL needs.
const POSTGRES_ENV: [&str; 4] = ["PATH", "LANG", "TZ", "TZDIR"];
const READY_TIMEOUT: Duration = Duration::from_secs(60);
const STOP_TIMEOUT: Duration = Duration::from_secs(30);

pub struct Sandbox {
    dir: PathBuf,
    postmaster: Option<Child>,
    port: u16,
    password: String,
    target_password: String,
}

impl Sandbox {
    /// Starts the sandbox cluster under `state_dir`, creating it on first use. A throwaway:
    /// it does not wait for the disk (fsync off).
    pub async fn start(state_dir: &Path) -> Result<Self> {
        Self::start_with(state_dir, Durability::Throwaway).await
    }

    pub async fn start_with(state_dir: &Path, durability: Durability) -> Result<Self> {
        let user = OsUser::for_postgres()?;
        let dir = cluster_dir(state_dir, user)?;
        if let Some(user) = user {
            user.give(&dir)?;
        }
        stop_stale_postmaster(&dir).await?;
        let binaries = PostgresBinaries::find()?;
        let password = ensure_cluster(&dir, &binaries, user)?;
        let target_password = password_file(&dir.join("target_password"), user)?;
        fs::write(dir.join("owner.pid"), std::process::id().to_string())?;

        let port = free_port()?;
        let postmaster = spawn_postmaster(&dir, &binaries, user, port, durability)?;
        let mut sandbox = Self { dir, postmaster: Some(postmaster), port, password, target_password };
        sandbox.wait_until_ready().await?;
        sandbox.ensure_target().await?;
        ensure_state_database(sandbox.connect_options()).await?;
        tracing::info!(port, "sandbox PostgreSQL is ready");
        Ok(sandbox)
    }

    fn options_for(&self, role: &str, password: &str, database: &str) -> PgConnectOptions {
        PgConnectOptions::new()
            .host("127.0.0.1")
            .port(self.port)
            .username(role)
            .password(password)
            .database(database)
            .log_statements(tracing::log::LevelFilter::Debug)
    }

    /// The superuser's, for setting the cluster up (and for tests that make databases in it).
    pub fn connect_options(&self) -> PgConnectOptions {
        self.options_for(SUPERUSER, &self.password, "postgres")
    }

    /// A URL for the sandbox environment: its own role and database (it holds the password:
    /// never log it).
    pub fn target_url(&self) -> String {
        format!("postgresql://{TARGET_ROLE}:{}@127.0.0.1:{}/{TARGET_DATABASE}", self.target_password, self.port)
    }

    /// Where rehearsals make their copies of this cluster's databases.
    pub fn rehearsal_cluster(&self) -> RehearsalCluster {
        RehearsalCluster { admin_url: self.admin_url(), runner_url: self.target_url() }
    }

    fn admin_url(&self) -> String {
        format!("postgresql://{SUPERUSER}:{}@127.0.0.1:{}/postgres", self.password, self.port)
    }

    pub fn target_options(&self) -> PgConnectOptions {
        self.options_for(TARGET_ROLE, &self.target_password, TARGET_DATABASE)
    }

    /// The sandbox environment's role (no superuser) and its database, made on first use; the
    /// role's password is set again on every start, from its file.
    async fn ensure_target(&self) -> Result<()> {
        // Its ALTER ROLE carries the role's password: kept out of a debug log.
        let options = self.connect_options().disable_statement_logging();
        let mut admin = sqlx::PgConnection::connect_with(&options).await?;
        let role_exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = $1)")
            .bind(TARGET_ROLE)
            .fetch_one(&mut admin)
            .await?;
        if !role_exists {
            sqlx::raw_sql(&format!("CREATE ROLE {TARGET_ROLE}")).execute(&mut admin).await?;
        }
        // The password is hex from `identity::random_hex`: nothing to quote.
        let alter = format!(
            "ALTER ROLE {TARGET_ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD '{}'",
            self.target_password
        );
        sqlx::raw_sql(&alter).execute(&mut admin).await?;
        let database_exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)")
            .bind(TARGET_DATABASE)
            .fetch_one(&mut admin)
            .await?;
        if !database_exists {
            sqlx::raw_sql(&format!("CREATE DATABASE {TARGET_DATABASE} OWNER {TARGET_ROLE}"))
                .execute(&mut admin)
                .await?;
        }
        let _ = admin.close().await;
        Ok(())
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The superuser's password (for tools such as psql; never logged).
    pub fn password(&self) -> &str {
        &self.password
    }

    /// Strata's state database in this cluster, created on first use.
    pub async fn state_options(&self) -> Result<PgConnectOptions> {
        ensure_state_database(self.connect_options()).await
    }

    /// The postmaster's process id, while it runs.
    /// The folder that holds the cluster, its password and its log.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn pid(&self) -> Option<u32> {
        self.postmaster.as_ref().map(Child::id)
    }

    /// Fast shutdown: open transactions roll back, then PostgreSQL exits.
    pub async fn stop(mut self) -> Result<()> {
        let Some(mut child) = self.postmaster.take() else { return Ok(()) };
        request_stop(&mut child);
        let deadline = Instant::now() + STOP_TIMEOUT;
        while child.try_wait()?.is_none() {
            if Instant::now() > deadline {
                process::request_shutdown(child.id() as Pid, Shutdown::Immediate);
                child.wait()?;
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let _ = fs::remove_file(self.dir.join("owner.pid"));
        tracing::info!("sandbox PostgreSQL stopped");
        Ok(())
    }

    async fn wait_until_ready(&mut self) -> Result<()> {
        let started = Instant::now();
        loop {
            if let Some(child) = self.postmaster.as_mut()
                && let Some(status) = child.try_wait()?
            {
                self.postmaster = None;
                bail!("the sandbox PostgreSQL exited at start ({status}):\n{}", self.log_tail());
            }
            if sqlx::PgConnection::connect_with(&self.connect_options()).await.is_ok() {
                return Ok(());
            }
            if started.elapsed() > READY_TIMEOUT {
                bail!(
                    "the sandbox PostgreSQL did not accept connections within {READY_TIMEOUT:?}:\n{}",
                    self.log_tail()
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    fn log_tail(&self) -> String {
        let log = fs::read_to_string(self.dir.join("postgres.log")).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(15)..].join("\n")
    }
}

/// A sandbox dropped without `stop` (an error or a panic on the way) still stops its postmaster.
impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(mut child) = self.postmaster.take() {
            request_stop(&mut child);
            let _ = child.wait();
        }
    }
}

fn request_stop(child: &mut Child) {
    if matches!(child.try_wait(), Ok(None)) {
        process::request_shutdown(child.id() as Pid, Shutdown::Fast);
    }
}

/// A postmaster still running in our data folder belongs either to a live strata (refuse)
/// or to one that crashed (stop it and go on).
async fn stop_stale_postmaster(dir: &Path) -> Result<()> {
    let Some(pid) = read_pid(&dir.join("data/postmaster.pid")) else { return Ok(()) };
    if !process::is_alive(pid) || process::command_name(pid).as_deref() != Some("postgres") {
        return Ok(()); // PostgreSQL itself discards a stale postmaster.pid
    }
    if let Some(owner) = read_pid(&dir.join("owner.pid"))
        && owner != std::process::id() as Pid
        && process::is_alive(owner)
        && process::command_name(owner).as_deref() == Some("strata")
    {
        bail!(
            "the sandbox in {} is in use by another strata (pid {owner}); stop it, or give this one its own --state-dir",
            dir.display()
        );
    }
    tracing::warn!(pid, "stopping a sandbox PostgreSQL left running by a strata that did not stop cleanly");
    process::request_shutdown(pid, Shutdown::Fast);
    let started = Instant::now();
    while process::is_alive(pid) {
        if started.elapsed() > 2 * STOP_TIMEOUT {
            bail!("a stale sandbox PostgreSQL (pid {pid}) in {} does not stop; stop it by hand", dir.display());
        }
        if started.elapsed() > STOP_TIMEOUT {
            process::request_shutdown(pid, Shutdown::Immediate);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(())
}

/// A program of the PostgreSQL installation the sandbox runs (`pg_dump`, `pg_restore`).
pub fn postgres_tool(name: &str) -> Result<PathBuf> {
    PostgresBinaries::find()?.tool(name)
}

/// Where rehearsals copy databases: the superuser creates and drops the copies; the sandbox's
/// own role (no superuser, as for the sandbox environment) owns them and runs the plan there,
/// so a revision rehearsed can no more reach Strata's state than one run in the sandbox. The
/// URLs hold passwords: never log them.
#[derive(Clone)]
pub struct RehearsalCluster {
    pub admin_url: String,
    pub runner_url: String,
}

/// The sandbox cluster under `state_dir` when a postmaster runs it now.
pub fn running_rehearsal_cluster(state_dir: &Path) -> Result<Option<RehearsalCluster>> {
    let dir = cluster_dir(state_dir, OsUser::for_postgres()?)?;
    let Some(port) = running_postmaster(&dir) else { return Ok(None) };
    let read = |file: &str| {
        fs::read_to_string(dir.join(file)).with_context(|| format!("the sandbox cluster has no {file} file"))
    };
    let (password, target_password) = (read("password")?, read("target_password")?);
    Ok(Some(RehearsalCluster {
        admin_url: format!("postgresql://{SUPERUSER}:{}@127.0.0.1:{port}/postgres", password.trim()),
        runner_url: format!("postgresql://{TARGET_ROLE}:{}@127.0.0.1:{port}/{TARGET_DATABASE}", target_password.trim()),
    }))
}

/// Whether a sandbox cluster was ever made under `state_dir` (a studio kept its state there).
pub fn exists(state_dir: &Path) -> Result<bool> {
    if !state_dir.join("sandbox").is_dir() {
        return Ok(false);
    }
    let dir = cluster_dir(state_dir, OsUser::for_postgres()?)?;
    Ok(dir.join("data/PG_VERSION").is_file())
}

/// The port of the postmaster running in `dir`, if one runs.
fn running_postmaster(dir: &Path) -> Option<u16> {
    let pid_file = fs::read_to_string(dir.join("data/postmaster.pid")).ok()?;
    let mut lines = pid_file.lines();
    let pid: Pid = lines.next()?.trim().parse().ok()?;
    // The fourth line of postmaster.pid is the port it listens on.
    let port: u16 = lines.nth(2)?.trim().parse().ok()?;
    let alive = process::is_alive(pid) && process::command_name(pid).as_deref() == Some("postgres");
    alive.then_some(port)
}

/// The state database of the sandbox under `state_dir` when a postmaster runs it now (a
/// studio is up): how to reach it. `None` when nothing runs there.
pub async fn running_state_options(state_dir: &Path) -> Result<Option<PgConnectOptions>> {
    let dir = cluster_dir(state_dir, OsUser::for_postgres()?)?;
    let Some(port) = running_postmaster(&dir) else { return Ok(None) };
    let password = fs::read_to_string(dir.join("password")).context("the sandbox cluster has no password file")?;
    let admin = PgConnectOptions::new()
        .host("127.0.0.1")
        .port(port)
        .username(SUPERUSER)
        .password(password.trim())
        .database("postgres")
        .log_statements(tracing::log::LevelFilter::Debug);
    ensure_state_database(admin).await.map(Some)
}

async fn ensure_state_database(admin: PgConnectOptions) -> Result<PgConnectOptions> {
    let mut conn = sqlx::PgConnection::connect_with(&admin).await.context("cannot reach the sandbox PostgreSQL")?;
    let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)")
        .bind(STATE_DATABASE)
        .fetch_one(&mut conn)
        .await?;
    if !exists {
        let created = sqlx::query(&format!("CREATE DATABASE {STATE_DATABASE}")).execute(&mut conn).await;
        // Another strata may have created it meanwhile (42P04: duplicate_database).
        if let Err(error) = created
            && error.as_database_error().and_then(|e| e.code()).as_deref() != Some("42P04")
        {
            return Err(error).context("cannot create the state database in the sandbox");
        }
    }
    // Only its owner (the superuser) connects: not the sandbox environment's role, nor any other.
    let open_to_public: bool = sqlx::query_scalar("SELECT datacl IS NULL FROM pg_database WHERE datname = $1")
        .bind(STATE_DATABASE)
        .fetch_one(&mut conn)
        .await?;
    if open_to_public {
        sqlx::raw_sql(&format!("REVOKE ALL ON DATABASE {STATE_DATABASE} FROM PUBLIC")).execute(&mut conn).await?;
    }
    let _ = conn.close().await;
    Ok(admin.database(STATE_DATABASE))
}

fn read_pid(path: &Path) -> Option<Pid> {
    fs::read_to_string(path).ok()?.lines().next()?.trim().parse().ok()
}

/// Where the cluster of `state_dir` lives: `<state_dir>/sandbox`, unless the OS user the
/// sandbox runs as cannot enter it (a project in a private folder, such as root's home): then
/// a folder of its own in the system's temp folder, named after the state folder, so every
/// strata using that state folder finds the same cluster.
fn cluster_dir(state_dir: &Path, user: Option<OsUser>) -> Result<PathBuf> {
    let beside = state_dir.join("sandbox");
    fs::create_dir_all(&beside).with_context(|| format!("cannot create {}", beside.display()))?;
    let beside = beside.canonicalize()?;
    let Some(user) = user.filter(|user| !user.can_enter(&beside)) else { return Ok(beside) };
    let name = strata_shared::digest::sha256_hex(beside.as_os_str().as_encoded_bytes());
    let elsewhere = std::env::temp_dir().join(format!("strata-sandbox-{}", &name[..16]));
    fs::create_dir_all(&elsewhere).with_context(|| format!("cannot create {}", elsewhere.display()))?;
    fs::set_permissions(&elsewhere, fs::Permissions::from_mode(0o700))?;
    user.give(&elsewhere)?;
    Ok(elsewhere)
}

/// Creates the cluster if it does not exist yet; returns its superuser password.
fn ensure_cluster(dir: &Path, binaries: &PostgresBinaries, user: Option<OsUser>) -> Result<String> {
    let data = dir.join("data");
    let password_file = dir.join("password");
    if data.join("PG_VERSION").is_file() {
        return fs::read_to_string(&password_file)
            .map(|p| p.trim().to_owned())
            .with_context(|| format!("the sandbox cluster has no password file {}", password_file.display()));
    }
    if data.exists() {
        // An initdb that did not finish: start over.
        fs::remove_dir_all(&data)
            .with_context(|| format!("cannot remove the unfinished cluster {}", data.display()))?;
    }
    let _ = fs::remove_file(&password_file);
    let password = password_file_at(&password_file, user)?;
    tracing::info!(dir = %data.display(), "creating the sandbox cluster (initdb)");
    let mut initdb = Command::new(binaries.initdb());
    initdb
        .arg("--pgdata")
        .arg(&data)
        .args(["--username", SUPERUSER, "--auth", "scram-sha-256", "--encoding", "UTF8", "--no-locale", "--no-sync"])
        .arg("--pwfile")
        .arg(&password_file)
        .stdin(Stdio::null());
    clean_environment(&mut initdb);
    if let Some(user) = user {
        user.run_as(&mut initdb);
    }
    let output = initdb.output().context("cannot run initdb")?;
    if !output.status.success() {
        bail!("initdb failed ({}):\n{}", output.status, String::from_utf8_lossy(&output.stderr));
    }
    Ok(password)
}

/// The password kept in `path`, made there (readable by its owner only) on first use.
fn password_file(path: &Path, user: Option<OsUser>) -> Result<String> {
    match fs::read_to_string(path) {
        Ok(password) => Ok(password.trim().to_owned()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => password_file_at(path, user),
        Err(error) => Err(error).with_context(|| format!("cannot read {}", path.display())),
    }
}

fn password_file_at(path: &Path, user: Option<OsUser>) -> Result<String> {
    let password = crate::identity::random_hex(16)?;
    let mut file = fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(path)?;
    writeln!(file, "{password}")?;
    if let Some(user) = user {
        user.give(path)?;
    }
    Ok(password)
}

/// Only what PostgreSQL needs of strata's environment (paths, locale, time zone): a revision
/// must not read the studio's variables (database URLs, secrets) through the server.
fn clean_environment(command: &mut Command) {
    command.env_clear();
    for (name, value) in std::env::vars_os() {
        let name_text = name.to_string_lossy();
        if POSTGRES_ENV.contains(&name_text.as_ref()) || name_text.starts_with("LC_") {
            command.env(&name, value);
        }
    }
}

/// Whether the cluster waits for the disk on commit.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// fsync off: fast, for a sandbox and for tests.
    Throwaway,
    /// PostgreSQL's defaults: what benchmarks of commits must measure.
    Full,
}

fn spawn_postmaster(
    dir: &Path,
    binaries: &PostgresBinaries,
    user: Option<OsUser>,
    port: u16,
    durability: Durability,
) -> Result<Child> {
    let log = fs::OpenOptions::new().create(true).append(true).open(dir.join("postgres.log"))?;
    let mut postgres = Command::new(binaries.postgres());
    postgres
        .arg("-D")
        .arg(dir.join("data"))
        .args(["-p", &port.to_string()])
        // Loopback only, no Unix socket (its default folder may not be writable by us).
        .args(["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="])
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log);
    if durability == Durability::Throwaway {
        postgres.args(["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]);
    }
    clean_environment(&mut postgres);
    if let Some(user) = user {
        user.run_as(&mut postgres);
    }
    postgres.spawn().context("cannot start postgres")
}

fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").context("cannot find a free port")?;
    Ok(listener.local_addr()?.port())
}
