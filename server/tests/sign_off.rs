//! Sign-off end to end in headless Chromium, with three people in three browsers: an operator
//! proposes a plan for the protected `prod`, an approver reviews a revision and approves the
//! plan, the operator's open page unlocks Run at once and she runs it; a viewer can do
//! neither, in the page or by calling the API from it.

use crate::support;

use fantoccini::{Client, Locator};
use support::Studio;
use support::chrome::{ChromeDriver, element, screenshot, sign_in};
use support::targets::{Targets, sample_copy};

const PLAN: &str = "/run?env=prod&op=upgrade&target=heads";
const REVISION: &str = "1e6a8c0e2b4d";

async fn absent(browser: &Client, css: &str) -> bool {
    browser.find_all(Locator::Css(css)).await.unwrap().is_empty()
}

/// Opens the plan for prod and previews it.
async fn preview_prod(browser: &Client, base: &str) {
    browser.goto(&format!("{base}{PLAN}")).await.unwrap();
    element(browser, "[data-test=preview]").await.click().await.unwrap();
    element(browser, "[data-test=plan]").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_operator_proposes_an_approver_signs_off_the_operator_runs_and_a_viewer_cannot() {
    let state = support::state_dir();
    let (studio, targets) = tokio::task::block_in_place(|| {
        let targets = Targets::start(state.path(), &["prod"]);
        let config = targets.config(state.path(), &[("prod", "protected = true")]);
        let studio = Studio::start_with(&sample_copy(state.path()), state.path(), &config, &targets.env());
        for (name, role) in [("olga", "operator"), ("abe", "approver"), ("vic", "viewer")] {
            studio.add_user(name, role);
        }
        (studio, targets)
    });
    let base = studio.url.clone();
    let driver = ChromeDriver::start();
    let olga = driver.browser(&state.path().join("chromium-olga")).await;
    let abe = driver.browser(&state.path().join("chromium-abe")).await;
    let vic = driver.browser(&state.path().join("chromium-vic")).await;
    sign_in(&olga, &base, "olga").await;
    sign_in(&abe, &base, "abe").await;
    sign_in(&vic, &base, "vic").await;

    // Olga (operator) proposes the plan; Run stays locked, and she cannot approve her own.
    preview_prod(&olga, &base).await;
    element(&olga, "[data-test=run-locked]").await;
    element(&olga, "[data-test=propose]").await.click().await.unwrap();
    let proposal = element(&olga, "[data-test=proposal]").await;
    assert_eq!(proposal.attr("data-ready").await.unwrap().as_deref(), Some("false"));
    let blockers = element(&olga, "[data-test=blocker]").await.text().await.unwrap();
    assert!(blockers.contains("0 of 1 approvals"), "{blockers}");
    assert!(absent(&olga, "[data-test=approve]").await && absent(&olga, "[data-test=run]").await);

    // Abe (approver) reviews a revision: a comment on line 11 (a click on its number), then
    // approves it.
    abe.goto(&format!("{base}/revisions/{REVISION}")).await.unwrap();
    element(&abe, "[data-section=upgrade] [data-line='11'] [data-test=comment-on-line]").await.click().await.unwrap();
    let line = element(&abe, "[data-test=comment-line]").await;
    assert_eq!(line.prop("value").await.unwrap().as_deref(), Some("11"));
    element(&abe, "[data-test=comment-new]").await.send_keys("Does this need a lock timeout?").await.unwrap();
    element(&abe, "[data-test=comment-send]").await.click().await.unwrap();
    let thread = element(&abe, "[data-test=thread][data-line='11']").await;
    assert!(thread.text().await.unwrap().contains("Does this need a lock timeout?"));
    let form = element(&abe, "[data-test=comment-new]").await;
    assert_eq!(form.prop("value").await.unwrap().as_deref(), Some(""), "the form is emptied for the next comment");
    element(&abe, "[data-section=upgrade] [data-line='11'] .line-no.has-thread").await;
    element(&abe, "[data-test=verdict-approve]").await.click().await.unwrap();
    element(&abe, "[data-test=review-state][data-state=approved]").await;
    screenshot(&abe, "review").await;

    // ... and signs off the plan. He may not run it.
    preview_prod(&abe, &base).await;
    element(&abe, "[data-test=approve]").await.click().await.unwrap();
    element(&abe, "[data-test=cleared]").await;
    element(&abe, "[data-test=run-not-allowed]").await;
    assert!(absent(&abe, "[data-test=run]").await);
    screenshot(&abe, "sign-off-approved").await;
    // Olga's page, still open, learns of it at once and unlocks Run.
    element(&olga, "[data-test=cleared]").await;
    element(&olga, "[data-test=confirm-name]").await;

    // Vic (viewer) sees the review and the proposal, and can do nothing with either.
    vic.goto(&format!("{base}/revisions/{REVISION}")).await.unwrap();
    element(&vic, "[data-test=review-state][data-state=approved]").await;
    assert!(absent(&vic, "[data-test=comment-new]").await && absent(&vic, "[data-test=verdict-approve]").await);
    preview_prod(&vic, &base).await;
    element(&vic, "[data-test=cleared]").await;
    element(&vic, "[data-test=run-not-allowed]").await;
    assert!(absent(&vic, "[data-test=run]").await && absent(&vic, "[data-test=approve]").await);
    let fingerprint = element(&vic, "[data-test=plan]").await.attr("data-fingerprint").await.unwrap().unwrap();
    // A run requested straight from the page, with the viewer's session and CSRF token.
    let answer = vic
        .execute_async(
            r#"const [fingerprint, done] = arguments;
               const status = await (await fetch('/api/auth/status')).json();
               const response = await fetch('/api/runs', { method: 'POST',
                   headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': status.me.csrf_token },
                   body: JSON.stringify({ environment: 'prod', operation: 'upgrade', target: 'heads', fingerprint }) });
               done([response.status, await response.text()]);"#,
            vec![fingerprint.into()],
        )
        .await
        .unwrap();
    assert_eq!(answer[0], 403, "{answer}");
    assert!(answer[1].as_str().unwrap().contains("the viewer role may not run"), "{answer}");
    assert_eq!(tokio::task::block_in_place(|| targets.rows("prod")), Vec::<String>::new(), "prod untouched");

    // Olga runs it, typing the environment's name; the history shows the review.
    element(&olga, "[data-test=confirm-name]").await.send_keys("prod").await.unwrap();
    element(&olga, "[data-test=run]").await.click().await.unwrap();
    let outcome = element(&olga, "[data-test=outcome]").await;
    assert_eq!(outcome.attr("data-status").await.unwrap().as_deref(), Some("succeeded"));
    assert_eq!(tokio::task::block_in_place(|| targets.rows("prod")), [support::sample_head().0]);
    olga.goto(&base).await.unwrap();
    element(&olga, "[data-environment=prod] [data-test=protected]").await;
    element(&olga, &format!("[data-revision='{REVISION}'] [data-review=approved]")).await;
    element(&olga, &format!("[data-revision='{REVISION}'] [data-open-threads='1']")).await;

    // The admin's audit page has the whole story.
    let admin = driver.browser(&state.path().join("chromium-admin")).await;
    sign_in(&admin, &base, "admin").await;
    admin.goto(&format!("{base}/audit")).await.unwrap();
    element(&admin, "[data-test=audit]").await;
    let mut actions = Vec::new();
    for row in admin.find_all(Locator::Css("[data-test=audit-entry]")).await.unwrap() {
        actions.push(row.attr("data-action").await.unwrap().unwrap());
    }
    for expected in ["sign-in", "propose", "comment", "review", "approve", "run", "run-succeeded"] {
        assert!(actions.iter().any(|a| a == expected), "{expected} in {actions:?}");
    }
    screenshot(&admin, "audit").await;
    for browser in [olga, abe, vic, admin] {
        browser.close().await.unwrap();
    }
}
