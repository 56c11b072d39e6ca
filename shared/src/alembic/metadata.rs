//! Alembic's Python revision scripts, read without running Python: the top-level literal
//! assignments `revision`, `down_revision` (a string, a tuple or list, or None),
//! `branch_labels` and `depends_on`, and the module docstring's message and `Create Date`.
//! Its SQL is left empty here; `super::render` fills it in where the build renders.

use crate::diagnostic::Diagnostic;
use crate::revision::{HeaderLines, Revision, RevisionFormat, SqlSection};

/// A parsed script, and warnings that do not stop it from joining the graph.
#[derive(Debug)]
pub struct ParsedScript {
    pub revision: Revision,
    pub warnings: Vec<Diagnostic>,
}

pub(super) fn parse_alembic_script(path: &str, text: &str) -> Result<ParsedScript, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let doc = Docstring::read(text);
    let mut fields: Fields = Fields::default();
    for assignment in top_level_assignments(text) {
        let target = match assignment.name {
            "revision" => &mut fields.revision,
            "down_revision" => &mut fields.down_revision,
            "branch_labels" => &mut fields.branch_labels,
            "depends_on" => &mut fields.depends_on,
            _ => continue,
        };
        match parse_literal(assignment.value) {
            Ok(value) => *target = Some((value, assignment.line)),
            Err(why) => errors.push(Diagnostic::at(
                path,
                assignment.line,
                format!("`{}` must be a string, a tuple or list of strings, or None: {why}", assignment.name),
            )),
        }
    }
    let id = match fields.revision.clone() {
        Some((Literal::Strings(ids), _)) if ids.len() == 1 => Some(ids[0].clone()),
        Some((_, line)) => {
            errors.push(Diagnostic::at(path, line, "`revision` must be one string"));
            None
        }
        None => {
            errors.push(Diagnostic::in_file(
                path,
                "no `revision = \"...\"` assignment: this is not an Alembic revision script",
            ));
            None
        }
    };
    let parents = fields.strings(&fields.down_revision);
    let (Some(id), true) = (id, errors.is_empty()) else { return Err(errors) };
    if let Some((revises, line)) = &doc.revises {
        let declared = split_list(revises);
        if declared != parents {
            warnings.push(
                Diagnostic::at(
                    path,
                    *line,
                    format!(
                        "the docstring says `Revises: {revises}` but `down_revision` is `{}`; the code wins",
                        if parents.is_empty() { "None".to_owned() } else { parents.join(", ") }
                    ),
                )
                .warning(),
            );
        }
    }
    let lines = HeaderLines {
        revision: fields.revision.as_ref().map_or(1, |(_, line)| *line),
        revises: fields.down_revision.as_ref().map(|(_, line)| *line),
        depends_on: fields.depends_on.as_ref().map(|(_, line)| *line),
        branch_labels: fields.branch_labels.as_ref().map(|(_, line)| *line),
    };
    let unknown = SqlSection::written("", 1);
    let revision = Revision {
        id,
        parents,
        branch_labels: fields.strings(&fields.branch_labels),
        depends_on: fields.strings(&fields.depends_on),
        message: doc.message,
        created: doc.created,
        transactional: true,
        path: path.to_owned(),
        upgrade: unknown.clone(),
        downgrade: unknown,
        lines,
        format: RevisionFormat::AlembicPython,
        allowed: Vec::new(),
        script: None,
        doc: doc.text,
    };
    Ok(ParsedScript { revision, warnings })
}

#[derive(Default)]
struct Fields {
    revision: Option<(Literal, u32)>,
    down_revision: Option<(Literal, u32)>,
    branch_labels: Option<(Literal, u32)>,
    depends_on: Option<(Literal, u32)>,
}

