//! `strata.toml`: the environments a project migrates, and how.
//!
//! ```toml
//! [environments.staging]
//! url_env = "STAGING_DATABASE_URL"   # or: url = "postgresql://..."
//! protected = true                 # runs need approved proposals
//! approvals_required = 1             # default 1 when protected
//! approver_roles = ["approver", "admin"]
//! author_may_approve = false
//! after = ["staging"]                # promotion order: revisions must be in place there first
//! approval_expiry_minutes = 1440     # default: approvals do not expire
//! version_table = "alembic_version"  # Alembic's defaults
//! version_table_schema = "public"    # default: the connection's search path
//! lock_timeout = "5s"
//! statement_timeout = "30min"
//! transaction_mode = "whole-plan"    # or "per-revision"
//! postgres_version = 15              # its major version, for when it cannot be asked
//! backup = "touched"                 # none | touched | schema | full, before each run
//! backup_dir = "backups"             # or: backup_command = "aws s3 cp - s3://b/$STRATA_BACKUP_NAME"
//! rehearsal = "schema"               # what `strata rehearse` copies: "schema" or "data"
//! require_rehearsal = false          # runs need a successful rehearsal of exactly their plan
//! require_no_drift = false           # runs need the database to match the model (`strata drift`)
//! [[environments.staging.checks.sql]]   # see runbook/checks.rs
//! [[environments.staging.checks.http]]
//!
//! [state]                            # Strata's own database: users, reviews, approvals, audit
//! url_env = "STRATA_STATE_URL"       # default: a database in the sandbox cluster
//!
//! [auth]
//! session_minutes = 720
//!
//! [server]                           # limits of `strata serve`
//! header_timeout_seconds = 10        # to send a request's head; also ends idle keep-alive
//! body_timeout_seconds = 30          # to send a request's whole body
//! max_connections = 512              # served at once; more wait in the backlog
//! target_connections = 4             # per environment, for previews, status and listings
//! trusted_proxies = ["127.0.0.1/32"] # whose X-Forwarded-For/-Proto are believed (default: nobody's)
//! ```
//!
//! URLs never leave this module except to connect: not to the API, the browser or the logs.

use crate::runbook::checks::Checks;
use crate::trusted_proxies::{Network, TrustedProxies};
use anyhow::{Context, Result, bail};
use serde::Deserialize;
use sqlx::postgres::PgConnectOptions;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use strata_shared::access::{Action, Role};
use strata_shared::approval::ApprovalPolicy;
use strata_shared::offline::{TransactionMode, VersionTable};
use strata_shared::postgres_version::PostgresVersion;
use strata_shared::rehearsal::RehearsalCopy;
use strata_shared::runbook::BackupKind;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub environments: BTreeMap<String, EnvironmentConfig>,
    pub state: Option<StateConfig>,
    #[serde(default)]
    pub auth: AuthConfig,
    #[serde(default)]
    pub server: ServerConfig,
}

/// Where Strata keeps users, sessions, reviews, approvals and the audit log.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StateConfig {
    url: Option<String>,
    url_env: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthConfig {
    /// How long a sign-in lasts.
    #[serde(default = "default_session_minutes")]
    pub session_minutes: u32,
    /// How long the first-run link `strata serve` prints stays valid.
    #[serde(default = "default_first_run_link_seconds")]
    pub first_run_link_seconds: u64,
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self { session_minutes: default_session_minutes(), first_run_link_seconds: default_first_run_link_seconds() }
    }
}

fn default_first_run_link_seconds() -> u64 {
    15 * 60
}

fn default_session_minutes() -> u32 {
    12 * 60
}

/// What `strata serve` holds at most, so a flood of clients cannot take every file handle or a
/// target's connections (`[server]`).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    pub header_timeout_seconds: u64,
    pub body_timeout_seconds: u64,
    pub max_connections: usize,
    /// Connections to each environment for reading its state (runs open their own).
    pub target_connections: u32,
    /// Reverse proxies (addresses or CIDR ranges) whose forwarding headers are believed.
    trusted_proxies: Vec<String>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            header_timeout_seconds: 10,
            body_timeout_seconds: 30,
            max_connections: 512,
            target_connections: 4,
            trusted_proxies: Vec::new(),
        }
    }
}

