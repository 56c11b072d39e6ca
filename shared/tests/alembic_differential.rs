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
use strata_shared::revision::Revision;

mod common;
use common::{Rng, generate_history};

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
    /// Alembic failed with an internal error: nothing to compare with.
    AlembicCrashed,
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
    if answer.get("crash").is_some() {
        return Outcome::AlembicCrashed;
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
    let (mut cases, mut refused, mut crashed, mut mismatches) = (0, 0, 0, Vec::new());
    for history in 0..60 {
        let revisions = generate_history(&mut rng, true);
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
            match theirs {
                Outcome::Refused => refused += 1,
                Outcome::AlembicCrashed => {
                    crashed += 1;
                    continue;
                }
                _ => {}
            }
            if mine != theirs {
                mismatches
                    .push(format!("history {history}, {query}:\n  strata:  {mine:?}\n  alembic: {theirs:?} {answer}"));
            }
        }
    }
    println!(
        "alembic differential: {cases} cases; {} agree ({refused} refused by both); Alembic crashed on {crashed}",
        cases - crashed - mismatches.len()
    );
    assert!(
        mismatches.is_empty(),
        "{} of {cases} cases differ from Alembic; the first ones:\n{}",
        mismatches.len(),
        mismatches.iter().take(8).cloned().collect::<Vec<_>>().join("\n")
    );
}
