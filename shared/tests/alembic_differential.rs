//! Strata against the real Alembic: on generated histories with branch points, merges,
//! branch labels and depends_on, every plan (upgrade, downgrade, stamp) and history range must
//! give the same steps, the same version rows after each step, and the same refusals.
//!
//! Alembic runs in the venv scripts/setup creates (`.tools/alembic-venv`, or
//! `$STRATA_ALEMBIC_PYTHON`), through `tests/alembic/oracle.py`.

use serde_json::{Value, json};
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use strata_shared::graph::{Ident, RevisionGraph, Selection};
use strata_shared::plan::{self, Direction, Plan};
use strata_shared::revision::{HeaderLines, Revision, RevisionFormat, SqlSection};

/// SplitMix64: a small, seeded, reproducible source of choices.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

fn revision(id: String, parents: Vec<String>, labels: Vec<String>, depends_on: Vec<String>) -> Revision {
    let empty = SqlSection { sql: String::new(), first_line: 1 };
    Revision {
        path: format!("{id}.sql"),
        id,
        parents,
        branch_labels: labels,
        depends_on,
        message: None,
        created: None,
        transactional: true,
        upgrade: empty.clone(),
        downgrade: empty,
        lines: HeaderLines::default(),
        format: RevisionFormat::StrataSql,
    }
}

/// A history of 6-20 revisions: mostly linear growth, with new bases, branch points, merges
/// of two or three heads, labels, and depends_on across branches.
fn generate_history(rng: &mut Rng) -> Vec<Revision> {
    let count = 6 + rng.below(15);
    let mut revisions: Vec<Revision> = Vec::new();
    for i in 0..count {
        let id = format!("{:012x}", rng.next() & 0xffff_ffff_ffff);
        let heads: Vec<String> = revisions
            .iter()
            .filter(|r| !revisions.iter().any(|o| o.parents.contains(&r.id)))
            .map(|r| r.id.clone())
            .collect();
        let parents = if i == 0 || rng.chance(8) {
            Vec::new()
        } else if heads.len() >= 2 && rng.chance(25) {
            let mut merged = vec![rng.pick(&heads).clone()];
            let wanted = if heads.len() >= 3 && rng.chance(30) { 3 } else { 2 };
            while merged.len() < wanted {
                let other = rng.pick(&heads).clone();
                if !merged.contains(&other) {
                    merged.push(other);
                }
            }
            merged
        } else if rng.chance(65) && !heads.is_empty() {
            vec![rng.pick(&heads).clone()]
        } else {
            vec![rng.pick(&revisions).id.clone()]
        };
        let labels = if rng.chance(15) { vec![format!("lb{i}")] } else { Vec::new() };
        // At most one dependency: with several, Alembic's order depends on Python's set order.
        let depends_on = if i > 2 && rng.chance(12) {
            let other = rng.pick(&revisions[..i - 1]);
            let dep = other.branch_labels.first().filter(|_| rng.chance(30)).unwrap_or(&other.id).clone();
            if parents.contains(&dep) { Vec::new() } else { vec![dep] }
        } else {
            Vec::new()
        };
        revisions.push(revision(id, parents, labels, depends_on));
    }
    revisions
}

/// Version-table states to start from: empty, one revision, a pair on different branches, all heads.
fn states(graph: &RevisionGraph, rng: &mut Rng) -> Vec<Vec<String>> {
    let mut states = vec![Vec::new(), graph.ids(graph.real_heads().iter().copied())];
    for _ in 0..3 {
        let mut picked: Vec<usize> = Vec::new();
        for _ in 0..1 + rng.below(2) {
            let candidate = rng.below(graph.len());
            let related = picked.iter().any(|&p| {
                graph.ancestors(&[p], true).contains(candidate) || graph.ancestors(&[candidate], true).contains(p)
            });
            if !related {
                picked.push(candidate);
            }
        }
        states.push(graph.ids(picked));
    }
    states
}

fn targets(graph: &RevisionGraph, rng: &mut Rng) -> Vec<String> {
    let mut targets: Vec<String> = ["head", "heads", "base", "+1", "+2", "-1", "-2"].map(String::from).to_vec();
    for _ in 0..4 {
        let id = graph.id(rng.below(graph.len())).to_owned();
        targets.push(id[..6].to_owned());
        targets.push(format!("{id}+1"));
        targets.push(format!("{}-1", &id[..5]));
        targets.push(id);
    }
    let labels: Vec<String> = graph.nodes().iter().flat_map(|n| n.revision.branch_labels.clone()).collect();
    if !labels.is_empty() {
        for _ in 0..2 {
            let label = rng.pick(&labels).clone();
            for suffix in ["head", "base", "+1", "-1", "heads"] {
                targets.push(format!("{label}@{suffix}"));
            }
        }
    }
    targets
}

