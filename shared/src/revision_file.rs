//! The revision file format (version 1): one plain `.sql` file per revision.
//!
//! ```sql
//! -- revision: 4f1c2a9e7b30
//! -- revises: 9d2e61b0c4aa
//! -- message: add invoices
//! -- created: 2026-03-02 10:15:00
//! -- branch-labels: accounting
//! -- depends-on: 1b7a3c5d9e02
//! -- transactional: true
//!
//! -- strata:upgrade
//! CREATE TABLE invoice (...);
//!
//! -- strata:downgrade
//! DROP TABLE invoice;
//! ```
//!
//! Everything before `-- strata:upgrade` is the header: `-- key: value` lines (lower-case
//! keys), free comment lines and blank lines. Every problem is reported with its line, and
//! all problems of a file are reported together. The format is documented in `docs/revision-format.md`.

use crate::diagnostic::Diagnostic;
use crate::revision::{Allow, HeaderLines, Revision, RevisionFormat, SqlSection, check_id};

pub const UPGRADE_MARKER: &str = "-- strata:upgrade";
pub const DOWNGRADE_MARKER: &str = "-- strata:downgrade";

const KNOWN_KEYS: [&str; 7] =
    ["revision", "revises", "message", "created", "branch-labels", "depends-on", "transactional"];

/// A revision file that loads, with warnings about the optional fields it could not read.
pub struct RevisionFile {
    pub revision: Revision,
    pub warnings: Vec<Diagnostic>,
}

/// Parses one revision file. `path` only labels the diagnostics.
pub fn parse_revision_file(path: &str, text: &str) -> Result<Revision, Vec<Diagnostic>> {
    read_revision_file(path, text).map(|file| file.revision)
}

/// Parses one revision file, keeping the warnings. An optional field that cannot be read
/// (`created`, `transactional`) is a warning at its line, never a reason to drop the revision
/// and every revision built on it.
pub fn read_revision_file(path: &str, text: &str) -> Result<RevisionFile, Vec<Diagnostic>> {
    let mut parser = FileParser { path, errors: Vec::new(), warnings: Vec::new(), header: Header::default() };
    let sections = parser.split_sections(text);
    let upgrade = sections.upgrade.map(|s| s.into_section(text));
    let downgrade = sections.downgrade.map(|s| s.into_section(text));

    if upgrade.is_none() {
        parser.error_in_file(format!("no upgrade section: add a line `{UPGRADE_MARKER}` followed by the upgrade SQL"));
    }
    if downgrade.is_none() {
        parser.error_in_file(format!(
            "no downgrade section: add a line `{DOWNGRADE_MARKER}` after the upgrade, followed by the SQL that reverses it"
        ));
    }
    let header = std::mem::take(&mut parser.header);
    if header.revision.is_none() {
        parser.error_in_file("missing revision id: add a header line `-- revision: <id>`");
    }
    let lines = HeaderLines {
        revision: header.line_of("revision").unwrap_or(1),
        revises: header.line_of("revises"),
        depends_on: header.line_of("depends-on"),
        branch_labels: header.line_of("branch-labels"),
    };
    match (parser.errors.is_empty(), header.revision, upgrade, downgrade) {
        (true, Some(id), Some(upgrade), Some(downgrade)) => Ok(RevisionFile {
            revision: Revision {
                id,
                parents: header.revises,
                branch_labels: header.branch_labels,
                depends_on: header.depends_on,
                message: header.message,
                created: header.created,
                transactional: header.transactional.unwrap_or(true),
                path: path.to_owned(),
                upgrade,
                downgrade,
                lines,
                format: RevisionFormat::StrataSql,
                allowed: header.allowed,
                script: None,
                doc: None,
            },
            warnings: parser.warnings,
        }),
        _ => Err(parser.errors.into_iter().chain(parser.warnings).collect()),
    }
}

#[derive(Default)]
struct Header {
    revision: Option<String>,
    revises: Vec<String>,
    message: Option<String>,
    created: Option<String>,
    branch_labels: Vec<String>,
    depends_on: Vec<String>,
    transactional: Option<bool>,
    /// `-- strata:allow` lines: lint rules silenced for the whole file.
    allowed: Vec<Allow>,
    /// Keys already seen, with their line, to report duplicates.
    seen: Vec<(String, u32)>,
}

impl Header {
    fn line_of(&self, key: &str) -> Option<u32> {
        self.seen.iter().find(|(seen, _)| seen == key).map(|&(_, line)| line)
    }
}

