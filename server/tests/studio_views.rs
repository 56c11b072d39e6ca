//! Every view of the studio end to end in headless Chromium, on the sample: the history
//! graph, compare, schema with blame, the walkthrough, language and theme, a plan run on the
//! sandbox (and a failing one), and live reload. Screenshots land in `test-artifacts/`.

use crate::support;

use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use std::collections::BTreeSet;
use std::time::Duration;
use support::Studio;
use support::chrome::{ChromeDriver, element, screenshot};

const WAIT: Duration = Duration::from_secs(30);

async fn attrs(browser: &Client, css: &str, attribute: &str) -> Vec<String> {
    let mut values = Vec::new();
    for element in browser.find_all(Locator::Css(css)).await.unwrap() {
        values.push(element.attr(attribute).await.unwrap().unwrap_or_default());
    }
    values
}

fn json(studio: &Studio, path: &str) -> serde_json::Value {
    let (status, body) = studio.get(path);
    assert_eq!(status, 200, "{path}: {body}");
    serde_json::from_str(&body).unwrap()
}

#[tokio::test]
async fn history_compare_schema_walkthrough_language_and_theme() {
    let state = support::state_dir();
    let studio = Studio::start(&support::sample_migrations(), state.path());
    let driver = ChromeDriver::start();
    let browser = driver.browser(&state.path().join("chromium")).await;
    support::chrome::sign_in(&browser, &studio.url, "admin").await;

    // The history graph: every revision, the head, both merges, the depends_on edge.
    browser.goto(&studio.url).await.unwrap();
    element(&browser, "[data-test=revision-list][data-drawn-ms]").await;
    element(&browser, "[data-test=analysis]").await;
    let rows = attrs(&browser, ".history-row", "data-revision").await;
    let project = json(&studio, "/api/project");
    let ids: Vec<String> =
        project["revisions"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(rows, ids, "one row per revision, newest first");
    assert_eq!(attrs(&browser, ".history-row .tag.head", "class").await.len(), 1);
    let merges: BTreeSet<String> = {
        let mut found = BTreeSet::new();
        for row in browser.find_all(Locator::Css(".history-row")).await.unwrap() {
            if row.find(Locator::Css(".tag.merge")).await.is_ok() {
                found.insert(row.attr("data-revision").await.unwrap().unwrap());
            }
        }
        found
    };
    assert_eq!(merges, BTreeSet::from(["c8f1a3b5d7e9".to_owned(), "f4b6d8f0a2c4".to_owned()]));
    assert_eq!(browser.find_all(Locator::Css("circle.node.merge")).await.unwrap().len(), 2);
    assert_eq!(browser.find_all(Locator::Css("path.edge.dependency")).await.unwrap().len(), 1, "e1a2 depends on 5d02");
    let lanes: BTreeSet<String> = attrs(&browser, ".history-row", "data-lane").await.into_iter().collect();
    assert!(lanes.len() >= 2, "branches take lanes: {lanes:?}");
    assert!(browser.find_all(Locator::Css("[data-environment-marker]")).await.unwrap().is_empty(), "sandbox at base");
    screenshot(&browser, "history-graph").await;

    // Search: matches by message.
    let search = element(&browser, "[data-test=search]").await;
    search.send_keys("invoice").await.unwrap();
    let expected = project["revisions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["message"].as_str().unwrap_or_default().to_lowercase().contains("invoice"))
        .count();
    let count = element(&browser, "[data-test=match-count]").await.text().await.unwrap();
    assert_eq!(count, format!("{expected} matches"));
    assert_eq!(browser.find_all(Locator::Css(".history-row:not(.dimmed)")).await.unwrap().len(), expected);
    // The search is in the URL: a reload keeps it.
    assert_eq!(browser.current_url().await.unwrap().query(), Some("q=invoice"));
    browser.refresh().await.unwrap();
    let count = element(&browser, "[data-test=match-count]").await.text().await.unwrap();
    assert_eq!(count, format!("{expected} matches"), "after a reload");
    // A click on a row opens its revision.
    browser.find(Locator::Css("[data-revision='e1a2b3c4d5e6'] .message")).await.unwrap().click().await.unwrap();
    element(&browser, "[data-revision='e1a2b3c4d5e6'][class=revision]").await;
    assert_eq!(browser.current_url().await.unwrap().path(), "/revisions/e1a2b3c4d5e6");

    // Compare two revisions: the wasm diff equals the server's, with the revisions between.
    browser.goto(&format!("{}/compare?from=5d02c7b4e3f1&to=1e6a8c0e2b4d", studio.url)).await.unwrap();
    element(&browser, "[data-test=compare-changes]").await;
    let in_wasm: Vec<String> = attrs(&browser, "[data-test=compare-changes] [data-test=change]", "data-name").await;
    let native = json(&studio, "/api/diff?from=5d02c7b4e3f1&to=1e6a8c0e2b4d");
    let expected: Vec<String> =
        native["changes"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap().to_owned()).collect();
    assert_eq!(in_wasm, expected);
    assert!(in_wasm.iter().any(|n| n == "customer.owner_id"), "{in_wasm:?}");
    let between = attrs(&browser, "[data-test=between]", "data-revision").await;
    assert_eq!(between.last().map(String::as_str), Some("1e6a8c0e2b4d"), "{between:?}");
    let sql = browser.find(Locator::Css("[data-test=compare-sql]")).await.unwrap().html(true).await.unwrap();
    assert!(sql.contains("ALTER TABLE customer ALTER COLUMN owner_id SET NOT NULL"), "{sql}");
    screenshot(&browser, "compare").await;

    // The schema at a revision, with blame and the diagram.
    browser.goto(&format!("{}/schema?at=c25e7a9b1d3f", studio.url)).await.unwrap();
    let blame = element(&browser, "[data-table=supplier] [data-column=tax_id] [data-test=blame]").await;
    assert_eq!(blame.attr("data-created-by").await.unwrap().as_deref(), Some("9a6e0c4b8d21"));
    assert!(blame.text().await.unwrap().contains("c25e7a9b1d3f"), "renamed by c25e");
    let tables = json(&studio, "/api/schema?at=c25e7a9b1d3f")["schema"]["tables"].as_object().unwrap().len();
    assert_eq!(browser.find_all(Locator::Css("[data-test=diagram] g.table-box")).await.unwrap().len(), tables);
    assert!(!browser.find_all(Locator::Css("[data-test=diagram] path.foreign-key")).await.unwrap().is_empty());
    screenshot(&browser, "schema").await;

    // The walkthrough: arrow keys and buttons, in upgrade order.
    let mut upgrade_order: Vec<String> = json(&studio, "/api/models")
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["revision"].as_str().unwrap().to_owned())
        .collect();
    upgrade_order.reverse();
    browser.goto(&format!("{}/walkthrough?step=1", studio.url)).await.unwrap();
    let step = |n: usize| format!("[data-test=walkthrough][data-step='{n}'][data-revision='{}']", upgrade_order[n - 1]);
    element(&browser, &step(1)).await;
    assert!(!browser.find_all(Locator::Css("g.table-box.changed")).await.unwrap().is_empty(), "step 1 makes a table");
    browser.find(Locator::Css("body")).await.unwrap().send_keys(&Key::Right.to_string()).await.unwrap();
    element(&browser, &step(2)).await;
    browser.find(Locator::Css("[data-test=next]")).await.unwrap().click().await.unwrap();
    element(&browser, &step(3)).await;
    browser.find(Locator::Css("body")).await.unwrap().send_keys(&Key::Left.to_string()).await.unwrap();
    element(&browser, &step(2)).await;
    screenshot(&browser, "walkthrough").await;

    // An Alembic script: each function beside the SQL rendered from it, lines linked both ways.
    browser.goto(&format!("{}/revisions/6d1f3b5e7a9c", studio.url)).await.unwrap();
    let python = element(&browser, "[data-script-section=upgrade] [data-test=python-source]").await;
    assert!(python.text().await.unwrap().contains("op.create_table("));
    let rendered = element(&browser, "[data-script-section=upgrade] [data-section=upgrade] .listing").await;
    let rendered = rendered.text().await.unwrap();
    assert!(rendered.contains("CREATE TYPE shipment_status AS ENUM ('pending', 'packed', 'shipped', 'delivered')"));
    assert!(rendered.contains("ALTER TABLE sales_order ADD COLUMN delivery_notes TEXT"), "{rendered}");
    // Pointing at the rendered ALTER TABLE marks the Python line of its op.add_column.
    browser
        .execute(
            "document.querySelector(\"[data-section=upgrade] .line[data-line='36']\").dispatchEvent(new MouseEvent('mouseenter'))",
            vec![],
        )
        .await
        .unwrap();
    element(&browser, "[data-test=python-source] .line.linked[data-line='36']").await;
    screenshot(&browser, "alembic-script").await;

    // Spanish, kept across a reload; then English again.
    browser.goto(&studio.url).await.unwrap();
    element(&browser, "[data-test=language]").await.select_by_value("es").await.unwrap();
    browser.wait().at_most(WAIT).for_element(Locator::XPath("//nav//a[text()='Comparar']")).await.unwrap();
    browser.refresh().await.unwrap();
    browser.wait().at_most(WAIT).for_element(Locator::XPath("//nav//a[text()='Comparar']")).await.unwrap();
    element(&browser, "[data-test=analysis]").await;
    screenshot(&browser, "history-graph-es").await;
    browser.goto(&format!("{}/revisions/1e6a8c0e2b4d", studio.url)).await.unwrap();
    let why = element(&browser, "[data-rule=setting-not-null] .why").await.html(true).await.unwrap();
    assert!(why.contains("Por qué:") && why.contains("recorre toda la tabla"), "the rule explained in Spanish: {why}");
    browser.goto(&studio.url).await.unwrap();
    element(&browser, "[data-test=language]").await.select_by_value("en").await.unwrap();
    browser.wait().at_most(WAIT).for_element(Locator::XPath("//nav//a[text()='Compare']")).await.unwrap();

    // The dark theme.
    element(&browser, "[data-test=theme]").await.click().await.unwrap();
    element(&browser, "html[data-theme=dark]").await;
    screenshot(&browser, "history-graph-dark").await;
    browser.close().await.unwrap();
}

#[tokio::test]
async fn a_plan_runs_on_the_sandbox_and_the_marker_moves() {
    let state = support::state_dir();
    let studio = Studio::start(&support::sample_migrations(), state.path());
    let driver = ChromeDriver::start();
    let browser = driver.browser(&state.path().join("chromium")).await;
    support::chrome::sign_in(&browser, &studio.url, "admin").await;

    browser.goto(&format!("{}/run?env=sandbox&op=upgrade&target=4b8e2f1c9a07", studio.url)).await.unwrap();
    element(&browser, "[data-test=preview]").await.click().await.unwrap();
    element(&browser, "[data-test=plan]").await;
    let steps = attrs(&browser, "[data-test=plan-step]", "data-revision").await;
    let plan = serde_json::from_str::<serde_json::Value>(
        &studio
            .post(
                "/api/plans",
                &serde_json::json!({"environment": "sandbox", "operation": "upgrade", "target": "4b8e2f1c9a07"}),
            )
            .1,
    )
    .unwrap();
    let expected: Vec<String> =
        plan["plan"]["steps"].as_array().unwrap().iter().map(|s| s["revision"].as_str().unwrap().to_owned()).collect();
    assert_eq!(steps, expected);
    element(&browser, "[data-test=risks]").await;
    let sql = browser.find(Locator::Css("[data-test=plan-sql]")).await.unwrap().html(true).await.unwrap();
    assert!(sql.contains("CREATE TABLE account"), "the exact SQL");

    let run = browser.find(Locator::Css("[data-test=run]")).await.unwrap();
    let confirm = browser.find(Locator::Css("[data-test=confirm-name]")).await.unwrap();
    confirm.send_keys("sandbo").await.unwrap();
    assert!(run.attr("disabled").await.unwrap().is_some(), "not until the name is typed");
    confirm.send_keys("x").await.unwrap();
    assert!(run.attr("disabled").await.unwrap().is_none(), "enabled by the exact name");
    screenshot(&browser, "plan").await;
    run.click().await.unwrap();
    let outcome = element(&browser, "[data-test=outcome]").await;
    assert_eq!(outcome.attr("data-status").await.unwrap().as_deref(), Some("succeeded"));
    let states: BTreeSet<String> =
        attrs(&browser, "[data-test=progress-step]", "data-state").await.into_iter().collect();
    assert_eq!(states, BTreeSet::from(["done".to_owned()]), "every step reported done, live");
    screenshot(&browser, "run-finished").await;

    browser.goto(&studio.url).await.unwrap();
    let marker = element(&browser, "[data-revision='4b8e2f1c9a07'] [data-environment-marker=sandbox]").await;
    assert!(marker.text().await.unwrap().contains("sandbox"));
    browser.goto(&format!("{}/revisions/1975ea83b712", studio.url)).await.unwrap();
    let applied = element(&browser, "[data-test=applied-in]").await.text().await.unwrap();
    assert_eq!(applied, "sandbox");
    browser.close().await.unwrap();
}

#[tokio::test]
async fn a_failing_run_points_at_its_line_and_live_reload_shows_new_files() {
    let state = support::state_dir();
    let project = tempfile::tempdir().unwrap();
    let versions = project.path().join("versions");
    std::fs::create_dir_all(&versions).unwrap();
    for entry in std::fs::read_dir(support::workspace_root().join("server/tests/fixtures/failing/versions")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, versions.join(path.file_name().unwrap())).unwrap();
    }
    let studio = Studio::start(project.path(), state.path());
    let driver = ChromeDriver::start();
    let browser = driver.browser(&state.path().join("chromium")).await;
    support::chrome::sign_in(&browser, &studio.url, "admin").await;

    browser.goto(&format!("{}/run?env=sandbox&op=upgrade&target=heads", studio.url)).await.unwrap();
    element(&browser, "[data-test=preview]").await.click().await.unwrap();
    element(&browser, "[data-test=confirm-name]").await.send_keys("sandbox").await.unwrap();
    browser.find(Locator::Css("[data-test=run]")).await.unwrap().click().await.unwrap();
    let outcome = element(&browser, "[data-test=outcome]").await;
    assert_eq!(outcome.attr("data-status").await.unwrap().as_deref(), Some("failed"));
    assert!(outcome.text().await.unwrap().contains("22P02"), "PostgreSQL's SQLSTATE");
    let states = attrs(&browser, "[data-test=progress-step]", "data-state").await;
    assert_eq!(states.first().map(String::as_str), Some("done"));
    assert!(states.iter().any(|s| s == "failed"), "{states:?}");
    screenshot(&browser, "run-failed").await;
    element(&browser, "[data-test=failure-place]").await.click().await.unwrap();
    let line = element(&browser, "[data-section=upgrade] .line.highlighted").await;
    assert_eq!(line.attr("data-line").await.unwrap().as_deref(), Some("9"));
    assert!(line.text().await.unwrap().contains("'two'"));

    // A new file in the folder shows up without a reload.
    browser.goto(&studio.url).await.unwrap();
    element(&browser, "[data-revision=c3]").await;
    std::fs::write(
        versions.join("d4_add_notes.sql"),
        "-- revision: d4\n-- revises: c3\n-- message: add notes\n-- strata:upgrade\nALTER TABLE warehouse ADD COLUMN notes text;\n\
         -- strata:downgrade\nALTER TABLE warehouse DROP COLUMN notes;\n",
    )
    .unwrap();
    element(&browser, "[data-test=reloaded]").await;
    element(&browser, "[data-revision=d4] .tag.head").await;
    browser.close().await.unwrap();
}

