//! What rendering a script produces, and how it becomes a revision's SQL sections.

use crate::diagnostic::Diagnostic;
use crate::revision::{Revision, SqlSection, UnknownSql};
use serde::{Deserialize, Serialize};

/// A script's two functions as PostgreSQL SQL, or why they could not be read at all.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenderedScript {
    pub upgrade: RenderedSection,
    pub downgrade: RenderedSection,
    /// The script is not valid Python (the parser's line and message), so nothing rendered.
    pub syntax_error: Option<(u32, String)>,
}

/// One function's statements, in order, and the constructs that could not be rendered.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenderedSection {
    pub statements: Vec<RenderedStatement>,
    pub unknown: Vec<UnknownSql>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenderedStatement {
    /// One statement, without its closing `;`.
    pub sql: String,
    /// 1-based script line of the call that produced it.
    pub line: u32,
    /// Inside `op.get_context().autocommit_block()`: runs outside any transaction.
    pub autocommit: bool,
}

impl RenderedSection {
    /// The section as Strata's other parts read SQL: the statements separated by blank lines,
    /// each text line mapped to the script line of its statement.
    /// `body_line` is the first line of the function's body: where an empty section starts.
    pub fn to_section(&self, body_line: u32) -> SqlSection {
        let mut sql = String::new();
        let mut line_map = Vec::new();
        for statement in &self.statements {
            if !sql.is_empty() {
                sql.push('\n');
                line_map.push(statement.line);
            }
            let text = statement.sql.trim();
            sql.push_str(text);
            sql.push_str(";\n");
            line_map.extend(std::iter::repeat_n(statement.line, text.lines().count().max(1)));
        }
        SqlSection { sql, first_line: body_line, line_map, unknown: self.unknown.clone() }
    }

    fn has_autocommit(&self) -> bool {
        self.statements.iter().any(|s| s.autocommit)
    }
}

impl RenderedScript {
    /// Every construct that could not be rendered, as a warning at its line; a syntax error
    /// as an error. The revision stays in the graph either way.
    pub fn diagnostics(&self, path: &str) -> Vec<Diagnostic> {
        let mut found: Vec<Diagnostic> = self
            .syntax_error
            .iter()
            .map(|(line, message)| {
                Diagnostic::at(path, *line, format!("not valid Python: {message}; its SQL is unknown"))
            })
            .collect();
        for (function, section) in [("upgrade", &self.upgrade), ("downgrade", &self.downgrade)] {
            for unknown in &section.unknown {
                found.push(
                    Diagnostic::at(
                        path,
                        unknown.line,
                        format!("{function}: `{}`: {}; its SQL is unknown", unknown.construct, unknown.reason),
                    )
                    .warning(),
                );
            }
        }
        found
    }

    /// Gives the revision its rendered sections. Alembic's `autocommit_block` commits and runs
    /// outside a transaction; Strata runs such a revision between two transactions.
    pub fn apply_to(&self, revision: &mut Revision, script: &str) {
        revision.upgrade = self.upgrade.to_section(body_line(script, "upgrade"));
        revision.downgrade = self.downgrade.to_section(body_line(script, "downgrade"));
        if let Some((line, _)) = &self.syntax_error {
            let unreadable =
                UnknownSql { line: *line, construct: "the script".into(), reason: "not valid Python".into() };
            revision.upgrade.unknown.push(unreadable.clone());
            revision.downgrade.unknown.push(unreadable);
        }
        if self.upgrade.has_autocommit() || self.downgrade.has_autocommit() {
            revision.transactional = false;
        }
    }
}

/// The line after `def NAME(` at the start of a line (1 when there is none): the marker line
/// of a section is the line before its first line, as for `-- strata:upgrade` in `.sql` files.
fn body_line(script: &str, name: &str) -> u32 {
    let opening = format!("def {name}(");
    script.lines().position(|line| line.starts_with(&opening)).map_or(1, |index| index as u32 + 2)
}
