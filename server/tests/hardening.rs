//! The studio under an attacker's traffic, over HTTP against `strata serve` and its sandbox:
//! parallel sign-ins cost bounded memory and cannot outrun the throttle; nobody can aim a
//! lockout at another address; refused sign-ins cannot flood the audit log, which is read a
//! page at a time; every response carries the security headers; forwarding headers count only
//! from a trusted proxy; event streams end with their session and are capped.

use crate::support;

use base64::Engine;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;
use support::{PASSWORD, Response, Studio, http};

/// A studio on the sample that believes forwarding headers from 127.0.0.1 (where the test's
/// requests come from, as from a proxy on the same machine).
fn studio_behind_proxy(state: &std::path::Path) -> Studio {
    let config = state.join("strata.toml");
    std::fs::write(&config, "[server]\ntrusted_proxies = [\"127.0.0.1/32\"]\n").unwrap();
    Studio::start_with(&support::sample_migrations(), state, &config, &[])
}

fn sign_in_from(studio: &Studio, address: &str, name: &str, password: &str) -> Response {
    let body = json!({"name": name, "password": password});
    http(&studio.url, "POST", "/api/auth/sign-in", &[("X-Forwarded-For", address)], Some(&body))
}

/// The highest resident memory of the process so far, in MiB.
fn peak_memory_mib(pid: i32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse::<u64>().unwrap() / 1024
}

/// Sends every request at once, each on its own connection, and returns the statuses.
fn all_at_once(studio: &Studio, requests: Vec<(String, String)>) -> Vec<u16> {
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(requests.len()));
    let threads: Vec<_> = requests
        .into_iter()
        .map(|(address, name)| {
            let (url, barrier) = (studio.url.clone(), barrier.clone());
            std::thread::spawn(move || {
                let body = json!({"name": name, "password": "not the password"});
                barrier.wait();
                http(&url, "POST", "/api/auth/sign-in", &[("X-Forwarded-For", &address)], Some(&body)).status
            })
        })
        .collect();
    threads.into_iter().map(|t| t.join().unwrap()).collect()
}

fn count(statuses: &[u16], status: u16) -> usize {
    statuses.iter().filter(|s| **s == status).count()
}

