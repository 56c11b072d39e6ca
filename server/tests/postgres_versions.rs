//! Which PostgreSQL a target runs, against real servers: the feature table's claims checked on
//! the installed PostgreSQL, the version read into the API, the CLI and the sandbox's listing,
//! and plan previews (API, CLI, `--sql`, `lint --target-version`) that warn about statements
//! the target's version does not have.

use crate::support;

use serde_json::{Value, json};
use sqlx::{Connection, PgConnection};
use std::path::Path;
use std::process::Output;
use support::Studio;
use support::targets::{Targets, block_on};

const EXAMPLES: &str = include_str!("../../shared/tests/fixtures/postgres_features.sql");

/// The fixture's `-- setup` statements, and its examples as (since, name, statement).
fn fixture() -> (Vec<&'static str>, Vec<(u32, &'static str, &'static str)>) {
    let setup = EXAMPLES.lines().skip_while(|l| *l != "-- setup").skip(1).take_while(|l| *l != "-- examples").collect();
    let mut lines = EXAMPLES.lines().skip_while(|l| *l != "-- examples").skip(1);
    let mut examples = Vec::new();
    while let (Some(header), Some(statement)) = (lines.next(), lines.next()) {
        let (since, name) = header.strip_prefix("-- since ").unwrap().split_once(' ').unwrap();
        examples.push((since.parse().unwrap(), name, statement));
    }
    (setup, examples)
}

async fn major_of(conn: &mut PgConnection) -> u32 {
    let num: i32 =
        sqlx::query_scalar("SELECT current_setting('server_version_num')::int").fetch_one(conn).await.unwrap();
    num as u32 / 10_000
}

#[test]
fn the_installed_postgres_accepts_exactly_the_features_of_its_version() {
    let dir = tempfile::tempdir().unwrap();
    let targets = Targets::start(dir.path(), &["features"]);
    let (setup, examples) = fixture();
    block_on(async {
        let options = targets.sandbox.connect_options().database("features");
        let mut conn = PgConnection::connect_with(&options).await.unwrap();
        let installed = major_of(&mut conn).await;
        for statement in setup {
            sqlx::raw_sql(statement).execute(&mut conn).await.unwrap();
        }
        // Each example alone, outside a transaction (REINDEX CONCURRENTLY refuses one).
        for (since, name, statement) in examples {
            let result = sqlx::raw_sql(statement).execute(&mut conn).await;
            if since <= installed {
                assert!(result.is_ok(), "PostgreSQL {installed} has {name} (since {since}): {statement}: {result:?}");
            } else {
                assert!(result.is_err(), "PostgreSQL {installed} lacks {name} (since {since}), yet ran: {statement}");
            }
        }
        conn.close().await.unwrap();
    });
}

/// A revision with a statement of each of two features: at least one is newer than any
/// PostgreSQL before 18 (the subquery needs 16, uuidv7() 18).
const TOO_NEW: &str = "-- revision: r1\n-- strata:upgrade\nCREATE TABLE t (id bigint);\n\nINSERT INTO t SELECT * FROM (SELECT 1);\nSELECT uuidv7();\n-- strata:downgrade\nDROP TABLE t;\n";

fn strata(migrations: &Path, config: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    support::strata(migrations).arg("--config").arg(config).args(args).envs(env.iter().copied()).output().unwrap()
}