impl Fields {
    fn strings(&self, field: &Option<(Literal, u32)>) -> Vec<String> {
        match field {
            Some((Literal::Strings(items), _)) => items.clone(),
            _ => Vec::new(),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Literal {
    None,
    Strings(Vec<String>),
}

struct Assignment<'a> {
    name: &'a str,
    value: &'a str,
    line: u32,
}

/// `name = value` and `name: annotation = value` at column 0; a value may span lines while
/// brackets are open.
fn top_level_assignments(text: &str) -> Vec<Assignment<'_>> {
    let mut found = Vec::new();
    let mut offset = 0;
    let line_starts: Vec<usize> = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
    for (index, &start) in line_starts.iter().enumerate() {
        if start < offset {
            continue; // inside a previous multi-line value
        }
        let line = &text[start..line_starts.get(index + 1).copied().unwrap_or(text.len())];
        let name_end = line.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(line.len());
        let name = &line[..name_end];
        let rest = line[name_end..].trim_start();
        if name.is_empty() || !(rest.starts_with('=') || rest.starts_with(':')) || rest.starts_with("==") {
            continue;
        }
        let Some(equals) = line.find('=') else { continue };
        let value_start = start + equals + 1;
        let value_end = literal_end(text, value_start);
        offset = value_end;
        found.push(Assignment { name, value: text[value_start..value_end].trim(), line: index as u32 + 1 });
    }
    found
}

/// Where a value starting at `start` ends: the end of its line, once brackets are balanced
/// (brackets inside strings and comments do not count).
fn literal_end(text: &str, start: usize) -> usize {
    enum State {
        Code,
        Quoted(char),
        Comment,
    }
    let mut state = State::Code;
    let mut depth = 0i32;
    let mut chars = text[start..].char_indices();
    while let Some((i, c)) = chars.next() {
        state = match (state, c) {
            (State::Quoted(q), '\\') => {
                chars.next();
                State::Quoted(q)
            }
            (State::Quoted(q), c) if c == q => State::Code,
            (State::Quoted(q), _) => State::Quoted(q),
            (State::Code | State::Comment, '\n') if depth <= 0 => return start + i,
            (State::Code | State::Comment, '\n') => State::Code,
            (State::Comment, _) => State::Comment,
            (State::Code, '\'' | '"') => State::Quoted(c),
            (State::Code, '#') => State::Comment,
            (State::Code, '(' | '[') => {
                depth += 1;
                State::Code
            }
            (State::Code, ')' | ']') => {
                depth -= 1;
                State::Code
            }
            (State::Code, _) => State::Code,
        };
    }
    text.len()
}

/// `None`, a string, or a tuple/list of strings (comments and a trailing comma allowed).
fn parse_literal(value: &str) -> Result<Literal, String> {
    let uncommented = strip_comment(value);
    let value = uncommented.trim();
    if value == "None" {
        return Ok(Literal::None);
    }
    let inner = match value.chars().next() {
        Some('(') if value.ends_with(')') => &value[1..value.len() - 1],
        Some('[') if value.ends_with(']') => &value[1..value.len() - 1],
        Some('\'' | '"') => return string_literal(value).map(|s| Literal::Strings(vec![s])),
        _ => return Err(format!("`{value}` is not a literal Strata can read")),
    };
    let mut items = Vec::new();
    for item in split_top_level_commas(inner) {
        let item = strip_comment(item);
        if !item.trim().is_empty() {
            items.push(string_literal(&item)?);
        }
    }
    Ok(Literal::Strings(items))
}

fn strip_comment(text: &str) -> String {
    let mut quote = None;
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        for c in line.chars() {
            match (quote, c) {
                (None, '#') => break,
                (None, '\'' | '"') => quote = Some(c),
                (Some(q), c) if c == q => quote = None,
                _ => {}
            }
            out.push(c);
        }
        if line.ends_with('\n') && !out.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

fn split_top_level_commas(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut quote, mut start) = (None, 0);
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, ',') => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

fn string_literal(text: &str) -> Result<String, String> {
    let text = text.trim();
    let quote =
        text.chars().next().filter(|c| *c == '\'' || *c == '"').ok_or_else(|| format!("`{text}` is not a string"))?;
    if text.len() < 2 || !text.ends_with(quote) {
        return Err(format!("`{text}` is not a closed string"));
    }
    Ok(text[1..text.len() - 1].to_owned())
}

/// A `Revises:` value as written by hand or by a template: `a, b`, `('a', 'b')`, `None`.
fn split_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(|item| item.trim().trim_matches(|c| "()[]'\" ".contains(c)).trim())
        .filter(|item| !item.is_empty() && *item != "None")
        .map(str::to_owned)
        .collect()
}

/// The module docstring, and what Alembic's template puts in it.
struct Docstring {
    /// The docstring as Python reads it (`__doc__`).
    text: Option<String>,
    /// Alembic's `doc`: the first paragraph of the stripped docstring.
    message: Option<String>,
    created: Option<String>,
    /// The `Revises:` line's value and line number.
    revises: Option<(String, u32)>,
}

