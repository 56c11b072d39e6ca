//! The sandbox PostgreSQL on its own, and reading Alembic's version table from it.

use crate::support;

use sqlx::PgPool;
use strata_server::sandbox::Sandbox;
use strata_shared::offline::VersionTable;

async fn current_heads(pool: &PgPool) -> anyhow::Result<Vec<String>> {
    let mut conn = pool.acquire().await?;
    strata_server::version_table::rows(&mut conn, &VersionTable::default()).await
}

#[tokio::test]
async fn reads_the_rows_of_alembic_version_and_keeps_them_across_restarts() {
    let state = support::state_dir();
    let sandbox = Sandbox::start(state.path()).await.expect("sandbox starts");
    let pool = PgPool::connect_with(sandbox.connect_options()).await.unwrap();
    assert_eq!(current_heads(&pool).await.unwrap(), Vec::<String>::new(), "no version table: at base");

    // The table exactly as Alembic creates it, with two heads applied.
    sqlx::raw_sql(
        "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, \
             CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));
         INSERT INTO alembic_version (version_num) VALUES ('ae1027a6acf'), ('27c6a30d7c24');",
    )
    .execute(&pool)
    .await
    .unwrap();
    assert_eq!(current_heads(&pool).await.unwrap(), ["27c6a30d7c24", "ae1027a6acf"]);
    pool.close().await;

    let postmaster = sandbox.pid().unwrap() as i32;
    sandbox.stop().await.unwrap();
    assert!(!support::is_running(postmaster), "the postmaster is gone after stop");

    let again = Sandbox::start(state.path()).await.expect("sandbox restarts on the same cluster");
    let pool = PgPool::connect_with(again.connect_options()).await.unwrap();
    assert_eq!(current_heads(&pool).await.unwrap(), ["27c6a30d7c24", "ae1027a6acf"]);
    pool.close().await;
    again.stop().await.unwrap();
}

#[tokio::test]
async fn an_empty_version_table_means_base() {
    let state = support::state_dir();
    let sandbox = Sandbox::start(state.path()).await.expect("sandbox starts");
    let pool = PgPool::connect_with(sandbox.connect_options()).await.unwrap();
    sqlx::raw_sql("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
        .execute(&pool)
        .await
        .unwrap();
    assert!(current_heads(&pool).await.unwrap().is_empty());
    pool.close().await;
    sandbox.stop().await.unwrap();
}

/// Run as root from a private folder (mode 700, like a project in root's home), the `postgres`
/// user the sandbox runs as cannot reach the state folder: the cluster lives where it can.
#[tokio::test]
async fn starts_from_a_folder_the_postgres_user_cannot_enter() {
    use std::os::unix::fs::PermissionsExt;
    let outer = support::state_dir();
    let private = outer.path().join("private");
    std::fs::create_dir(&private).unwrap();
    std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o700)).unwrap();
    let state = private.join(".strata");
    let sandbox = Sandbox::start(&state).await.expect("the sandbox starts from a private folder");
    let pool = PgPool::connect_with(sandbox.connect_options()).await.unwrap();
    assert_eq!(current_heads(&pool).await.unwrap(), Vec::<String>::new());
    pool.close().await;
    let attached = strata_server::sandbox::running_state_options(&state).await.unwrap();
    assert!(attached.is_some(), "a second strata finds the running sandbox of that state folder");
    let cluster = sandbox.dir().to_owned();
    // SAFETY: geteuid has no preconditions.
    let as_root = unsafe { libc::geteuid() } == 0;
    assert_eq!(cluster.starts_with(&private), !as_root, "as root, the cluster lives where `postgres` may enter");
    sandbox.stop().await.unwrap();
    if as_root {
        std::fs::remove_dir_all(cluster).unwrap();
    }
}