fn audit(studio: &Studio, query: &str) -> Value {
    let (status, body) = studio.get(&format!("/api/audit{query}"));
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

#[test]
fn parallel_sign_ins_are_bounded_and_nobody_can_lock_out_someone_elses_address() {
    let state = support::state_dir();
    let studio = studio_behind_proxy(state.path());
    studio.add_user("victim", "approver");

    // 200 sign-ins of one name from one address at once: the attempt is reserved before the
    // password is checked, so only a few are checked; the rest wait their turn (429).
    let statuses = all_at_once(&studio, (0..200).map(|_| ("198.51.100.7".into(), "victim".into())).collect());
    let checked = count(&statuses, 401);
    println!("one name, one address: {checked} checked, {} throttled", count(&statuses, 429));
    assert!((1..=8).contains(&checked), "{checked} passwords were checked: {statuses:?}");
    assert_eq!(checked + count(&statuses, 429) + count(&statuses, 503), 200, "{statuses:?}");

    // 200 different names from 200 addresses at once: every one is checked or refused as busy,
    // and the password checks run on a bounded pool, so memory stays bounded (each argon2
    // check takes 19 MiB: 200 at once took 4 GB).
    let before = peak_memory_mib(studio.pid());
    let requests = (0..200).map(|i| (format!("203.0.113.{}", i % 250), format!("nobody{i}"))).collect();
    let statuses = all_at_once(&studio, requests);
    let growth = peak_memory_mib(studio.pid()).saturating_sub(before);
    println!(
        "200 names at once: {} checked, {} busy; peak memory +{growth} MiB",
        count(&statuses, 401),
        count(&statuses, 503)
    );
    assert_eq!(count(&statuses, 401) + count(&statuses, 503), 200, "{statuses:?}");
    assert!(growth < 150, "peak memory grew by {growth} MiB");

    // An attacker fails the victim's password from one address until each try waits several
    // seconds (a backoff, not a lock) ...
    let attacker = "192.0.2.66";
    let mut last_wait = 0;
    for _ in 0..30 {
        let response = sign_in_from(&studio, attacker, "victim", "a guess");
        match response.status {
            401 => {}
            429 => {
                last_wait = response.header("retry-after").unwrap().parse::<u64>().unwrap();
                if last_wait >= 4 {
                    break;
                }
                std::thread::sleep(Duration::from_secs(last_wait));
            }
            other => panic!("{other}: {}", response.body),
        }
    }
    assert!(last_wait >= 4, "the waits grew: {last_wait}");
    // ... which holds even for the right password from there ...
    let from_attacker = sign_in_from(&studio, attacker, "victim", PASSWORD);
    assert_eq!(from_attacker.status, 429, "{}", from_attacker.body);
    // ... while the victim, elsewhere, signs in at once; so does anyone at the attacker's address
    // under another name.
    let victim = sign_in_from(&studio, "192.0.2.10", "victim", PASSWORD);
    assert_eq!(victim.status, 200, "{}", victim.body);
    studio.add_user("neighbour", "viewer");
    assert_eq!(sign_in_from(&studio, attacker, "neighbour", PASSWORD).status, 200);

    // The audit log names the forwarded address, never the proxy's.
    let failed = audit(&studio, "?action=sign-in-failed&actor=victim");
    let addresses: Vec<&str> =
        failed["entries"].as_array().unwrap().iter().map(|e| e["address"].as_str().unwrap()).collect();
    assert!(addresses.contains(&attacker) && addresses.contains(&"198.51.100.7"), "{addresses:?}");
    assert!(!addresses.contains(&"127.0.0.1"), "{addresses:?}");
}

#[test]
fn refused_sign_ins_cannot_flood_the_audit_log_which_is_read_a_page_at_a_time() {
    let state = support::state_dir();
    let studio = studio_behind_proxy(state.path());

    // A name of 10 kB is refused before anything is recorded or hashed.
    let long = sign_in_from(&studio, "192.0.2.1", &"x".repeat(10_000), "whatever");
    assert_eq!(long.status, 400, "{}", long.body);
    assert_eq!(
        serde_json::from_str::<strata_shared::api::ApiFailure>(&long.body).unwrap().error,
        "the user name is too long: at most 64 characters"
    );
    let long_comment = studio.post("/api/revisions/1e6a8c0e2b4d/comments", &json!({"body": "y".repeat(10_001)}));
    assert_eq!(long_comment.0, 400, "{}", long_comment.1);
    let too_big = studio.post("/api/revisions/1e6a8c0e2b4d/comments", &json!({"body": "y".repeat(100_000)}));
    assert_eq!(too_big.0, 413, "bodies beyond the API's limit are not read: {}", too_big.1);

    // 150 refused sign-ins of one name from one address are a few entries with counts.
    let mut statuses = Vec::new();
    for _ in 0..150 {
        statuses.push(sign_in_from(&studio, "192.0.2.2", "flood", "guess").status);
    }
    let entries = audit(&studio, "?actor=flood&limit=1000")["entries"].as_array().unwrap().clone();
    let total: i64 = entries.iter().map(|e| e["count"].as_i64().unwrap()).sum();
    println!("150 refused sign-ins: {} audit entries, counts {total}", entries.len());
    assert_eq!(total, 150, "every attempt is counted: {entries:?}");
    assert!(entries.len() <= 3, "one entry per outcome: {entries:?}");
    assert!(statuses.iter().all(|s| [401, 429].contains(s)), "{statuses:?}");
    assert!(entries.iter().all(|e| e["address"] == "192.0.2.2"));

    // Pages: newest first, `next` leads to the older ones, filters hold across pages.
    for i in 0..12 {
        sign_in_from(&studio, &format!("192.0.2.{}", 100 + i), &format!("page{i}"), "guess");
    }
    let first = audit(&studio, "?action=sign-in-failed&limit=5");
    let second = audit(&studio, &format!("?action=sign-in-failed&limit=5&before={}", first["next"]));
    let ids = |page: &Value| -> Vec<i64> {
        page["entries"].as_array().unwrap().iter().map(|e| e["id"].as_i64().unwrap()).collect()
    };
    let (first_ids, second_ids) = (ids(&first), ids(&second));
    assert_eq!((first_ids.len(), second_ids.len()), (5, 5));
    let all: Vec<i64> = first_ids.iter().chain(&second_ids).copied().collect();
    assert!(all.windows(2).all(|w| w[0] > w[1]), "newest first, no overlap: {all:?}");
    for page in [&first, &second] {
        assert!(page["entries"].as_array().unwrap().iter().all(|e| e["action"] == "sign-in-failed"));
    }
    let last = audit(&studio, &format!("?action=sign-in-failed&limit=1000&before={}", second["next"]));
    assert_eq!(last["next"], Value::Null, "the last page says so");
    let (status, _) = studio.get(&format!("/api/audit?actor={}", "z".repeat(200)));
    assert_eq!(status, 400, "an over-long filter");
}

/// A request (method, path, headers, body) and the status it gets.
type Case<'a> = (&'a str, &'a str, Vec<(&'a str, &'a str)>, Option<Value>, u16);

#[test]
fn every_response_carries_the_security_headers_and_the_policy_allows_trunks_loader() {
    let state = support::state_dir();
    let studio = Studio::start(&support::sample_migrations(), state.path());
    let index = std::fs::read_to_string(support::workspace_root().join("dist/index.html")).unwrap();
    let start = index.find("<script type=\"module\">").unwrap() + "<script type=\"module\">".len();
    let script = &index[start..start + index[start..].find("</script>").unwrap()];
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(script.as_bytes()));
    let css = format!("/{}", index.split("href=\"/").nth(1).unwrap().split('"').next().unwrap());

    let token = format!("Bearer {}", studio.token);
    let cases: Vec<Case<'_>> = vec![
        ("GET", "/", vec![], None, 200),
        ("GET", "/revisions/abc", vec![], None, 200),
        ("GET", &css, vec![], None, 200),
        ("GET", "/api/project", vec![("Authorization", &token)], None, 200),
        ("GET", "/api/project", vec![], None, 401),
        ("GET", "/api/no-such-thing", vec![("Authorization", &token)], None, 404),
        ("POST", "/api/auth/sign-in", vec![], Some(json!({"nonsense": 1})), 422),
    ];
    for (method, path, headers, body, expected) in cases {
        let response = http(&studio.url, method, path, &headers, body.as_ref());
        assert_eq!(response.status, expected, "{method} {path}: {}", response.body);
        let policy = response.header("content-security-policy").unwrap_or_else(|| panic!("{path}: no CSP"));
        assert!(policy.contains(&format!("script-src 'self' 'wasm-unsafe-eval' 'sha256-{hash}'")), "{policy}");
        assert!(policy.contains("frame-ancestors 'none'") && policy.contains("object-src 'none'"), "{policy}");
        assert_eq!(response.header("x-content-type-options"), Some("nosniff"), "{path}");
        assert_eq!(response.header("referrer-policy"), Some("no-referrer"), "{path}");
        assert_eq!(response.header("x-frame-options"), Some("DENY"), "{path}");
    }
}

