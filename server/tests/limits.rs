//! What `strata serve` holds under a flood: half-sent requests are closed, connections past the
//! cap wait while the open ones (event streams too) are served, and previews share a few
//! connections to the target.

use crate::support;

use serde_json::{Value, json};
use sqlx::{Connection, PgConnection};
use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::Duration;
use support::Studio;
use support::targets::{Targets, block_on, sample_copy};

/// A studio on a copy of the sample (the sandbox is its environment) with `[server]` limits.
fn studio_with(state: &std::path::Path, server: &str) -> (Studio, std::path::PathBuf) {
    let migrations = sample_copy(state);
    let config = state.join("strata.toml");
    std::fs::write(&config, format!("[server]\n{server}\n")).unwrap();
    (Studio::start_with(&migrations, state, &config, &[]), migrations)
}

fn connect(studio: &Studio) -> TcpStream {
    TcpStream::connect(studio.url.strip_prefix("http://").unwrap()).unwrap()
}

/// Reads until the server closes the connection or `wait` passes without a byte: what came.
fn read_until_closed(stream: &mut TcpStream, wait: Duration) -> Result<String, String> {
    stream.set_read_timeout(Some(wait)).unwrap();
    let mut text = Vec::new();
    match stream.read_to_end(&mut text) {
        Ok(_) => Ok(String::from_utf8_lossy(&text).into_owned()),
        Err(error) if error.kind() == ErrorKind::ConnectionReset => Ok(String::from_utf8_lossy(&text).into_owned()),
        Err(error) => Err(format!("still open after {wait:?} ({error}); got {:?}", String::from_utf8_lossy(&text))),
    }
}

/// An open `/api/events` stream.
fn event_stream(studio: &Studio) -> TcpStream {
    let mut stream = connect(studio);
    let token = &studio.token;
    write!(stream, "GET /api/events HTTP/1.1\r\nHost: studio\r\nAuthorization: Bearer {token}\r\n\r\n").unwrap();
    stream
}

#[test]
fn half_sent_requests_are_closed_and_connections_past_the_cap_wait_while_open_streams_are_served() {
    let state = support::state_dir();
    let (studio, migrations) = studio_with(state.path(), "header_timeout_seconds = 2\nmax_connections = 4");

    // A request whose head never ends is closed, answered or not.
    let mut half_sent = connect(&studio);
    half_sent.write_all(b"GET /api/auth/status HTTP/1.1\r\nHost: studio\r\nX-Slow: ").unwrap();
    read_until_closed(&mut half_sent, Duration::from_secs(30)).expect("the half-sent request is closed");

    // Four event streams take every slot, and outlive the header timeout.
    let mut streams: Vec<TcpStream> = (0..4).map(|_| event_stream(&studio)).collect();
    std::thread::sleep(Duration::from_secs(3));
    let mut waiting = connect(&studio);
    waiting.write_all(b"GET /api/auth/status HTTP/1.1\r\nHost: studio\r\nConnection: close\r\n\r\n").unwrap();
    let unanswered = read_until_closed(&mut waiting, Duration::from_secs(2));
    assert!(unanswered.is_err_and(|e| !e.contains("HTTP/1.1")), "a fifth connection waits for a slot");

    // The streams are still served: a change of the folder reaches every one of them.
    let file = std::fs::read_dir(migrations.join("versions")).unwrap().next().unwrap().unwrap().path();
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text + "\n").unwrap();
    for stream in &mut streams {
        stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let mut seen = String::new();
        let mut buffer = [0u8; 4096];
        while !seen.contains("event: project") {
            let read = stream.read(&mut buffer).expect("the event stream stays open");
            assert!(read > 0, "the event stream ended: {seen}");
            seen.push_str(&String::from_utf8_lossy(&buffer[..read]));
        }
    }

    // One stream closed, the waiting connection is answered.
    drop(streams.pop());
    let answer = read_until_closed(&mut waiting, Duration::from_secs(30)).expect("answered once a slot is free");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

/// The most connections `database` had open (but the sampler's own) while `work` ran.
fn most_connections_during(targets: &Targets, database: &str, work: impl FnOnce()) -> i64 {
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let options = targets.sandbox.connect_options();
    let sampler = {
        let (stop, database) = (stop.clone(), database.to_owned());
        std::thread::spawn(move || {
            block_on(async {
                let mut conn = PgConnection::connect_with(&options).await.unwrap();
                let mut most = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let count: i64 = sqlx::query_scalar(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
                    )
                    .bind(&database)
                    .fetch_one(&mut conn)
                    .await
                    .unwrap();
                    most = most.max(count);
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
                most
            })
        })
    };
    work();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    sampler.join().unwrap()
}