impl Docstring {
    fn read(text: &str) -> Self {
        let mut doc = Docstring { text: None, message: None, created: None, revises: None };
        let Some(literal) = StringLiteral::first_statement(text) else { return doc };
        let value = if literal.raw { literal.body.to_owned() } else { unescape(literal.body) };
        let stripped = value.trim();
        doc.message = stripped.split("\n\n").next().map(|m| m.trim().to_owned()).filter(|m| !m.is_empty());
        for (offset, line) in literal.body.lines().enumerate() {
            let line_no = literal.first_line + offset as u32;
            if let Some(date) = line.trim().strip_prefix("Create Date:") {
                doc.created = Some(date.trim().to_owned()).filter(|d| !d.is_empty());
            } else if let Some(revises) = line.trim().strip_prefix("Revises:") {
                doc.revises = Some((revises.trim().to_owned(), line_no));
            }
        }
        doc.text = Some(value);
        doc
    }
}

/// A string literal that is a module's first statement (its docstring), as written.
struct StringLiteral<'a> {
    /// Between the quotes, escapes unresolved.
    body: &'a str,
    raw: bool,
    /// 1-based line on which `body` begins.
    first_line: u32,
}

impl<'a> StringLiteral<'a> {
    fn first_statement(text: &'a str) -> Option<Self> {
        // Skip blank lines and comments (a shebang, an encoding line).
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            let trimmed = line.trim();
            if !(trimmed.is_empty() || trimmed.starts_with('#')) {
                break;
            }
            offset += line.len();
        }
        let rest = &text[offset..];
        let prefix_len = rest.find(['"', '\'']).filter(|&n| n <= 2)?;
        let prefix = &rest[..prefix_len];
        if !prefix.chars().all(|c| matches!(c, 'r' | 'R' | 'u' | 'U')) {
            return None; // b"..." and f"..." are not docstrings
        }
        let after_prefix = &rest[prefix_len..];
        let delimiter = ["\"\"\"", "\'\'\'", "\"", "\'"].into_iter().find(|d| after_prefix.starts_with(d))?;
        let body_start = offset + prefix_len + delimiter.len();
        let mut chars = text[body_start..].char_indices();
        while let Some((i, c)) = chars.next() {
            if c == '\\' {
                chars.next(); // an escaped character never closes the string, raw or not
            } else if text[body_start + i..].starts_with(delimiter) {
                let first_line = text[..body_start].matches('\n').count() as u32 + 1;
                let raw = prefix.contains(['r', 'R']);
                return Some(Self { body: &text[body_start..body_start + i], raw, first_line });
            } else if c == '\n' && delimiter.len() == 1 {
                return None; // an unclosed one-line string
            }
        }
        None
    }
}

/// A Python string literal's escapes resolved (`\n`, `\t`, `\\`, quotes, `\x..`, `\u....`,
/// octal, a backslash before a newline); unknown escapes stay as written, as in Python.
fn unescape(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(next) = chars.next() else {
            out.push('\\');
            break;
        };
        let simple = match next {
            '\n' => Some(None),
            '\\' => Some(Some('\\')),
            '\'' => Some(Some('\'')),
            '"' => Some(Some('"')),
            'a' => Some(Some('\u{7}')),
            'b' => Some(Some('\u{8}')),
            'f' => Some(Some('\u{c}')),
            'n' => Some(Some('\n')),
            'r' => Some(Some('\r')),
            't' => Some(Some('\t')),
            'v' => Some(Some('\u{b}')),
            _ => None,
        };
        if let Some(replacement) = simple {
            out.extend(replacement);
            continue;
        }
        let (radix, digits) = match next {
            'x' => (16, 2),
            'u' => (16, 4),
            'U' => (16, 8),
            '0'..='7' => (8, 3),
            _ => (0, 0),
        };
        let mut code = String::new();
        if radix == 8 {
            code.push(next);
        }
        while code.len() < digits && chars.peek().is_some_and(|d| d.is_digit(radix)) {
            code.extend(chars.next());
        }
        let decoded = (radix != 0 && (radix == 8 || code.len() == digits))
            .then(|| u32::from_str_radix(&code, radix).ok().and_then(char::from_u32))
            .flatten();
        match decoded {
            Some(decoded) => out.push(decoded),
            None => {
                out.push('\\');
                if radix != 8 {
                    out.push(next);
                }
                out.push_str(&code);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
