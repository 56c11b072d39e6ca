//! The one-time link `strata serve` prints while no account exists and it listens on loopback:
//! it opens a form that creates the first admin. The token is random, valid once and for a
//! few minutes; only its hash is kept, in memory.

use super::secret;
use anyhow::Result;
use std::future::Future;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

struct Link {
    token_hash: String,
    expires: Instant,
}

/// The live link, if any.
#[derive(Default)]
pub struct FirstRun {
    link: Mutex<Option<Link>>,
}

/// Why a link was not honoured.
pub enum Redeemed<T, E> {
    /// The work ran; the link is spent when it succeeded.
    Done(Result<T, E>),
    /// No live link has this token: never issued, used, expired, or another studio's.
    NotValid,
}

impl FirstRun {
    /// A fresh link valid for `valid_for`, and its token (shown once, in the printed URL).
    pub fn issue(valid_for: Duration) -> Result<(Self, String)> {
        let token = secret::fresh()?;
        let link = Link { token_hash: secret::hash(&token), expires: Instant::now() + valid_for };
        Ok((Self { link: Mutex::new(Some(link)) }, token))
    }

    /// Runs `work` if `token` is the live link's. Requests take turns, so the link is used
    /// at most once: it is spent when `work` succeeds, and kept when it fails (a password
    /// too short may be tried again).
    pub async fn redeem<T, E, F>(&self, token: &str, work: F) -> Redeemed<T, E>
    where
        F: Future<Output = Result<T, E>>,
    {
        let mut link = self.link.lock().await;
        let live = link
            .as_ref()
            .is_some_and(|l| l.expires > Instant::now() && secret::same(&l.token_hash, &secret::hash(token)));
        if !live {
            return Redeemed::NotValid;
        }
        let outcome = work.await;
        if outcome.is_ok() {
            *link = None;
        }
        Redeemed::Done(outcome)
    }
}
