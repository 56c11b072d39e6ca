//! `strata serve`: the studio, with the sandbox PostgreSQL as its environment.

use crate::cli::ServeArgs;
use crate::config::{Config, EnvironmentConfig};
use crate::http::{self, AppState, Environment};
use crate::migrations_dir;
use crate::sandbox::{self, Sandbox};
use anyhow::{Context, Result};
use sqlx::postgres::PgPoolOptions;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;
use tokio::signal::unix::{SignalKind, signal};

pub fn run(migrations: &Path, config: &Path, args: ServeArgs) -> Result<ExitCode> {
    tokio::runtime::Runtime::new()?.block_on(serve(migrations, config, args))?;
    Ok(ExitCode::SUCCESS)
}

async fn serve(migrations: &Path, config: &Path, args: ServeArgs) -> Result<()> {
    // Fail at once on a wrong folder, rather than on the first page load.
    let project = migrations_dir::load(migrations)?;
    tracing::info!(
        folder = %migrations.display(),
        revisions = project.graph.len(),
        problems = project.diagnostics.len(),
        "loaded the migrations folder"
    );
    if !args.dist.join("index.html").is_file() {
        tracing::warn!(dist = %args.dist.display(), "no built frontend here: only the API is served (scripts/studio builds it)");
    }

    // The environments of strata.toml, or else the sandbox.
    let configured = Config::load(config)?;
    let sandbox = if configured.environments.is_empty() { Some(Sandbox::start(&args.state_dir).await?) } else { None };
    let mut environments = Vec::new();
    for (name, environment) in configured.environments {
        environments.push(Environment { pool: pool(environment.connect_options(&name)?), name, config: environment });
    }
    if let Some(sandbox) = &sandbox {
        let config = EnvironmentConfig::for_url(sandbox.url());
        environments.push(Environment {
            name: sandbox::ENVIRONMENT_NAME.to_owned(),
            pool: pool(sandbox.connect_options()),
            config,
        });
    }
    let pools: Vec<_> = environments.iter().map(|e| e.pool.clone()).collect();
    let state = Arc::new(AppState::new(migrations.to_path_buf(), environments));

    let listener = tokio::net::TcpListener::bind((args.host.as_str(), args.port))
        .await
        .with_context(|| format!("cannot listen on {}:{}", args.host, args.port))?;
    // Scripts and tests wait for this line on stdout.
    println!("Strata studio: http://{}", listener.local_addr()?);
    axum::serve(listener, http::router(state, &args.dist)).with_graceful_shutdown(shutdown_requested()).await?;

    for pool in pools {
        pool.close().await;
    }
    match sandbox {
        Some(sandbox) => sandbox.stop().await,
        None => Ok(()),
    }
}

/// A small pool for reading each environment's state; connections open on first use.
fn pool(options: sqlx::postgres::PgConnectOptions) -> sqlx::PgPool {
    PgPoolOptions::new().max_connections(2).acquire_timeout(Duration::from_secs(5)).connect_lazy_with(options)
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
