//! Target databases for studios with a `strata.toml`: a sandbox cluster of the test's own with
//! one database per environment, their URLs passed through environment variables.

use sqlx::{Connection, PgConnection};
use std::path::{Path, PathBuf};
use strata_server::sandbox::Sandbox;

pub struct Targets {
    pub sandbox: Sandbox,
    /// `NAME_URL` variables for the studio, one per environment.
    pub env: Vec<(String, String)>,
}

impl Targets {
    /// Creates the databases `names` in a sandbox under `dir/targets`.
    pub fn start(dir: &Path, names: &[&str]) -> Self {
        let sandbox_dir = dir.join("targets");
        std::fs::create_dir_all(&sandbox_dir).unwrap();
        let sandbox = block_on(async {
            let sandbox = Sandbox::start(&sandbox_dir).await.unwrap();
            let mut admin = PgConnection::connect_with(&sandbox.connect_options()).await.unwrap();
            for name in names {
                // One statement per call: CREATE DATABASE refuses to run in a transaction block.
                sqlx::raw_sql(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.unwrap();
            }
            sandbox
        });
        let env = names
            .iter()
            .map(|name| {
                let url = format!("postgresql://postgres:{}@127.0.0.1:{}/{name}", sandbox.password(), sandbox.port());
                (format!("{}_URL", name.to_uppercase()), url)
            })
            .collect();
        Self { sandbox, env }
    }

    /// A `strata.toml` in `dir`: `[environments.NAME]` with its URL variable and `extra` lines.
    pub fn config(&self, dir: &Path, environments: &[(&str, &str)]) -> PathBuf {
        let text: String = environments
            .iter()
            .map(|(name, extra)| format!("[environments.{name}]\nurl_env = \"{}_URL\"\n{extra}\n", name.to_uppercase()))
            .collect();
        let path = dir.join("strata.toml");
        std::fs::write(&path, text).unwrap();
        path
    }

    pub fn env(&self) -> Vec<(&str, &str)> {
        self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
    }

    /// The version rows of database `name`.
    pub fn rows(&self, name: &str) -> Vec<String> {
        block_on(async {
            let mut conn = PgConnection::connect_with(&self.sandbox.connect_options().database(name)).await.unwrap();
            let table = strata_shared::offline::VersionTable { schema: None, name: "alembic_version".to_owned() };
            strata_server::version_table::rows(&mut conn, &table).await.unwrap()
        })
    }
}

/// Runs `work` to its end on a runtime of its own (the tests using this are synchronous, or call
/// it from `block_in_place`).
pub fn block_on<T>(work: impl Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(work)
}

/// A copy of the sample's revision files in `dir/migrations`, to edit.
pub fn sample_copy(dir: &Path) -> PathBuf {
    let migrations = dir.join("migrations");
    std::fs::create_dir_all(migrations.join("versions")).unwrap();
    for entry in std::fs::read_dir(super::sample_migrations().join("versions")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), migrations.join("versions").join(entry.file_name())).unwrap();
    }
    migrations
}
