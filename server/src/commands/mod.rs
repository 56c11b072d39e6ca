//! One module per verb; each returns the exit code, or an error that `main` prints as one line.

mod graph_views;
mod serve;

use crate::cli::{Cli, Command};
use anyhow::Result;
use std::process::ExitCode;

pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Serve(args) => serve::run(&cli.migrations, args),
        Command::Heads { verbose } => graph_views::heads(&cli.migrations, verbose),
        Command::History { verbose } => graph_views::history(&cli.migrations, verbose),
    }
}
