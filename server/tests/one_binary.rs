//! One binary: `strata serve` started in a folder of its own, without `--dist`, serves the
//! studio built into it: `index.html` for the page and its client-side routes, the wasm (and
//! the SQL engine worker's) compressed and cached for good (named by their content's hash). `--dist` serves a folder the
//! same way.

use crate::support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use support::Studio;

#[test]
fn serve_from_another_folder_serves_the_embedded_studio() {
    assert!(support::workspace_root().join("dist/index.html").is_file(), "build the frontend first (it is embedded)");
    let state = support::state_dir();
    let elsewhere = tempfile::tempdir().unwrap();
    let config = state.path().join("strata.toml");
    let mut command = Command::new(env!("CARGO_BIN_EXE_strata"));
    command
        .current_dir(elsewhere.path())
        .arg("--migrations")
        .arg(support::sample_migrations())
        .arg("--config")
        .arg(&config)
        .args(["serve", "--port", "0", "--state-dir"])
        .arg(state.path())
        .env_remove("STRATA_DIST");
    let studio = Studio::spawn(command, state.path(), &config);

    for path in ["/", "/schema"] {
        let page = support::http(&studio.url, "GET", path, &[], None);
        assert_eq!(page.status, 200, "{path}");
        assert!(page.body.contains("<html") || page.body.contains("<!DOCTYPE"), "{path}: {}", page.body);
        assert_eq!(page.header("cache-control"), Some("no-cache"), "{path}: index.html is asked for each time");
    }
    served_compressed_for_good(&studio.url);
}

#[test]
fn serve_with_dist_serves_the_folder_compressed_for_good() {
    let state = support::state_dir();
    let studio = Studio::start(&support::sample_migrations(), state.path());
    served_compressed_for_good(&studio.url);
}

/// The wasm module `index.html` names, and the SQL engine's that the loader named by its
/// `<meta name="strata-engine">` names, go out as brotli to a browser that accepts it, as gzip
/// to one that accepts only that, and either way are kept for good (the loader too).
fn served_compressed_for_good(url: &str) {
    let index = support::http(url, "GET", "/", &[], None).body;
    let named_wasm = |text: &str| {
        let wasm = text.split(['"', '\'']).find(|part| part.ends_with("_bg.wasm"));
        wasm.map(|wasm| wasm.trim_start_matches(['.', '/']).to_owned())
    };
    let wasm = named_wasm(&index).expect("index.html names the wasm module");
    let loader = index
        .split("<meta name=\"strata-engine\" content=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("index.html names the SQL engine's loader");
    let loader_response = support::http(url, "GET", loader, &[], None);
    assert_eq!(loader_response.status, 200, "{loader}");
    assert_eq!(loader_response.header("cache-control"), Some("public, max-age=31536000, immutable"), "{loader}");
    let engine_wasm = named_wasm(&loader_response.body).expect("the loader names the engine's wasm");
    assert_ne!(wasm, engine_wasm);
    for wasm in [wasm, engine_wasm] {
        served_wasm_compressed_for_good(url, &wasm);
    }
}

fn served_wasm_compressed_for_good(url: &str, wasm: &str) {
    let dist = support::workspace_root().join("dist");
    assert!(
        dist.join(format!("{wasm}.br")).is_file(),
        "the build writes brotli copies (install brotli and zopfli: scripts/setup)"
    );
    let mut lengths = Vec::new();
    for (accepted, coding) in [("gzip, deflate, br, zstd", "br"), ("gzip", "gzip")] {
        let head = head_accepting(url, &format!("/{wasm}"), accepted);
        assert!(head.starts_with("HTTP/1.1 200"), "{wasm}: {head}");
        let head = head.to_ascii_lowercase();
        assert!(head.contains("content-type: application/wasm"), "{head}");
        assert!(head.contains(&format!("content-encoding: {coding}")), "{accepted}: {head}");
        assert!(head.contains("cache-control: public, max-age=31536000, immutable"), "{head}");
        let length = head.lines().find_map(|line| line.strip_prefix("content-length: ")).map(str::trim);
        lengths.push(length.and_then(|n| n.parse::<u64>().ok()).expect("a length"));
    }
    assert!(lengths[0] < lengths[1], "{wasm}: brotli is the smaller copy: {lengths:?}");
}

/// The response head of a GET that accepts `encodings` (the body is binary: read as bytes,
/// dropped).
fn head_accepting(base: &str, path: &str, encodings: &str) -> String {
    let address = base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).unwrap();
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nAccept-Encoding: {encodings}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let end = response.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    String::from_utf8_lossy(&response[..end]).into_owned()
}
