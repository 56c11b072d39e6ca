//! The studio's API for runs, on its sandbox: environment status, a plan with its fingerprint,
//! the run (refused without the shown fingerprint), its progress streamed as server-sent
//! events, and Strata's journal. No answer ever carries the database password. The router runs
//! in this process (`support::in_process`); `serve.rs` tests `strata serve` as a process.

use crate::support;

use serde_json::{Value, json};
use std::time::Duration;
use support::in_process::InProcessStudio;

#[test]
fn plan_run_stream_and_journal_through_the_api() {
    let state = support::state_dir();
    let studio = InProcessStudio::start(&support::sample_migrations(), state.path());
    let password = std::fs::read_to_string(state.path().join("sandbox/target_password")).unwrap().trim().to_owned();
    let answers = std::cell::RefCell::new(Vec::new());
    let get = |path: &str| {
        let (status, body) = studio.get(path);
        answers.borrow_mut().push(body.clone());
        (status, serde_json::from_str::<Value>(&body).unwrap())
    };

    let (status, environments) = get("/api/environments");
    assert_eq!(status, 200);
    assert_eq!(environments[0]["name"], "sandbox");
    assert_eq!(environments[0]["current"], json!([]));
    assert_eq!(environments[0]["pending"].as_array().unwrap().len(), support::sample_head().1);

    let events = studio.events("/api/events", |e| e["event"] == "run_finished");
    std::thread::sleep(Duration::from_millis(300)); // the stream is subscribed before the run starts

    let request = json!({ "environment": "sandbox", "operation": "upgrade", "target": "heads" });
    let (status, body) = studio.post("/api/plans", &request);
    assert_eq!(status, 200, "{body}");
    let preview: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(preview["plan"]["steps"].as_array().unwrap().len(), support::sample_head().1);
    assert!(preview["sql"].as_str().unwrap().starts_with("BEGIN;"));
    let fingerprint = preview["fingerprint"].as_str().unwrap().to_owned();

    let (status, body) = studio.post("/api/runs", &request);
    assert_eq!(status, 400, "a run needs the fingerprint: {body}");
    let mut stale = request.clone();
    stale["fingerprint"] = json!("0".repeat(64));
    let (status, body) = studio.post("/api/runs", &stale);
    assert_eq!(status, 409, "a plan that changed since it was shown is refused: {body}");
    let (status, body) =
        studio.post("/api/plans", &json!({ "environment": "sandbox", "operation": "upgrade", "target": "nosuch" }));
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("no revision or branch named `nosuch`"), "{body}");

    let mut confirmed = request.clone();
    confirmed["fingerprint"] = json!(fingerprint);
    let (status, body) = studio.post("/api/runs", &confirmed);
    assert_eq!(status, 200, "{body}");
    let outcome: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(outcome["status"], "succeeded");
    answers.borrow_mut().push(body);

    let events = events.recv_timeout(Duration::from_secs(120)).expect("the event stream ends with the run");
    let count = |kind: &str| events.iter().filter(|e| e["event"] == kind).count();
    assert_eq!(
        (count("step_started"), count("step_finished"), count("run_finished")),
        (support::sample_head().1, support::sample_head().1, 1)
    );
    assert!(events.iter().all(|e| e["run_id"] == outcome["run_id"] && e["environment"] == "sandbox"));

    let (_, environments) = get("/api/environments");
    assert_eq!(environments[0]["current"], json!([support::sample_head().0]));
    assert_eq!(environments[0]["pending"], json!([]));
    let (status, runs) = get("/api/environments/sandbox/runs");
    assert_eq!(status, 200);
    assert_eq!(runs[0]["status"], "succeeded");
    assert_eq!(runs[0]["steps"].as_array().unwrap().len(), support::sample_head().1);
    assert_eq!(runs[0]["started_by"], "admin", "the signed-in user who ran it");

    for answer in answers.borrow().iter() {
        assert!(!answer.contains(&password), "an answer carries the database password");
    }
    assert!(!studio.log().contains(&password), "the log carries the database password");
}
