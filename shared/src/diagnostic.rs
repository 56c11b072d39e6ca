//! Problems found in the user's files, always pointing at a file and, where known, a line.

use crate::closed_set::closed_set;
use serde::{Deserialize, Serialize};
use std::fmt;

/// One problem in one file: shown as `path:line: message`, like a compiler would.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// The file's path as the caller named it (relative to the project, usually).
    pub path: String,
    /// 1-based line in that file; `None` when the problem is about the file as a whole.
    pub line: Option<u32>,
    pub message: String,
    #[serde(default)]
    pub severity: Severity,
}

closed_set! {
    #[derive(Default)]
    pub enum Severity("severity") {
        /// The file, or part of it, could not be used.
        #[default]
        Error = "error",
        /// Worth a look, but nothing was left out.
        Warning = "warning",
    }
}

impl Diagnostic {
    pub fn at(path: &str, line: u32, message: impl Into<String>) -> Self {
        Self { path: path.to_owned(), line: Some(line), message: message.into(), severity: Severity::Error }
    }

    pub fn in_file(path: &str, message: impl Into<String>) -> Self {
        Self { path: path.to_owned(), line: None, message: message.into(), severity: Severity::Error }
    }

    pub fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.path, line, self.message),
            None => write!(f, "{}: {}", self.path, self.message),
        }
    }
}
