//! Whether the migrations folder may have changed since last asked, without listing it (at
//! 50,000 files a listing costs 100–150 ms, which every API call paid). The kernel's inotify
//! queue for `versions/` is read when asked: an event is queued by the write itself, so a
//! request made right after a save sees it. Where inotify cannot watch (no `versions/` yet,
//! the per-user limit reached, the folder removed or the queue overflowed) every answer is
//! "maybe" and the caller lists the folder as before. Changes inotify never hears (another
//! machine writing to a network mount) are reported by `watch.rs`'s polling through
//! [`FolderEvents::mark_changed`].

use inotify::{EventMask, Inotify, WatchMask};
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

pub struct FolderEvents {
    /// `None` once it cannot be trusted.
    inotify: Mutex<Option<Inotify>>,
    polled_change: AtomicBool,
}

impl FolderEvents {
    pub fn watch(versions: &Path) -> Self {
        let mask = WatchMask::MODIFY
            | WatchMask::ATTRIB
            | WatchMask::CLOSE_WRITE
            | WatchMask::CREATE
            | WatchMask::DELETE
            | WatchMask::MOVE
            | WatchMask::DELETE_SELF
            | WatchMask::MOVE_SELF;
        let inotify = Inotify::init().ok().and_then(|inotify| {
            inotify.watches().add(versions, mask).ok()?;
            Some(inotify)
        });
        FolderEvents { inotify: Mutex::new(inotify), polled_change: AtomicBool::new(false) }
    }

    /// `false` only when nothing in `versions/` changed since the last call.
    pub fn maybe_changed(&self) -> bool {
        let polled = self.polled_change.swap(false, Ordering::SeqCst);
        let mut inotify = self.inotify.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let Some(watching) = inotify.as_mut() else { return true };
        let mut changed = polled;
        let mut buffer = [0u8; 4096];
        loop {
            match watching.read_events(&mut buffer) {
                Ok(events) => {
                    for event in events {
                        changed = true;
                        let lost =
                            EventMask::IGNORED | EventMask::DELETE_SELF | EventMask::MOVE_SELF | EventMask::Q_OVERFLOW;
                        if event.mask.intersects(lost) {
                            *inotify = None;
                            return true;
                        }
                    }
                }
                Err(error) if error.kind() == std::io::ErrorKind::WouldBlock => return changed,
                Err(_) => {
                    *inotify = None;
                    return true;
                }
            }
        }
    }

    /// The watcher's polling saw the folder change.
    pub fn mark_changed(&self) {
        self.polled_change.store(true, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::FolderEvents;

    #[test]
    fn a_change_is_seen_at_once_and_a_lost_watch_answers_maybe_for_good() {
        let dir = tempfile::tempdir().unwrap();
        let versions = dir.path().join("versions");
        std::fs::create_dir(&versions).unwrap();
        let events = FolderEvents::watch(&versions);
        assert!(!events.maybe_changed(), "nothing happened yet");
        std::fs::write(versions.join("r1.sql"), "-- revision: r1\n").unwrap();
        assert!(events.maybe_changed(), "the write is queued before it returns");
        assert!(!events.maybe_changed(), "and answered once");
        events.mark_changed();
        assert!(events.maybe_changed(), "the watcher's polling counts too");
        std::fs::remove_dir_all(&versions).unwrap();
        assert!(events.maybe_changed());
        std::fs::create_dir(&versions).unwrap();
        assert!(events.maybe_changed(), "the folder is no longer watched: always maybe");
    }

    #[test]
    fn without_a_folder_to_watch_every_answer_is_maybe() {
        let dir = tempfile::tempdir().unwrap();
        let events = FolderEvents::watch(&dir.path().join("versions"));
        assert!(events.maybe_changed());
        assert!(events.maybe_changed());
    }
}
