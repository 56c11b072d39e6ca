//! The event streams open per credential (a session or an API token): at most
//! `PER_CREDENTIAL` at once, all closed when the session signs out.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::watch;

/// Enough for a person's tabs; a client opening more is refused.
pub const PER_CREDENTIAL: usize = 8;

/// One open stream: its id and the switch that closes it.
type Open = (u64, watch::Sender<bool>);

#[derive(Default)]
pub struct Streams {
    open: Mutex<HashMap<String, Vec<Open>>>,
    next_id: AtomicU64,
}

/// One open stream; dropping it (the client went away, the stream ended) forgets it.
pub struct Ticket {
    streams: Arc<Streams>,
    key: String,
    id: u64,
    pub closed: watch::Receiver<bool>,
}

impl Streams {
    /// A ticket for one more stream of `key`, unless it has `PER_CREDENTIAL` already.
    pub fn open(self: &Arc<Self>, key: &str) -> Option<Ticket> {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let of_key = open.entry(key.to_owned()).or_default();
        if of_key.len() >= PER_CREDENTIAL {
            return None;
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (close, closed) = watch::channel(false);
        of_key.push((id, close));
        Some(Ticket { streams: self.clone(), key: key.to_owned(), id, closed })
    }

    /// Ends every stream of `key` (a sign-out).
    pub fn close_all(&self, key: &str) {
        let open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        for (_, close) in open.get(key).into_iter().flatten() {
            let _ = close.send(true);
        }
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut open = self.streams.open.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(of_key) = open.get_mut(&self.key) {
            of_key.retain(|(id, _)| *id != self.id);
            if of_key.is_empty() {
                open.remove(&self.key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_capped_per_credential_freed_on_drop_and_closed_together() {
        let streams = Arc::new(Streams::default());
        let mut tickets: Vec<Ticket> = (0..PER_CREDENTIAL).map(|_| streams.open("ann").unwrap()).collect();
        assert!(streams.open("ann").is_none(), "one more than the cap");
        let other = streams.open("bob").unwrap();
        tickets.pop();
        tickets.push(streams.open("ann").expect("a dropped ticket frees its place"));
        streams.close_all("ann");
        assert!(tickets.iter().all(|t| *t.closed.borrow()));
        assert!(!*other.closed.borrow(), "another credential's streams stay open");
        drop(tickets);
        assert!(streams.open.lock().unwrap().get("ann").is_none());
    }
}
