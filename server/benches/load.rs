//! Load and fault figures for `strata serve` (printed, not pass/fail; `scripts/load-figures`):
//! viewers browsing while a run executes, slowloris, a sign-in flood, a preview flood, the
//! running strata killed mid-run ×20 and PostgreSQL restarted mid-run ×10. Prints the p99 of
//! `/api/project`, connections held on the target, the server's memory ceiling, and whether
//! every database stayed consistent. All traffic stays on 127.0.0.1, bounded in count and time.

#[path = "../tests/support/mod.rs"]
mod support;

use serde_json::{Value, json};
use sqlx::{Connection, PgConnection};
use std::io::Write;
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use strata_server::sandbox::Sandbox;
use support::Studio;
use support::targets::{Targets, block_on, sample_copy};

const SLOW_SECONDS: f64 = 3.0;

fn main() {
    let dir = support::state_dir();
    let targets = Targets::start(dir.path(), &["prod"]);
    let migrations = sample_copy(dir.path());
    // A slow revision on top of the sample's head, so a run lasts a while.
    std::fs::write(
        migrations.join("versions/ffff00000001_slow.sql"),
        format!(
            "-- revision: ffff00000001\n-- revises: 9f2b4d6e8a1c\n\n-- strata:upgrade\nSELECT pg_sleep({SLOW_SECONDS});\n\n-- strata:downgrade\nSELECT 1;\n"
        ),
    )
    .unwrap();
    let config = dir.path().join("strata.toml");
    std::fs::write(
        &config,
        "[environments.prod]\nurl_env = \"PROD_URL\"\n\n[server]\nheader_timeout_seconds = 5\nmax_connections = 512\ntarget_connections = 4\n",
    )
    .unwrap();
    let studio = Studio::start_with(&migrations, dir.path(), &config, &targets.env());
    let viewer = studio.add_user("viewer", "viewer");
    println!("strata serve (this build's profile) on a copy of the sample (36 revisions), target `prod`\n");

    let baseline = project_latencies(&studio, 1, Duration::from_secs(3));
    println!("/api/project alone:                     {}", summary(&baseline));

    // Viewers browse while a run executes.
    let upgrade = json!({"environment": "prod", "operation": "upgrade", "target": "heads"});
    let (_, preview) = studio.post("/api/plans", &upgrade);
    let mut run = upgrade.clone();
    run["fingerprint"] = serde_json::from_str::<Value>(&preview).unwrap()["fingerprint"].clone();
    let most = Arc::new(Mutex::new(0i64));
    let sampling = sample_target_connections(&targets, most.clone());
    let during_run = std::thread::scope(|scope| {
        let runner = scope.spawn(|| studio.post("/api/runs", &run));
        let latencies = project_latencies(&studio, 20, Duration::from_secs_f64(SLOW_SECONDS));
        let (status, outcome) = runner.join().unwrap();
        assert_eq!(status, 200, "{outcome}");
        latencies
    });
    println!("/api/project, 20 viewers during a run:  {}", summary(&during_run));

    // Slowloris: half-sent requests, past the connection cap.
    let started = Instant::now();
    let mut half_sent: Vec<TcpStream> = (0..700)
        .filter_map(|_| {
            let mut stream = TcpStream::connect(studio.url.strip_prefix("http://").unwrap()).ok()?;
            stream.write_all(b"GET /api/project HTTP/1.1\r\nHost: studio\r\nX-Slow: ").ok()?;
            Some(stream)
        })
        .collect();
    let opened = half_sent.len();
    let under_slowloris = project_latencies(&studio, 4, Duration::from_secs(3));
    std::thread::sleep(Duration::from_secs(6).saturating_sub(started.elapsed()));
    let closed = half_sent.iter_mut().map(is_closed).filter(|closed| *closed).count();
    drop(half_sent);
    println!("/api/project, {opened} half-sent requests:  {}", summary(&under_slowloris));
    println!("  half-sent requests closed after 6 s: {closed} of {opened} (header timeout 5 s, cap 512)");

    // A sign-in flood (wrong passwords, one address).
    let flood_statuses = Mutex::new(Vec::new());
    let during_sign_ins = std::thread::scope(|scope| {
        for n in 0..200 {
            let (studio, statuses) = (&studio, &flood_statuses);
            scope.spawn(move || {
                let body = json!({"name": format!("admin{}", n % 3), "password": "wrong"});
                let response = support::http(&studio.url, "POST", "/api/auth/sign-in", &[], Some(&body));
                statuses.lock().unwrap().push(response.status);
            });
        }
        project_latencies(&studio, 4, Duration::from_secs(3))
    });
    println!("/api/project, 200 sign-ins in flight:   {}", summary(&during_sign_ins));
    println!("  sign-in answers: {}", count(&flood_statuses.into_inner().unwrap()));

    // A preview flood by a viewer: every revision as a target, 10 times over.
    let (_, project) = studio.get("/api/project");
    let project: Value = serde_json::from_str(&project).unwrap();
    let targets_of_plans: Vec<String> =
        project["revisions"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_owned()).collect();
    *most.lock().unwrap() = 0;
    let preview_statuses = Mutex::new(Vec::new());
    let during_previews = std::thread::scope(|scope| {
        for target in targets_of_plans.iter().cycle().take(10 * targets_of_plans.len()) {
            let (studio, statuses, viewer) = (&studio, &preview_statuses, &viewer);
            scope.spawn(move || {
                let body = json!({"environment": "prod", "operation": "downgrade", "target": target});
                let auth = format!("Bearer {viewer}");
                let response =
                    support::http(&studio.url, "POST", "/api/plans", &[("Authorization", &auth)], Some(&body));
                statuses.lock().unwrap().push(response.status);
            });
        }
        project_latencies(&studio, 4, Duration::from_secs(3))
    });
    println!("/api/project, {} previews in flight:    {}", 10 * targets_of_plans.len(), summary(&during_previews));
    println!("  preview answers: {}", count(&preview_statuses.into_inner().unwrap()));
    sampling.store(false, Ordering::Relaxed);
    std::thread::sleep(Duration::from_millis(100));
    println!("  most connections held on the target by the studio: {} (target_connections = 4)", most.lock().unwrap());
    println!("studio memory ceiling (VmHWM): {}", vm_hwm(studio.pid()));
    drop(studio);

    println!();
    let killed = strata_killed_mid_run(&targets.sandbox, 20);
    println!("strata killed (SIGKILL) mid-run x20: {killed}");
    drop(targets);
    let restarted = postgres_restarted_mid_run(dir.path(), 10);
    println!("PostgreSQL restarted (fast shutdown) mid-run x10: {restarted}");
}

