//! Rehearsals on real PostgreSQL: a plan run on a throwaway copy of an environment's database
//! in the sandbox cluster. Only a copy with the data sees a NOT NULL fail on a column with NULLs;
//! a type change that rewrites its table is reported with the ACCESS EXCLUSIVE lock it took;
//! the copy is dropped; `require_rehearsal` holds a run back until exactly its plan rehearsed
//! successfully, from the command line and from the studio.

use crate::support;

use serde_json::{Value, json};
use sqlx::{Connection, PgConnection};
use std::path::{Path, PathBuf};
use std::process::Output;
use strata_server::sandbox::Sandbox;
use support::Studio;
use support::targets::{Targets, block_on};
use support::text;

/// r1 creates `items`; r2 changes a column's type (a rewrite); r3 makes `note` NOT NULL.
fn history(dir: &Path) -> PathBuf {
    let versions = dir.join("migrations/versions");
    std::fs::create_dir_all(&versions).unwrap();
    let files = [
        (
            "r1_items.sql",
            "-- revision: r1\n-- message: items\n\n-- strata:upgrade\nCREATE TABLE items (id integer PRIMARY KEY, note text);\n\n-- strata:downgrade\nDROP TABLE items;\n",
        ),
        (
            "r2_bigint.sql",
            "-- revision: r2\n-- revises: r1\n-- message: bigint ids\n\n-- strata:upgrade\nALTER TABLE items ALTER COLUMN id TYPE bigint;\n\n-- strata:downgrade\nALTER TABLE items ALTER COLUMN id TYPE integer;\n",
        ),
        (
            "r3_note_required.sql",
            "-- revision: r3\n-- revises: r2\n-- message: notes required\n\n-- strata:upgrade\nSELECT 1;\nALTER TABLE items ALTER COLUMN note SET NOT NULL;\n\n-- strata:downgrade\nALTER TABLE items ALTER COLUMN note DROP NOT NULL;\n",
        ),
    ];
    for (name, text) in files {
        std::fs::write(versions.join(name), text).unwrap();
    }
    dir.join("migrations")
}

struct Project {
    dir: tempfile::TempDir,
    migrations: PathBuf,
    targets: Targets,
}

impl Project {
    /// `prod` at r1, with the rows given.
    fn start(rows: &str) -> Self {
        let dir = support::state_dir();
        let migrations = history(dir.path());
        let targets = Targets::start(dir.path(), &["prod"]);
        let project = Self { dir, migrations, targets };
        project.configure("");
        let applied = project.strata(&["upgrade", "r1", "--env", "prod", "--yes"]);
        assert!(applied.status.success(), "{}", text(&applied.stderr));
        project.sql(&format!("INSERT INTO items VALUES {rows}"));
        project
    }

    fn configure(&self, extra: &str) -> PathBuf {
        self.targets.config(self.dir.path(), &[("prod", extra)])
    }

    fn strata(&self, args: &[&str]) -> Output {
        support::strata(&self.migrations)
            .arg("--config")
            .arg(self.dir.path().join("strata.toml"))
            .arg("--state-dir")
            .arg(self.dir.path())
            .args(args)
            .envs(self.targets.env())
            .output()
            .unwrap()
    }

    fn rehearse(&self, target: &str) -> (Option<i32>, Value) {
        let output = self.strata(&["rehearse", target, "--env", "prod", "--json"]);
        let report = serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|_| panic!("no JSON report: {}{}", text(&output.stdout), text(&output.stderr)));
        (output.status.code(), report)
    }

    fn sql(&self, sql: &str) -> Vec<String> {
        let options = self.targets.sandbox.connect_options().database("prod");
        block_on(async {
            let mut conn = PgConnection::connect_with(&options).await.unwrap();
            let rows: Vec<(String,)> = sqlx::query_as(sql).fetch_all(&mut conn).await.unwrap();
            rows.into_iter().map(|(value,)| value).collect()
        })
    }

    /// The rehearsal databases left in the sandbox cluster of the state folder.
    fn copies_left(&self) -> Vec<String> {
        block_on(async {
            let sandbox = Sandbox::start(self.dir.path()).await.unwrap();
            let mut conn = PgConnection::connect_with(&sandbox.connect_options()).await.unwrap();
            let names = sqlx::query_scalar("SELECT datname FROM pg_database WHERE datname LIKE 'strata_rehearsal%'")
                .fetch_all(&mut conn)
                .await
                .unwrap();
            let _ = conn.close().await;
            sandbox.stop().await.unwrap();
            names
        })
    }
}

fn fingerprint_shown(project: &Project) -> String {
    let shown = project.strata(&["upgrade", "heads", "--env", "prod"]);
    let stdout = text(&shown.stdout);
    stdout.lines().find_map(|l| l.strip_prefix("Fingerprint: ")).unwrap_or_else(|| panic!("{stdout}")).to_owned()
}