/// Where a section's SQL lies in the file.
struct SectionSpan {
    start: usize,
    end: usize,
    first_line: u32,
}

impl SectionSpan {
    fn into_section(self, text: &str) -> SqlSection {
        SqlSection::written(&text[self.start..self.end], self.first_line)
    }
}

#[derive(Default)]
struct Sections {
    upgrade: Option<SectionSpan>,
    downgrade: Option<SectionSpan>,
}

#[derive(Clone, Copy, PartialEq)]
enum Marker {
    Upgrade,
    Downgrade,
}

struct FileParser<'p> {
    path: &'p str,
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
    header: Header,
}

impl FileParser<'_> {
    fn error(&mut self, line: u32, message: impl Into<String>) {
        self.errors.push(Diagnostic::at(self.path, line, message));
    }

    fn warning(&mut self, line: u32, message: impl Into<String>) {
        self.warnings.push(Diagnostic::at(self.path, line, message).warning());
    }

    fn error_in_file(&mut self, message: impl Into<String>) {
        self.errors.push(Diagnostic::in_file(self.path, message));
    }

    /// Walks the file once: header lines go to `self.header`, section markers cut the SQL.
    fn split_sections(&mut self, text: &str) -> Sections {
        let mut sections = Sections::default();
        let mut current: Option<(Marker, usize, u32)> = None; // marker, body start, body first line
        let mut in_header = true; // until the first marker line, accepted or not
        let mut offset = 0;
        for (index, raw_line) in text.split_inclusive('\n').enumerate() {
            let line_no = index as u32 + 1;
            let line = raw_line.trim_end();
            let line_start = offset;
            offset += raw_line.len();

            match self.marker(line, line_no) {
                Some(Ok(marker)) => {
                    in_header = false;
                    self.close_section(&mut sections, current.take(), line_start);
                    if self.check_marker_order(&sections, marker, line_no) {
                        current = Some((marker, offset, line_no + 1));
                    }
                }
                Some(Err(())) => in_header = false,
                None if in_header => self.header_line(line, line_no),
                None => {}
            }
        }
        self.close_section(&mut sections, current, text.len());
        sections
    }

    /// `Some(Ok)` for a section marker, `Some(Err)` for a malformed one (reported), `None` otherwise.
    fn marker(&mut self, line: &str, line_no: u32) -> Option<Result<Marker, ()>> {
        let word = line.strip_prefix("--")?.trim_start().strip_prefix("strata:")?.trim();
        if word.starts_with("allow") {
            return None; // a lint suppression, not a section marker
        }
        match word {
            "upgrade" => Some(Ok(Marker::Upgrade)),
            "downgrade" => Some(Ok(Marker::Downgrade)),
            other => {
                self.error(
                    line_no,
                    format!(
                        "unknown section marker `strata:{other}`: expected `{UPGRADE_MARKER}` or `{DOWNGRADE_MARKER}`"
                    ),
                );
                Some(Err(()))
            }
        }
    }

    /// Reports a second section of a kind, or a downgrade before the upgrade. True when the marker may open a section.
    fn check_marker_order(&mut self, sections: &Sections, marker: Marker, line_no: u32) -> bool {
        let (already, name) = match marker {
            Marker::Upgrade => (&sections.upgrade, "upgrade"),
            Marker::Downgrade => (&sections.downgrade, "downgrade"),
        };
        if let Some(first) = already {
            let first_marker_line = first.first_line - 1;
            self.error(line_no, format!("a second {name} section (the first starts at line {first_marker_line})"));
            return false;
        }
        if marker == Marker::Upgrade && sections.downgrade.is_some() {
            self.error(line_no, "the upgrade section must come before the downgrade section");
            return false;
        }
        if marker == Marker::Downgrade && sections.upgrade.is_none() {
            self.error(line_no, format!("the downgrade section comes before any upgrade section (`{UPGRADE_MARKER}`)"));
            return false;
        }
        true
    }

    fn close_section(&mut self, sections: &mut Sections, open: Option<(Marker, usize, u32)>, end: usize) {
        let Some((marker, start, first_line)) = open else {
            return;
        };
        let span = SectionSpan { start, end: end.max(start), first_line };
        match marker {
            Marker::Upgrade => sections.upgrade = Some(span),
            Marker::Downgrade => sections.downgrade = Some(span),
        }
    }

    fn header_line(&mut self, line: &str, line_no: u32) {
        if line.is_empty() {
            return;
        }
        if let Some(allow) = Allow::parse(line, line_no) {
            self.header.allowed.push(allow);
            return;
        }
        let Some(comment) = line.strip_prefix("--") else {
            self.error(
                line_no,
                format!(
                    "SQL before the `{UPGRADE_MARKER}` line: the header holds only `-- key: value` lines and comments"
                ),
            );
            return;
        };
        if let Some((key, value)) = split_header_field(comment.trim_start()) {
            self.header_field(key, value.trim(), line_no);
        }
    }

    fn header_field(&mut self, key: &str, value: &str, line_no: u32) {
        if !KNOWN_KEYS.contains(&key) {
            self.error(line_no, format!("unknown header key `{key}` (known keys: {})", KNOWN_KEYS.join(", ")));
            return;
        }
        if let Some(first) = self.header.line_of(key) {
            self.error(line_no, format!("`{key}` is given twice (first at line {first})"));
            return;
        }
        self.header.seen.push((key.to_owned(), line_no));
        match key {
            "revision" => match check_id(value) {
                Ok(()) => self.header.revision = Some(value.to_owned()),
                Err(why) => self.error(line_no, format!("invalid revision id `{value}`: {why}")),
            },
            "revises" => self.header.revises = self.id_list(value, "revises", line_no),
            "depends-on" => self.header.depends_on = self.id_list(value, "depends-on", line_no),
            "branch-labels" => self.header.branch_labels = self.id_list(value, "branch-labels", line_no),
            "message" => self.header.message = (!value.is_empty()).then(|| value.to_owned()),
            // Alembic keeps its Create Date as text: an unusual one is worth a look, no more.
            "created" => {
                if check_timestamp(value).is_err() {
                    self.warning(line_no, format!("created date `{value}` is not `YYYY-MM-DD HH:MM:SS`; kept as text"));
                }
                self.header.created = (!value.is_empty()).then(|| value.to_owned());
            }
            "transactional" => match value {
                "true" => self.header.transactional = Some(true),
                "false" => self.header.transactional = Some(false),
                _ => self.warning(
                    line_no,
                    format!("transactional must be `true` or `false`, not `{value}`; taken as `true`, the default"),
                ),
            },
            _ => unreachable!("every known key is handled above"),
        }
    }

    /// A comma-separated list of ids or labels; empty means none.
    fn id_list(&mut self, value: &str, key: &str, line_no: u32) -> Vec<String> {
        let mut items: Vec<String> = Vec::new();
        if value.is_empty() {
            return items;
        }
        for item in value.split(',').map(str::trim) {
            if let Err(why) = check_id(item) {
                self.error(line_no, format!("invalid entry `{item}` in `{key}`: {why}"));
            } else if items.iter().any(|seen| seen == item) {
                self.error(line_no, format!("`{item}` is listed twice in `{key}`"));
            } else {
                items.push(item.to_owned());
            }
        }
        items
    }
}

