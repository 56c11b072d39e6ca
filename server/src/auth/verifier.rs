//! Password checks on a few dedicated threads with a short queue. Each argon2 check takes
//! ~19 MiB and tens of milliseconds on purpose, so unbounded parallel sign-ins would take the
//! machine's memory and cores; beyond the queue a sign-in is refused at once as busy.

use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex};
use tokio::sync::oneshot;

/// Threads that check passwords: enough to keep sign-ins quick, few enough to bound memory.
pub const WORKERS: usize = 2;
/// Checks that may wait for a thread.
pub const QUEUE: usize = 16;

type Job = Box<dyn FnOnce() + Send>;

/// The pool is full: answer 503 with a short Retry-After.
#[derive(Debug, PartialEq, Eq)]
pub struct Busy;

pub struct Verifier {
    jobs: SyncSender<Job>,
}

impl Verifier {
    pub fn start(workers: usize, queue: usize) -> Self {
        let (jobs, receiver) = sync_channel::<Job>(queue);
        let receiver = Arc::new(Mutex::new(receiver));
        for index in 0..workers {
            let receiver = receiver.clone();
            std::thread::Builder::new()
                .name(format!("password-check-{index}"))
                .spawn(move || work(&receiver))
                .expect("a password-check thread can start");
        }
        Self { jobs }
    }

    /// Runs `work` on a pool thread, or says the pool is busy without waiting.
    pub async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T, Busy> {
        self.submit(work)?.await.map_err(|_| Busy)
    }

    /// Queues `work`; its result comes on the receiver.
    fn submit<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<oneshot::Receiver<T>, Busy> {
        let (done, result) = oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = done.send(work());
        });
        match self.jobs.try_send(job) {
            Ok(()) => Ok(result),
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => Err(Busy),
        }
    }

    /// Whether `password` matches `stored` (see `password::verify`).
    pub async fn verify(&self, password: String, stored: Option<String>) -> Result<bool, Busy> {
        self.run(move || super::password::verify(&password, stored.as_deref())).await
    }
}

fn work(receiver: &Mutex<Receiver<Job>>) {
    loop {
        // The lock is held only while taking a job, not while running it.
        let job = match receiver.lock() {
            Ok(receiver) => receiver.recv(),
            Err(_) => return,
        };
        match job {
            Ok(job) => job(),
            Err(_) => return, // the pool was dropped
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc::channel;

    #[test]
    fn beyond_the_workers_and_the_queue_work_is_refused_at_once() {
        let pool = Verifier::start(1, 1);
        let (release, held) = channel::<()>();
        let (started, running) = channel::<()>();
        // One job occupies the only worker until released...
        let first = pool
            .submit(move || {
                started.send(()).unwrap();
                held.recv().unwrap();
                "first"
            })
            .unwrap();
        running.recv().unwrap();
        // ...one more waits in the queue...
        let second = pool.submit(|| "second").unwrap();
        // ...and the next is refused without waiting.
        assert_eq!(pool.submit(|| "third").err(), Some(Busy));
        release.send(()).unwrap();
        assert_eq!(first.blocking_recv(), Ok("first"));
        assert_eq!(second.blocking_recv(), Ok("second"));
        assert_eq!(pool.submit(|| "fourth").unwrap().blocking_recv(), Ok("fourth"), "free again");
    }
}