#[tokio::test]
async fn no_view_overflows_sideways_at_common_screen_sizes() {
    let state = support::state_dir();
    let studio = Studio::start(&support::sample_migrations(), state.path());
    let driver = ChromeDriver::start();
    let browser = driver.browser(&state.path().join("chromium")).await;
    support::chrome::sign_in(&browser, &studio.url, "admin").await;
    let views = [
        ("/", "[data-test=analysis]"),
        ("/revisions/1e6a8c0e2b4d", "[data-section=downgrade]"),
        ("/revisions/6d1f3b5e7a9c", "[data-script-section=downgrade]"),
        ("/compare?from=base&to=heads", "[data-test=compare-changes]"),
        ("/schema?at=heads", "[data-test=diagram]"),
        ("/walkthrough?step=5", "[data-test=walkthrough]"),
        ("/run?env=sandbox", "[data-test=preview]"),
        ("/audit", "[data-test=audit]"),
    ];
    for (width, height) in [(1280, 800), (1920, 1080)] {
        browser.set_window_size(width, height).await.unwrap();
        for (path, ready) in views {
            browser.goto(&format!("{}{path}", studio.url)).await.unwrap();
            element(&browser, ready).await;
            let overflow = browser
                .execute("return document.documentElement.scrollWidth - document.documentElement.clientWidth", vec![])
                .await
                .unwrap();
            assert_eq!(overflow.as_i64(), Some(0), "{path} at {width}×{height} scrolls sideways");
        }
    }
    browser.close().await.unwrap();
}