/// `key: value` where key is lower-case letters, digits and dashes. Other comments are free text.
fn split_header_field(comment: &str) -> Option<(&str, &str)> {
    let (key, value) = comment.split_once(':')?;
    let well_formed = key.starts_with(|c: char| c.is_ascii_lowercase())
        && key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    (well_formed && (value.is_empty() || value.starts_with(' '))).then_some((key, value))
}

/// `YYYY-MM-DD HH:MM:SS`, optionally with a fraction of a second.
fn check_timestamp(value: &str) -> Result<(), ()> {
    let date_time = match value.split_once('.') {
        Some((head, fraction)) if !fraction.is_empty() && fraction.chars().all(|c| c.is_ascii_digit()) => head,
        Some(_) => return Err(()),
        None => value,
    };
    let shape = "dddd-dd-dd dd:dd:dd";
    let matches_shape = date_time.len() == shape.len()
        && date_time.chars().zip(shape.chars()).all(|(c, s)| if s == 'd' { c.is_ascii_digit() } else { c == s });
    if !matches_shape {
        return Err(());
    }
    let field = |range: std::ops::Range<usize>| date_time[range].parse::<u32>().unwrap_or(u32::MAX);
    let in_range = (1..=12).contains(&field(5..7))
        && (1..=31).contains(&field(8..10))
        && field(11..13) < 24
        && field(14..16) < 60
        && field(17..19) < 60;
    if in_range { Ok(()) } else { Err(()) }
}

#[cfg(test)]
mod tests;
