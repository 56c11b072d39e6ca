//! Prints how long the schema diagram's layout takes (not pass/fail): schemas of 200 and
//! 1,000 tables shaped like real ones (chains, fans around hubs, a cycle, self-references,
//! tables without foreign keys), best of several runs, with the picture's size and crossings.

use std::time::Instant;
use strata_shared::diagram::{Link, Size, crossings, lay_out};

fn schema(tables: usize) -> (Vec<Size>, Vec<Link>) {
    let mut seed = 7u64;
    let mut next = move |below: usize| {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((seed >> 33) as usize) % below.max(1)
    };
    let sizes: Vec<Size> =
        (0..tables).map(|_| Size { width: 250.0, height: 30.0 + 16.0 * (2 + next(25)) as f64 }).collect();
    let link = |from, to| Link { from, to, from_port: 12.0, to_port: 12.0 };
    let mut links = Vec::new();
    for t in 1..tables {
        match t % 10 {
            1..=3 => links.push(link(t, t - 1)),
            4..=6 => links.push(link(t, (t / 50) * 50)),
            7 => {
                links.push(link(t, next(t)));
                links.push(link(t, next(t)));
            }
            8 if t % 40 == 8 => links.push(link(t, t)),
            _ => {}
        }
    }
    links.push(link(100, 102));
    (sizes, links)
}

fn main() {
    for tables in [200, 1000] {
        let (sizes, links) = schema(tables);
        let mut best = f64::MAX;
        let mut drawing = lay_out(&sizes, &links);
        for _ in 0..10 {
            let started = Instant::now();
            drawing = lay_out(&sizes, &links);
            best = best.min(started.elapsed().as_secs_f64() * 1000.0);
        }
        println!(
            "diagram layout, {tables} tables, {} foreign keys: {best:.2} ms (best of 10), {:.0}×{:.0} px, {} crossings",
            links.len(),
            drawing.width,
            drawing.height,
            crossings(&drawing)
        );
    }
}