#[test]
fn the_version_is_read_and_previews_warn_about_statements_it_lacks() {
    let dir = tempfile::tempdir().unwrap();
    let migrations = dir.path().join("migrations");
    std::fs::create_dir_all(migrations.join("versions")).unwrap();
    std::fs::write(migrations.join("versions/r1.sql"), TOO_NEW).unwrap();
    let targets = Targets::start(dir.path(), &["prod"]);
    let installed = block_on(async {
        let options = targets.sandbox.connect_options().database("prod");
        major_of(&mut PgConnection::connect_with(&options).await.unwrap()).await
    });
    assert!(installed < 18, "this test needs a PostgreSQL older than 18, found {installed}");
    let newer = |message: &str| message.contains(&format!("the target runs {installed}."));
    let config = targets.config(dir.path(), &[("prod", ""), ("offline", "postgres_version = 15")]);
    let state = dir.path().join("state");
    std::fs::create_dir_all(&state).unwrap();
    // `offline` is down: nothing listens on port 1.
    let mut env = targets.env();
    env.push(("OFFLINE_URL", "postgresql://postgres@127.0.0.1:1/offline"));
    let studio = Studio::start_with(&migrations, &state, &config, &env);

    let (status, body) = studio.get("/api/environments");
    assert_eq!(status, 200, "{body}");
    let environments: Value = serde_json::from_str(&body).unwrap();
    let prod = environments.as_array().unwrap().iter().find(|e| e["name"] == "prod").unwrap();
    assert_eq!(prod["postgres"]["major"], json!(installed), "{prod}");
    let offline = environments.as_array().unwrap().iter().find(|e| e["name"] == "offline").unwrap();
    assert!(offline["error"].is_string(), "no OFFLINE_URL: {offline}");
    assert_eq!(offline["postgres"], json!({ "major": 15, "minor": null }), "the configured version: {offline}");

    let (status, body) =
        studio.post("/api/plans", &json!({ "environment": "prod", "operation": "upgrade", "target": "heads" }));
    assert_eq!(status, 200, "{body}");
    let preview: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(preview["postgres"]["major"], json!(installed));
    let findings = preview["findings"].as_array().unwrap();
    assert!(!findings.is_empty(), "{preview}");
    for finding in findings {
        assert_eq!(finding["rule"], "needs-newer-postgres");
        assert_eq!(finding["path"], "versions/r1.sql");
        assert!(newer(finding["message"].as_str().unwrap()), "{finding}");
    }
    if installed < 16 {
        let subquery = findings.iter().find(|f| f["line"] == 5).expect("the subquery's line");
        let message = subquery["message"].as_str().unwrap();
        assert!(message.starts_with("a subquery in FROM without an alias needs PostgreSQL 16;"), "{message}");
    }
    let uuidv7 = findings.iter().find(|f| f["line"] == 6).expect("uuidv7()'s line");
    assert!(uuidv7["message"].as_str().unwrap().starts_with("uuidv7() needs PostgreSQL 18;"), "{uuidv7}");

    // The CLI's preview says the same, with the file and line, before asking to confirm.
    let shown = strata(&migrations, &config, &env, &["upgrade", "heads", "--env", "prod"]);
    let stdout = String::from_utf8_lossy(&shown.stdout);
    assert!(
        stdout.contains("versions/r1.sql:6 error[needs-newer-postgres] upgrade: uuidv7() needs PostgreSQL 18;"),
        "{stdout}"
    );
    assert!(stdout.contains(&format!("Server: PostgreSQL {installed}.")), "{stdout}");
    let current = strata(&migrations, &config, &env, &["--json", "current", "--env", "prod"]);
    let current: Value = serde_json::from_slice(&current.stdout).unwrap();
    assert_eq!(current["postgres"]["major"], json!(installed), "{current}");

    // Without a database: the configured version for `--sql`, and `lint --target-version`.
    let script = strata(&migrations, &config, &[], &["upgrade", "heads", "--sql", "--env", "offline"]);
    assert!(script.status.success(), "{script:?}");
    let stderr = String::from_utf8_lossy(&script.stderr);
    assert!(stderr.contains("versions/r1.sql:5 error[needs-newer-postgres] upgrade: a subquery in FROM without an alias needs PostgreSQL 16; the target runs 15"), "{stderr}");
    let linted = strata(&migrations, &config, &[], &["lint", "--target-version", "17"]);
    let stdout = String::from_utf8_lossy(&linted.stdout);
    assert!(stdout.contains("uuidv7() needs PostgreSQL 18; the target runs 17"), "{stdout}");
    assert!(!stdout.contains("without an alias needs"), "PostgreSQL 17 has it: {stdout}");
    assert_eq!(linted.status.code(), Some(1), "an error finding fails the lint");
}

#[test]
fn the_sandbox_lists_its_version() {
    let state = support::state_dir();
    let studio = Studio::start(&support::sample_migrations(), state.path());
    let (status, body) = studio.get("/api/environments");
    assert_eq!(status, 200, "{body}");
    let environments: Value = serde_json::from_str(&body).unwrap();
    let version = &environments[0]["postgres"];
    assert_eq!(environments[0]["name"], "sandbox");
    assert!(version["major"].as_u64().is_some_and(|m| m >= 12) && version["minor"].is_u64(), "{environments}");
}

