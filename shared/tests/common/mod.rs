//! Generated revision histories for the tests: seeded, so every run sees the same ones.
#![allow(dead_code)] // each test file uses a different part

use strata_shared::revision::{HeaderLines, Revision, RevisionFormat, SqlSection};

/// SplitMix64: a small, seeded, reproducible source of choices.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

pub fn revision(id: String, parents: Vec<String>, labels: Vec<String>, depends_on: Vec<String>) -> Revision {
    let empty = SqlSection::written("", 1);
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
        allowed: Vec::new(),
        script: None,
        doc: None,
    }
}

/// A history of 6-20 revisions: mostly linear growth, with new bases, branch points, merges
/// of two or three heads, labels, and (if asked) depends_on across branches.
pub fn generate_history(rng: &mut Rng, with_dependencies: bool) -> Vec<Revision> {
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
        let depends_on = if with_dependencies && i > 2 && rng.chance(12) {
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