impl ServerConfig {
    pub fn trusted_proxies(&self) -> TrustedProxies {
        // Checked by `Config::load`.
        TrustedProxies::new(self.trusted_proxies.iter().filter_map(|n| n.parse().ok()).collect())
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvironmentConfig {
    url: Option<String>,
    url_env: Option<String>,
    /// The studio's own sandbox database (no URL): it runs while `strata serve` runs, so a
    /// project can give the sandbox a runbook (backups, checks) like any environment.
    #[serde(default)]
    sandbox: bool,
    #[serde(default)]
    pub protected: bool,
    approvals_required: Option<u32>,
    #[serde(default = "default_approver_roles")]
    approver_roles: Vec<Role>,
    #[serde(default)]
    author_may_approve: bool,
    #[serde(default)]
    after: Vec<String>,
    approval_expiry_minutes: Option<u32>,
    #[serde(default = "default_version_table")]
    pub version_table: String,
    pub version_table_schema: Option<String>,
    #[serde(default = "default_lock_timeout")]
    pub lock_timeout: String,
    #[serde(default = "default_statement_timeout")]
    pub statement_timeout: String,
    #[serde(default)]
    pub transaction_mode: TransactionMode,
    /// The server's major version, used when the database cannot be reached (`--sql`, an
    /// environment that is down); a reachable server's own `server_version_num` wins.
    postgres_version: Option<u32>,
    #[serde(default)]
    pub backup: BackupKind,
    /// Relative to strata.toml's folder; default `<state dir>/backups`.
    pub backup_dir: Option<PathBuf>,
    pub backup_command: Option<String>,
    #[serde(default)]
    pub checks: Checks,
    #[serde(default)]
    pub rehearsal: RehearsalCopy,
    #[serde(default)]
    require_rehearsal: bool,
    #[serde(default)]
    require_no_drift: bool,
}

fn default_approver_roles() -> Vec<Role> {
    vec![Role::Approver, Role::Admin]
}

fn default_version_table() -> String {
    "alembic_version".to_owned()
}

fn default_lock_timeout() -> String {
    "5s".to_owned()
}

fn default_statement_timeout() -> String {
    "30min".to_owned()
}

impl Config {
    /// Reads `path`; a missing file is an empty configuration (the sandbox is the default target).
    pub fn load(path: &Path) -> Result<Self> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(error) => return Err(error).with_context(|| format!("cannot read {}", path.display())),
        };
        Self::parse(path, &text)
    }

    /// The configuration in `text`, read from `path` (named in every error).
    pub fn parse(path: &Path, text: &str) -> Result<Self> {
        let mut config: Config = toml::from_str(text).map_err(|error| {
            let line = error.span().map(|span| text[..span.start].lines().count().max(1));
            let at = line.map_or(String::new(), |line| format!(":{line}"));
            anyhow::anyhow!("{}{at}: {}", path.display(), error.message())
        })?;
        for proxy in &config.server.trusted_proxies {
            if let Err(error) = proxy.parse::<Network>() {
                bail!("{}: [server] trusted_proxies: {error}", path.display());
            }
        }
        for (name, environment) in &config.environments {
            let names = std::iter::once(&environment.version_table).chain(environment.version_table_schema.as_ref());
            if let Some(bad) = names.into_iter().find(|n| !is_identifier(n)) {
                bail!("{}: environment `{name}`: `{bad}` is not a plain SQL name (letters, digits, _)", path.display());
            }
            if environment.sandbox {
                if environment.url.is_some() || environment.url_env.is_some() {
                    bail!(
                        "{}: environment `{name}` is the sandbox (`sandbox = true`), whose URL strata knows; remove `url`/`url_env`",
                        path.display()
                    );
                }
            } else {
                check_url_source(path, &format!("environment `{name}`"), &environment.url, &environment.url_env)?;
            }
            if let Some(version) = environment.postgres_version
                && let Err(error) = version.to_string().parse::<PostgresVersion>()
            {
                bail!("{}: environment `{name}`: postgres_version: {error}", path.display());
            }
            if let Some(unknown) = environment.after.iter().find(|e| !config.environments.contains_key(*e)) {
                bail!(
                    "{}: environment `{name}`: `after` names `{unknown}`, which is not an environment",
                    path.display()
                );
            }
            if let Some(role) = environment.approver_roles.iter().find(|r| !r.may(Action::ApprovePlan)) {
                bail!(
                    "{}: environment `{name}`: approver_roles names `{role}`, a role that cannot approve (approver or admin)",
                    path.display()
                );
            }
            if environment.protected && environment.approvals_required == Some(0) {
                bail!(
                    "{}: environment `{name}` is protected but needs 0 approvals; say `protected = false`",
                    path.display()
                );
            }
            check_backup(path, name, environment)?;
            environment
                .checks
                .validate()
                .map_err(|error| anyhow::anyhow!("{}: environment `{name}`: {error}", path.display()))?;
        }
        // A relative backup folder is the project's, wherever strata runs from.
        let base = path.parent().unwrap_or(Path::new("."));
        for environment in config.environments.values_mut() {
            environment.backup_dir = environment.backup_dir.take().map(|dir| base.join(dir));
        }
        if let Some(state) = &config.state {
            check_url_source(path, "[state]", &state.url, &state.url_env)?;
        }
        Ok(config)
    }
}

