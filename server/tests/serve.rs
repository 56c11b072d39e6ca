//! `strata serve` as a process: its API, clean stops, and recovery after a crash.

use crate::support;

use support::{Studio, http_get, is_running, postmaster_pid};

#[test]
fn serves_the_project_and_the_sandbox_state_and_stops_cleanly_on_sigterm() {
    let state = support::state_dir();
    let studio = Studio::start(&support::sample_migrations(), state.path());

    let (status, body) = studio.get("/api/project");
    assert_eq!(status, 200);
    let project: serde_json::Value = serde_json::from_str(&body).unwrap();
    let (head, revisions) = support::sample_head();
    assert_eq!(project["heads"], serde_json::json!([head]));
    assert_eq!(project["revisions"].as_array().unwrap().len(), revisions);
    assert_eq!(project["diagnostics"], serde_json::json!([]));

    let (status, body) = studio.get("/api/environments");
    assert_eq!(status, 200);
    let environments: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(environments.as_array().unwrap().len(), 1, "the sandbox only");
    assert_eq!(environments[0]["name"], "sandbox");
    assert_eq!(environments[0]["current"], serde_json::json!([]), "at base");
    assert_eq!(environments[0]["error"], serde_json::Value::Null);

    schema_endpoints_answer_from_the_model(&studio);

    let (status, body) = studio.get("/api/no-such-thing");
    assert_eq!(
        (status, serde_json::from_str::<strata_shared::api::ApiFailure>(&body).unwrap().error.as_str()),
        (404, "no such API endpoint")
    );
    let (status, body) = studio.get("/revisions/1975ea83b712");
    assert_eq!(status, 200, "client routes fall back to the frontend");
    assert!(body.contains("<!DOCTYPE html>"), "{body}");

    let postmaster = postmaster_pid(state.path()).expect("the sandbox runs");
    assert!(is_running(postmaster));
    let log_before_stop = studio.log();
    let exit = studio.stop_with(libc::SIGTERM);
    assert!(exit.success(), "strata exits 0 on SIGTERM; log:\n{log_before_stop}");
    assert!(!is_running(postmaster), "the sandbox stopped with strata");
}

/// The loaded project is kept between requests; any change of the files is seen by the very
/// next request, even one that keeps the file's size.
#[test]
fn the_kept_project_follows_every_change_of_the_files() {
    let state = support::state_dir();
    let migrations = tempfile::tempdir().unwrap();
    copy_folder(&support::sample_migrations(), migrations.path());
    let studio = Studio::start(migrations.path(), state.path());
    let message_of = |id: &str| {
        let project: serde_json::Value = serde_json::from_str(&studio.get("/api/project").1).unwrap();
        let revisions = project["revisions"].as_array().unwrap().clone();
        let revision = revisions.iter().find(|r| r["id"] == id).cloned();
        (revisions.len(), revision.map(|r| r["message"].as_str().unwrap().to_owned()))
    };
    let (head, revisions) = support::sample_head();
    assert_eq!(message_of("1975ea83b712"), (revisions, Some("create accounts".to_owned())));
    let models: serde_json::Value = serde_json::from_str(&studio.get("/api/models").1).unwrap();
    assert_eq!(models.as_array().unwrap().len(), revisions);

    let file = migrations.path().join("versions/1975ea83b712_create_accounts.sql");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("-- message: create accounts", "-- message: create ACCOUNTS")).unwrap();
    assert_eq!(message_of("1975ea83b712"), (revisions, Some("create ACCOUNTS".to_owned())), "same size, new text");

    let added = format!(
        "-- revision: 5ee5ee5ee5ee\n-- revises: {head}\n-- message: added\n\n-- strata:upgrade\nSELECT 1;\n-- strata:downgrade\nSELECT 2;\n"
    );
    std::fs::write(migrations.path().join("versions/5ee5ee5ee5ee_added.sql"), added).unwrap();
    assert_eq!(message_of("5ee5ee5ee5ee"), (revisions + 1, Some("added".to_owned())));
    let (status, body) = studio.get("/api/schema?at=5ee5ee5ee5ee");
    assert_eq!(status, 200, "every endpoint sees the new file: {body}");
    let models: serde_json::Value = serde_json::from_str(&studio.get("/api/models").1).unwrap();
    assert_eq!(models.as_array().unwrap().len(), revisions + 1, "the kept models too");
}

