//! The backup before a run: `pg_dump` (custom format) of what the environment's `backup`
//! names, into `backup_dir` or through `backup_command`, hashed as it streams. It runs under
//! the run's lock before anything changes, so a backup that fails stops the run untouched.

use crate::config::EnvironmentConfig;
use anyhow::Result;
use sha2::{Digest, Sha256};
use sqlx::PgConnection;
use std::path::PathBuf;
use std::process::Stdio;
use strata_shared::offline::VersionTable;
use strata_shared::runbook::{BackupKind, BackupRecord};
use strata_shared::words::{Message, Trouble};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::process::{Child, Command};

/// What to back up and where: one environment's settings for one run.
pub struct Request<'a> {
    pub environment: &'a str,
    pub config: &'a EnvironmentConfig,
    pub run_id: &'a str,
    /// The tables the plan writes, as its SQL names them (`touched` keeps their data).
    pub written: &'a [String],
}

/// Takes the backup the environment asks for (`None` for `backup = "none"`).
pub async fn take(conn: &mut PgConnection, request: &Request<'_>) -> Result<Option<BackupRecord>> {
    let kind = request.config.backup;
    if kind == BackupKind::None {
        return Ok(None);
    }
    let version: String =
        sqlx::query_scalar("SELECT current_setting('server_version_num')").fetch_one(&mut *conn).await?;
    let major =
        version.parse::<u32>().map_err(|_| trouble(Trouble::ServerVersionUnreadable { text: version }))? / 10000;
    let pg_dump = pg_dump_for(major)?;
    let mut args: Vec<String> = vec!["--format=custom".into(), "--no-password".into()];
    let mut tables = Vec::new();
    match kind {
        BackupKind::Schema => args.push("--schema-only".into()),
        BackupKind::Touched => {
            let version_table = request.config.version_table();
            let (kept, others) = split_tables(conn, request.written, &version_table).await?;
            args.extend(others.iter().map(|pattern| format!("--exclude-table-data={pattern}")));
            tables = kept;
        }
        BackupKind::Full | BackupKind::None => {}
    }
    let name = file_name(request.environment, request.run_id, kind)?;
    let mut child = Command::new(&pg_dump);
    child.args(&args).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).kill_on_drop(true);
    // Only our connection settings reach libpq: none inherited, the password not on argv.
    for (variable, _) in std::env::vars_os() {
        if variable.to_string_lossy().starts_with("PG") {
            child.env_remove(variable);
        }
    }
    child.envs(request.config.libpq_env(request.environment)?).env("PGAPPNAME", "strata-backup");
    let dump = child
        .spawn()
        .map_err(|e| trouble(Trouble::CannotStart { program: pg_dump.display().to_string(), cause: e.to_string() }))?;
    let mut sink = Sink::open(request, &name).await?;
    let streamed = stream(dump, &mut sink).await;
    let (size_bytes, sha256) = match streamed {
        Ok(done) => done,
        Err(error) => {
            sink.abandon().await;
            return Err(error);
        }
    };
    let location = sink.finish().await?;
    let restore_command = restore_command(&location, request.config.backup_command.is_some());
    Ok(Some(BackupRecord { kind, location, size_bytes, sha256, tables, restore_command }))
}

/// pg_dump's output into the sink, hashed and counted; pg_dump's own error if it fails.
async fn stream(mut dump: Child, sink: &mut Sink) -> Result<(u64, String)> {
    let mut stdout = dump.stdout.take().expect("piped");
    let mut stderr = dump.stderr.take().expect("piped");
    let errors = tokio::spawn(async move {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text).await;
        text
    });
    let mut hash = Sha256::new();
    let mut size = 0u64;
    let mut buffer = vec![0u8; 256 * 1024];
    let copied: Result<()> = async {
        loop {
            let read = stdout
                .read(&mut buffer)
                .await
                .map_err(|e| trouble(Trouble::CannotReadOutput { program: "pg_dump".into(), cause: e.to_string() }))?;
            if read == 0 {
                return Ok(());
            }
            hash.update(&buffer[..read]);
            size += read as u64;
            sink.write(&buffer[..read]).await?;
        }
    }
    .await;
    let status = dump
        .wait()
        .await
        .map_err(|e| trouble(Trouble::DidNotFinish { program: "pg_dump".into(), cause: e.to_string() }))?;
    let errors = errors.await.unwrap_or_default();
    if !status.success() {
        // pg_dump refuses rather than copy only the rows a policy lets it see: good, but the
        // way out is ours to say.
        let row_security = errors.contains("would be affected by row-level security policy");
        return Err(trouble(Trouble::DumpFailed {
            status: status.to_string(),
            said: errors.trim().into(),
            row_security,
        }));
    }
    copied?;
    Ok((size, hash.finalize().iter().map(|b| format!("{b:02x}")).collect()))
}

