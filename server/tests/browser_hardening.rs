//! The hardened studio in headless Chromium: it works under its Content-Security-Policy; a
//! name from `strata.toml` full of URL syntax reaches the API as one encoded path segment; the
//! audit page reads a long log a page at a time and keeps its filters.

use crate::support;

use fantoccini::{Client, Locator};
use sqlx::{Connection, PgConnection};
use std::time::Duration;
use strata_server::sandbox;
use support::Studio;
use support::chrome::{ChromeDriver, count, element, sign_in, until_count};
use support::targets::{Targets, sample_copy};

/// Every URL the page has fetched, from the browser's own record.
async fn requested_urls(browser: &Client) -> Vec<String> {
    let urls =
        browser.execute("return performance.getEntriesByType('resource').map(e => e.name);", vec![]).await.unwrap();
    urls.as_array().unwrap().iter().map(|u| u.as_str().unwrap().to_owned()).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_environment_named_with_url_syntax_reaches_the_api_as_one_encoded_segment() {
    let state = support::state_dir();
    // `/`, `?` and `#` would each make another request of the path if sent as they are.
    let name = "eu/west?x=1#a";
    let (studio, _targets) = tokio::task::block_in_place(|| {
        let targets = Targets::start(state.path(), &["prod"]);
        let config = state.path().join("strata.toml");
        let toml = format!("[environments.\"{name}\"]\nurl_env = \"PROD_URL\"\nprotected = true\n");
        std::fs::write(&config, toml).unwrap();
        let studio = Studio::start_with(&sample_copy(state.path()), state.path(), &config, &targets.env());
        (studio, targets)
    });
    let driver = ChromeDriver::start();
    let browser = driver.browser(&state.path().join("chromium")).await;
    // Signing in at all means the wasm module ran under the studio's CSP.
    sign_in(&browser, &studio.url, "admin").await;

    let encoded = "eu%2Fwest%3Fx%3D1%23a";
    browser.goto(&format!("{}/run?env={encoded}&op=upgrade&target=heads", studio.url)).await.unwrap();
    element(&browser, "[data-test=preview]").await.click().await.unwrap();
    element(&browser, "[data-test=plan]").await;
    // The proposals of the environment loaded (the button shows only then), and proposing works.
    element(&browser, "[data-test=propose]").await.click().await.unwrap();
    element(&browser, "[data-test=proposal]").await;
    assert_eq!(count(&browser, "[data-test=approval-error]").await, 0);

    let urls = requested_urls(&browser).await;
    let proposals: Vec<&String> = urls.iter().filter(|u| u.contains("/proposals")).collect();
    assert!(proposals.iter().any(|u| u.ends_with(&format!("/api/environments/{encoded}/proposals"))), "{proposals:?}");
    assert!(urls.iter().all(|u| !u.contains("/api/environments/eu/")), "an unencoded segment: {urls:?}");

    // A relative target typed into the form goes through the URL and comes back as typed (`+`
    // is not a space), with the environment's name intact beside it.
    let target = element(&browser, "[data-test=run-target]").await;
    target.clear().await.unwrap();
    target.send_keys("+2").await.unwrap();
    element(&browser, "h1").await.click().await.unwrap(); // leaving the field commits it
    let mut query = String::new();
    for _ in 0..100 {
        query = browser.current_url().await.unwrap().query().unwrap_or_default().to_string();
        if query.contains("target=%2B2") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(query, format!("env={encoded}&op=upgrade&target=%2B2"));
    element(&browser, "[data-test=preview]").await.click().await.unwrap();
    element(&browser, "[data-test=plan]").await;
    assert_eq!(count(&browser, ".plan-steps > li").await, 2, "two revisions up from base");
    assert_eq!(count(&browser, "[data-test=error]").await, 0);
    browser.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn the_audit_page_reads_a_long_log_a_page_at_a_time_and_keeps_its_filters() {
    let state = support::state_dir();
    let studio = tokio::task::block_in_place(|| Studio::start(&support::sample_migrations(), state.path()));
    let options = sandbox::running_state_options(state.path()).await.unwrap().unwrap();
    let mut db = PgConnection::connect_with(&options).await.unwrap();
    sqlx::raw_sql(
        "INSERT INTO strata.audit (actor, action, subject, detail)
         SELECT 'ann', 'comment', '1e6a8c0e2b4d', 'thread ' || i FROM generate_series(1, 150) i;
         INSERT INTO strata.audit (actor, action, environment, detail)
         SELECT 'bob', 'run', 'sandbox', 'run ' || i FROM generate_series(1, 100) i;",
    )
    .execute(&mut db)
    .await
    .unwrap();
    let driver = ChromeDriver::start();
    let browser = driver.browser(&state.path().join("chromium")).await;
    sign_in(&browser, &studio.url, "admin").await;
    let rows = "[data-test=audit-entry]";

    // Newest first, a hundred at a time: bob's runs, then ann's comments.
    browser.goto(&format!("{}/audit", studio.url)).await.unwrap();
    until_count(&browser, rows, 100).await;
    element(&browser, "[data-test=audit-older]").await.click().await.unwrap();
    until_count(&browser, rows, 200).await;
    element(&browser, "[data-test=audit-older]").await.click().await.unwrap();
    // and the first-run link the studio offered before the admin existed, the admin's
    // user-add, token-create and sign-in
    let total = 250 + 4;
    until_count(&browser, rows, total).await;
    assert_eq!(count(&browser, "[data-test=audit-older]").await, 0, "no older entries");

    // A filter goes into the URL, the pages and the exports.
    element(&browser, "[data-test=filter-actor]").await.send_keys("ann").await.unwrap();
    element(&browser, "[data-test=filter-apply]").await.click().await.unwrap();
    until_count(&browser, rows, 100).await;
    assert_eq!(browser.current_url().await.unwrap().query(), Some("actor=ann"));
    element(&browser, "[data-test=audit-older]").await.click().await.unwrap();
    until_count(&browser, rows, 150).await;
    let actions = browser.find_all(Locator::Css("[data-test=audit-entry][data-action=comment]")).await.unwrap();
    assert_eq!(actions.len(), 150, "only ann's comments");
    let csv = element(&browser, "[data-test=export-csv]").await.attr("href").await.unwrap().unwrap();
    assert_eq!(csv, "/api/audit?actor=ann&format=csv");
    browser.close().await.unwrap();
}