fn check_backup(path: &Path, name: &str, environment: &EnvironmentConfig) -> Result<()> {
    let place = match (&environment.backup_dir, &environment.backup_command) {
        (Some(_), Some(_)) => {
            bail!("{}: environment `{name}` gives both `backup_dir` and `backup_command`; keep one", path.display())
        }
        (Some(_), None) => Some("backup_dir"),
        (None, Some(_)) => Some("backup_command"),
        (None, None) => None,
    };
    if let (BackupKind::None, Some(place)) = (environment.backup, place) {
        bail!(
            "{}: environment `{name}` sets `{place}` but `backup` is \"none\"; say which backup to take (touched, schema, full)",
            path.display()
        );
    }
    Ok(())
}

fn check_url_source(path: &Path, what: &str, url: &Option<String>, url_env: &Option<String>) -> Result<()> {
    match (url, url_env) {
        (Some(_), Some(_)) => bail!("{}: {what} gives both `url` and `url_env`; keep one", path.display()),
        (None, None) => bail!("{}: {what} needs `url` or `url_env`", path.display()),
        _ => Ok(()),
    }
}

/// A URL from `url` or from the variable `url_env` names. Never echoed: it may hold a password.
fn connect_options(what: &str, url: &Option<String>, url_env: &Option<String>) -> Result<PgConnectOptions> {
    let url = match (url, url_env) {
        (Some(url), _) => url.clone(),
        (None, Some(variable)) => std::env::var(variable)
            .with_context(|| format!("{what} takes its URL from ${variable}, which is not set"))?,
        (None, None) => bail!("{what} has no URL"),
    };
    PgConnectOptions::from_str(&url)
        .map(|options| options.application_name("strata"))
        .map_err(|_| anyhow::anyhow!("the database URL of {what} is not a valid PostgreSQL URL"))
}

fn libpq_env(what: &str, url: &Option<String>, url_env: &Option<String>) -> Result<Vec<(&'static str, String)>> {
    let text = match (url, url_env) {
        (Some(url), _) => url.clone(),
        (None, Some(variable)) => std::env::var(variable)
            .with_context(|| format!("{what} takes its URL from ${variable}, which is not set"))?,
        (None, None) => bail!("{what} has no URL"),
    };
    let invalid = || anyhow::anyhow!("the database URL of {what} is not a valid PostgreSQL URL");
    let parsed = url::Url::parse(&text).map_err(|_| invalid())?;
    let decode =
        |s: &str| percent_encoding::percent_decode_str(s).decode_utf8().map(|s| s.into_owned()).map_err(|_| invalid());
    let mut vars = Vec::new();
    if let Some(host) = parsed.host_str().filter(|h| !h.is_empty()) {
        vars.push(("PGHOST", host.trim_start_matches('[').trim_end_matches(']').to_owned()));
    }
    if let Some(port) = parsed.port() {
        vars.push(("PGPORT", port.to_string()));
    }
    if !parsed.username().is_empty() {
        vars.push(("PGUSER", decode(parsed.username())?));
    }
    if let Some(password) = parsed.password() {
        vars.push(("PGPASSWORD", decode(password)?));
    }
    let database = parsed.path().trim_start_matches('/');
    if !database.is_empty() {
        vars.push(("PGDATABASE", decode(database)?));
    }
    for (key, value) in parsed.query_pairs() {
        let variable = match key.as_ref() {
            "host" => "PGHOST",
            "port" => "PGPORT",
            "user" => "PGUSER",
            "password" => "PGPASSWORD",
            "dbname" => "PGDATABASE",
            "sslmode" => "PGSSLMODE",
            "sslrootcert" => "PGSSLROOTCERT",
            "sslcert" => "PGSSLCERT",
            "sslkey" => "PGSSLKEY",
            "options" => "PGOPTIONS",
            _ => continue,
        };
        vars.retain(|(v, _)| *v != variable);
        vars.push((variable, value.into_owned()));
    }
    Ok(vars)
}