/// Where the dump goes: a file written beside its final name and renamed once complete, or
/// the standard input of `backup_command`.
enum Sink {
    File { file: tokio::fs::File, partial: PathBuf, path: PathBuf },
    Command { child: Child, name: String },
}

impl Sink {
    async fn open(request: &Request<'_>, name: &str) -> Result<Self> {
        if let Some(command) = &request.config.backup_command {
            let child = Command::new("sh")
                .arg("-c")
                .arg(command)
                .env("STRATA_BACKUP_NAME", name)
                .env("STRATA_ENVIRONMENT", request.environment)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .kill_on_drop(true)
                .spawn()
                .map_err(|e| {
                    trouble(Trouble::CannotStart { program: "backup_command".into(), cause: e.to_string() })
                })?;
            return Ok(Sink::Command { child, name: name.to_owned() });
        }
        let dir = request.config.backup_dir.clone().unwrap_or_else(|| PathBuf::from(".strata/backups"));
        tokio::fs::create_dir_all(&dir).await.map_err(|e| {
            trouble(Trouble::CannotCreateFolder { folder: dir.display().to_string(), cause: e.to_string() })
        })?;
        let path = dir.join(name);
        let partial = dir.join(format!("{name}.partial"));
        let file = tokio::fs::File::create(&partial).await.map_err(|e| cannot_write(&partial, e))?;
        Ok(Sink::File { file, partial, path })
    }

    async fn write(&mut self, bytes: &[u8]) -> Result<()> {
        match self {
            Sink::File { file, partial, .. } => file.write_all(bytes).await.map_err(|e| cannot_write(partial, e)),
            Sink::Command { child, .. } => {
                let stdin = child.stdin.as_mut().expect("piped");
                let stopped =
                    |e: std::io::Error| trouble(Trouble::BackupCommandStoppedReading { cause: e.to_string() });
                stdin.write_all(bytes).await.map_err(stopped)
            }
        }
    }

    /// The backup's location, once it is complete and safe.
    async fn finish(self) -> Result<String> {
        match self {
            Sink::File { mut file, partial, path } => {
                file.flush().await.map_err(|e| cannot_write(&partial, e))?;
                file.sync_all().await.map_err(|e| cannot_write(&partial, e))?;
                tokio::fs::rename(&partial, &path).await.map_err(|e| {
                    let (from, to) = (partial.display().to_string(), path.display().to_string());
                    trouble(Trouble::CannotRename { from, to, cause: e.to_string() })
                })?;
                Ok(path.display().to_string())
            }
            Sink::Command { mut child, name } => {
                drop(child.stdin.take());
                let output = child.wait_with_output().await.map_err(|e| {
                    trouble(Trouble::DidNotFinish { program: "backup_command".into(), cause: e.to_string() })
                })?;
                if !output.status.success() {
                    let said = String::from_utf8_lossy(&output.stderr).trim().to_owned();
                    return Err(trouble(Trouble::BackupCommandFailed { status: output.status.to_string(), said }));
                }
                Ok(name)
            }
        }
    }

    /// A backup that failed leaves nothing that could pass for one.
    async fn abandon(self) {
        match self {
            Sink::File { file, partial, .. } => {
                drop(file);
                let _ = tokio::fs::remove_file(&partial).await;
            }
            Sink::Command { mut child, .. } => {
                let _ = child.kill().await;
            }
        }
    }
}

/// `strata-<environment>-<UTC time>-<run id>-<kind>.dump`.
fn file_name(environment: &str, run_id: &str, kind: BackupKind) -> Result<String> {
    let format = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    let when = time::OffsetDateTime::now_utc().format(format)?;
    let environment: String =
        environment.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect();
    Ok(format!("strata-{environment}-{when}-{run_id}-{}.dump", kind.name()))
}

/// Restores into an empty database (`$RESTORE_URL`): never over the live one unasked.
fn restore_command(location: &str, through_command: bool) -> String {
    let restore = "pg_restore --exit-on-error --single-transaction --no-owner --dbname \"$RESTORE_URL\"";
    if through_command {
        format!("<your copy of {location}> | {restore}")
    } else {
        format!("{restore} '{}'", location.replace('\'', "'\\''"))
    }
}

