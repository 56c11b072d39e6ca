//! The studio switched to Spanish in headless Chromium shows the server's own words in Spanish
//! too: a proposal's blockers, a run the server refuses because the database moved since the
//! plan was shown, the sign-in page's "wrong name or password", a target spec the schema page
//! cannot resolve, and a backup that failed.

use crate::support;

use fantoccini::{Client, Locator};
use sqlx::{Connection, PgConnection};
use std::time::Duration;
use support::Studio;
use support::chrome::{ChromeDriver, sign_in};
use support::targets::{Targets, block_on, sample_copy};

const WAIT: Duration = Duration::from_secs(30);

async fn element(browser: &Client, css: &str) -> fantoccini::elements::Element {
    browser.wait().at_most(WAIT).for_element(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}"))
}

async fn text(browser: &Client, css: &str) -> String {
    element(browser, css).await.text().await.unwrap()
}

async fn preview(browser: &Client, base: &str, environment: &str) {
    browser.goto(&format!("{base}/run?env={environment}&op=upgrade&target=heads")).await.unwrap();
    element(browser, "[data-test=preview]").await.click().await.unwrap();
    element(browser, "[data-test=plan]").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_studio_in_spanish_shows_the_servers_refusals_and_errors_in_spanish() {
    let state = support::state_dir();
    let (studio, targets) = tokio::task::block_in_place(|| {
        let targets = Targets::start(state.path(), &["staging", "prod"]);
        let config = targets.config(state.path(), &[("staging", ""), ("prod", "protected = true")]);
        let studio = Studio::start_with(&sample_copy(state.path()), state.path(), &config, &targets.env());
        studio.add_user("olga", "operator");
        (studio, targets)
    });
    let base = studio.url.clone();
    let driver = ChromeDriver::start();
    let browser = driver.browser(&state.path().join("chromium-olga")).await;
    sign_in(&browser, &base, "olga").await;

    let language = element(&browser, "[data-test=language]").await;
    language.select_by_value("es").await.unwrap();
    element(&browser, "[data-test=theme]").await; // the header again, now in Spanish

    // A proposal's blockers, worded from the same catalog as the server's.
    preview(&browser, &base, "prod").await;
    element(&browser, "[data-test=propose]").await.click().await.unwrap();
    let blocker = text(&browser, "[data-test=blocker]").await;
    assert!(blocker.starts_with("0 de 1 aprobaciones"), "{blocker}");

    // The database moves after the plan was shown: the server refuses the run, in Spanish.
    preview(&browser, &base, "staging").await;
    let first = element(&browser, "[data-test=plan-step][data-index='0']").await;
    let revision = first.attr("data-revision").await.unwrap().unwrap();
    tokio::task::block_in_place(|| {
        block_on(async {
            let options = targets.sandbox.connect_options().database("staging");
            let mut conn = PgConnection::connect_with(&options).await.unwrap();
            let sql = format!(
                "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY);
                 INSERT INTO alembic_version VALUES ('{revision}');"
            );
            sqlx::raw_sql(&sql).execute(&mut conn).await.unwrap();
            conn.close().await.unwrap();
        })
    });
    element(&browser, "[data-test=confirm-name]").await.send_keys("staging").await.unwrap();
    element(&browser, "[data-test=run]").await.click().await.unwrap();
    let refused = text(&browser, "[data-test=outcome][data-status=refused]").await;
    assert!(refused.contains("desde que se mostró"), "{refused}");
    assert_eq!(tokio::task::block_in_place(|| targets.rows("staging")), [revision], "nothing ran");

    // Signed out, the sign-in page keeps the language, and so does the server's answer.
    browser.delete_all_cookies().await.unwrap();
    browser.goto(&base).await.unwrap();
    element(&browser, "[data-test=sign-in-name]").await.send_keys("olga").await.unwrap();
    element(&browser, "[data-test=sign-in-password]").await.send_keys("not her password").await.unwrap();
    element(&browser, "[data-test=sign-in-submit]").await.click().await.unwrap();
    assert_eq!(text(&browser, "[data-test=sign-in-error]").await, "nombre o contraseña incorrectos");

    browser.close().await.unwrap();
}

/// The causes inside failures, on the pages that show them: a target spec the schema page
/// cannot resolve (worded in the browser, from the same catalog), and a backup that failed
/// (worded by the server, the command's own text kept).
#[tokio::test(flavor = "multi_thread")]
async fn a_studio_in_spanish_shows_the_causes_of_failures_in_spanish() {
    let state = support::state_dir();
    let (studio, targets) = tokio::task::block_in_place(|| {
        let targets = Targets::start(state.path(), &["backed"]);
        let failing = "backup = \"full\"\nbackup_command = \"cat >/dev/null; echo bucket is gone >&2; exit 3\"";
        let config = targets.config(state.path(), &[("backed", failing)]);
        let studio = Studio::start_with(&sample_copy(state.path()), state.path(), &config, &targets.env());
        studio.add_user("olga", "operator");
        (studio, targets)
    });
    let base = studio.url.clone();
    let driver = ChromeDriver::start();
    let browser = driver.browser(&state.path().join("chromium-olga")).await;
    sign_in(&browser, &base, "olga").await;
    element(&browser, "[data-test=language]").await.select_by_value("es").await.unwrap();
    element(&browser, "[data-test=theme]").await;

    browser.goto(&format!("{base}/schema?at=nosuch@head")).await.unwrap();
    let error = text(&browser, "[data-test=error]").await;
    assert_eq!(error, "no hay ninguna revisión ni rama llamada `nosuch` (en `nosuch@head`)");

    preview(&browser, &base, "backed").await;
    element(&browser, "[data-test=confirm-name]").await.send_keys("backed").await.unwrap();
    element(&browser, "[data-test=run]").await.click().await.unwrap();
    let refused = text(&browser, "[data-test=outcome][data-status=refused]").await;
    assert_eq!(
        refused,
        "la copia de seguridad falló, así que no se ejecutó nada: backup_command falló (exit status: 3): bucket is gone"
    );
    assert!(tokio::task::block_in_place(|| targets.rows("backed")).is_empty(), "nothing ran");

    browser.close().await.unwrap();
}