#[test]
fn a_flood_of_previews_holds_at_most_the_configured_connections_on_the_target() {
    let state = support::state_dir();
    let targets = Targets::start(state.path(), &["prod"]);
    let config = state.path().join("strata.toml");
    std::fs::write(&config, "[environments.prod]\nurl_env = \"PROD_URL\"\n\n[server]\ntarget_connections = 3\n")
        .unwrap();
    let studio = Studio::start_with(&support::sample_migrations(), state.path(), &config, &targets.env());
    let (_, project) = studio.get("/api/project");
    let project: Value = serde_json::from_str(&project).unwrap();
    // Every revision as a target: distinct previews, so none is answered from a recent one.
    let revisions: Vec<String> =
        project["revisions"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_owned()).collect();

    let answers = std::sync::Mutex::new(Vec::new());
    let most = most_connections_during(&targets, "prod", || {
        std::thread::scope(|scope| {
            for round in 0..4 {
                for target in &revisions {
                    let (studio, answers) = (&studio, &answers);
                    scope.spawn(move || {
                        let request = json!({"environment": "prod", "operation": "upgrade", "target": target});
                        let answer = studio.post("/api/plans", &request);
                        answers.lock().unwrap().push((round, answer));
                    });
                }
            }
        });
    });
    let answers = answers.into_inner().unwrap();
    assert_eq!(answers.len(), 4 * revisions.len());
    for (_, (status, body)) in &answers {
        assert!(*status == 200 || (*status == 503 && body.contains("is busy")), "{status} {body}");
    }
    assert!(answers.iter().any(|(_, (status, _))| *status == 200));
    assert!(most <= 3, "{most} connections on the target, with target_connections = 3");
    assert!(most >= 1, "the sampler saw the previews' connections");
}

#[test]
fn an_identical_preview_a_moment_later_is_answered_again_until_the_files_change_or_a_run_ends() {
    let state = support::state_dir();
    let targets = Targets::start(state.path(), &["prod"]);
    let config = targets.config(state.path(), &[("prod", "")]);
    let migrations = sample_copy(state.path());
    let studio = Studio::start_with(&migrations, state.path(), &config, &targets.env());
    let request = json!({"environment": "prod", "operation": "upgrade", "target": "heads"});
    let preview = || {
        let (status, body) = studio.post("/api/plans", &request);
        assert_eq!(status, 200, "{body}");
        serde_json::from_str::<Value>(&body).unwrap()
    };
    let first = preview();
    let base_revision = first["plan"]["steps"][0]["revision"].as_str().unwrap().to_owned();

    // Moved behind the studio's back: for a moment, the preview is the one just made.
    block_on(async {
        let mut prod = PgConnection::connect_with(&targets.sandbox.connect_options().database("prod")).await.unwrap();
        let sql = format!(
            "CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY); INSERT INTO alembic_version VALUES ('{base_revision}')"
        );
        sqlx::raw_sql(&sql).execute(&mut prod).await.unwrap();
    });
    assert_eq!(preview()["fingerprint"], first["fingerprint"]);

    // An edited revision file is a new preview, from the database as it is.
    let file = std::fs::read_dir(migrations.join("versions")).unwrap().next().unwrap().unwrap().path();
    std::fs::write(&file, std::fs::read_to_string(&file).unwrap() + "\n").unwrap();
    let edited = preview();
    assert_ne!(edited["fingerprint"], first["fingerprint"]);
    assert_ne!(edited["plan"]["steps"][0]["revision"], base_revision.as_str());

    // So is the first after a run (a stamp: the database only has the version table).
    let stamp = json!({"environment": "prod", "operation": "stamp", "target": "heads"});
    let (_, stamp_preview) = studio.post("/api/plans", &stamp);
    let mut run = stamp.clone();
    run["fingerprint"] = serde_json::from_str::<Value>(&stamp_preview).unwrap()["fingerprint"].clone();
    let (status, outcome) = studio.post("/api/runs", &run);
    assert_eq!(status, 200, "{outcome}");
    assert!(outcome.contains("succeeded"), "{outcome}");
    assert_eq!(preview()["plan"]["steps"], json!([]), "at heads");
}

/// A body trickled a byte at a time is cut off after `body_timeout_seconds` with a 408 and a
/// closed connection; a body sent at once is read as usual.
#[test]
fn a_trickled_body_is_cut_off_with_408_and_the_connection_closed() {
    let state = support::state_dir();
    let (studio, _migrations) = studio_with(state.path(), "body_timeout_seconds = 2");

    let mut slow = connect(&studio);
    let head = "POST /api/auth/sign-in HTTP/1.1\r\nHost: studio\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n";
    slow.write_all(head.as_bytes()).unwrap();
    // Ten bytes over ~5 s: each within any per-read timeout, the whole far past the deadline.
    let mut sent = 0;
    for _ in 0..10 {
        if slow.write_all(b" ").is_err() {
            break;
        }
        sent += 1;
        std::thread::sleep(Duration::from_millis(500));
    }
    let answer = read_until_closed(&mut slow, Duration::from_secs(10)).expect("the trickle's connection is closed");
    assert!(answer.starts_with("HTTP/1.1 408"), "after {sent} bytes: {answer}");
    assert!(answer.contains("2 s"), "the answer says how long the body may take: {answer}");

    let body = json!({"name": "nobody", "password": "wrong"});
    let quick = support::http(&studio.url, "POST", "/api/auth/sign-in", &[], Some(&body));
    assert_eq!(quick.status, 401, "a body sent at once is read: {}", quick.body);
}
