//! A revision as Alembic knows it: an id, what it revises, labels, and its SQL.

use serde::{Deserialize, Serialize};

/// One revision of the schema, read from one file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revision {
    pub id: String,
    /// The revisions this one revises: none for a base, several for a merge point.
    pub parents: Vec<String>,
    pub branch_labels: Vec<String>,
    pub depends_on: Vec<String>,
    pub message: Option<String>,
    /// Creation date as written in the file (`YYYY-MM-DD HH:MM:SS[.ffffff]`).
    pub created: Option<String>,
    /// Whether the revision may run inside a transaction (false for e.g. CREATE INDEX CONCURRENTLY).
    pub transactional: bool,
    /// Path of the file it came from, relative to the project.
    pub path: String,
    pub upgrade: SqlSection,
    pub downgrade: SqlSection,
    /// Where the header fields are, for problems found later (an unknown parent, a duplicate id).
    pub lines: HeaderLines,
    /// What kind of file it came from; only Strata's own files carry their SQL.
    #[serde(default)]
    pub format: RevisionFormat,
    /// `-- strata:allow RULE reason` lines of the header: lint rules silenced for the file.
    #[serde(default)]
    pub allowed: Vec<Allow>,
    /// An Alembic script's Python source, shown beside the SQL rendered from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub script: Option<String>,
    /// An Alembic script's module docstring as Python reads it (`__doc__`, escapes resolved),
    /// printed verbatim by `show` and `history -v` as Alembic prints it. `None` for a Strata
    /// file and for a script without a docstring.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
}

/// A lint rule silenced on purpose, with the reason written next to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allow {
    pub rule: String,
    pub reason: String,
    pub line: u32,
}

impl Allow {
    /// Reads `-- strata:allow RULE reason`; `None` for any other line.
    pub fn parse(line: &str, line_no: u32) -> Option<Self> {
        let rest = line.trim().strip_prefix("--")?.trim_start().strip_prefix("strata:allow")?;
        let mut words = rest.trim().splitn(2, char::is_whitespace);
        let rule = words.next().filter(|r| !r.is_empty())?.to_owned();
        let reason = words.next().unwrap_or("").trim().to_owned();
        Some(Self { rule, reason, line: line_no })
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RevisionFormat {
    /// A Strata `.sql` revision file: its SQL is as written.
    #[default]
    StrataSql,
    /// An Alembic Python script: its SQL is rendered from the Python statically (see
    /// `alembic::render`); what cannot be is listed in each section's `unknown`.
    AlembicPython,
}

/// 1-based lines of the header fields in the revision file; `None` when the field is absent.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeaderLines {
    pub revision: u32,
    pub revises: Option<u32>,
    pub depends_on: Option<u32>,
    pub branch_labels: Option<u32>,
}

/// A block of SQL inside a revision file, with where it starts so that positions map back
/// to the file's own line numbers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SqlSection {
    pub sql: String,
    /// 1-based line of the file on which `sql` begins.
    pub first_line: u32,
    /// For SQL rendered from code (an Alembic script): the file line each line of `sql` came
    /// from, so errors, findings and failures point into the script. Empty for SQL as written.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub line_map: Vec<u32>,
    /// Parts of the section whose SQL cannot be known without running code. A section with
    /// any is incomplete: it may be read, never run.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unknown: Vec<UnknownSql>,
}

/// Code whose SQL Strata cannot know without running it, e.g. a loop over query results.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnknownSql {
    /// 1-based line in the revision file.
    pub line: u32,
    /// The construct as written, shortened: ``op.get_bind().execute(...)``.
    pub construct: String,
    /// Why it cannot be rendered, e.g. "data-dependent Python".
    pub reason: String,
}

impl SqlSection {
    /// SQL as written in a revision file, starting at `first_line`.
    pub fn written(sql: impl Into<String>, first_line: u32) -> Self {
        Self { sql: sql.into(), first_line, ..Self::default() }
    }

    /// The file line of the `index`-th (0-based) line of `sql`.
    pub fn file_line(&self, index: usize) -> u32 {
        match self.line_map.get(index).or(self.line_map.last()) {
            Some(&line) => line,
            None => self.first_line + index as u32,
        }
    }

    /// Whether every statement of the section is known.
    pub fn is_complete(&self) -> bool {
        self.unknown.is_empty()
    }

    /// SHA-256 of the SQL as written: recorded when it runs, so a later edit shows.
    pub fn checksum(&self) -> String {
        crate::digest::sha256_hex(self.sql.as_bytes())
    }
}

/// The one alphabet of revision ids and branch labels: ASCII letters, digits and `_`, at most
/// 128 characters. Ids and labels end up in target specs (`@ + - :` mean something there;
/// Alembic refuses them too), file names and URLs (`/ . ? % =` would change a request's
/// meaning), so anything else is refused where files are read and where ids are written.
pub fn check_id(id: &str) -> Result<(), &'static str> {
    if id.is_empty() {
        Err("it is empty")
    } else if id.chars().any(char::is_whitespace) {
        Err("it contains white space (separate several with commas)")
    } else if !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        Err("only ASCII letters, digits and `_` may be used (ids appear in target specs, file names and URLs)")
    } else if id.len() > 128 {
        Err("it is longer than 128 characters")
    } else {
        Ok(())
    }
}

impl Revision {
    pub fn is_base(&self) -> bool {
        self.parents.is_empty()
    }

    pub fn is_merge(&self) -> bool {
        self.parents.len() > 1
    }

    /// What a review's verdict is about: the upgrade and the downgrade as written. An edit to
    /// either makes earlier verdicts stale.
    pub fn review_checksum(&self) -> String {
        let text = format!("{}\0{}", self.upgrade.sql, self.downgrade.sql);
        crate::digest::sha256_hex(text.as_bytes())
    }
}
