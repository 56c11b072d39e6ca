//! End to end in headless Chromium: the studio lists the revisions and the problems of a
//! folder, and shows PostgreSQL's syntax error at its line, computed by the parser in wasm.

use crate::support;

use fantoccini::{Client, Locator};
use sqlx::PgPool;
use sqlx::postgres::PgConnectOptions;
use std::path::Path;
use std::process::Command;
use std::time::Duration;
use support::Studio;
use support::chrome::{ChromeDriver, screenshot};

async fn text_of(browser: &Client, css: &str) -> String {
    browser.wait().at_most(Duration::from_secs(20)).for_element(Locator::Css(css)).await.unwrap().text().await.unwrap()
}

/// Connects to the studio's sandbox environment the way a user's tool would, as its role.
async fn sandbox_pool(state: &Path) -> PgPool {
    let pid_file = std::fs::read_to_string(state.join("sandbox/data/postmaster.pid")).unwrap();
    let port: u16 = pid_file.lines().nth(3).unwrap().trim().parse().unwrap();
    let password = std::fs::read_to_string(state.join("sandbox/target_password")).unwrap();
    let options = PgConnectOptions::new()
        .host("127.0.0.1")
        .port(port)
        .username("strata_sandbox")
        .password(password.trim())
        .database("sandbox");
    PgPool::connect_with(options).await.unwrap()
}

/// The address of everything the page has fetched so far.
async fn fetched(browser: &Client) -> Vec<String> {
    let names = browser
        .execute("return performance.getEntriesByType('resource').map(entry => entry.name)", vec![])
        .await
        .unwrap();
    serde_json::from_value(names).unwrap()
}

