//! The `strata` command line: its verbs and options.

use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser)]
#[command(name = "strata", version, about = "A studio for PostgreSQL schema migrations with Alembic's semantics")]
pub struct Cli {
    /// The migrations folder (the one that holds `versions/`).
    #[arg(long, global = true, env = "STRATA_MIGRATIONS", default_value = "migrations")]
    pub migrations: PathBuf,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Serve the studio in the browser, with a sandbox PostgreSQL as its default target.
    Serve(ServeArgs),
    /// Show the current heads.
    Heads {
        /// Show each head's details.
        #[arg(short, long)]
        verbose: bool,
    },
    /// List the revisions, newest first.
    History {
        /// Show each revision's details.
        #[arg(short, long)]
        verbose: bool,
    },
}

#[derive(clap::Args)]
pub struct ServeArgs {
    /// Port to listen on; 0 picks a free one (the chosen address is printed).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// The built frontend (Trunk's output).
    #[arg(long, env = "STRATA_DIST", default_value = "dist")]
    pub dist: PathBuf,
    /// Where strata keeps its own state, such as the sandbox cluster.
    #[arg(long, env = "STRATA_STATE_DIR", default_value = ".strata")]
    pub state_dir: PathBuf,
}
