//! A small mutation fuzzer that runs inside `cargo test` on stable Rust.
//!
//! Why not cargo-fuzz: libFuzzer needs a nightly toolchain, and CI machines install only
//! from the package registries. What this gives up is coverage guidance; what it keeps is
//! the part that finds our panics: seeds that are real inputs (the sample, the fixtures, the
//! corpus), mutated with the tokens each format is made of, every input run under
//! `catch_unwind`. Each panicking input is written to a file and the test fails naming it;
//! copy it into the target's corpus folder once fixed, and it is a regression test forever.
//! An abort that no unwinding can catch leaves its input as `in-flight.txt` in that folder.
//!
//! Budget: `STRATA_FUZZ_INPUTS` inputs per target (CI runs a few thousand; run a million
//! locally), `STRATA_FUZZ_SEED` for another random sequence.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Once;

pub const DEFAULT_INPUTS: usize = 3_000;
/// A run stops at this many panicking inputs: enough to see the pattern, few enough files.
const MAX_CRASHES: usize = 20;

pub struct Target<'a> {
    /// Names the corpus folder (`tests/fuzz/corpus/<name>/`) and the crash files.
    pub name: &'a str,
    pub seeds: Vec<String>,
    /// The format's own tokens: keywords, punctuation, header keys.
    pub dictionary: &'a [&'a str],
}

pub fn inputs_per_target() -> usize {
    std::env::var("STRATA_FUZZ_INPUTS").ok().and_then(|n| n.parse().ok()).unwrap_or(DEFAULT_INPUTS)
}

/// Runs `check` on the seeds and on `inputs_per_target()` mutations of them; fails listing
/// the files that hold the inputs that panicked.
pub fn fuzz(mut target: Target<'_>, corpus_root: &Path, crash_root: &Path, check: impl Fn(&str)) {
    silence_panic_messages();
    target.seeds.extend(read_corpus(&corpus_root.join(target.name)));
    assert!(!target.seeds.is_empty(), "{}: no seeds", target.name);
    let seed = std::env::var("STRATA_FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0x5eed);
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut crashes = Vec::new();
    let budget = inputs_per_target();
    // An abort (a C assertion, a stack overflow) ends the process before anything is saved:
    // the input in flight is on disk while it runs, so such a crash leaves it behind.
    let in_flight = crash_root.join(target.name).join("in-flight.txt");
    std::fs::create_dir_all(in_flight.parent().unwrap()).expect("creating the crash folder");
    for round in 0..target.seeds.len() + budget {
        let input = match target.seeds.get(round) {
            Some(seed) => seed.clone(),
            None => mutate(&mut rng, &target),
        };
        std::fs::write(&in_flight, &input).expect("writing the input in flight");
        FUZZING.set(true);
        let outcome = catch_unwind(AssertUnwindSafe(|| check(&input)));
        FUZZING.set(false);
        if outcome.is_err() {
            crashes.push(save_crash(crash_root, target.name, &input));
            if crashes.len() == MAX_CRASHES {
                break;
            }
        }
    }
    let _ = std::fs::remove_file(&in_flight);
    assert!(crashes.is_empty(), "{}: {} inputs panicked, saved in:\n{}", target.name, crashes.len(), listing(&crashes));
    println!("{}: {} seeds and {budget} mutations, no panic", target.name, target.seeds.len());
}

/// One to four stacked mutations of a random seed: stacking reaches inputs that are several
/// edits away from anything real, which is where parsers' corner cases live.
fn mutate(rng: &mut fastrand::Rng, target: &Target<'_>) -> String {
    let mut text = target.seeds[rng.usize(..target.seeds.len())].clone();
    for _ in 0..rng.usize(1..=4) {
        let at = boundary(&text, rng.usize(..=text.len()));
        let token = target.dictionary[rng.usize(..target.dictionary.len())];
        match rng.u8(..8) {
            0 | 1 => text.insert_str(at, token),
            2 => {
                let end = boundary(&text, at + rng.usize(..=64.min(text.len() - at)));
                text.replace_range(at..end, "");
            }
            3 => {
                let end = boundary(&text, at + rng.usize(..=64.min(text.len() - at)));
                let copy = text[at..end].to_owned();
                text.insert_str(at, &copy);
            }
            4 => {
                let end = boundary(&text, at + rng.usize(..=16.min(text.len() - at)));
                text.replace_range(at..end, token);
            }
            5 => {
                let other = &target.seeds[rng.usize(..target.seeds.len())];
                let from = boundary(other, rng.usize(..=other.len()));
                text = format!("{}{}", &text[..at], &other[from..]);
            }
            6 => text.insert_str(at, &token.repeat(rng.usize(2..200))),
            _ => {
                let mut bytes = std::mem::take(&mut text).into_bytes();
                if let Some(byte) = bytes.get_mut(at) {
                    *byte ^= 1 << rng.u8(..8);
                }
                text = String::from_utf8_lossy(&bytes).into_owned();
            }
        }
    }
    text
}

fn boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn read_corpus(folder: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(folder) else { return Vec::new() };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    paths.sort();
    paths.iter().filter_map(|p| std::fs::read(p).ok()).map(|b| String::from_utf8_lossy(&b).into_owned()).collect()
}

fn save_crash(crash_root: &Path, target: &str, input: &str) -> PathBuf {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    input.hash(&mut hasher);
    let folder = crash_root.join(target);
    let path = folder.join(format!("{:016x}.txt", hasher.finish()));
    std::fs::create_dir_all(&folder).and_then(|()| std::fs::write(&path, input)).expect("writing a crash file");
    path
}

fn listing(paths: &[PathBuf]) -> String {
    paths.iter().map(|p| format!("  {}\n", p.display())).collect()
}

thread_local! {
    /// Set while a fuzzed input runs on this thread.
    static FUZZING: Cell<bool> = const { Cell::new(false) };
}

/// Expected panics would flood the output; the crash files say what happened. Only panics on
/// a thread that is running a fuzzed input are silenced: other tests of the same binary keep
/// their messages.
fn silence_panic_messages() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        if std::env::var_os("STRATA_FUZZ_VERBOSE").is_none() {
            let report = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                if !FUZZING.get() {
                    report(info);
                }
            }));
        }
    });
}