#[tokio::test]
async fn the_studio_shows_revisions_problems_and_a_syntax_error_located_in_wasm() {
    assert!(
        support::workspace_root().join("dist/index.html").is_file(),
        "the frontend is not built: run `trunk build --release` first (scripts/test does)"
    );
    let state = support::state_dir();
    let studio = Studio::start(&support::broken_fixture(), state.path());
    let driver = ChromeDriver::start();
    let browser = driver.browser(&state.path().join("chromium")).await;
    support::chrome::sign_in(&browser, &studio.url, "admin").await;

    browser.goto(&studio.url).await.unwrap();
    let list = text_of(&browser, "[data-test=revision-list]").await;
    for id in ["a1b2c3d4e5f6", "b2c3d4e5f6a1"] {
        assert!(list.contains(id), "revision {id} is in the graph: {list}");
    }
    let problems = text_of(&browser, "[data-test=diagnostics]").await;
    assert!(problems.contains("versions/c3d4e5f6a1b2_malformed_header.sql:3"), "{problems}");
    assert!(problems.contains("unknown header key `author`"), "{problems}");
    assert!(problems.contains("no downgrade section"), "{problems}");
    assert!(problems.contains("versions/e5f6a1b2c3d4_dangling_parent.sql:2"), "{problems}");
    let left_out = text_of(&browser, "tr.excluded[data-revision=e5f6a1b2c3d4]").await;
    assert!(left_out.contains("left out") && left_out.contains("which no file defines"), "{left_out}");
    let sandbox = text_of(&browser, "[data-environment=sandbox]").await;
    assert!(sandbox.contains("at base"), "{sandbox}");
    screenshot(&browser, "overview-broken-fixture").await;
    // The history shows no SQL: the studio's own wasm loaded, the SQL engine's did not.
    let loaded = fetched(&browser).await;
    assert!(loaded.iter().any(|url| url.contains("/strata-frontend-")), "{loaded:?}");
    assert!(!loaded.iter().any(|url| url.contains("/engine")), "no SQL engine on the history page: {loaded:?}");

    // Client-side navigation to the revision with the typo.
    browser.find(Locator::Css("[data-revision=b2c3d4e5f6a1] a")).await.unwrap().click().await.unwrap();
    let error = browser
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css("[data-section=upgrade] [data-test=syntax-error]"))
        .await
        .unwrap();
    assert!(error.text().await.unwrap().contains(r#"syntax error at or near "INDX""#));
    assert_eq!(error.attr("data-line").await.unwrap().as_deref(), Some("9"));
    assert_eq!(error.attr("data-column").await.unwrap().as_deref(), Some("8"));
    let url = browser.current_url().await.unwrap();
    assert_eq!(url.path(), "/revisions/b2c3d4e5f6a1");
    let downgrade_errors = browser.find_all(Locator::Css("[data-section=downgrade] [data-test=syntax-error]")).await;
    assert!(downgrade_errors.unwrap().is_empty(), "the downgrade parses");
    screenshot(&browser, "revision-with-syntax-error").await;
    // PostgreSQL's parser came with the SQL engine worker, started for this page.
    let loaded = fetched(&browser).await;
    assert!(loaded.iter().any(|url| url.contains("/engine")), "the SQL engine was loaded: {loaded:?}");

    // The environment badge follows alembic_version.
    let pool = sandbox_pool(state.path()).await;
    sqlx::raw_sql(
        "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY);
         INSERT INTO alembic_version VALUES ('a1b2c3d4e5f6');",
    )
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;
    browser.goto(&studio.url).await.unwrap();
    let sandbox = text_of(&browser, "[data-environment=sandbox] .environment-state").await;
    assert_eq!(sandbox, "a1b2c3d4e5f6");

    browser.close().await.unwrap();
}

#[tokio::test]
async fn the_revision_page_shows_lint_findings_computed_in_wasm() {
    let state = support::state_dir();
    let studio = Studio::start(&support::sample_migrations(), state.path());
    let driver = ChromeDriver::start();
    let browser = driver.browser(&state.path().join("chromium")).await;
    support::chrome::sign_in(&browser, &studio.url, "admin").await;

    browser.goto(&format!("{}/revisions/1e6a8c0e2b4d", studio.url)).await.unwrap();
    let finding = browser
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css("[data-section=upgrade] [data-rule=setting-not-null]"))
        .await
        .unwrap();
    let text = finding.text().await.unwrap();
    assert!(text.contains("warning setting-not-null: column owner_id of customer becomes NOT NULL"), "{text}");
    // It sits right under the statement's line.
    let line: String = browser
        .execute(
            "return arguments[0].previousElementSibling.getAttribute('data-line')",
            vec![serde_json::to_value(&finding).unwrap()],
        )
        .await
        .unwrap()
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(line, "11");
    let rules: Vec<String> = {
        let mut found = Vec::new();
        for element in browser.find_all(Locator::Css("[data-section=upgrade] [data-test=finding]")).await.unwrap() {
            found.push(element.attr("data-rule").await.unwrap().unwrap_or_default());
        }
        found
    };
    for rule in ["changing-column-type", "index-without-concurrently", "constraint-without-not-valid"] {
        assert!(rules.iter().any(|r| r == rule), "{rule} in {rules:?}");
    }
    let kinds: Vec<String> = {
        let mut found = Vec::new();
        for element in browser.find_all(Locator::Css("[data-section=upgrade] .statements li")).await.unwrap() {
            found.push(element.attr("data-kind").await.unwrap().unwrap_or_default());
        }
        found
    };
    assert_eq!(kinds, ["dml", "ddl", "ddl", "ddl", "ddl"], "statement kinds, from the parser in wasm");
    finding.click().await.unwrap();
    screenshot(&browser, "revision-with-lint-findings").await;
    let change = browser.find(Locator::Css("[data-test=change][data-name='customer.owner_id']")).await.unwrap();
    assert_eq!(change.attr("data-action").await.unwrap().as_deref(), Some("changed"));
    assert!(change.text().await.unwrap().contains("nullable null → not null"), "the inline diff names the change");

    // The same findings as the native linter (`strata lint`), for every revision of the sample.
    let native = std::process::Command::new(env!("CARGO_BIN_EXE_strata"))
        .arg("--migrations")
        .arg(support::sample_migrations())
        .args(["lint", "--json"])
        .output()
        .unwrap();
    let native: serde_json::Value = serde_json::from_slice(&native.stdout).unwrap();
    let mut by_revision: std::collections::BTreeMap<String, Vec<(String, u64)>> = Default::default();
    for f in native["findings"].as_array().unwrap() {
        let key = f["revision"].as_str().unwrap().to_owned();
        by_revision.entry(key).or_default().push((f["rule"].as_str().unwrap().to_owned(), f["line"].as_u64().unwrap()));
    }
    let project: serde_json::Value = serde_json::from_str(&studio.get("/api/project").1).unwrap();
    let models: serde_json::Value = serde_json::from_str(&studio.get("/api/models").1).unwrap();
    let models: std::collections::BTreeMap<&str, &serde_json::Value> =
        models.as_array().unwrap().iter().map(|m| (m["revision"].as_str().unwrap(), m)).collect();
    let mut compared_changes = 0;
    for revision in project["revisions"].as_array().unwrap() {
        let id = revision["id"].as_str().unwrap();
        browser.goto(&format!("{}/revisions/{id}", studio.url)).await.unwrap();
        browser
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css("[data-section=downgrade]"))
            .await
            .unwrap();
        let mut in_wasm = Vec::new();
        for element in browser.find_all(Locator::Css("[data-test=finding]")).await.unwrap() {
            let rule = element.attr("data-rule").await.unwrap().unwrap_or_default();
            let line: u64 = element.attr("data-line").await.unwrap().unwrap_or_default().parse().unwrap();
            in_wasm.push((rule, line));
        }
        let mut expected = by_revision.remove(id).unwrap_or_default();
        expected.sort();
        in_wasm.sort();
        assert_eq!(in_wasm, expected, "revision {id}: the browser's findings equal the native linter's");

        // The schema model in wasm says what the server's says (`/api/models`).
        let mut changes_in_wasm = Vec::new();
        for element in browser.find_all(Locator::Css("[data-test=change]")).await.unwrap() {
            let attribute = |name| element.attr(name);
            let (kind, action, name) = (attribute("data-kind"), attribute("data-action"), attribute("data-name"));
            let [kind, action, name] = [kind.await, action.await, name.await].map(|a| a.unwrap().unwrap_or_default());
            changes_in_wasm.push(format!("{action} {kind} {name}"));
        }
        let native_changes: Vec<String> = models[id]["changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                format!(
                    "{} {} {}",
                    c["action"].as_str().unwrap(),
                    c["kind"].as_str().unwrap(),
                    c["name"].as_str().unwrap()
                )
            })
            .collect();
        assert_eq!(changes_in_wasm, native_changes, "revision {id}: the browser's schema changes equal the server's");
        compared_changes += native_changes.len();
    }
    assert!(compared_changes > 50, "the sample's revisions change the schema ({compared_changes} changes compared)");
    browser.close().await.unwrap();
}

