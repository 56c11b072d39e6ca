//! Debian's chromium, driven over WebDriver (chromedriver), for the browser tests and the
//! benchmarks that measure the studio in a real browser.

use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Debian's chromedriver on a free port, killed on drop.
pub struct ChromeDriver {
    child: Child,
    url: String,
}

impl ChromeDriver {
    pub fn start() -> Self {
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        // Its own process group: dropping the driver then ends the browsers it started too,
        // even when a test fails before closing its session.
        let child = Command::new(std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into()))
            .arg(format!("--port={port}"))
            .process_group(0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver runs (scripts/setup installs Debian's chromium-driver)");
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not listen on {port}");
            std::thread::sleep(Duration::from_millis(50));
        }
        Self { child, url: format!("http://127.0.0.1:{port}") }
    }

    /// A headless Chromium whose profile lives in `profile_dir`.
    pub async fn browser(&self, profile_dir: &Path) -> Client {
        let capabilities = serde_json::json!({
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--no-first-run", "--window-size=1280,900",
                    format!("--user-data-dir={}", profile_dir.display()),
                ],
            }
        });
        let serde_json::Value::Object(capabilities) = capabilities else { unreachable!() };
        ClientBuilder::new(HttpConnector::new()).capabilities(capabilities).connect(&self.url).await.unwrap()
    }
}

/// The first element matching `css`, waited for up to a minute (the page fetches first); a
/// panic naming `css` and showing the page's text if none comes.
pub async fn element(browser: &Client, css: &str) -> fantoccini::elements::Element {
    let wait = browser.wait().at_most(Duration::from_secs(60));
    match wait.for_element(fantoccini::Locator::Css(css)).await {
        Ok(element) => element,
        Err(error) => {
            let body = browser.find(fantoccini::Locator::Css("body")).await;
            let page = match body {
                Ok(body) => body.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            panic!("{css}: {error}; the page shows:\n{page}")
        }
    }
}

/// How many elements match `css` now.
pub async fn count(browser: &Client, css: &str) -> usize {
    browser.find_all(fantoccini::Locator::Css(css)).await.unwrap().len()
}

/// Waits up to half a minute until `css` matches exactly `expected` elements.
pub async fn until_count(browser: &Client, css: &str, expected: usize) {
    for _ in 0..300 {
        if count(browser, css).await == expected {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css}: {} elements, expected {expected}", count(browser, css).await);
}

/// Saves what the browser shows as `test-artifacts/NAME.png`, for a person to look at.
pub async fn screenshot(browser: &Client, name: &str) {
    let dir = super::workspace_root().join("test-artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("{name}.png")), browser.screenshot().await.unwrap()).unwrap();
}

/// Signs `name` (password `super::PASSWORD`) in through the sign-in page, as a person would.
pub async fn sign_in(browser: &Client, base: &str, name: &str) {
    use fantoccini::Locator;
    let wait = Duration::from_secs(30);
    browser.goto(base).await.unwrap();
    let field = browser.wait().at_most(wait).for_element(Locator::Css("[data-test=sign-in-name]")).await.unwrap();
    field.send_keys(name).await.unwrap();
    browser.find(Locator::Css("[data-test=sign-in-password]")).await.unwrap().send_keys(super::PASSWORD).await.unwrap();
    browser.find(Locator::Css("[data-test=sign-in-submit]")).await.unwrap().click().await.unwrap();
    browser.wait().at_most(wait).for_element(Locator::Css("[data-test=who]")).await.unwrap();
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        // SAFETY: plain kill(2) of the process group chromedriver leads.
        unsafe {
            libc::kill(-(self.child.id() as i32), libc::SIGKILL);
        }
        let _ = self.child.wait();
    }
}

/// The overview's own figures for the benchmarks, best of `runs` page loads: the analysis's
/// milliseconds (on the server, `/api/analysis`), wasm heap bytes, and milliseconds from the
/// project's arrival to the drawn history graph.
pub async fn overview_figures(project: &Path, runs: usize) -> (f64, f64, f64) {
    let state = super::state_dir();
    let studio = super::Studio::start(project, state.path());
    let driver = ChromeDriver::start();
    let browser = driver.browser(&state.path().join("chromium")).await;
    sign_in(&browser, &studio.url, "admin").await;
    let (mut best, mut memory, mut drawn) = (f64::MAX, 0.0f64, f64::MAX);
    for _ in 0..runs {
        browser.goto(&studio.url).await.unwrap();
        let status = browser
            .wait()
            .at_most(Duration::from_secs(300))
            .for_element(fantoccini::Locator::Css("[data-test=analysis]"))
            .await
            .expect("the overview finishes its analysis");
        let number = |value: Option<String>| value.unwrap_or_default().parse::<f64>().unwrap();
        best = best.min(number(status.attr("data-analysis-ms").await.unwrap()));
        memory = memory.max(number(status.attr("data-wasm-memory-bytes").await.unwrap()));
        let graph = browser.find(fantoccini::Locator::Css("[data-test=revision-list][data-drawn-ms]")).await.unwrap();
        drawn = drawn.min(number(graph.attr("data-drawn-ms").await.unwrap()));
    }
    browser.close().await.unwrap();
    (best, memory, drawn)
}