impl StateConfig {
    pub fn connect_options(&self) -> Result<PgConnectOptions> {
        connect_options("the state database ([state])", &self.url, &self.url_env)
    }
}

fn is_identifier(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl EnvironmentConfig {
    /// An environment for a bare URL (`--url` or `DATABASE_URL`), with the defaults.
    pub fn for_url(url: String) -> Self {
        Self {
            url: Some(url),
            url_env: None,
            sandbox: false,
            protected: false,
            approvals_required: None,
            approver_roles: default_approver_roles(),
            author_may_approve: false,
            after: Vec::new(),
            approval_expiry_minutes: None,
            version_table: default_version_table(),
            version_table_schema: None,
            lock_timeout: default_lock_timeout(),
            statement_timeout: default_statement_timeout(),
            transaction_mode: TransactionMode::default(),
            postgres_version: None,
            backup: BackupKind::None,
            backup_dir: None,
            backup_command: None,
            checks: Checks::default(),
            rehearsal: RehearsalCopy::default(),
            require_rehearsal: false,
            require_no_drift: false,
        }
    }

    /// Backups with no place of their own go under `<state_dir>/backups`.
    pub fn place_backups_under(&mut self, state_dir: &Path) {
        if self.backup != BackupKind::None && self.backup_dir.is_none() && self.backup_command.is_none() {
            self.backup_dir = Some(state_dir.join("backups"));
        }
    }

    /// The same settings for another database (a rehearsal's copy).
    pub fn with_url(&self, url: String) -> Self {
        Self { url: Some(url), url_env: None, ..self.clone() }
    }

    /// libpq's variables for this environment's URL (PGHOST, PGPASSWORD, ...), for the
    /// PostgreSQL programs Strata starts: a password in the child's environment, never on its
    /// command line (and so never in `ps`).
    pub fn libpq_env(&self, name: &str) -> Result<Vec<(&'static str, String)>> {
        libpq_env(&format!("environment `{name}`"), &self.url, &self.url_env)
    }

    /// Whether this is the sandbox (`sandbox = true`), which gets its URL when the sandbox runs.
    pub fn is_sandbox(&self) -> bool {
        self.sandbox
    }

    pub fn connect_options(&self, name: &str) -> Result<PgConnectOptions> {
        if self.sandbox && self.url.is_none() {
            bail!(
                "environment `{name}` is the studio's sandbox (`sandbox = true`): run plans on it from the studio (`strata serve`)"
            );
        }
        connect_options(&format!("environment `{name}`"), &self.url, &self.url_env)
    }

    pub fn policy(&self) -> ApprovalPolicy {
        ApprovalPolicy {
            protected: self.protected,
            approvals_required: if self.protected { self.approvals_required.unwrap_or(1) } else { 0 },
            approver_roles: self.approver_roles.clone(),
            author_may_approve: self.author_may_approve,
            after: self.after.clone(),
            expiry_minutes: self.approval_expiry_minutes,
            require_rehearsal: self.require_rehearsal,
            require_no_drift: self.require_no_drift,
        }
    }

    pub fn version_table(&self) -> VersionTable {
        VersionTable { schema: self.version_table_schema.clone(), name: self.version_table.clone() }
    }

    /// The `postgres_version` strata.toml gives, if any.
    pub fn postgres_version(&self) -> Option<PostgresVersion> {
        self.postgres_version.map(PostgresVersion::major)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Config> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("strata.toml");
        std::fs::write(&path, text).unwrap();
        Config::load(&path)
    }

    #[test]
    fn a_protected_environment_defaults_to_one_approval_by_someone_else() {
        let config = load("[environments.prod]\nurl = \"postgresql://h/db\"\nprotected = true\n").unwrap();
        let policy = config.environments["prod"].policy();
        assert_eq!(policy.approvals_required, 1);
        assert_eq!(policy.approver_roles, [Role::Approver, Role::Admin]);
        assert!(!policy.author_may_approve && policy.after.is_empty() && policy.expiry_minutes.is_none());
        assert_eq!(config.auth.session_minutes, 720);
        let open = load("[environments.dev]\nurl = \"postgresql://h/db\"\n").unwrap();
        assert_eq!(open.environments["dev"].policy().approvals_required, 0);
    }

    #[test]
    fn a_policy_that_cannot_work_is_refused_with_the_reason() {
        let error = |text: &str| load(text).unwrap_err().to_string();
        let base = "[environments.prod]\nurl = \"postgresql://h/db\"\nprotected = true\n";
        assert!(
            error(&format!("{base}after = [\"staging\"]\n"))
                .contains("`after` names `staging`, which is not an environment")
        );
        assert!(error(&format!("{base}approver_roles = [\"viewer\"]\n")).contains("a role that cannot approve"));
        assert!(error(&format!("{base}approver_roles = [\"root\"]\n")).contains("strata.toml:4"));
        assert!(error(&format!("{base}approvals_required = 0\n")).contains("needs 0 approvals"));
        assert!(error("[state]\nurl = \"postgresql://h/s\"\nurl_env = \"S\"\n").contains("[state] gives both"));
        assert!(
            error("[server]\ntrusted_proxies = [\"10.0.0.0/40\"]\n")
                .ends_with("strata.toml: [server] trusted_proxies: `10.0.0.0/40`: the prefix length must be 0 to 32")
        );
    }

    #[test]
    fn backups_and_checks_that_cannot_work_are_refused_with_the_reason() {
        let error = |text: &str| load(text).unwrap_err().to_string();
        let base = "[environments.prod]\nurl = \"postgresql://h/db\"\n";
        assert!(
            error(&format!("{base}backup = \"full\"\nbackup_dir = \"b\"\nbackup_command = \"cat\"\n"))
                .contains("gives both `backup_dir` and `backup_command`")
        );
        assert!(error(&format!("{base}backup_dir = \"b\"\n")).contains("sets `backup_dir` but `backup` is \"none\""));
        assert!(error(&format!("{base}backup = \"everything\"\n")).contains("strata.toml:3"));
        let check = "[[environments.prod.checks.sql]]\nname = \"a\"\nquery = \"SELECT true\"\n";
        assert!(error(&format!("{base}{check}expect = \"yes\"\n")).contains("strata.toml:"));
        assert!(
            error(&format!("{base}{check}expect = \"true\"\n{check}expect = \"true\"\n"))
                .contains("two checks are named `a`")
        );
        let http = "[[environments.prod.checks.http]]\nname = \"h\"\n";
        assert!(error(&format!("{base}{http}url = \"https://x/health\"\n")).contains("only http:// URLs"));
        assert!(error(&format!("{base}{http}url = \"http://x/health\"\ntimeout = \"5\"\n")).contains("needs a unit"));
    }

    #[test]
    fn a_relative_backup_folder_is_the_projects_and_the_default_is_under_the_state_dir() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("strata.toml");
        let text = "[environments.a]\nurl = \"postgresql://h/db\"\nbackup = \"full\"\nbackup_dir = \"backups\"\n\
                    [environments.b]\nurl = \"postgresql://h/db\"\nbackup = \"schema\"\n";
        let mut config = Config::parse(&path, text).unwrap();
        assert_eq!(config.environments["a"].backup_dir, Some(dir.path().join("backups")));
        let b = config.environments.get_mut("b").unwrap();
        b.place_backups_under(Path::new("/state"));
        assert_eq!(b.backup_dir, Some(PathBuf::from("/state/backups")));
    }

    #[test]
    fn pg_tools_get_the_url_as_libpq_variables_with_the_password_decoded() {
        let url = "postgresql://app%40eu:p%3Ass@db.example:6432/sales?sslmode=require&application_name=x";
        let vars = EnvironmentConfig::for_url(url.to_owned()).libpq_env("prod").unwrap();
        let expected = [
            ("PGHOST", "db.example"),
            ("PGPORT", "6432"),
            ("PGUSER", "app@eu"),
            ("PGPASSWORD", "p:ss"),
            ("PGDATABASE", "sales"),
            ("PGSSLMODE", "require"),
        ];
        assert_eq!(vars, expected.map(|(k, v)| (k, v.to_owned())));
        let socket = EnvironmentConfig::for_url("postgresql:///db?host=/run/postgresql".into()).libpq_env("x").unwrap();
        assert_eq!(socket, [("PGDATABASE", "db".to_owned()), ("PGHOST", "/run/postgresql".to_owned())]);
    }

    #[test]
    fn the_documented_examples_are_valid() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let docs = std::fs::read_to_string(root.join("docs/environments.md")).unwrap();
        let (example, _) = docs.split("```toml\n").nth(1).and_then(|b| b.split_once("```")).unwrap();
        let config = Config::parse(Path::new("docs/environments.md"), example).unwrap();
        let staging = &config.environments["staging"];
        assert_eq!((staging.checks.sql.len(), staging.checks.http.len()), (1, 1));
        assert_eq!(config.environments["prod"].backup, BackupKind::Full);
        let tenants = root.join("examples/tenants/strata.toml");
        let config = Config::load(&tenants).unwrap();
        assert_eq!(config.environments["local"].checks.sql.len(), 2);
    }

    #[test]
    fn rehearsals_copy_the_schema_unless_told_and_can_be_required() {
        let base = "[environments.prod]\nurl = \"postgresql://h/db\"\n";
        let plain = load(base).unwrap();
        assert_eq!(plain.environments["prod"].rehearsal, RehearsalCopy::Schema);
        assert!(!plain.environments["prod"].policy().require_rehearsal);
        let strict = load(&format!("{base}rehearsal = \"data\"\nrequire_rehearsal = true\n")).unwrap();
        assert_eq!(strict.environments["prod"].rehearsal, RehearsalCopy::Data);
        assert!(strict.environments["prod"].policy().require_rehearsal);
        assert!(!strict.environments["prod"].policy().require_no_drift);
        let no_drift = load(&format!("{base}require_no_drift = true\n")).unwrap();
        assert!(no_drift.environments["prod"].policy().require_no_drift);
        let error = load(&format!("{base}rehearsal = \"everything\"\n")).unwrap_err().to_string();
        assert!(error.contains("strata.toml:3") && error.contains("everything"), "{error}");
    }

    #[test]
    fn no_strata_toml_makes_the_reader_panic() {
        use crate::fuzz_engine::{Target, fuzz};
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        // The examples the documentation gives, and this module's own.
        let docs = std::fs::read_to_string(root.join("../docs/environments.md")).unwrap();
        let mut seeds: Vec<String> =
            docs.split("```toml\n").skip(1).filter_map(|b| b.split_once("```")).map(|(t, _)| t.into()).collect();
        seeds
            .push("[environments.prod]\nurl = \"postgresql://h/db\"\nprotected = true\nafter = [\"staging\"]\n".into());
        let dictionary = [
            "[environments.",
            "]",
            "[",
            "\n",
            "=",
            "\"",
            "'",
            "\"\"\"",
            "url",
            "url_env",
            "protected",
            "true",
            "approvals_required",
            "-1",
            "18446744073709551616",
            "approver_roles",
            "after",
            "lock_timeout",
            "[state]",
            "[auth]",
            "session_minutes",
            "transaction_mode",
            "backup",
            "\"touched\"",
            "backup_dir",
            "backup_command",
            "[[environments.prod.checks.sql]]",
            "[[environments.prod.checks.http]]",
            "name",
            "query",
            "expect",
            "\"no rows\"",
            "role",
            "settings",
            "timeout",
            "expect_status",
            "rehearsal",
            "require_rehearsal",
            "require_no_drift",
            "{",
            "}",
            ",",
            "#",
            "é",
            "\\u0000",
        ];
        let target = Target { name: "strata_toml", seeds, dictionary: &dictionary };
        let corpus = root.join("../shared/tests/fuzz/corpus");
        let crashes = root.join("../target/fuzz-crashes");
        fuzz(target, &corpus, &crashes, |text| {
            let _ = Config::parse(Path::new("strata.toml"), text);
        });
    }

    #[test]
    fn the_sandbox_takes_no_url_and_is_reached_through_the_studio() {
        let sandbox = load("[environments.local]\nsandbox = true\n").unwrap();
        let local = &sandbox.environments["local"];
        assert!(local.is_sandbox());
        let error = local.connect_options("local").unwrap_err().to_string();
        assert!(error.contains("run plans on it from the studio"), "{error}");
        assert!(local.with_url("postgresql://a@b/c".into()).connect_options("local").is_ok());
        let both = load("[environments.local]\nsandbox = true\nurl = \"postgresql://a@b/c\"\n").unwrap_err();
        assert!(format!("{both:#}").contains("is the sandbox (`sandbox = true`), whose URL strata knows"), "{both:#}");
    }
}
