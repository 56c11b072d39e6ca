//! The sandbox PostgreSQL on its own, and reading Alembic's version table from it.

mod support;

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
