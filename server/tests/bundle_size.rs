//! What a first visit downloads (issue 16): the files `index.html` names, as served gzipped,
//! stay under 1 MB, and none of them carries the SQL engine, which comes only with the
//! worker a page starts when it first parses or replays SQL.

use crate::support;

const FIRST_VISIT_GZIP_BYTES: u64 = 1_000_000;
/// A message of PostgreSQL's scanner: in the engine's wasm, and in no file of a first visit.
const PARSER_TEXT: &[u8] = b"unterminated quoted string";

#[test]
fn a_first_visit_downloads_under_a_megabyte_gzipped_and_no_sql_engine() {
    let dist = support::workspace_root().join("dist");
    let index = std::fs::read_to_string(dist.join("index.html")).expect("build the frontend first");
    let first_visit: Vec<String> = index
        .split(['"', '\''])
        .filter(|part| part.starts_with('/') && [".js", ".wasm", ".css"].iter().any(|end| part.ends_with(end)))
        .filter(|part| !part.contains("engine"))
        .map(|part| part.trim_start_matches('/').to_owned())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert!(first_visit.iter().any(|name| name.ends_with("_bg.wasm")), "{first_visit:?}");
    let mut gzip_bytes = 0;
    for name in &first_visit {
        gzip_bytes += std::fs::metadata(dist.join(format!("{name}.gz"))).expect("the build writes .gz copies").len();
        let bytes = std::fs::read(dist.join(name)).unwrap();
        assert!(!contains(&bytes, PARSER_TEXT), "{name} carries PostgreSQL's parser");
    }
    assert!(
        gzip_bytes <= FIRST_VISIT_GZIP_BYTES,
        "a first visit downloads {gzip_bytes} bytes gzipped: {first_visit:?}"
    );

    let engine_wasm = std::fs::read_dir(&dist)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .find(|name| name.starts_with("engine") && name.ends_with("_bg.wasm"))
        .expect("the build has the SQL engine's wasm");
    assert!(contains(&std::fs::read(dist.join(&engine_wasm)).unwrap(), PARSER_TEXT), "the engine has the parser");
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}
