//! `strata`: the studio's server and the command line.

use clap::Parser;
use std::process::ExitCode;
use strata_server::{cli, commands};

// Loading a long history allocates many small values (parse trees, rendered SQL) on every
// core; mimalloc makes that about a fifth cheaper than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = cli::Cli::parse(); // exits with 2 on a usage error
    match commands::run(cli) {
        Ok(code) => code,
        Err(error) => {
            commands::console::err(&format!("error: {error:#}"));
            ExitCode::from(1)
        }
    }
}