#[test]
fn the_cookie_is_secure_and_host_only_behind_a_trusted_proxy_and_plain_otherwise() {
    let state = support::state_dir();
    let studio = studio_behind_proxy(state.path());
    let body = json!({"name": "admin", "password": PASSWORD});
    let sign_in = |headers: &[(&str, &str)]| http(&studio.url, "POST", "/api/auth/sign-in", headers, Some(&body));

    let https = sign_in(&[("X-Forwarded-Proto", "https")]);
    let cookie = https.header("set-cookie").unwrap().to_owned();
    assert!(cookie.starts_with("__Host-strata_session=") && cookie.contains("; Secure"), "{cookie}");
    assert!(cookie.contains("Path=/") && !cookie.contains("Domain"), "{cookie}");
    let pair = cookie.split(';').next().unwrap();
    assert_eq!(
        http(&studio.url, "GET", "/api/project", &[("Cookie", pair), ("X-Forwarded-Proto", "https")], None).status,
        200
    );
    // Over HTTPS, a plain-named cookie (one a neighbour could have planted) is nobody.
    let plain_named = pair.replacen("__Host-", "", 1);
    let planted =
        http(&studio.url, "GET", "/api/project", &[("Cookie", &plain_named), ("X-Forwarded-Proto", "https")], None);
    assert_eq!(planted.status, 401);

    let plain = sign_in(&[]);
    let cookie = plain.header("set-cookie").unwrap();
    assert!(cookie.starts_with("strata_session=") && !cookie.contains("Secure"), "{cookie}");
}

