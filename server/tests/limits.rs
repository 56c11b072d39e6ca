//! What `strata serve` holds under a flood: half-sent requests are closed, connections past the
//! cap wait while the open ones (event streams too) are served, and previews share a few
//! connections to the target.

mod support;

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::Duration;
use support::Studio;
use support::targets::sample_copy;

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
