//! The `strata` command line: its verbs and options.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use strata_shared::offline::TransactionMode;

#[derive(Parser)]
#[command(name = "strata", version, about = "A studio for PostgreSQL schema migrations with Alembic's semantics")]
pub struct Cli {
    /// The migrations folder (the one that holds `versions/`).
    #[arg(long, global = true, env = "STRATA_MIGRATIONS", default_value = "migrations")]
    pub migrations: PathBuf,

    /// Print JSON for scripts instead of text.
    #[arg(long, global = true)]
    pub json: bool,

    /// The project's configuration (environments).
    #[arg(long, global = true, env = "STRATA_CONFIG", default_value = "strata.toml")]
    pub config: PathBuf,

    /// Where strata keeps its own state: the sandbox cluster, with users and reviews unless
    /// strata.toml names a `[state]` database.
    #[arg(long, global = true, env = "STRATA_STATE_DIR", default_value = ".strata")]
    pub state_dir: PathBuf,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Serve the studio in the browser, with a sandbox PostgreSQL as its default target.
    Serve(ServeArgs),
    /// Show the heads.
    Heads {
        #[arg(short, long)]
        verbose: bool,
        /// Leave out heads that another revision depends on.
        #[arg(long)]
        resolve_dependencies: bool,
    },
    /// List revisions, newest first.
    History {
        /// A range `start:end` (either side optional; `current` reads the database).
        #[arg(short = 'r', long = "rev-range", allow_hyphen_values = true)]
        range: Option<String>,
        #[arg(short, long)]
        verbose: bool,
        /// Mark the revisions the database is at (needs --env or --url).
        #[arg(short, long)]
        indicate_current: bool,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Show the revision(s) a database is at.
    Current {
        #[arg(short, long)]
        verbose: bool,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Exit non-zero if revisions are pending, several heads exist, or an applied revision was edited.
    Check {
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Compare the database with the schema model at the revisions it is at: objects missing,
    /// extra or different. Exit 0 without drift, 1 with drift, 2 when it cannot be told.
    Drift {
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Check revisions for risky SQL (locks, rewrites, data loss, transactions, types).
    Lint {
        /// A revision, or a range `start:end` (default: every revision).
        #[arg(allow_hyphen_values = true)]
        revisions: Option<String>,
        /// Exit 1 when a finding at or above this severity exists: hint, warning or error.
        #[arg(long, default_value_t = strata_shared::lint::Severity::Error)]
        fail_on: strata_shared::lint::Severity,
        /// Also report statements that need a newer PostgreSQL than this one (e.g. 15).
        #[arg(long)]
        target_version: Option<strata_shared::postgres_version::PostgresVersion>,
    },
    /// Show the schema at a revision, as the schema model replays it (no database needed).
    Schema {
        /// Any target spec (default: the heads).
        #[arg(long, default_value = "heads", allow_hyphen_values = true)]
        at: String,
    },
    /// Compare the schema at two revisions; with one, show what that revision changes.
    Diff {
        #[arg(allow_hyphen_values = true)]
        from: String,
        #[arg(allow_hyphen_values = true)]
        to: Option<String>,
    },
    /// Which revision created a table, column, index, constraint, ... and which changed it.
    Blame {
        /// `table`, `table.column`, `table.constraint`, `index`, `schema.table`, ...
        object: String,
        /// Any target spec (default: the heads).
        #[arg(long, default_value = "heads", allow_hyphen_values = true)]
        at: String,
    },
    /// Show the branch points and where they branch to.
    Branches {
        #[arg(short, long)]
        verbose: bool,
    },
    /// Show one revision (any target spec: an id, a prefix, `head`, `label@head`, ...).
    Show {
        #[arg(allow_hyphen_values = true)]
        revision: String,
    },
    /// Upgrade to TARGET (`[start:]TARGET` with --sql).
    Upgrade(MoveArgs),
    /// Downgrade to TARGET (`start:TARGET` with --sql).
    Downgrade(MoveArgs),
    /// Record TARGET(s) in the version table without running any revision.
    Stamp {
        /// Target specs; a relative one such as `-1` works (negative numbers are not flags; as
        /// with Alembic's argparse, other values starting with `-` are, so `--sql` still counts).
        #[arg(required = true, allow_negative_numbers = true)]
        targets: Vec<String>,
        /// Print the SQL instead of running it (`start:TARGET` to start from a revision).
        #[arg(long)]
        sql: bool,
        /// Empty the version table first.
        #[arg(long)]
        purge: bool,
        #[command(flatten)]
        confirm: ConfirmArgs,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Run the plan to TARGET on a throwaway copy of the environment's database (in the sandbox
    /// cluster) and report each step's time, locks and table rewrites, or where it fails.
    /// Exit 1 when the plan fails there.
    Rehearse(RehearseArgs),
    /// Bring a history from elsewhere into Strata's format.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Manage the studio's accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage API tokens for CI.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Create a new, empty revision file (or one written from a database's drift).
    Revision(NewRevisionArgs),
    /// Create a revision that merges several heads.
    Merge {
        #[arg(required = true, num_args = 2.., allow_negative_numbers = true)]
        revisions: Vec<String>,
        #[arg(short, long)]
        message: String,
        #[arg(long = "branch-label")]
        branch_labels: Vec<String>,
        #[arg(long)]
        rev_id: Option<String>,
    },
}

#[derive(Args)]
pub struct MoveArgs {
    /// Any target spec, relative ones too (`-1`, `+2`, `label@-1`).
    #[arg(allow_hyphen_values = true)]
    pub target: String,
    /// Print the SQL script instead of running it.
    #[arg(long)]
    pub sql: bool,
    /// Where transactions begin and end (default: the environment's setting, else whole-plan).
    #[arg(long, value_enum)]
    pub transactions: Option<Transactions>,
    #[command(flatten)]
    pub confirm: ConfirmArgs,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

#[derive(Args)]
pub struct RehearseArgs {
    /// Any target spec of an upgrade (`heads`, an id, `+1`, ...).
    #[arg(allow_hyphen_values = true)]
    pub target: String,
    /// Rehearse a downgrade to TARGET instead.
    #[arg(long)]
    pub downgrade: bool,
    /// Where transactions begin and end (default: the environment's setting, else whole-plan).
    #[arg(long, value_enum)]
    pub transactions: Option<Transactions>,
    /// Rehearse only if the plan still has this fingerprint (as shown by a preview).
    #[arg(long)]
    pub fingerprint: Option<String>,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

/// How a run is confirmed once its plan was shown.
#[derive(Args)]
pub struct ConfirmArgs {
    /// Run the plan after showing it, without asking.
    #[arg(long)]
    pub yes: bool,
    /// Run only if the plan still has this fingerprint (as shown by an earlier preview).
    #[arg(long)]
    pub fingerprint: Option<String>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Transactions {
    /// One transaction around the whole plan.
    WholePlan,
    /// One transaction per revision.
    PerRevision,
}

impl From<Transactions> for TransactionMode {
    fn from(value: Transactions) -> Self {
        match value {
            Transactions::WholePlan => TransactionMode::WholePlan,
            Transactions::PerRevision => TransactionMode::PerRevision,
        }
    }
}

#[derive(Args)]
pub struct NewRevisionArgs {
    #[arg(short, long)]
    pub message: String,
    /// The revision(s) to build on (any target spec); `base` starts a new root.
    #[arg(long = "head", default_value = "head", allow_hyphen_values = true)]
    pub heads: Vec<String>,
    /// Build on a revision that is not a head (starting a branch).
    #[arg(long)]
    pub splice: bool,
    #[arg(long = "branch-label")]
    pub branch_labels: Vec<String>,
    #[arg(long = "depends-on")]
    pub depends_on: Vec<String>,
    /// Use this id instead of a fresh random one.
    #[arg(long)]
    pub rev_id: Option<String>,
    /// Write the drift of a database (--env or --url) as the revision: its upgrade turns the
    /// schema model at the database's revision into what the database has, its downgrade
    /// goes back; what the model cannot express is listed. It builds on the database's
    /// revision(s), which must be heads (or pass --splice).
    #[arg(long, conflicts_with = "heads")]
    pub from_drift: bool,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

/// Which database: an environment of strata.toml, or a URL. `DATABASE_URL` is read only when
/// neither is given (`commands::database::environment`), so an exported one never clashes with
/// `--env`.
#[derive(Args)]
pub struct DatabaseArgs {
    /// An environment named in strata.toml (wins over DATABASE_URL).
    #[arg(long = "env", conflicts_with = "url")]
    pub environment: Option<String>,
    /// A database URL (never printed); without --env and --url, DATABASE_URL is used.
    #[arg(long)]
    pub url: Option<String>,
}

#[derive(Args)]
pub struct ServeArgs {
    /// Port to listen on; 0 picks a free one (the chosen address is printed).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// A built frontend folder (Trunk's output) to serve instead of the one built into strata
    /// (for frontend development).
    #[arg(long, env = "STRATA_DIST")]
    pub dist: Option<PathBuf>,
}

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create an account; the password is asked for (or read from stdin with --password-stdin).
    Add {
        name: String,
        #[arg(long)]
        role: strata_shared::access::Role,
        /// Read the password from the first line of stdin (for scripts).
        #[arg(long)]
        password_stdin: bool,
    },
    /// List the accounts and their roles.
    List,
    /// Delete an account, its sessions and its tokens (its reviews and audit entries stay).
    Remove { name: String },
}

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Create an API token acting as USER; it is printed once.
    Create {
        #[arg(long)]
        user: String,
        /// What it is for, such as `ci`.
        #[arg(long, default_value = "api")]
        label: String,
    },
    /// List tokens (ids, users, labels; never the tokens).
    List,
    /// Revoke a token by its id.
    Revoke { id: String },
}

#[derive(Subcommand)]
pub enum ImportCommand {
    /// Write an Alembic history (DIR holds `versions/` with `.py` scripts) as Strata `.sql`
    /// revision files: same ids, parents, labels, depends_on, message and date; the SQL rendered
    /// from the Python. What cannot be rendered is listed (exit 1) and stops its revision from
    /// running until written by hand.
    Alembic {
        /// The Alembic folder that holds `versions/`.
        dir: PathBuf,
        /// Where to write (`versions/` inside it); default: `<DIR>-strata` beside DIR. Existing
        /// files are never overwritten.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}