/// In headless Chromium: the environment list shows the server's PostgreSQL, and the plan
/// preview shows the target's version and lists the statements it lacks, in English and Spanish.
#[tokio::test(flavor = "multi_thread")]
async fn the_studio_shows_each_servers_postgres_and_what_the_target_lacks() {
    use fantoccini::Locator;
    use support::chrome::{ChromeDriver, element, sign_in};
    assert!(
        support::workspace_root().join("dist/index.html").is_file(),
        "build the frontend first: trunk build --release"
    );
    let dir = tempfile::tempdir().unwrap();
    let migrations = dir.path().join("migrations");
    std::fs::create_dir_all(migrations.join("versions")).unwrap();
    std::fs::write(migrations.join("versions/r1.sql"), TOO_NEW).unwrap();
    let (targets, studio, version) = tokio::task::block_in_place(|| {
        let targets = Targets::start(dir.path(), &["prod"]);
        // The version as the server reports it, e.g. `15.14`.
        let num: i32 = block_on(async {
            let mut conn =
                PgConnection::connect_with(&targets.sandbox.connect_options().database("prod")).await.unwrap();
            sqlx::query_scalar("SELECT current_setting('server_version_num')::int").fetch_one(&mut conn).await.unwrap()
        });
        let config = targets.config(dir.path(), &[("prod", "")]);
        let state = dir.path().join("state");
        std::fs::create_dir_all(&state).unwrap();
        let studio = Studio::start_with(&migrations, &state, &config, &targets.env());
        (targets, studio, format!("{}.{}", num / 10000, num % 100))
    });
    let installed: u32 = version.split('.').next().unwrap().parse().unwrap();
    assert!(installed < 18, "this test needs a PostgreSQL older than 18, found {version}");
    let driver = ChromeDriver::start();
    let browser = driver.browser(&dir.path().join("chromium")).await;
    sign_in(&browser, &studio.url, "admin").await;

    // The environment list: the server's own version, read from it.
    let badge = element(&browser, "[data-environment=prod] [data-test=postgres-version]").await;
    assert_eq!(badge.text().await.unwrap(), format!("PostgreSQL {version}"));
    assert_eq!(badge.attr("title").await.unwrap().as_deref(), Some("the PostgreSQL version the server runs"));

    // The plan preview: the target's version, and each statement it lacks as a risk at its line.
    let preview = |language: &'static str| {
        let (browser, url) = (browser.clone(), studio.url.clone());
        async move {
            browser.goto(&url).await.unwrap();
            element(&browser, "[data-test=language]").await.select_by_value(language).await.unwrap();
            browser.goto(&format!("{url}/run?env=prod&op=upgrade&target=heads")).await.unwrap();
            element(&browser, "[data-test=preview]").await.click().await.unwrap();
            let postgres = element(&browser, "[data-test=plan-postgres]").await.text().await.unwrap();
            element(&browser, "[data-test=risks]").await;
            let mut lacks = Vec::new();
            for item in
                browser.find_all(Locator::Css("[data-test=risks] li[data-rule=needs-newer-postgres]")).await.unwrap()
            {
                lacks.push(item.text().await.unwrap());
            }
            (postgres, lacks)
        }
    };
    let (postgres, lacks) = preview("en").await;
    assert_eq!(postgres, format!("The target runs PostgreSQL {version}."));
    let uuidv7 =
        format!("error needs-newer-postgres uuidv7() needs PostgreSQL 18; the target runs {version} versions/r1.sql:6");
    assert!(lacks.contains(&uuidv7), "{lacks:?}");
    let subquery = "a subquery in FROM without an alias needs PostgreSQL 16";
    assert_eq!(
        lacks.iter().any(|l| l.contains(subquery) && l.ends_with("versions/r1.sql:5")),
        installed < 16,
        "{lacks:?}"
    );
    assert_eq!(lacks.len(), if installed < 16 { 2 } else { 1 }, "{lacks:?}");

    let (postgres, lacks_es) = preview("es").await;
    assert_eq!(postgres, format!("El destino ejecuta PostgreSQL {version}."));
    assert_eq!(lacks_es.len(), lacks.len(), "the same statements in Spanish: {lacks_es:?}");
    assert!(lacks_es.iter().any(|l| l.contains("uuidv7()") && l.ends_with("versions/r1.sql:6")), "{lacks_es:?}");
    browser.goto(&studio.url).await.unwrap();
    let badge = element(&browser, "[data-environment=prod] [data-test=postgres-version]").await;
    assert_eq!(badge.attr("title").await.unwrap().as_deref(), Some("la versión de PostgreSQL del servidor"));
    element(&browser, "[data-test=language]").await.select_by_value("en").await.unwrap();
    browser.close().await.unwrap();
    drop(targets);
}
