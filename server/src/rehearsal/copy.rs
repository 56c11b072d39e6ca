//! The throwaway database of a rehearsal: created in the sandbox cluster, filled with
//! `pg_dump | pg_restore` of the installed PostgreSQL (schema only, or with the data), dropped
//! afterwards.

use crate::config::EnvironmentConfig;
use crate::sandbox::{self, RehearsalCluster};
use anyhow::{Context, Result, bail};
use sqlx::{Connection, PgConnection};
use std::process::{Command, Stdio};
use strata_shared::rehearsal::RehearsalCopy;

/// `pg_dump` reads servers of its own major version and older, never newer.
pub fn check_versions(environment: &str, server_version_num: u32, tools_major: u32) -> Result<()> {
    let server_major = server_version_num / 10000;
    if server_major > tools_major {
        bail!(
            "`{environment}` runs PostgreSQL {server_major}, newer than this machine's pg_dump {tools_major}: \
             a rehearsal needs pg_dump and pg_restore of version {server_major} or later (set STRATA_PG_BINDIR)"
        );
    }
    Ok(())
}

/// The major version of the installed `pg_dump` (`pg_dump (PostgreSQL) 15.18 ...`).
pub fn tools_major() -> Result<u32> {
    let output = Command::new(sandbox::postgres_tool("pg_dump")?).arg("--version").output()?;
    let text = String::from_utf8_lossy(&output.stdout);
    text.split_whitespace()
        .find_map(|word| word.split('.').next()?.parse().ok())
        .with_context(|| format!("cannot read pg_dump's version from `{}`", text.trim()))
}

/// A database of the sandbox cluster that exists for one rehearsal.
pub struct CopyDb {
    cluster: RehearsalCluster,
    pub name: String,
}

impl CopyDb {
    /// A new database, owned by the cluster's runner role (not a superuser).
    pub async fn create(cluster: &RehearsalCluster) -> Result<Self> {
        let name = format!("strata_rehearsal_{}", crate::identity::random_hex(6)?);
        let runner = url::Url::parse(&cluster.runner_url)?;
        let mut admin = PgConnection::connect(&cluster.admin_url).await.context("cannot reach the sandbox cluster")?;
        // The role name comes from the sandbox (letters and _), the database name from hex.
        sqlx::raw_sql(&format!("CREATE DATABASE {name} OWNER {}", runner.username())).execute(&mut admin).await?;
        let _ = admin.close().await;
        Ok(Self { cluster: cluster.clone(), name })
    }

    /// The copy's URL, as its runner role (it holds a password: never log it).
    pub fn url(&self) -> Result<String> {
        let mut url = url::Url::parse(&self.cluster.runner_url)?;
        url.set_path(&self.name);
        Ok(url.into())
    }

    /// `pg_dump` of the environment piped into `pg_restore` here; owners and grants are left
    /// out (the environment's roles do not exist in the sandbox).
    pub async fn fill_from(&self, source: &EnvironmentConfig, source_name: &str, what: RehearsalCopy) -> Result<()> {
        let dump_env = source.libpq_env(source_name)?;
        let restore_env = EnvironmentConfig::for_url(self.url()?).libpq_env("rehearsal copy")?;
        let (pg_dump, pg_restore) = (sandbox::postgres_tool("pg_dump")?, sandbox::postgres_tool("pg_restore")?);
        let copy_name = self.name.clone();
        let source_name = source_name.to_owned();
        tokio::task::spawn_blocking(move || {
            let mut dump = Command::new(pg_dump);
            dump.args(["--format=custom", "--no-owner", "--no-privileges"]).envs(dump_env);
            if what == RehearsalCopy::Schema {
                dump.arg("--schema-only");
            }
            let mut dump = dump.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().context("cannot run pg_dump")?;
            let archive = dump.stdout.take().context("pg_dump has no output")?;
            let restore = Command::new(pg_restore)
                .args(["--no-owner", "--no-privileges", "--exit-on-error", "--dbname"])
                .arg(copy_name)
                .envs(restore_env)
                .stdin(archive)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .output()
                .context("cannot run pg_restore")?;
            let dumped = dump.wait_with_output()?;
            if !dumped.status.success() {
                bail!("pg_dump of `{source_name}` failed: {}", String::from_utf8_lossy(&dumped.stderr).trim());
            }
            if !restore.status.success() {
                bail!("pg_restore into the rehearsal copy failed: {}", String::from_utf8_lossy(&restore.stderr).trim());
            }
            Ok(())
        })
        .await?
    }

    /// Drops the copy, whoever is still connected to it.
    pub async fn drop(self) -> Result<()> {
        let mut admin =
            PgConnection::connect(&self.cluster.admin_url).await.context("cannot reach the sandbox cluster")?;
        sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name)).execute(&mut admin).await?;
        let _ = admin.close().await;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_newer_than_the_tools_is_refused_with_both_versions() {
        assert!(check_versions("prod", 150004, 15).is_ok());
        assert!(check_versions("prod", 140011, 15).is_ok());
        let error = check_versions("prod", 170002, 15).unwrap_err().to_string();
        assert!(error.contains("`prod` runs PostgreSQL 17, newer than this machine's pg_dump 15"), "{error}");
    }
}