/// The database's tables split in two: those the plan writes (their data is kept), and the
/// others as pg_dump patterns (only their definitions are kept). The version table is always
/// written.
async fn split_tables(
    conn: &mut PgConnection,
    written: &[String],
    version_table: &VersionTable,
) -> Result<(Vec<String>, Vec<String>)> {
    let mut schemas = vec![version_table.schema.clone().unwrap_or_default()];
    let mut names = vec![version_table.name.clone()];
    for table in written {
        let (schema, name) = table.rsplit_once('.').unwrap_or(("", table));
        schemas.push(schema.to_owned());
        names.push(name.to_owned());
    }
    let rows: Vec<(String, String, String, bool)> = sqlx::query_as(
        "WITH wanted AS (
             SELECT to_regclass(CASE WHEN s = '' THEN quote_ident(r) ELSE quote_ident(s) || '.' || quote_ident(r) END)::oid AS oid
               FROM unnest($1::text[], $2::text[]) AS w(s, r))
         SELECT n.nspname, c.relname, quote_ident(n.nspname) || '.' || quote_ident(c.relname),
                c.oid IN (SELECT oid FROM wanted WHERE oid IS NOT NULL)
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE c.relkind IN ('r', 'p', 'm')
            AND n.nspname NOT IN ('pg_catalog', 'information_schema')
            AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
          ORDER BY 3",
    )
    .bind(&schemas)
    .bind(&names)
    .fetch_all(conn)
    .await?;
    let mut kept = Vec::new();
    let mut others = Vec::new();
    for (schema, name, qualified, written) in rows {
        if written {
            kept.push(qualified);
        } else {
            // Quoted, so that pattern characters in a name stand for themselves.
            others.push(format!("\"{}\".\"{}\"", schema.replace('"', "\"\""), name.replace('"', "\"\"")));
        }
    }
    Ok((kept, others))
}

/// The pg_dump of the server's major version (an older one cannot dump a newer server):
/// `$STRATA_PG_BINDIR`, Debian's folder for that major, a newer Debian one, else PATH.
fn pg_dump_for(major: u32) -> Result<PathBuf> {
    let exact = PathBuf::from(format!("/usr/lib/postgresql/{major}/bin"));
    let mut newer: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let found: u32 = entry.file_name().to_str()?.parse().ok()?;
            (found > major).then(|| (found, entry.path().join("bin")))
        })
        .collect();
    newer.sort();
    let candidates = std::env::var_os("STRATA_PG_BINDIR")
        .map(PathBuf::from)
        .into_iter()
        .chain([exact])
        .chain(newer.into_iter().map(|(_, dir)| dir))
        .chain(std::env::var_os("PATH").iter().flat_map(std::env::split_paths).collect::<Vec<_>>());
    for dir in candidates {
        let pg_dump = dir.join("pg_dump");
        if pg_dump.is_file() {
            return Ok(pg_dump);
        }
    }
    Err(trouble(Trouble::NoPgDump { major }))
}

/// A backup's trouble as the error the run reports (worded in the reader's language).
fn trouble(trouble: Trouble) -> anyhow::Error {
    Message::Trouble(trouble).into()
}

fn cannot_write(path: &std::path::Path, error: std::io::Error) -> anyhow::Error {
    trouble(Trouble::CannotWrite { path: path.display().to_string(), cause: error.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn a_restore_command_quotes_the_file_and_never_targets_the_live_database() {
        let command = restore_command("/b/it's.dump", false);
        assert_eq!(
            command,
            "pg_restore --exit-on-error --single-transaction --no-owner --dbname \"$RESTORE_URL\" '/b/it'\\''s.dump'"
        );
        assert!(restore_command("x.dump", true).starts_with("<your copy of x.dump> | pg_restore"));
    }

    #[test]
    fn a_file_name_says_environment_run_and_kind() {
        let name = file_name("prod/eu", "abc123", BackupKind::Touched).unwrap();
        assert!(name.starts_with("strata-prod_eu-") && name.ends_with("-abc123-touched.dump"), "{name}");
    }

    #[test]
    fn pg_dump_is_found_for_the_installed_server() {
        let major: u32 = std::fs::read_dir("/usr/lib/postgresql")
            .unwrap()
            .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
            .max()
            .unwrap();
        assert!(pg_dump_for(major).unwrap().ends_with(Path::new("bin/pg_dump")));
    }
}
