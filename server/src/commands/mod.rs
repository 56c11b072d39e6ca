//! One module per group of verbs. Each returns the exit code, or an error that `main` prints
//! as one line (exit code 1).

mod accounts;
pub mod console;
mod database;
mod drift;
mod format;
mod from_drift;
mod import;
mod lint;
mod new_revision;
mod offline;
mod rehearse;
mod schema;
mod serve;
mod views;

use crate::cli::{Cli, Command, ImportCommand};
use crate::execute::Request;
use crate::migrations_dir;
use anyhow::Result;
use std::path::Path;
use std::process::ExitCode;
use strata_shared::project::Project;

pub fn run(cli: Cli) -> Result<ExitCode> {
    let out = Output { json: cli.json };
    let dir = cli.migrations.as_path();
    let config = cli.config.as_path();
    let files = database::Files { config, state_dir: &cli.state_dir };
    match cli.command {
        Command::Serve(args) => serve::run(dir, config, &cli.state_dir, args),
        Command::User(command) => accounts::user(config, &cli.state_dir, command),
        Command::Token(command) => accounts::token(config, &cli.state_dir, command),
        Command::Heads { verbose, resolve_dependencies } => {
            views::heads(&load(dir)?, out, verbose, resolve_dependencies)
        }
        Command::History { range, verbose, indicate_current, database } => {
            let loaded = load(dir)?;
            let mentions_current = range.as_deref().is_some_and(|r| r.split(':').any(|side| side.trim() == "current"));
            let rows =
                if indicate_current || mentions_current { Some(database::read_rows(config, &database)?) } else { None };
            views::history(&loaded, out, range.as_deref(), verbose, indicate_current, rows)
        }
        Command::Current { verbose, database } => database::current(&load(dir)?, out, config, &database, verbose),
        Command::Check { database } => database::check(&load(dir)?, out, config, &database),
        Command::Drift { database } => drift::run(&load(dir)?, out, config, &database),
        Command::Branches { verbose } => views::branches(&load(dir)?, out, verbose),
        Command::Lint { revisions, fail_on, target_version } => {
            let args = lint::LintArgs { selection: revisions.as_deref(), fail_on, target: target_version };
            lint::run(&load(dir)?, out, args)
        }
        Command::Schema { at } => schema::show(&load(dir)?, out, &at),
        Command::Diff { from, to } => schema::diff(&load(dir)?, out, &from, to.as_deref()),
        Command::Blame { object, at } => schema::blame(&load(dir)?, out, &object, &at),
        Command::Show { revision } => views::show(&load(dir)?, out, &revision),
        Command::Upgrade(args) if args.sql => {
            let postgres = offline::configured_version(config, &args.database)?;
            offline::upgrade(&load(dir)?, out, &args, postgres)
        }
        Command::Downgrade(args) if args.sql => {
            let postgres = offline::configured_version(config, &args.database)?;
            offline::downgrade(&load(dir)?, out, &args, postgres)
        }
        Command::Stamp { targets, sql: true, purge, .. } => offline::stamp(&load(dir)?, out, &targets, purge),
        Command::Upgrade(args) => {
            let request = Request::Upgrade(args.target.clone());
            database::run(&load(dir)?, out, files, &args.database, request, args.transactions, &args.confirm)
        }
        Command::Downgrade(args) => {
            let request = Request::Downgrade(args.target.clone());
            database::run(&load(dir)?, out, files, &args.database, request, args.transactions, &args.confirm)
        }
        Command::Stamp { targets, purge, confirm, database, .. } => {
            let request = Request::Stamp { targets, purge };
            database::run(&load(dir)?, out, files, &database, request, None, &confirm)
        }
        Command::Rehearse(args) => rehearse::run(&load(dir)?, out, files, &args),
        Command::Import(ImportCommand::Alembic { dir, out: target }) => {
            let target = target.unwrap_or_else(|| import::default_out(&dir));
            import::alembic(&load(&dir)?, out, &target)
        }
        Command::Revision(args) if args.from_drift => from_drift::revision(&load(dir)?, out, config, &args),
        Command::Revision(args) => new_revision::revision(&load(dir)?, out, &args),
        Command::Merge { revisions, message, branch_labels, rev_id } => {
            new_revision::merge(&load(dir)?, out, &revisions, &message, &branch_labels, rev_id.as_deref())
        }
    }
}

/// A loaded migrations folder and where it is.
pub struct Loaded<'a> {
    pub dir: &'a Path,
    pub project: Project,
}

fn load(dir: &Path) -> Result<Loaded<'_>> {
    Ok(Loaded { dir, project: migrations_dir::load(dir)? })
}

#[derive(Clone, Copy)]
pub struct Output {
    pub json: bool,
}

impl Output {
    /// Prints `value` as JSON, or `text` (a closure, so text is only built when needed), ending
    /// in one newline: a text that ends in blank lines keeps them, as Alembic's output does.
    pub fn print(self, value: impl FnOnce() -> serde_json::Value, text: impl FnOnce() -> String) {
        if self.json {
            console::out(&value().to_string());
        } else {
            let text = text();
            if !text.is_empty() {
                console::out(text.strip_suffix('\n').unwrap_or(&text));
            }
        }
    }

    /// Prints `value` as JSON, or `lines` one by one as they are made.
    pub fn print_lines<L: Iterator<Item = String>>(
        self,
        value: impl FnOnce() -> serde_json::Value,
        lines: impl FnOnce() -> L,
    ) {
        if self.json {
            console::out(&value().to_string());
        } else {
            console::out_lines(lines());
        }
    }
}

impl Loaded<'_> {
    /// Problems go to stderr; an error in the files makes the exit code 1, after the answer was printed.
    pub fn exit_code(&self) -> ExitCode {
        self.print_diagnostics();
        if self.project.has_errors() { ExitCode::from(1) } else { ExitCode::SUCCESS }
    }

    /// Scripts that change a database are only written from a folder without errors.
    pub fn require_no_problems(&self) -> Result<()> {
        self.print_diagnostics();
        let errors = self.project.diagnostics.iter().filter(|d| d.is_error()).count();
        if errors > 0 {
            anyhow::bail!("the migrations folder has {errors} error(s) (listed above); fix them first");
        }
        Ok(())
    }

    /// The files' errors. Warnings (an Alembic script whose docstring disagrees with its code,
    /// ...) are not repeated by every verb: `check` and the studio's problems list show them.
    pub fn print_diagnostics(&self) {
        self.print_problems(false);
    }

    /// Errors and warnings, for `check`.
    pub fn print_diagnostics_and_warnings(&self) {
        self.print_problems(true);
    }

    fn print_problems(&self, warnings: bool) {
        for diagnostic in &self.project.diagnostics {
            if warnings || diagnostic.is_error() {
                console::err(&format!("{}: {diagnostic}", diagnostic.severity));
            }
        }
    }
}