/// Revisions that reach for more than their database, each a base of its own beside a copy
/// of the sample: (id, SQL).
const ATTACKS: [(&str, &str); 6] = [
    ("a77ac0000001", "ALTER ROLE current_user SUPERUSER;"),
    ("a77ac0000002", "CREATE TABLE leak AS SELECT pg_read_file('/proc/self/environ') AS environ;"),
    ("a77ac0000003", "CREATE TABLE leak AS SELECT current_setting('data_directory') AS dir;"),
    ("a77ac0000004", "COPY (SELECT 1) TO PROGRAM 'env > /tmp/strata-leak';"),
    ("a77ac0000005", "CREATE EXTENSION dblink;"),
    ("a77ac0000006", "GRANT pg_read_server_files TO current_user;"),
];

#[test]
fn revisions_in_the_sandbox_run_as_a_role_that_cannot_reach_strata_state_or_its_environment() {
    use serde_json::{Value, json};
    use sqlx::Connection;
    use support::Studio;
    let state = support::state_dir();
    let migrations = support::targets::sample_copy(state.path());
    for (id, sql) in ATTACKS {
        let text = format!("-- revision: {id}\n\n-- strata:upgrade\n{sql}\n\n-- strata:downgrade\nSELECT 1;\n");
        std::fs::write(migrations.join(format!("versions/{id}_attack.sql")), text).unwrap();
    }
    let secret = "postgresql://prod:s3cret-in-the-studio-env@db/prod";
    let studio =
        Studio::start_with(&migrations, state.path(), &state.path().join("strata.toml"), &[("PROD_URL", secret)]);
    let run = |operation: &str, target: &str| -> Value {
        let request = json!({"environment": "sandbox", "operation": operation, "target": target});
        let (status, preview) = studio.post("/api/plans", &request);
        assert_eq!(status, 200, "{preview}");
        let mut request = request;
        request["fingerprint"] = serde_json::from_str::<Value>(&preview).unwrap()["fingerprint"].clone();
        let (status, outcome) = studio.post("/api/runs", &request);
        assert_eq!(status, 200, "{outcome}");
        serde_json::from_str(&outcome).unwrap()
    };
    let state_rows = || {
        support::targets::block_on(async {
            let options = strata_server::sandbox::running_state_options(state.path()).await.unwrap().unwrap();
            let mut conn = sqlx::PgConnection::connect_with(&options).await.unwrap();
            let users: String =
                sqlx::query_scalar("SELECT string_agg(name || ':' || role, ',' ORDER BY name) FROM strata.users")
                    .fetch_one(&mut conn)
                    .await
                    .unwrap();
            let audit: i64 =
                sqlx::query_scalar("SELECT count(*) FROM strata.audit").fetch_one(&mut conn).await.unwrap();
            (users, audit)
        })
    };
    studio.add_user("operator", "operator");
    let before = state_rows();

    for (id, sql) in ATTACKS {
        let outcome = run("upgrade", id);
        assert_eq!(outcome["status"], "failed", "{sql} ran: {outcome}");
    }
    assert!(!std::path::Path::new("/tmp/strata-leak").exists());
    // What a run may not do to Strata's state: its database takes no connection from the role.
    let (users, _) = state_rows();
    assert_eq!(users, before.0, "no account changed");
    let target = support::targets::block_on(async {
        let password = std::fs::read_to_string(state.path().join("sandbox/target_password")).unwrap();
        let options = strata_server::sandbox::running_state_options(state.path()).await.unwrap().unwrap();
        let as_target = options.username("strata_sandbox").password(password.trim());
        sqlx::PgConnection::connect_with(&as_target).await.map(|_| ()).unwrap_err().to_string()
    });
    assert!(target.contains("permission denied for database"), "{target}");

    // The postmaster holds none of the studio's variables.
    let postmaster = support::postmaster_pid(state.path()).unwrap();
    let environ = std::fs::read(format!("/proc/{postmaster}/environ")).unwrap();
    assert!(!String::from_utf8_lossy(&environ).contains("s3cret"), "the studio's environment reached PostgreSQL");

    // The sample still goes up and down there.
    assert_eq!(run("upgrade", &support::sample_head().0)["status"], "succeeded");
    assert_eq!(run("downgrade", "base")["status"], "succeeded");
    let (_, audit) = state_rows();
    assert!(audit > before.1, "runs are audited, rows only ever added");
}