/// The history page's snapshot has no SQL; a revision's SQL and model come with
/// `/api/revisions/{id}`, the whole project's with `/api/project/sql`, and `/api/analysis`
/// counts what `strata lint` finds.
#[test]
fn the_snapshot_leaves_sql_to_the_revision_and_the_analysis_counts_what_lint_finds() {
    let state = support::state_dir();
    let studio = Studio::start(&support::sample_migrations(), state.path());
    let json = |path: &str| -> serde_json::Value {
        let (status, body) = studio.get(path);
        assert_eq!(status, 200, "{path}: {body}");
        serde_json::from_str(&body).unwrap()
    };
    let project = json("/api/project");
    let revisions = project["revisions"].as_array().unwrap();
    assert_eq!(revisions.len(), support::sample_head().1);
    for revision in revisions {
        assert!(revision.get("upgrade").is_none() && revision.get("script").is_none(), "no SQL: {revision}");
    }

    let detail = json("/api/revisions/1e6a8c0e2b4d");
    assert!(detail["upgrade"]["sql"].as_str().unwrap().contains("SET NOT NULL"), "{detail}");
    assert_eq!(detail["model"]["revision"], "1e6a8c0e2b4d");
    assert!(!detail["model"]["changes"].as_array().unwrap().is_empty());
    assert_eq!(studio.get("/api/revisions/nosuchrevision").0, 404);
    let sql = json("/api/project/sql");
    let ids = |list: &serde_json::Value| -> Vec<String> {
        list.as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(ids(&sql["revisions"]), ids(&project["revisions"]), "the same history, with its SQL");
    assert!(sql["revisions"].as_array().unwrap().iter().all(|r| r["upgrade"]["sql"].is_string()));

    let lint = std::process::Command::new(env!("CARGO_BIN_EXE_strata"))
        .arg("--migrations")
        .arg(support::sample_migrations())
        .args(["lint", "--json"])
        .output()
        .unwrap();
    let lint: serde_json::Value = serde_json::from_slice(&lint.stdout).unwrap();
    let mut expected: std::collections::BTreeMap<String, u64> = Default::default();
    for finding in lint["findings"].as_array().unwrap() {
        *expected.entry(finding["revision"].as_str().unwrap().to_owned()).or_default() += 1;
    }
    let analysis = json("/api/analysis");
    let counted: std::collections::BTreeMap<String, u64> = analysis["revisions"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(id, s)| (id.clone(), ["errors", "warnings", "hints"].iter().filter_map(|k| s[k].as_u64()).sum()))
        .filter(|(_, n)| *n > 0)
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(counted, expected, "findings per revision, as `strata lint` counts them");
    let models = json("/api/models");
    let changes = |id: &str| {
        let model = models.as_array().unwrap().iter().find(|m| m["revision"] == id).unwrap();
        model["changes"].as_array().unwrap().len() as u64
    };
    let summary = &analysis["revisions"]["1e6a8c0e2b4d"];
    let counted_changes: u64 = ["added", "changed", "dropped"].iter().filter_map(|k| summary[k].as_u64()).sum();
    assert_eq!(counted_changes, changes("1e6a8c0e2b4d"));
}

fn copy_folder(from: &std::path::Path, to: &std::path::Path) {
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_folder(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn a_postmaster_left_by_a_crashed_strata_is_stopped_on_the_next_start() {
    let state = support::state_dir();
    let crashed = Studio::start(&support::sample_migrations(), state.path());
    let orphan = postmaster_pid(state.path()).unwrap();
    crashed.stop_with(libc::SIGKILL);
    assert!(is_running(orphan), "SIGKILL leaves the postmaster behind");

    let next = Studio::start(&support::sample_migrations(), state.path());
    assert!(!is_running(orphan), "the stale postmaster was stopped");
    assert!(next.log().contains("left running by a strata that did not stop cleanly"), "{}", next.log());
    let fresh = postmaster_pid(state.path()).unwrap();
    assert_ne!(fresh, orphan);
    assert_eq!(next.get("/api/environments").0, 200);
    assert!(next.stop_with(libc::SIGTERM).success());
    assert!(!is_running(fresh));
}

#[test]
fn a_first_run_without_accounts_says_exactly_how_to_create_the_first_admin() {
    let state = support::state_dir();
    let config = state.path().join("strata.toml");
    let studio = Studio::start_without_accounts(&support::sample_migrations(), state.path(), &config, &[]);
    let (status, body) = http_get(&studio.url, "/api/auth/status");
    assert_eq!(status, 200);
    let answer: serde_json::Value = serde_json::from_str(&body).unwrap();
    let command = answer["first_admin_command"].as_str().expect("the command, while no account exists").to_owned();
    let expected = format!(
        "strata --config {} --state-dir {} user add admin --role admin",
        config.display(),
        state.path().display()
    );
    assert_eq!(command, expected);
    // On loopback the studio prints a one-time link instead of logging the command
    // (first_run.rs follows that link).
    assert_eq!(http_get(&studio.url, "/api/project").0, 401, "nothing is open meanwhile");

    // The command as given works against the running studio (the password comes from stdin here).
    let mut words = command.split(' ').skip(1).collect::<Vec<_>>();
    words.push("--password-stdin");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(&words)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), format!("{}\n", support::PASSWORD).as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let answer: serde_json::Value = serde_json::from_str(&http_get(&studio.url, "/api/auth/status").1).unwrap();
    assert_eq!(answer["first_admin_command"], serde_json::Value::Null);
}

#[test]
fn a_missing_migrations_folder_is_a_one_line_error() {
    let state = support::state_dir();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(["--migrations", "/nonexistent/migrations", "serve", "--state-dir"])
        .arg(state.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("error: cannot read the revisions folder /nonexistent/migrations/versions"), "{stderr}");
    assert!(postmaster_pid(state.path()).is_none(), "no sandbox was started");
}

/// `/api/schema`, `/api/diff`, `/api/blame` and `/api/models` on the sample.
fn schema_endpoints_answer_from_the_model(studio: &Studio) {
    let json = |path: &str| -> (u16, serde_json::Value) {
        let (status, body) = studio.get(path);
        (status, serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}: {body}")))
    };
    let (status, at) = json("/api/schema?at=c25e7a9b1d3f");
    assert_eq!(status, 200);
    let columns: Vec<&str> = at["schema"]["tables"]["public.supplier"]["columns"]
        .as_array()
        .expect("supplier at c25e")
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(columns, ["id", "name", "tax_id", "currency_code", "created_at"]);
    assert_eq!(at["not_modelled"], serde_json::json!([]));

    let (status, diff) = json("/api/diff?from=c25e7a9b1d3f");
    assert_eq!(status, 200);
    assert_eq!(diff["changes"][0]["name"], "supplier.tax_id");
    assert_eq!(diff["changes"][0]["renamed_from"], "supplier.vat_number");

    let (status, blame) = json("/api/blame?object=supplier.tax_id");
    assert_eq!(status, 200);
    assert_eq!(blame[0]["created_by"], "9a6e0c4b8d21");
    assert_eq!(blame[0]["changed_by"], serde_json::json!(["c25e7a9b1d3f"]));

    let (status, models) = json("/api/models");
    assert_eq!(status, 200);
    let models = models.as_array().unwrap();
    let (head, revisions) = support::sample_head();
    assert_eq!(models.len(), revisions);
    assert_eq!(models[0]["revision"], head, "newest first");
    assert!(
        models.iter().all(|m| m["downgrade_differences"] == serde_json::json!([])),
        "the sample's downgrades reverse"
    );

    let (status, error) = json("/api/schema?at=nope");
    assert_eq!(status, 400);
    assert!(error["error"].as_str().unwrap().contains("nope"), "{error}");
    let (status, _) = json("/api/blame?object=no_such_table");
    assert_eq!(status, 404);
}