#[tokio::test]
async fn a_page_says_so_when_the_sql_engine_cannot_load() {
    // The build without the engine's wasm: its loader starts, the wasm it asks for is missing.
    let dist = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(support::workspace_root().join("dist")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !(name.starts_with("engine") && name.contains("_bg.wasm")) {
            std::fs::copy(&path, dist.path().join(&name)).unwrap();
        }
    }
    let state = support::state_dir();
    let config = state.path().join("strata.toml");
    let mut command = Command::new(env!("CARGO_BIN_EXE_strata"));
    command.arg("--migrations").arg(support::sample_migrations()).arg("--config").arg(&config);
    command.args(["serve", "--port", "0", "--dist"]).arg(dist.path()).arg("--state-dir").arg(state.path());
    let studio = Studio::spawn(command, state.path(), &config);
    studio.add_user("admin", "admin");
    let driver = ChromeDriver::start();
    let browser = driver.browser(&state.path().join("chromium")).await;
    support::chrome::sign_in(&browser, &studio.url, "admin").await;

    browser.goto(&format!("{}/revisions/1e6a8c0e2b4d", studio.url)).await.unwrap();
    let error = text_of(&browser, "[data-test=engine-error]").await;
    assert!(error.contains("The SQL engine could not be loaded"), "{error}");
    // The rest of the page is there.
    let metadata = text_of(&browser, "dl.metadata").await;
    assert!(metadata.contains("1e6a8c0e2b4d_require_customer_owner.sql"), "{metadata}");
    browser.close().await.unwrap();
}