/// GET /api/project from `clients` threads for `duration`: each latency and status.
fn project_latencies(studio: &Studio, clients: usize, duration: Duration) -> Vec<(Duration, u16)> {
    let latencies = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..clients {
            scope.spawn(|| {
                let started = Instant::now();
                while started.elapsed() < duration {
                    let one = Instant::now();
                    let (status, _) = studio.get("/api/project");
                    latencies.lock().unwrap().push((one.elapsed(), status));
                }
            });
        }
    });
    latencies.into_inner().unwrap()
}

fn summary(answers: &[(Duration, u16)]) -> String {
    let mut sorted: Vec<Duration> = answers.iter().map(|(latency, _)| *latency).collect();
    sorted.sort();
    let statuses: Vec<u16> = answers.iter().map(|(_, status)| *status).collect();
    let at = |q: f64| sorted[((sorted.len() as f64 * q) as usize).min(sorted.len() - 1)].as_secs_f64() * 1000.0;
    format!("p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms ({})", at(0.5), at(0.99), at(1.0), count(&statuses))
}

fn count(statuses: &[u16]) -> String {
    let mut counts = std::collections::BTreeMap::new();
    for status in statuses {
        *counts.entry(status).or_insert(0) += 1;
    }
    counts.iter().map(|(status, n)| format!("{n}x {status}")).collect::<Vec<_>>().join(", ")
}

