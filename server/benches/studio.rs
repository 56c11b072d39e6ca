//! The studio on long histories: for generated histories of everyday DDL at 1,000, 2,000,
//! 10,000 and 50,000 revisions (`STRATA_STUDIO_SIZES=1000,2000` for others), the payload (plain
//! and gzip) and time of each endpoint the history page needs, first call and again, the
//! server's peak memory, and, in headless Chromium, the time from navigation to the first
//! history rows drawn. Figures, not pass/fail: `scripts/bench`.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

#[path = "../tests/support/mod.rs"]
mod support;

const ENDPOINTS: [&str; 4] = ["/api/project", "/api/environments", "/api/reviews", "/api/analysis"];

fn main() {
    let sizes: Vec<usize> = std::env::var("STRATA_STUDIO_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1_000, 2_000, 10_000, 50_000]);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    println!("| revisions | endpoint | JSON | gzip | first call | again |");
    println!("|---:|---|---:|---:|---:|---:|");
    for revisions in sizes {
        let project = tempfile::tempdir().unwrap();
        support::ddl_history::write(project.path(), 11, revisions);
        let state = support::state_dir();
        let studio = support::Studio::start(project.path(), state.path());
        for endpoint in ENDPOINTS {
            let (plain, first) = fetch(&studio, endpoint, false);
            let (gzip, again) = fetch(&studio, endpoint, true);
            println!(
                "| {revisions} | `{endpoint}` | {} | {} | {:.0} ms | {:.0} ms |",
                size(plain),
                size(gzip),
                first.as_secs_f64() * 1000.0,
                again.as_secs_f64() * 1000.0
            );
        }
        let first_rows = runtime.block_on(first_rows_ms(&studio, &state.path().join("chromium")));
        println!(
            "| {revisions} | browser: navigation → first history rows | | | {first_rows:.0} ms | |\n\
             | {revisions} | server peak memory | {:.0} MiB | | | |",
            peak_mib(studio.pid())
        );
    }
}

/// The body's size in bytes and the time to the last byte, as the admin.
fn fetch(studio: &support::Studio, path: &str, gzip: bool) -> (usize, Duration) {
    let address = studio.url.strip_prefix("http://").unwrap();
    let started = Instant::now();
    let mut stream = TcpStream::connect(address).unwrap();
    let encoding = if gzip { "Accept-Encoding: gzip\r\n" } else { "" };
    write!(
        stream,
        "GET {path} HTTP/1.0\r\nHost: {address}\r\nAuthorization: Bearer {}\r\n{encoding}\r\n",
        studio.token
    )
    .unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let elapsed = started.elapsed();
    let body_at = response.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    assert!(response.starts_with(b"HTTP/1.0 200") || response.starts_with(b"HTTP/1.1 200"), "{path}");
    (response.len() - body_at, elapsed)
}

async fn first_rows_ms(studio: &support::Studio, profile: &std::path::Path) -> f64 {
    let driver = support::chrome::ChromeDriver::start();
    let browser = driver.browser(profile).await;
    support::chrome::sign_in(&browser, &studio.url, "admin").await;
    browser.goto("about:blank").await.unwrap();
    let started = Instant::now();
    browser.goto(&studio.url).await.unwrap();
    browser
        .wait()
        .at_most(Duration::from_secs(600))
        .for_element(fantoccini::Locator::Css("[data-test=revision-list][data-drawn-ms]"))
        .await
        .expect("the history rows are drawn");
    let elapsed = started.elapsed().as_secs_f64() * 1000.0;
    browser.close().await.unwrap();
    elapsed
}

fn size(bytes: usize) -> String {
    if bytes >= 1 << 20 {
        format!("{:.1} MB", bytes as f64 / 1048576.0)
    } else {
        format!("{:.0} KB", bytes as f64 / 1024.0)
    }
}

/// The process's peak resident memory (`VmHWM`).
fn peak_mib(pid: i32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kib: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0.0);
    kib / 1024.0
}
