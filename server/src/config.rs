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
//! rehearsal = "schema"               # what `strata rehearse` copies: "schema" or "data"
//! require_rehearsal = false          # runs need a successful rehearsal of exactly their plan
//!
//! [state]                            # Strata's own database: users, reviews, approvals, audit
//! url_env = "STRATA_STATE_URL"       # default: a database in the sandbox cluster
//!
//! [auth]
//! session_minutes = 720
//! ```
//!
//! URLs never leave this module except to connect: not to the API, the browser or the logs.

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use sqlx::postgres::PgConnectOptions;
use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;
use strata_shared::access::{Action, Role};
use strata_shared::approval::ApprovalPolicy;
use strata_shared::offline::{TransactionMode, VersionTable};
use strata_shared::rehearsal::RehearsalCopy;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub environments: BTreeMap<String, EnvironmentConfig>,
    pub state: Option<StateConfig>,
    #[serde(default)]
    pub auth: AuthConfig,
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
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self { session_minutes: default_session_minutes() }
    }
}

fn default_session_minutes() -> u32 {
    12 * 60
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvironmentConfig {
    url: Option<String>,
    url_env: Option<String>,
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
    #[serde(default)]
    pub rehearsal: RehearsalCopy,
    #[serde(default)]
    require_rehearsal: bool,
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
        let config: Config = toml::from_str(text).map_err(|error| {
            let line = error.span().map(|span| text[..span.start].lines().count().max(1));
            let at = line.map_or(String::new(), |line| format!(":{line}"));
            anyhow::anyhow!("{}{at}: {}", path.display(), error.message())
        })?;
        for (name, environment) in &config.environments {
            let names = std::iter::once(&environment.version_table).chain(environment.version_table_schema.as_ref());
            if let Some(bad) = names.into_iter().find(|n| !is_identifier(n)) {
                bail!("{}: environment `{name}`: `{bad}` is not a plain SQL name (letters, digits, _)", path.display());
            }
            check_url_source(path, &format!("environment `{name}`"), &environment.url, &environment.url_env)?;
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
        }
        if let Some(state) = &config.state {
            check_url_source(path, "[state]", &state.url, &state.url_env)?;
        }
        Ok(config)
    }
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
            rehearsal: RehearsalCopy::default(),
            require_rehearsal: false,
        }
    }

    /// The same settings for another database (a rehearsal's copy).
    pub fn with_url(&self, url: String) -> Self {
        Self { url: Some(url), url_env: None, ..self.clone() }
    }

    /// libpq's variables (PGHOST, PGPASSWORD, ...) for PostgreSQL's own tools, such as
    /// `pg_dump`: the URL stays out of their command lines (and so out of `ps`).
    pub fn libpq_environment(&self, name: &str) -> Result<Vec<(&'static str, String)>> {
        let what = format!("environment `{name}`");
        let options = self.connect_options(name)?;
        let mut variables = vec![
            ("PGHOST", options.get_host().to_owned()),
            ("PGPORT", options.get_port().to_string()),
            ("PGUSER", options.get_username().to_owned()),
            ("PGDATABASE", options.get_database().unwrap_or(options.get_username()).to_owned()),
        ];
        let url = match (&self.url, &self.url_env) {
            (Some(url), _) => url.clone(),
            (None, Some(variable)) => std::env::var(variable).unwrap_or_default(),
            (None, None) => bail!("{what} has no URL"),
        };
        let parsed =
            url::Url::parse(&url).map_err(|_| anyhow::anyhow!("the database URL of {what} is not a valid URL"))?;
        if let Some(password) = parsed.password() {
            let password = percent_encoding::percent_decode_str(password).decode_utf8_lossy().into_owned();
            variables.push(("PGPASSWORD", password));
        }
        if let Some((_, mode)) = parsed.query_pairs().find(|(key, _)| key == "sslmode") {
            variables.push(("PGSSLMODE", mode.into_owned()));
        }
        Ok(variables)
    }

    pub fn connect_options(&self, name: &str) -> Result<PgConnectOptions> {
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
        }
    }

    pub fn version_table(&self) -> VersionTable {
        VersionTable { schema: self.version_table_schema.clone(), name: self.version_table.clone() }
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
            "rehearsal",
            "require_rehearsal",
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
}
