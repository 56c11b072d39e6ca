//! The throwaway database of a rehearsal: created in the sandbox cluster, filled with
//! `pg_dump | pg_restore` of the installed PostgreSQL (schema only, or with the data), dropped
//! afterwards.

use crate::config::EnvironmentConfig;
use crate::sandbox::{self, RehearsalCluster};
use anyhow::{Result, bail};
use sqlx::{Connection, PgConnection};
use std::process::{Command, Stdio};
use strata_shared::rehearsal::RehearsalCopy;
use strata_shared::words::{Message, Trouble};

/// `pg_dump` reads servers of its own major version and older, never newer.
pub fn check_versions(environment: &str, server_version_num: u32, tools_major: u32) -> Result<()> {
    let server_major = server_version_num / 10000;
    if server_major > tools_major {
        let environment = environment.to_owned();
        bail!(Message::Trouble(Trouble::ToolsOlderThanServer {
            environment,
            server: server_major,
            tools: tools_major
        }));
    }
    Ok(())
}

/// The major version of the installed `pg_dump` (`pg_dump (PostgreSQL) 15.18 ...`).
pub fn tools_major() -> Result<u32> {
    let pg_dump = sandbox::postgres_tool("pg_dump")?;
    let output = Command::new(&pg_dump).arg("--version").output().map_err(|e| {
        Message::Trouble(Trouble::CannotStart { program: pg_dump.display().to_string(), cause: e.to_string() })
    })?;
    let text = String::from_utf8_lossy(&output.stdout);
    let major = text.split_whitespace().find_map(|word| word.split('.').next()?.parse().ok());
    major.ok_or_else(|| Message::Trouble(Trouble::ToolVersionUnreadable { text: text.trim().to_owned() }).into())
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
        let mut admin = PgConnection::connect(&cluster.admin_url).await.map_err(unreachable)?;
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
            let mut dump =
                dump.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().map_err(cannot_start("pg_dump"))?;
            let archive = dump.stdout.take().expect("piped");
            let restore = Command::new(pg_restore)
                .args(["--no-owner", "--no-privileges", "--exit-on-error", "--dbname"])
                .arg(copy_name)
                .envs(restore_env)
                .stdin(archive)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .output()
                .map_err(cannot_start("pg_restore"))?;
            let dumped = dump.wait_with_output()?;
            let said = |stderr: &[u8]| String::from_utf8_lossy(stderr).trim().to_owned();
            if !dumped.status.success() {
                bail!(Message::Trouble(Trouble::CopyDumpFailed {
                    environment: source_name,
                    said: said(&dumped.stderr)
                }));
            }
            if !restore.status.success() {
                bail!(Message::Trouble(Trouble::CopyRestoreFailed { said: said(&restore.stderr) }));
            }
            Ok(())
        })
        .await?
    }

    /// Drops the copy, whoever is still connected to it.
    pub async fn drop(self) -> Result<()> {
        let mut admin = PgConnection::connect(&self.cluster.admin_url).await.map_err(unreachable)?;
        let dropped =
            sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name)).execute(&mut admin).await;
        dropped.map_err(|e| Message::Trouble(Trouble::CannotDropCopy { cause: e.to_string() }))?;
        let _ = admin.close().await;
        Ok(())
    }
}

fn unreachable(error: sqlx::Error) -> Message {
    Message::Trouble(Trouble::SandboxUnreachable { cause: error.to_string() })
}

fn cannot_start(program: &str) -> impl Fn(std::io::Error) -> Message + '_ {
    move |error| Message::Trouble(Trouble::CannotStart { program: program.to_owned(), cause: error.to_string() })
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
