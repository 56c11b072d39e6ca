//! `strata serve`: the studio, with the sandbox PostgreSQL as its environment.

use crate::auth::first_run::FirstRun;
use crate::cli::ServeArgs;
use crate::config::{Config, EnvironmentConfig};
use crate::http::{self, AppState, Environment};
use crate::migrations_dir;
use crate::sandbox::{self, Sandbox};
use crate::state::StateDb;
use crate::state::audit::{self, Event};
use crate::state::users;
use anyhow::{Context, Result};
use sqlx::Connection;
use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;
use strata_shared::audit::AuditAction;
use strata_shared::postgres_version::PostgresVersion;
use tokio::signal::unix::{SignalKind, signal};

pub fn run(migrations: &Path, config: &Path, state_dir: &Path, args: ServeArgs) -> Result<ExitCode> {
    tokio::runtime::Runtime::new()?.block_on(serve(migrations, config, state_dir, args))?;
    Ok(ExitCode::SUCCESS)
}

async fn serve(migrations: &Path, config_path: &Path, state_dir: &Path, args: ServeArgs) -> Result<()> {
    // Fail at once on a wrong folder, rather than on the first page load.
    let project = migrations_dir::load(migrations)?;
    tracing::info!(
        folder = %migrations.display(),
        revisions = project.graph.len(),
        problems = project.diagnostics.len(),
        "loaded the migrations folder"
    );
    let frontend = http::Frontend::choose(args.dist.as_deref());
    match (&frontend, &args.dist) {
        (None, Some(dist)) => {
            tracing::warn!(dist = %dist.display(), "no built frontend in --dist: only the API is served (`trunk build --release` builds it)");
        }
        (None, None) => tracing::warn!(
            "this strata was built without the frontend (no dist/ at build time): only the API is served. \
             Build it with `trunk build --release` in the workspace, then `cargo build` again, or pass --dist DIR"
        ),
        _ => {}
    }

    // The environments of strata.toml, or else the sandbox; the sandbox also holds Strata's
    // own state unless strata.toml names a `[state]` database.
    let configured = Config::load(config_path)?;
    // Rehearsals copy databases into the sandbox cluster.
    let rehearsals_required = configured.environments.values().any(|e| e.policy().require_rehearsal);
    let sandbox_configured = configured.environments.values().any(EnvironmentConfig::is_sandbox);
    let needs_sandbox =
        configured.environments.is_empty() || configured.state.is_none() || rehearsals_required || sandbox_configured;
    let sandbox = if needs_sandbox { Some(Sandbox::start(state_dir).await?) } else { None };
    let sandbox_version = match &sandbox {
        Some(sandbox) => Some(sandbox_version(sandbox).await?),
        None => None,
    };
    let state_db = match (&configured.state, &sandbox) {
        (Some(state), _) => StateDb::open(state.connect_options()?).await?,
        (None, Some(sandbox)) => StateDb::open(sandbox.state_options().await?).await?,
        (None, None) => unreachable!("the sandbox starts when no [state] is configured"),
    };
    let first_admin_command = first_admin_command(config_path, state_dir);
    let listener = tokio::net::TcpListener::bind((args.host.as_str(), args.port))
        .await
        .with_context(|| format!("cannot listen on {}:{}", args.host, args.port))?;
    let address = listener.local_addr()?;
    let mut first_run = None;
    if !users::any_exist(&state_db).await? {
        // Only a browser on this machine can reach a loopback studio: the link is safe to print.
        if address.ip().is_loopback() {
            first_run = Some(first_run_link(&state_db, address, configured.auth.first_run_link_seconds).await?);
        } else {
            tracing::warn!("no accounts yet; create the first admin with: {first_admin_command}");
        }
    }
    let serve_sandbox_environment = configured.environments.is_empty();
    let mut environments = Vec::new();
    for (name, mut environment) in configured.environments {
        environment.place_backups_under(state_dir);
        if let Some(sandbox) = sandbox.as_ref().filter(|_| environment.is_sandbox()) {
            environment = environment.with_url(sandbox.target_url());
        }
        let pool = http::target_pool(environment.connect_options(&name)?, &configured.server, &environment);
        environments.push(Environment { pool, name, config: environment });
    }
    if let Some(sandbox) = sandbox.as_ref().filter(|_| serve_sandbox_environment) {
        let config = EnvironmentConfig::for_url(sandbox.target_url());
        environments.push(Environment {
            name: sandbox::ENVIRONMENT_NAME.to_owned(),
            pool: http::target_pool(sandbox.target_options(), &configured.server, &config),
            config,
        });
    }
    let pools: Vec<_> = environments.iter().map(|e| e.pool.clone()).collect();
    let mut app_state = AppState::new(
        migrations.to_path_buf(),
        environments,
        state_db.clone(),
        configured.auth,
        first_admin_command,
        configured.server.trusted_proxies(),
    );
    app_state.rehearsal_cluster = sandbox.as_ref().map(Sandbox::rehearsal_cluster);
    app_state.body_timeout = std::time::Duration::from_secs(configured.server.body_timeout_seconds);
    let link = first_run.map(|(first_run, link)| {
        app_state.first_run = first_run;
        link
    });
    let state = Arc::new(app_state);

    // Scripts and tests wait for this line on stdout.
    super::console::out_if_read(&format!("Strata studio: http://{address}"));
    if let Some(version) = sandbox_version {
        super::console::out_if_read(&format!("Sandbox: PostgreSQL {version}"));
    }
    if let Some(link) = link {
        super::console::out_if_read(&link);
    }
    http::serve(listener, http::router(state, frontend.as_ref()), &configured.server, shutdown_requested()).await;

    for pool in pools {
        pool.close().await;
    }
    state_db.close().await;
    match sandbox {
        Some(sandbox) => sandbox.stop().await,
        None => Ok(()),
    }
}

/// The exact command that creates the first admin, with the options this studio was given.
fn first_admin_command(config: &Path, state_dir: &Path) -> String {
    let mut command = String::from("strata");
    if config != Path::new("strata.toml") {
        command.push_str(&format!(" --config {}", config.display()));
    }
    if state_dir != Path::new(".strata") {
        command.push_str(&format!(" --state-dir {}", state_dir.display()));
    }
    command + " user add admin --role admin"
}

/// A one-time first-run link (audited), and the line that shows it.
async fn first_run_link(db: &StateDb, address: SocketAddr, seconds: u64) -> Result<(FirstRun, String)> {
    let (first_run, token) = FirstRun::issue(Duration::from_secs(seconds))?;
    let minutes = seconds.div_ceil(60);
    let operator = crate::identity::who();
    let event = Event::new(&operator, AuditAction::FirstRunLink).detail(format!("valid {minutes} min, once"));
    audit::record(db, event).await?;
    let line = format!(
        "First run: open http://{address}/first-run?token={token} to create the first admin (valid once, for {minutes} min)"
    );
    Ok((first_run, line))
}

/// The PostgreSQL the sandbox runs: whatever the machine has installed.
async fn sandbox_version(sandbox: &Sandbox) -> Result<PostgresVersion> {
    let mut conn = sqlx::PgConnection::connect_with(&sandbox.connect_options()).await?;
    let version = crate::execute::server_version(&mut conn).await;
    let _ = conn.close().await;
    version
}

/// Ctrl-C or SIGTERM.
async fn shutdown_requested() {
    let mut terminate = signal(SignalKind::terminate()).expect("a SIGTERM handler can be installed");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate.recv() => {}
    }
    tracing::info!("shutting down");
}