/// What either side says: the steps, a history order, or a refusal.
#[derive(Debug, PartialEq)]
enum Outcome {
    Steps(Vec<(Option<String>, &'static str, Vec<String>)>),
    Order(Vec<String>),
    Refused,
}

fn from_plan(result: Result<Plan, strata_shared::graph::GraphError>) -> Outcome {
    match result {
        Ok(plan) => Outcome::Steps(
            plan.steps
                .into_iter()
                .map(|s| (s.revision, if s.direction == Direction::Up { "up" } else { "down" }, s.rows_after))
                .collect(),
        ),
        Err(_) => Outcome::Refused,
    }
}

fn from_oracle(answer: &Value) -> Outcome {
    if answer.get("error").is_some() {
        return Outcome::Refused;
    }
    let strings = |v: &Value| v.as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_owned()).collect::<Vec<_>>();
    if let Some(order) = answer.get("order") {
        return Outcome::Order(strings(order));
    }
    Outcome::Steps(
        answer["steps"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                let direction = if s[1] == "up" { "up" } else { "down" };
                (s[0].as_str().map(str::to_owned), direction, strings(&s[2]))
            })
            .collect(),
    )
}

fn python() -> PathBuf {
    std::env::var_os("STRATA_ALEMBIC_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.tools/alembic-venv/bin/python"))
}

fn ask_alembic(revisions: &[Revision], queries: &[Value]) -> Vec<Value> {
    let request = json!({
        "revisions": revisions.iter().map(|r| json!({
            "id": r.id, "down": r.parents, "labels": r.branch_labels, "depends_on": r.depends_on,
        })).collect::<Vec<_>>(),
        "queries": queries,
    });
    let python = python();
    assert!(python.exists(), "no Alembic venv at {}: run scripts/setup", python.display());
    let mut child = Command::new(&python)
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/alembic/oracle.py"))
        .env("PYTHONHASHSEED", "0")
        .env("PYTHONWARNINGS", "ignore")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the oracle starts");
    child.stdin.take().unwrap().write_all(request.to_string().as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "the oracle failed: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn plans_and_history_ranges_equal_alembics_on_generated_histories() {
    let mut rng = Rng(0x5EED_2026);
    let (mut cases, mut refused, mut mismatches) = (0, 0, Vec::new());
    for history in 0..60 {
        let revisions = generate_history(&mut rng);
        // File names sort in generation order on both sides.
        let (graph, diagnostics) = RevisionGraph::build(revisions.clone());
        assert!(diagnostics.is_empty(), "generated history {history} is valid: {diagnostics:?}");
        let mut queries = Vec::new();
        let mut ours = Vec::new();
        let targets = targets(&graph, &mut rng);
        for rows in states(&graph, &mut rng) {
            for target in &targets {
                queries.push(json!({"op": "upgrade", "rows": rows, "target": target}));
                ours.push(from_plan(plan::upgrade(&graph, &rows, target)));
                queries.push(json!({"op": "downgrade", "rows": rows, "target": target}));
                ours.push(from_plan(plan::downgrade(&graph, &rows, target)));
                queries.push(json!({"op": "stamp", "rows": rows, "target": target}));
                ours.push(from_plan(plan::stamp(&graph, &rows, std::slice::from_ref(target), false)));
            }
        }
        for lower in ["", "base", &targets[8], &targets[12], "-2"] {
            for upper in ["", "heads", "head", &targets[11], &targets[15]] {
                let range = format!("{lower}:{upper}");
                queries.push(json!({"op": "history", "range": range}));
                let how = Selection { inclusive: true, allow_short_relative: true, ..Selection::default() };
                let lower = if lower.is_empty() { "base" } else { lower };
                let upper = if upper.is_empty() { "heads" } else { upper };
                ours.push(match graph.select_upgrade(Ident::Spec(upper), Ident::Spec(lower), how) {
                    Ok(order) => Outcome::Order(graph.ids(order)),
                    Err(_) => Outcome::Refused,
                });
            }
        }
        let answers = ask_alembic(&revisions, &queries);
        for ((query, mine), answer) in queries.iter().zip(ours).zip(&answers) {
            cases += 1;
            let theirs = from_oracle(answer);
            if theirs == Outcome::Refused {
                refused += 1;
            }
            if mine != theirs {
                mismatches
                    .push(format!("history {history}, {query}:\n  strata:  {mine:?}\n  alembic: {theirs:?} {answer}"));
            }
        }
    }
    println!("alembic differential: {cases} cases, {} agree, {refused} refused by both", cases - mismatches.len());
    assert!(
        mismatches.is_empty(),
        "{} of {cases} cases differ from Alembic; the first ones:\n{}",
        mismatches.len(),
        mismatches.iter().take(8).cloned().collect::<Vec<_>>().join("\n")
    );
}
