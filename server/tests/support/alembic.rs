//! An Alembic project equivalent to a Strata migrations folder, and the real `alembic` command
//! (from the venv scripts/setup creates) to run on it.

use std::path::{Path, PathBuf};
use std::process::Command;
use strata_shared::revision::Revision;

pub fn alembic_bin() -> PathBuf {
    let bin = super::workspace_root().join(".tools/alembic-venv/bin/alembic");
    assert!(bin.exists(), "no Alembic at {}: run scripts/setup", bin.display());
    bin
}

/// Writes `<root>/alembic.ini`, `<root>/alembic/env.py` and one script per revision in
/// `<root>/alembic/versions/`, with Alembic's own docstring template and the revision's SQL
/// run through `op.execute` (inside an autocommit block where the revision is not transactional).
pub fn write_project(root: &Path, revisions: &[Revision]) -> PathBuf {
    let script_dir = root.join("alembic");
    std::fs::create_dir_all(script_dir.join("versions")).unwrap();
    std::fs::write(
        root.join("alembic.ini"),
        "[alembic]\nscript_location = %(here)s/alembic\nsqlalchemy.url = postgresql://localhost/unused\n",
    )
    .unwrap();
    std::fs::write(
        script_dir.join("env.py"),
        "import os\nfrom alembic import context\n\
         url = os.environ.get('STRATA_TEST_DATABASE_URL') or context.config.get_main_option('sqlalchemy.url')\n\
         per_migration = os.environ.get('STRATA_TEST_PER_MIGRATION') == '1'\n\
         if context.is_offline_mode():\n    \
             context.configure(url=url, literal_binds=True, transaction_per_migration=per_migration)\n    \
             with context.begin_transaction():\n        context.run_migrations()\n\
         else:\n    \
             from sqlalchemy import create_engine\n    \
             with create_engine(url).connect() as connection:\n        \
                 context.configure(connection=connection, transaction_per_migration=per_migration)\n        \
                 with context.begin_transaction():\n            context.run_migrations()\n",
    )
    .unwrap();
    for revision in revisions {
        let file = revision.path.trim_start_matches("versions/").replace(".sql", ".py");
        std::fs::write(script_dir.join("versions").join(file), script(revision)).unwrap();
    }
    script_dir
}

fn python_tuple(items: &[String]) -> String {
    match items {
        [] => "None".to_owned(),
        [one] => format!("{one:?}"),
        many => format!("({})", many.iter().map(|i| format!("{i:?}")).collect::<Vec<_>>().join(", ")),
    }
}

fn script(revision: &Revision) -> String {
    let body = |sql: &str| {
        let sql = sql.trim();
        if sql.is_empty() || sql.lines().all(|l| l.trim_start().starts_with("--")) {
            return "    pass\n".to_owned();
        }
        let call = format!("op.execute(r\"\"\"{sql}\"\"\")");
        if revision.transactional {
            format!("    {call}\n")
        } else {
            format!("    with op.get_context().autocommit_block():\n        {call}\n")
        }
    };
    let labels = if revision.branch_labels.is_empty() {
        "None".to_owned()
    } else {
        format!("({},)", revision.branch_labels.iter().map(|l| format!("{l:?}")).collect::<Vec<_>>().join(", "))
    };
    format!(
        "\"\"\"{message}\n\nRevision ID: {id}\nRevises: {revises}\nCreate Date: {created}\n\n\"\"\"\n\
         from alembic import op\n\n\
         # revision identifiers, used by Alembic.\n\
         revision = {id:?}\ndown_revision = {down}\nbranch_labels = {labels}\ndepends_on = {depends}\n\n\n\
         def upgrade():\n{up}\n\ndef downgrade():\n{down_body}",
        message = revision.message.as_deref().unwrap_or(""),
        id = revision.id,
        revises = revision.parents.join(", "),
        created = revision.created.as_deref().unwrap_or(""),
        down = python_tuple(&revision.parents),
        depends = python_tuple(&revision.depends_on),
        up = body(&revision.upgrade.sql),
        down_body = body(&revision.downgrade.sql),
    )
}

/// Runs `alembic -c <root>/alembic.ini ARGS` and returns its standard output.
pub fn run(root: &Path, args: &[&str], env: &[(&str, &str)]) -> String {
    let output = output(root, args, env);
    assert!(output.status.success(), "alembic {args:?} failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

/// Runs `alembic -c <root>/alembic.ini ARGS`, successful or not.
pub fn output(root: &Path, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    Command::new(alembic_bin())
        .arg("-c")
        .arg(root.join("alembic.ini"))
        .args(args)
        .envs(env.iter().copied())
        .env("PYTHONWARNINGS", "ignore")
        .output()
        .unwrap()
}