/// Opens `/api/events` with `headers`; the status line and the open connection.
fn open_stream(studio: &Studio, headers: &[(&str, &str)]) -> (u16, TcpStream) {
    let address = studio.url.strip_prefix("http://").unwrap();
    let mut stream = TcpStream::connect(address).unwrap();
    let mut request = format!("GET /api/events HTTP/1.0\r\nHost: {address}\r\nAccept: text/event-stream\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    stream.write_all(format!("{request}\r\n").as_bytes()).unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        assert_eq!(stream.read(&mut byte).unwrap(), 1, "the head: {}", String::from_utf8_lossy(&head));
        head.push(byte[0]);
    }
    let status = String::from_utf8_lossy(&head).split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, stream)
}

/// Whether the server ends the stream within `limit` (keep-alive comments aside).
fn ends_within(mut stream: TcpStream, limit: Duration) -> bool {
    stream.set_read_timeout(Some(limit)).unwrap();
    let mut buffer = [0u8; 4096];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(_) => return false,
        }
    }
}

#[test]
fn event_streams_are_capped_per_session_and_end_with_it() {
    let state = support::state_dir();
    let studio = Studio::start(&support::sample_migrations(), state.path());
    studio.add_user("leaver", "viewer");
    let body = |name: &str| json!({"name": name, "password": PASSWORD});
    let signed_in = http(&studio.url, "POST", "/api/auth/sign-in", &[], Some(&body("admin")));
    let cookie = signed_in.header("set-cookie").unwrap().split(';').next().unwrap().to_owned();
    let csrf = serde_json::from_str::<Value>(&signed_in.body).unwrap()["csrf_token"].as_str().unwrap().to_owned();

    let streams: Vec<TcpStream> = (0..8)
        .map(|_| {
            let (status, stream) = open_stream(&studio, &[("Cookie", &cookie)]);
            assert_eq!(status, 200);
            stream
        })
        .collect();
    let (status, _) = open_stream(&studio, &[("Cookie", &cookie)]);
    assert_eq!(status, 429, "a ninth stream for one session");

    let out = http(&studio.url, "POST", "/api/auth/sign-out", &[("Cookie", &cookie), ("X-CSRF-Token", &csrf)], None);
    assert_eq!(out.status, 204);
    for stream in streams {
        assert!(ends_within(stream, Duration::from_secs(10)), "a stream outlived sign-out");
    }

    // A removed account's stream ends too (the command line removes it, in another process).
    let leaver = http(&studio.url, "POST", "/api/auth/sign-in", &[], Some(&body("leaver")));
    let cookie = leaver.header("set-cookie").unwrap().split(';').next().unwrap().to_owned();
    let (status, stream) = open_stream(&studio, &[("Cookie", &cookie)]);
    assert_eq!(status, 200);
    assert!(studio.cli(&["user", "remove", "leaver"]).output().unwrap().status.success());
    assert!(ends_within(stream, Duration::from_secs(60)), "a stream outlived its account");
}
