//! An error as a `words::Cause`: Strata's own message when the error is one, to be worded in
//! the reader's language, else its text as written (PostgreSQL's, a program's, the system's).

use strata_shared::graph::GraphError;
use strata_shared::words::{Cause, Message};

/// Only the outermost error counts as ours: a context added around a message is text of its
/// own, so the whole chain is then given as it reads.
pub fn of(error: &anyhow::Error) -> Cause {
    let outermost = error.chain().next();
    if let Some(message) = outermost.and_then(|e| e.downcast_ref::<Message>()) {
        return Cause::Ours(Box::new(message.clone()));
    }
    if let Some(graph) = outermost.and_then(|e| e.downcast_ref::<GraphError>()) {
        return Cause::Ours(Box::new(Message::Target(graph.clone())));
    }
    Cause::Theirs(format!("{error:#}"))
}
