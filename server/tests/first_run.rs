//! The first run in one click: with no account and a loopback address, `strata serve` prints a
//! one-time link whose form creates the first admin. The link works once, expires, and is
//! refused once an account exists; in Chromium it creates the admin and signs them in.

use crate::support;

use fantoccini::Locator;
use serde_json::json;
use std::time::Duration;
use support::Studio;
use support::chrome::ChromeDriver;

/// The printed link (whole URL) and its token.
fn printed_link(studio: &Studio) -> (String, String) {
    let line = (0..3)
        .filter_map(|_| studio.stdout_line(Duration::from_secs(10)))
        .find(|line| line.starts_with("First run: "))
        .expect("strata serve prints a first-run link");
    let url = line.split_whitespace().find(|word| word.starts_with("http://")).unwrap().to_owned();
    let token = url.split_once("token=").unwrap().1.to_owned();
    (url, token)
}

fn create(studio: &Studio, token: &str, name: &str, password: &str) -> support::Response {
    let body = json!({ "token": token, "name": name, "password": password });
    support::http(&studio.url, "POST", "/api/auth/first-admin", &[], Some(&body))
}

/// The audit log as CSV, read with a session's cookie.
fn audit_log(studio: &Studio, cookie: &str) -> String {
    support::http(&studio.url, "GET", "/api/audit?format=csv", &[("Cookie", cookie)], None).body
}

#[test]
fn the_link_creates_the_first_admin_once() {
    let state = support::state_dir();
    let config = state.path().join("strata.toml");
    let studio = Studio::start_without_accounts(&support::sample_migrations(), state.path(), &config, &[]);
    let (url, token) = printed_link(&studio);
    assert!(url.starts_with(&format!("{}/first-run?token=", studio.url)), "{url}");

    // A wrong token, and a password too short, create nothing; the link stays usable.
    assert_eq!(create(&studio, "0000", "ana", support::PASSWORD).status, 403);
    let short = create(&studio, &token, "ana", "short");
    assert_eq!(short.status, 400, "{}", short.body);
    assert!(short.body.contains("too short"), "{}", short.body);

    let created = create(&studio, &token, "ana", support::PASSWORD);
    assert_eq!(created.status, 200, "{}", created.body);
    let me: serde_json::Value = serde_json::from_str(&created.body).unwrap();
    assert_eq!((me["name"].as_str(), me["role"].as_str()), (Some("ana"), Some("admin")));
    let cookie = created.header("set-cookie").expect("signed in").split(';').next().unwrap().to_owned();
    let status = support::http(&studio.url, "GET", "/api/auth/status", &[("Cookie", &cookie)], None);
    assert!(status.body.contains("\"name\":\"ana\""), "the session is live: {}", status.body);

    // Used: refused, and nobody else is made admin by it.
    let again = create(&studio, &token, "eve", support::PASSWORD);
    assert_eq!(again.status, 403, "{}", again.body);
    let users = studio.cli(&["user", "list"]).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&users.stdout).trim(), "ana\tadmin");
    let log = audit_log(&studio, &cookie);
    for action in ["first-run-link", "first-admin", "first-admin-refused"] {
        assert!(log.contains(action), "audited {action}: {log}");
    }
}

#[test]
fn the_link_expires() {
    let state = support::state_dir();
    let config = state.path().join("strata.toml");
    std::fs::write(&config, "[auth]\nfirst_run_link_seconds = 1\n").unwrap();
    let studio = Studio::start_without_accounts(&support::sample_migrations(), state.path(), &config, &[]);
    let (_, token) = printed_link(&studio);
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(create(&studio, &token, "ana", support::PASSWORD).status, 403);
}

#[test]
fn the_link_is_refused_once_an_account_exists() {
    let state = support::state_dir();
    let config = state.path().join("strata.toml");
    let studio = Studio::start_without_accounts(&support::sample_migrations(), state.path(), &config, &[]);
    let (_, token) = printed_link(&studio);
    studio.add_user("bob", "viewer");
    let refused = create(&studio, &token, "ana", support::PASSWORD);
    assert_eq!(refused.status, 409, "{}", refused.body);
    let users = studio.cli(&["user", "list"]).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&users.stdout).trim(), "bob\tviewer");

    // Started again with an account, the studio prints no link.
    drop(studio);
    let studio = Studio::start_without_accounts(&support::sample_migrations(), state.path(), &config, &[]);
    let lines: Vec<String> = std::iter::from_fn(|| studio.stdout_line(Duration::from_secs(2))).collect();
    assert!(lines.iter().all(|line| !line.starts_with("First run")), "{lines:?}");
}

#[tokio::test]
async fn chromium_opens_the_printed_link_and_is_signed_in_as_the_new_admin() {
    assert!(support::workspace_root().join("dist/index.html").is_file(), "build the frontend first");
    let state = support::state_dir();
    let config = state.path().join("strata.toml");
    let studio = Studio::start_without_accounts(&support::sample_migrations(), state.path(), &config, &[]);
    let (url, _) = printed_link(&studio);
    let driver = ChromeDriver::start();
    let browser = driver.browser(&state.path().join("chromium")).await;
    browser.goto(&url).await.unwrap();
    let wait = Duration::from_secs(30);
    let name = browser.wait().at_most(wait).for_element(Locator::Css("[data-test=first-admin-name]")).await.unwrap();
    name.clear().await.unwrap();
    name.send_keys("ana").await.unwrap();
    for field in ["first-admin-password", "first-admin-again"] {
        let input = browser.find(Locator::Css(&format!("[data-test={field}]"))).await.unwrap();
        input.send_keys(support::PASSWORD).await.unwrap();
    }
    browser.find(Locator::Css("[data-test=first-admin-submit]")).await.unwrap().click().await.unwrap();
    let who = browser.wait().at_most(wait).for_element(Locator::Css("[data-test=who]")).await.unwrap();
    assert!(who.text().await.unwrap().contains("ana"));
    let address = browser.current_url().await.unwrap();
    assert!(!address.as_str().contains("token="), "the link leaves the address bar: {address}");
    browser.close().await.unwrap();
}
