//! `strata user …` and `strata token …`: accounts and API tokens in the state database.

use crate::cli::{TokenCommand, UserCommand};
use crate::config::Config;
use crate::state::audit::{self, Event};
use crate::state::{self, StateDb};
use crate::state::{tokens, users};
use anyhow::{Context, Result, bail};
use std::io::BufRead;
use std::path::Path;
use std::process::ExitCode;
use strata_shared::audit::AuditAction;

pub fn user(config: &Path, state_dir: &Path, command: UserCommand) -> Result<ExitCode> {
    // Ask before the database is reached: the prompt should not wait on a starting sandbox.
    let password = match &command {
        UserCommand::Add { name, password_stdin, .. } => Some(read_password(name, *password_stdin)?),
        _ => None,
    };
    with_state(config, state_dir, |db| async move {
        let operator = crate::identity::who();
        match command {
            UserCommand::Add { name, role, .. } => {
                users::add(&db, &name, role, &password.expect("read above")).await?;
                let event = Event::new(&operator, AuditAction::UserAdd).subject(&name).detail(format!("role {role}"));
                audit::record(&db, event).await?;
                Ok(format!("Added {name} ({role})."))
            }
            UserCommand::List => {
                let users = users::list(&db).await?;
                Ok(users.iter().map(|user| format!("{}\t{}\n", user.name, user.role)).collect())
            }
            UserCommand::Remove { name } => {
                users::remove(&db, &name).await?;
                audit::record(&db, Event::new(&operator, AuditAction::UserRemove).subject(&name)).await?;
                Ok(format!("Removed {name}."))
            }
        }
    })
}

pub fn token(config: &Path, state_dir: &Path, command: TokenCommand) -> Result<ExitCode> {
    with_state(config, state_dir, |db| async move {
        let operator = crate::identity::who();
        match command {
            TokenCommand::Create { user, label } => {
                let (id, token) = tokens::create(&db, &user, &label).await?;
                let event = Event::new(&operator, AuditAction::TokenCreate)
                    .subject(&id)
                    .detail(format!("for {user} ({label})"));
                audit::record(&db, event).await?;
                super::console::err(&format!("Token {id} for {user}; it is shown only now:"));
                Ok(token)
            }
            TokenCommand::List => {
                let lines = tokens::list(&db).await?.into_iter().map(|token| {
                    let state = if token.revoked { "revoked" } else { "live" };
                    format!("{}\t{}\t{}\t{}\t{state}\n", token.id, token.user, token.label, token.created)
                });
                Ok(lines.collect())
            }
            TokenCommand::Revoke { id } => {
                tokens::revoke(&db, &id).await?;
                audit::record(&db, Event::new(&operator, AuditAction::TokenRevoke).subject(&id)).await?;
                Ok(format!("Revoked {id}."))
            }
        }
    })
}

/// Runs `work` on the state database, then closes it and any sandbox it had to start, and
/// prints what `work` answered (after the sandbox is stopped, so a closed pipe leaves none behind).
fn with_state<F, Fut>(config: &Path, state_dir: &Path, work: F) -> Result<ExitCode>
where
    F: FnOnce(StateDb) -> Fut,
    Fut: Future<Output = Result<String>>,
{
    let config = Config::load(config)?;
    tokio::runtime::Runtime::new()?
        .block_on(async {
            let (db, sandbox) = state::open_for_command(&config, state_dir).await?;
            let result = work(db.clone()).await;
            db.close().await;
            if let Some(sandbox) = sandbox {
                sandbox.stop().await?;
            }
            result
        })
        .map(|text| {
            if !text.is_empty() {
                super::console::out(text.trim_end_matches('\n'));
            }
        })?;
    Ok(ExitCode::SUCCESS)
}

fn read_password(name: &str, from_stdin: bool) -> Result<String> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).context("cannot read the password from stdin")?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_owned());
    }
    let first = rpassword::prompt_password(format!("Password for {name}: ")).context("cannot read the password")?;
    let again = rpassword::prompt_password("Again: ").context("cannot read the password")?;
    if first != again {
        bail!("the two passwords differ");
    }
    Ok(first)
}
