//! `strata.toml`: the environments a project migrates, and how.
//!
//! ```toml
//! [environments.staging]
//! url_env = "STAGING_DATABASE_URL"   # or: url = "postgresql://..."
//! protected = false
//! version_table = "alembic_version"  # Alembic's defaults
//! version_table_schema = "public"    # default: the connection's search path
//! lock_timeout = "5s"
//! statement_timeout = "30min"
//! transaction_mode = "whole-plan"    # or "per-revision"
//! ```
//!
//! URLs never leave this module except to connect: not to the API, the browser or the logs.

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use sqlx::postgres::PgConnectOptions;
use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;
use strata_shared::offline::{TransactionMode, VersionTable};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub environments: BTreeMap<String, EnvironmentConfig>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvironmentConfig {
    url: Option<String>,
    url_env: Option<String>,
    #[serde(default)]
    pub protected: bool,
    #[serde(default = "default_version_table")]
    pub version_table: String,
    pub version_table_schema: Option<String>,
    #[serde(default = "default_lock_timeout")]
    pub lock_timeout: String,
    #[serde(default = "default_statement_timeout")]
    pub statement_timeout: String,
    #[serde(default)]
    pub transaction_mode: TransactionMode,
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
        let config: Config = toml::from_str(&text).map_err(|error| {
            let line = error.span().map(|span| text[..span.start].lines().count().max(1));
            let at = line.map_or(String::new(), |line| format!(":{line}"));
            anyhow::anyhow!("{}{at}: {}", path.display(), error.message())
        })?;
        for (name, environment) in &config.environments {
            let names = std::iter::once(&environment.version_table).chain(environment.version_table_schema.as_ref());
            if let Some(bad) = names.into_iter().find(|n| !is_identifier(n)) {
                bail!("{}: environment `{name}`: `{bad}` is not a plain SQL name (letters, digits, _)", path.display());
            }
            match (&environment.url, &environment.url_env) {
                (Some(_), Some(_)) => {
                    bail!("{}: environment `{name}` gives both `url` and `url_env`; keep one", path.display())
                }
                (None, None) => bail!("{}: environment `{name}` needs `url` or `url_env`", path.display()),
                _ => {}
            }
        }
        Ok(config)
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
            version_table: default_version_table(),
            version_table_schema: None,
            lock_timeout: default_lock_timeout(),
            statement_timeout: default_statement_timeout(),
            transaction_mode: TransactionMode::default(),
        }
    }

    pub fn connect_options(&self, name: &str) -> Result<PgConnectOptions> {
        let url = match (&self.url, &self.url_env) {
            (Some(url), _) => url.clone(),
            (None, Some(variable)) => std::env::var(variable)
                .with_context(|| format!("environment `{name}` takes its URL from ${variable}, which is not set"))?,
            (None, None) => bail!("environment `{name}` has no URL"),
        };
        // The URL itself is never echoed: it may hold a password.
        PgConnectOptions::from_str(&url)
            .map(|options| options.application_name("strata"))
            .map_err(|_| anyhow::anyhow!("the database URL of environment `{name}` is not a valid PostgreSQL URL"))
    }

    pub fn version_table(&self) -> VersionTable {
        VersionTable { schema: self.version_table_schema.clone(), name: self.version_table.clone() }
    }
}