#[test]
fn a_not_null_on_nulls_fails_only_on_a_copy_with_data_and_a_rewrite_is_reported_with_its_lock() {
    let project = Project::start("(1, NULL), (2, 'kept')");
    let fingerprint = fingerprint_shown(&project);

    // Schema only: the plan runs through; r2 rewrote `items` under an ACCESS EXCLUSIVE lock.
    let (code, report) = project.rehearse("heads");
    assert_eq!(code, Some(0), "{report:#}");
    assert_eq!(report["copy"], "schema");
    assert_eq!(report["fingerprint"], fingerprint.as_str(), "bound to the plan that was shown");
    assert_eq!(report["failure"], Value::Null);
    let steps = report["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 2);
    assert_eq!((steps[0]["revision"].as_str(), steps[1]["revision"].as_str()), (Some("r2"), Some("r3")));
    assert_eq!(steps[0]["rewrites"], json!(["public.items"]));
    let lock = json!({ "relation": "public.items", "mode": "AccessExclusiveLock" });
    assert!(steps[0]["locks"].as_array().unwrap().contains(&lock), "{:#}", steps[0]["locks"]);
    // SET NOT NULL scans the table but keeps its file; the lock was taken by r2 already.
    assert_eq!(steps[1]["rewrites"], json!([]));
    assert!(!steps[1]["locks"].as_array().unwrap().contains(&lock), "{:#}", steps[1]["locks"]);

    // One transaction per revision: each step takes its own locks, so both hold items exclusively.
    let output = project.strata(&["rehearse", "heads", "--env", "prod", "--json", "--transactions", "per-revision"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    for step in report["steps"].as_array().unwrap() {
        assert!(step["locks"].as_array().unwrap().contains(&lock), "{step:#}");
    }

    // With the data: r3 fails at its line, as it would on prod.
    project.configure("rehearsal = \"data\"");
    let (code, report) = project.rehearse("heads");
    assert_eq!(code, Some(1), "{report:#}");
    assert_eq!(report["copy"], "data");
    let failure = &report["failure"];
    assert_eq!(failure["step"], 1);
    assert!(failure["path"].as_str().unwrap().ends_with("r3_note_required.sql"), "{failure:#}");
    assert_eq!(failure["line"], 7, "{failure:#}");
    assert!(failure["message"].as_str().unwrap().contains("contains null values"), "{failure:#}");
    assert_eq!(report["steps"][0]["rewrites"], json!(["public.items"]));

    // The text report names the step, the lock, the rewrite and the failing line.
    let output = project.strata(&["rehearse", "heads", "--env", "prod"]);
    let shown = text(&output.stdout);
    assert!(shown.contains("lock AccessExclusiveLock on public.items"), "{shown}");
    assert!(shown.contains("rewrote public.items"), "{shown}");
    assert!(shown.contains("r3_note_required.sql:7"), "{shown}");

    // Prod never moved, and no copy is left behind.
    assert_eq!(project.sql("SELECT version_num FROM alembic_version"), ["r1"]);
    assert_eq!(project.sql("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'items'::regclass AND attname = 'id'"), ["integer"]);
    assert_eq!(project.copies_left(), Vec::<String>::new());
}

#[test]
fn require_rehearsal_holds_a_command_line_run_until_exactly_its_plan_rehearsed() {
    let project = Project::start("(1, 'a')");
    project.configure("require_rehearsal = true");

    let refused = project.strata(&["upgrade", "heads", "--env", "prod", "--yes"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        text(&refused.stderr).contains("no successful rehearsal of exactly this plan"),
        "{}",
        text(&refused.stderr)
    );
    assert_eq!(project.sql("SELECT version_num FROM alembic_version"), ["r1"]);

    // A rehearsal of another plan (to r2) does not count for the plan to the heads.
    assert_eq!(project.rehearse("r2").0, Some(0));
    let still = project.strata(&["upgrade", "heads", "--env", "prod", "--yes"]);
    assert_eq!(still.status.code(), Some(1), "{}", text(&still.stderr));

    assert_eq!(project.rehearse("heads").0, Some(0));
    let ran = project.strata(&["upgrade", "heads", "--env", "prod", "--yes"]);
    assert!(ran.status.success(), "{}", text(&ran.stderr));
    assert_eq!(project.sql("SELECT version_num FROM alembic_version"), ["r3"]);
}

#[test]
fn the_studio_rehearses_for_an_operator_and_a_protected_run_waits_for_a_successful_rehearsal() {
    let project = Project::start("(1, 'a')");
    let config = project.configure("protected = true\nrequire_rehearsal = true");
    let studio = Studio::start_with(&project.migrations, project.dir.path(), &config, &project.targets.env());
    let approver = studio.add_user("abe", "approver");
    let viewer = studio.add_user("vic", "viewer");

    let plan = json!({ "environment": "prod", "operation": "upgrade", "target": "heads" });
    let (status, body) = studio.post("/api/plans", &plan);
    assert_eq!(status, 200, "{body}");
    let fingerprint = serde_json::from_str::<Value>(&body).unwrap()["fingerprint"].as_str().unwrap().to_owned();
    let shown = json!({ "environment": "prod", "operation": "upgrade", "target": "heads", "fingerprint": fingerprint });
    let (status, body) = studio.post("/api/proposals", &shown);
    assert_eq!(status, 200, "{body}");
    let proposal: Value = serde_json::from_str(&body).unwrap();
    assert!(proposal["blockers"].as_array().unwrap().contains(&json!({ "kind": "needs-rehearsal" })), "{body}");
    let id = proposal["id"].as_str().unwrap();
    let as_user = |token: &str, path: &str, body: &Value| {
        let auth = format!("Bearer {token}");
        support::http(&studio.url, "POST", path, &[("Authorization", &auth)], Some(body))
    };
    let approved = as_user(&approver, &format!("/api/proposals/{id}/approvals"), &json!({}));
    assert_eq!(approved.status, 200, "{}", approved.body);

    // Approved, but not rehearsed: refused.
    let (status, body) = studio.post("/api/runs", &shown);
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("no successful rehearsal"), "{body}");

    // A viewer may not rehearse; the admin may.
    assert_eq!(as_user(&viewer, "/api/rehearsals", &shown).status, 403);
    let (status, body) = studio.post("/api/rehearsals", &shown);
    assert_eq!(status, 200, "{body}");
    let rehearsal: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(rehearsal["failure"], Value::Null);
    assert_eq!(rehearsal["steps"][0]["rewrites"], json!(["public.items"]));
    let (status, body) = studio.get("/api/environments/prod/rehearsals");
    assert_eq!(status, 200, "{body}");
    let listed: Vec<Value> = serde_json::from_str(&body).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["id"], rehearsal["id"]);

    let (status, body) = studio.post("/api/runs", &shown);
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"succeeded\""), "{body}");
    let (_, audit) = studio.get("/api/audit?format=csv");
    assert!(audit.contains("rehearse-succeeded"), "{audit}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_run_view_rehearses_shows_the_failing_line_and_unlocks_run_after_a_successful_rehearsal() {
    use fantoccini::Locator;
    use support::chrome::{ChromeDriver, element, sign_in};
    let (project, studio) = tokio::task::block_in_place(|| {
        let project = Project::start("(1, NULL)");
        let config = project.configure("require_rehearsal = true\nrehearsal = \"data\"");
        let studio = Studio::start_with(&project.migrations, project.dir.path(), &config, &project.targets.env());
        (project, studio)
    });
    let driver = ChromeDriver::start();
    let browser = driver.browser(&project.dir.path().join("chromium")).await;
    sign_in(&browser, &studio.url, "admin").await;

    // To the heads: the copy with data fails at r3's NOT NULL; Run stays locked.
    browser.goto(&format!("{}/run?env=prod&op=upgrade&target=heads", studio.url)).await.unwrap();
    element(&browser, "[data-test=preview]").await.click().await.unwrap();
    element(&browser, "[data-test=no-rehearsal]").await;
    element(&browser, "[data-test=run-locked]").await;
    element(&browser, "[data-test=rehearse]").await.click().await.unwrap();
    element(&browser, "[data-test=rehearsal][data-succeeded=false]").await;
    let place = element(&browser, "[data-test=rehearsal-failure-place]").await.text().await.unwrap();
    assert!(place.ends_with("r3_note_required.sql:7"), "{place}");
    element(&browser, "[data-test=run-locked]").await;

    // To r2: the rewrite and its lock are shown, and Run unlocks.
    browser.goto(&format!("{}/run?env=prod&op=upgrade&target=r2", studio.url)).await.unwrap();
    element(&browser, "[data-test=preview]").await.click().await.unwrap();
    element(&browser, "[data-test=rehearse]").await.click().await.unwrap();
    element(&browser, "[data-test=rehearsal][data-succeeded=true]").await;
    let rewrite = element(&browser, "[data-test=rehearsal-rewrite]").await.text().await.unwrap();
    assert!(rewrite.ends_with("public.items"), "{rewrite}");
    let mut locks = Vec::new();
    for lock in browser.find_all(Locator::Css("[data-test=rehearsal-lock]")).await.unwrap() {
        locks.push(lock.text().await.unwrap());
    }
    assert!(locks.iter().any(|l| l == "AccessExclusiveLock · public.items"), "{locks:?}");
    element(&browser, "[data-test=confirm-name]").await;
    browser.close().await.unwrap();
}

/// A rehearsal runs the revisions in the sandbox cluster, which also holds Strata's own state:
/// as the sandbox environment does, it runs them as a role without superuser powers.
#[test]
fn a_rehearsed_revision_cannot_make_itself_superuser() {
    let project = Project::start("(1, 'n')");
    std::fs::write(
        project.migrations.join("versions/r4_escalate.sql"),
        "-- revision: r4\n-- revises: r3\n-- message: escalate\n\n-- strata:upgrade\nALTER ROLE CURRENT_USER SUPERUSER;\n\n-- strata:downgrade\nSELECT 1;\n",
    )
    .unwrap();
    let (code, report) = project.rehearse("heads");
    assert_eq!(code, Some(1), "{report}");
    let told = report.to_string();
    assert!(told.contains("r4_escalate.sql") && told.contains("superuser"), "{told}");
    assert!(project.copies_left().is_empty(), "the copy is dropped after a failure too");
}