fn is_closed(stream: &mut TcpStream) -> bool {
    use std::io::Read;
    stream.set_read_timeout(Some(Duration::from_millis(10))).unwrap();
    let mut buffer = [0u8; 512];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(error) => return error.kind() == std::io::ErrorKind::ConnectionReset,
        }
    }
}

fn vm_hwm(pid: i32) -> String {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status.lines().find(|l| l.starts_with("VmHWM")).map_or("?".into(), |l| l.split_whitespace().skip(1).collect())
}

/// Samples how many connections the studio (`strata studio`) holds on the targets' cluster.
fn sample_target_connections(targets: &Targets, most: Arc<Mutex<i64>>) -> Arc<AtomicBool> {
    let running = Arc::new(AtomicBool::new(true));
    let options = targets.sandbox.connect_options();
    let still = running.clone();
    std::thread::spawn(move || {
        block_on(async {
            let mut conn = PgConnection::connect_with(&options).await.unwrap();
            while still.load(Ordering::Relaxed) {
                let n: i64 = sqlx::query_scalar(
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'strata studio'",
                )
                .fetch_one(&mut conn)
                .await
                .unwrap();
                {
                    let mut most = most.lock().unwrap();
                    *most = (*most).max(n);
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
    });
    running
}

/// A table, then an index outside a transaction, then a slow table: what the database holds
/// by its objects must be what `alembic_version` says (or, cut off while the index was built,
/// strata refuses to run until a stamp).
fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let versions = dir.path().join("versions");
    std::fs::create_dir_all(&versions).unwrap();
    let files = [
        (
            "a1.sql",
            "-- revision: a1\n\n-- strata:upgrade\nCREATE TABLE t (id int, v text);\nINSERT INTO t SELECT n, 'x' FROM generate_series(1, 50000) n;\nSELECT pg_sleep(0.3);\n\n-- strata:downgrade\nDROP TABLE t;\n",
        ),
        (
            "b2.sql",
            "-- revision: b2\n-- revises: a1\n-- transactional: false\n\n-- strata:upgrade\nCREATE INDEX CONCURRENTLY t_v ON t (v);\n\n-- strata:downgrade\nDROP INDEX CONCURRENTLY t_v;\n",
        ),
        (
            "c3.sql",
            "-- revision: c3\n-- revises: b2\n\n-- strata:upgrade\nCREATE TABLE u (id int);\nSELECT pg_sleep(0.3);\n\n-- strata:downgrade\nDROP TABLE u;\n",
        ),
    ];
    for (name, text) in files {
        std::fs::write(versions.join(name), text).unwrap();
    }
    dir
}

/// (held by objects, recorded in alembic_version), as counts of a1, b2, c3.
async fn held_and_recorded(conn: &mut PgConnection) -> (usize, usize) {
    let exists = |sql: &'static str| sqlx::query_scalar::<_, Option<String>>(sql);
    let table = exists("SELECT to_regclass('t')::text").fetch_one(&mut *conn).await.unwrap().is_some();
    let index = exists("SELECT 'v' FROM pg_index WHERE indexrelid = to_regclass('t_v') AND indisvalid")
        .fetch_optional(&mut *conn)
        .await
        .unwrap()
        .is_some();
    let last = exists("SELECT to_regclass('u')::text").fetch_one(&mut *conn).await.unwrap().is_some();
    let held = [table, index, last].iter().take_while(|b| **b).count();
    let rows: Vec<String> =
        if exists("SELECT to_regclass('alembic_version')::text").fetch_one(&mut *conn).await.unwrap().is_some() {
            sqlx::query_scalar("SELECT version_num::text FROM alembic_version").fetch_all(&mut *conn).await.unwrap()
        } else {
            Vec::new()
        };
    let recorded = rows.first().map_or(0, |row| ["a1", "b2", "c3"].iter().position(|id| id == row).unwrap() + 1);
    (held, recorded)
}

fn strata(folder: &Path, url: &str, args: &[&str]) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_strata"))
        .arg("--migrations")
        .arg(folder)
        .args(args)
        .args(["--url", url])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Runs `upgrade head` and interrupts it with `interrupt` after a growing delay; then checks
/// the database and finishes the plan (stamping first where strata asks for it).
fn interrupted_runs(
    times: usize,
    mut url: impl FnMut(usize) -> String,
    mut interrupt: impl FnMut(&std::process::Child) -> String,
) -> String {
    let folder = fixture();
    let (mut consistent, mut refused_until_stamp, mut inconsistent, mut finished) = (0, 0, 0, 0);
    for n in 0..times {
        let url = url(n);
        let mut child = strata(folder.path(), &url, &["upgrade", "head", "--yes"]);
        std::thread::sleep(Duration::from_millis(150 + (n as u64 % 10) * 90));
        let url = interrupt(&child);
        let _ = child.kill();
        child.wait().unwrap();
        block_on(async {
            let mut conn = loop {
                if let Ok(conn) = PgConnection::connect(&url).await {
                    break conn;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            };
            // The interrupted session must be gone before the state is judged.
            while sqlx::query_scalar::<_, i64>("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")
                .fetch_one(&mut conn)
                .await
                .unwrap()
                > 0
            {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            let (held, recorded) = held_and_recorded(&mut conn).await;
            let next = strata(folder.path(), &url, &["upgrade", "head", "--yes"]).wait_with_output().unwrap();
            let stderr = String::from_utf8_lossy(&next.stderr);
            if stderr.contains("ran outside a transaction") {
                refused_until_stamp += 1;
                let holds = ["a1", "b2", "c3"][held - 1];
                assert!(strata(folder.path(), &url, &["stamp", holds, "--yes"]).wait().unwrap().success());
                assert!(strata(folder.path(), &url, &["upgrade", "head", "--yes"]).wait().unwrap().success());
            } else if held == recorded {
                consistent += 1;
            } else {
                inconsistent += 1;
            }
            if held_and_recorded(&mut conn).await == (3, 3) {
                finished += 1;
            }
            sqlx::raw_sql("DROP TABLE IF EXISTS t, u, alembic_version, strata_history, strata_run")
                .execute(&mut conn)
                .await
                .unwrap();
        });
    }
    format!(
        "{consistent} consistent, {refused_until_stamp} cut off in the index step and refused until stamped, \
         {inconsistent} inconsistent; {finished} of {times} reached the head on the next run"
    )
}

fn strata_killed_mid_run(sandbox: &Sandbox, times: usize) -> String {
    let url = format!("postgresql://postgres:{}@127.0.0.1:{}/postgres", sandbox.password(), sandbox.port());
    let kill_url = url.clone();
    interrupted_runs(
        times,
        |_| url.clone(),
        |child| {
            support::send_signal(child.id() as i32, libc::SIGKILL);
            kill_url.clone()
        },
    )
}

fn postgres_restarted_mid_run(dir: &Path, times: usize) -> String {
    let cluster = dir.join("restarts");
    std::fs::create_dir_all(&cluster).unwrap();
    let sandbox = Arc::new(Mutex::new(Some(block_on(Sandbox::start(&cluster)).unwrap())));
    let url_of = |sandbox: &Sandbox| {
        format!("postgresql://postgres:{}@127.0.0.1:{}/postgres", sandbox.password(), sandbox.port())
    };
    let figures = interrupted_runs(
        times,
        |_| url_of(sandbox.lock().unwrap().as_ref().unwrap()),
        |_| {
            let mut slot = sandbox.lock().unwrap();
            block_on(slot.take().unwrap().stop()).unwrap();
            let restarted = block_on(Sandbox::start(&cluster)).unwrap();
            let url = url_of(&restarted);
            *slot = Some(restarted);
            url
        },
    );
    if let Some(sandbox) = sandbox.lock().unwrap().take() {
        block_on(sandbox.stop()).unwrap();
    }
    figures
}
