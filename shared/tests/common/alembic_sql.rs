//! Alembic's offline SQL against the renderer's, shared by the differential tests: Alembic's
//! `--sql` output cut per revision (without BEGIN/COMMIT and the version table's statements),
//! statements compared as PostgreSQL parse trees (both sides deparsed by pg_query), and a
//! normalised name for the first difference.
#![allow(dead_code)] // each test file uses a different part

use std::collections::{HashMap, HashSet};
use strata_shared::alembic::{RenderedSection, RenderedStatement};

/// One statement as Alembic or Strata gives it.
#[derive(Clone, Debug)]
pub struct Statement {
    pub sql: String,
    pub autocommit: bool,
    /// The script line (Strata's side only).
    pub line: Option<u32>,
}

/// Alembic's offline output of one direction, cut per revision.
#[derive(Default)]
pub struct AlembicOutput {
    /// Each revision's statements (a revision that emitted none has no entry).
    pub statements: HashMap<String, Vec<Statement>>,
    /// Every revision with a `-- Running upgrade/downgrade` comment.
    pub ran: HashSet<String>,
    /// Revisions whose SQL a `-- STUB(<rev>) ...` comment replaces (the colleague's `render.py`
    /// writes one where Alembic could not render the revision offline), with the comment.
    pub stubbed: HashMap<String, String>,
}

impl AlembicOutput {
    /// The revision's statements, when Alembic rendered it.
    pub fn reference(&self, revision: &str) -> Option<Vec<Statement>> {
        (self.ran.contains(revision) && !self.stubbed.contains_key(revision))
            .then(|| self.statements.get(revision).cloned().unwrap_or_default())
    }
}

/// Alembic's offline output cut per revision (the `-- Running upgrade A -> B` comments): the
/// statements of each, without BEGIN/COMMIT and the version table's. A statement between a
/// COMMIT and the next BEGIN ran in `autocommit_block`.
pub fn alembic_statements(output: &str) -> AlembicOutput {
    let mut result = AlembicOutput::default();
    let mut current: Option<String> = None;
    let mut in_transaction = false;
    let mut chunk = String::new();
    let flush = |chunk: &mut String,
                 current: &Option<String>,
                 in_transaction: &mut bool,
                 by_revision: &mut HashMap<String, Vec<Statement>>| {
        for statement in pg_query::split_with_scanner(chunk).unwrap_or_else(|e| panic!("{e}: {chunk}")) {
            let sql = statement.trim();
            let upper = sql.to_ascii_uppercase();
            if upper == "BEGIN" {
                *in_transaction = true;
                continue;
            }
            if upper == "COMMIT" {
                *in_transaction = false;
                continue;
            }
            if sql.is_empty() || upper.contains("ALEMBIC_VERSION") {
                continue;
            }
            let revision = current.clone().unwrap_or_else(|| panic!("a statement before any revision: {sql}"));
            by_revision.entry(revision).or_default().push(Statement {
                sql: sql.to_owned(),
                autocommit: !*in_transaction,
                line: None,
            });
        }
        chunk.clear();
    };
    for line in output.lines() {
        let running = line.strip_prefix("-- Running upgrade ").or_else(|| line.strip_prefix("-- Running downgrade "));
        if let Some(step) = running {
            flush(&mut chunk, &current, &mut in_transaction, &mut result.statements);
            let (from, to) = step.split_once("->").unwrap_or_else(|| panic!("not `A -> B`: {line}"));
            // Upgrades name the revision on the right, downgrades on the left.
            let revision = if line.contains("upgrade") { to } else { from };
            let revision = revision.trim().to_owned();
            result.ran.insert(revision.clone());
            current = Some(revision);
            continue;
        }
        if let Some(stub) = line.strip_prefix("-- STUB(") {
            let revision = stub.split(')').next().unwrap_or_default().to_owned();
            result.stubbed.insert(revision, line.to_owned());
            continue;
        }
        chunk.push_str(line);
        chunk.push('\n');
    }
    flush(&mut chunk, &current, &mut in_transaction, &mut result.statements);
    result
}

/// The renderer's statements, as the unit Alembic's output is cut into: one `op.execute("A; B")`
/// is one rendered statement but two in Alembic's output (it prints the string as written).
pub fn from_section(section: &RenderedSection) -> Vec<Statement> {
    section
        .statements
        .iter()
        .flat_map(|RenderedStatement { sql, line, autocommit }| {
            let pieces = pg_query::split_with_scanner(sql).unwrap_or_else(|_| vec![sql.as_str()]);
            pieces
                .into_iter()
                .map(|piece| piece.trim().trim_end_matches(';').trim().to_owned())
                .filter(|piece| !piece.is_empty())
                .map(|piece| Statement { sql: piece, autocommit: *autocommit, line: Some(*line) })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The statement as a parse tree, printed back by pg_query; None when it does not parse.
pub fn tree(sql: &str) -> Option<String> {
    let parsed = pg_query::parse(sql, 0).ok()?;
    pg_query::deparse(&parsed.protobuf, pg_query::DeparseOptions::default()).ok()
}

/// Alembic creates a new table's indexes in the order of a Python set (`Table.indexes`, hashed by
/// object id), so the order of two or more is arbitrary: the CREATE INDEX statements right after
/// a CREATE TABLE are put in one order (by their trees) on both sides.
pub fn canonical_order(statements: &mut [Statement]) {
    let is = |s: &Statement, prefix: &str| s.sql.to_ascii_uppercase().starts_with(prefix);
    let mut i = 0;
    while i < statements.len() {
        if is(&statements[i], "CREATE TABLE") {
            let start = i + 1;
            let mut end = start;
            while end < statements.len()
                && (is(&statements[end], "CREATE INDEX") || is(&statements[end], "CREATE UNIQUE INDEX"))
                && !is(&statements[end], "CREATE INDEX CONCURRENTLY")
            {
                end += 1;
            }
            statements[start..end].sort_by_cached_key(|s| tree(&s.sql).unwrap_or_else(|| s.sql.clone()));
            i = end;
        } else {
            i += 1;
        }
    }
}

/// The first statement where the two sides part.
#[derive(Clone, Debug)]
pub enum Difference {
    /// Alembic has a statement Strata does not render.
    Missing { index: usize, alembic: Statement },
    /// Strata renders a statement past Alembic's last.
    Extra { index: usize, strata: Statement },
    /// Alembic's statement does not parse as PostgreSQL (compared as text, and differs).
    AlembicUnparsable { index: usize, alembic: Statement, strata: Statement },
    /// Different parse trees.
    Tree { index: usize, alembic: Statement, strata: Statement },
    /// Same tree, but one side runs it outside a transaction.
    Autocommit { index: usize, alembic: Statement, strata: Statement },
}

/// One function of one revision, compared statement by statement up to the first difference
/// (what follows it is shifted).
#[derive(Clone, Debug, Default)]
pub struct Comparison {
    /// Alembic's statements.
    pub statements: usize,
    pub equal_trees: usize,
    pub equal_text: usize,
    pub difference: Option<Difference>,
}

impl Comparison {
    pub fn equal(&self) -> bool {
        self.difference.is_none()
    }

    pub fn equal_as_text(&self) -> bool {
        self.equal() && self.equal_text == self.statements
    }
}

pub fn compare(mut alembic: Vec<Statement>, mut strata: Vec<Statement>) -> Comparison {
    canonical_order(&mut alembic);
    canonical_order(&mut strata);
    let mut comparison = Comparison { statements: alembic.len(), ..Comparison::default() };
    for (index, expected) in alembic.iter().enumerate() {
        let Some(ours) = strata.get(index) else {
            comparison.difference = Some(Difference::Missing { index, alembic: expected.clone() });
            return comparison;
        };
        let (alembic, strata) = (expected.clone(), ours.clone());
        let same_tree = match tree(&expected.sql) {
            Some(expected_tree) => tree(&ours.sql).as_deref() == Some(expected_tree.as_str()),
            None if ours.sql == expected.sql => true,
            None => {
                comparison.difference = Some(Difference::AlembicUnparsable { index, alembic, strata });
                return comparison;
            }
        };
        if !same_tree {
            comparison.difference = Some(Difference::Tree { index, alembic, strata });
            return comparison;
        }
        if ours.autocommit != expected.autocommit {
            comparison.difference = Some(Difference::Autocommit { index, alembic, strata });
            return comparison;
        }
        comparison.equal_trees += 1;
        if ours.sql == expected.sql {
            comparison.equal_text += 1;
        }
    }
    if let Some(extra) = strata.get(alembic.len()) {
        comparison.difference = Some(Difference::Extra { index: alembic.len(), strata: extra.clone() });
    }
    comparison
}

impl Difference {
    /// A report of the difference, for a person.
    pub fn describe(&self) -> String {
        let indent = |sql: &str| sql.replace('\n', "\n             ");
        match self {
            Difference::Missing { index, alembic } => {
                format!("statement {}: Strata renders nothing; Alembic:\n    {}", index + 1, alembic.sql)
            }
            Difference::Extra { index, strata } => format!(
                "statement {} (script line {}): Alembic has no more; Strata renders:\n    {}",
                index + 1,
                strata.line.unwrap_or(0),
                strata.sql
            ),
            Difference::AlembicUnparsable { index, alembic, strata }
            | Difference::Tree { index, alembic, strata }
            | Difference::Autocommit { index, alembic, strata } => format!(
                "statement {} (script line {}){}:\n    Alembic: {}\n    Strata:  {}",
                index + 1,
                strata.line.unwrap_or(0),
                match self {
                    Difference::Autocommit { .. } =>
                        format!(" autocommit: Alembic {}, Strata {}", alembic.autocommit, strata.autocommit),
                    Difference::AlembicUnparsable { .. } => " (Alembic's SQL does not parse)".to_owned(),
                    _ => String::new(),
                },
                indent(&alembic.sql),
                indent(&strata.sql),
            ),
        }
    }

    /// A name for the kind of difference, the same for every revision that differs the same way:
    /// the statement's leading keywords, then the first differing tokens of the two deparsed
    /// trees with identifiers, strings and numbers replaced by `id`, `'…'` and `n`.
    pub fn class(&self) -> String {
        match self {
            Difference::Missing { alembic, .. } => format!("Strata renders nothing for `{}`", head(&alembic.sql)),
            Difference::Extra { strata, .. } => format!("Strata renders an extra `{}`", head(&strata.sql)),
            Difference::AlembicUnparsable { alembic, .. } => {
                format!("Alembic's SQL does not parse: `{}`", head(&alembic.sql))
            }
            Difference::Autocommit { alembic, .. } => format!(
                "`{}` autocommit: Alembic {}, Strata {}",
                head(&alembic.sql),
                alembic.autocommit,
                !alembic.autocommit
            ),
            Difference::Tree { alembic, strata, .. } => {
                let left = tree(&alembic.sql).unwrap_or_else(|| alembic.sql.clone());
                let Some(right) = tree(&strata.sql) else {
                    return format!("`{}`: Strata's SQL does not parse", head(&alembic.sql));
                };
                let (a, b) = (shape(&left), shape(&right));
                let first = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
                if first == a.len() && first == b.len() {
                    // Same shape: an identifier, string or number differs.
                    let (a, b) = (tokens(&left), tokens(&right));
                    let at = a.iter().zip(&b).position(|(x, y)| x != y).unwrap_or(0);
                    let kind = shape(&left).get(at).cloned().unwrap_or_default();
                    return format!("`{}`: a different {}", head(&alembic.sql), kind_name(&kind));
                }
                let window = |t: &[String]| {
                    let end = (first + 4).min(t.len());
                    if first >= t.len() { "(end)".to_owned() } else { t[first..end].join(" ") }
                };
                format!("`{}`: Alembic `{}` / Strata `{}`", head(&alembic.sql), window(&a), window(&b))
            }
        }
    }
}

fn kind_name(kind: &str) -> &'static str {
    match kind {
        "id" => "identifier",
        "'…'" => "string",
        "n" => "number",
        _ => "token",
    }
}

/// The statement's leading keywords (at most four, up to the first name or literal).
pub fn head(sql: &str) -> String {
    let words: Vec<String> =
        shape(sql).into_iter().take_while(|t| t != "id" && t != "'…'" && t != "n").take(4).collect();
    if words.is_empty() { sql.split_whitespace().take(3).collect::<Vec<_>>().join(" ") } else { words.join(" ") }
}

/// The statement's tokens as written.
fn tokens(sql: &str) -> Vec<String> {
    pg_query::scan_tokens(sql)
        .map(|tokens| tokens.iter().map(|t| sql[t.start as usize..t.end as usize].to_owned()).collect())
        .unwrap_or_else(|_| sql.split_whitespace().map(str::to_owned).collect())
}

/// The statement's tokens with keywords upper-cased and names and literals replaced.
fn shape(sql: &str) -> Vec<String> {
    use pg_query::protobuf::{KeywordKind, Token};
    let Ok(scanned) = pg_query::scan_tokens(sql) else {
        return sql.split_whitespace().map(str::to_owned).collect();
    };
    scanned
        .iter()
        .filter(|t| t.token != Token::SqlComment as i32 && t.token != Token::CComment as i32)
        .map(|t| {
            let text = &sql[t.start as usize..t.end as usize];
            if t.keyword_kind != KeywordKind::NoKeyword as i32 {
                text.to_ascii_uppercase()
            } else if t.token == Token::Ident as i32 {
                "id".to_owned()
            } else if t.token == Token::Sconst as i32 || t.token == Token::Usconst as i32 {
                "'…'".to_owned()
            } else if t.token == Token::Iconst as i32 || t.token == Token::Fconst as i32 {
                "n".to_owned()
            } else {
                text.to_owned()
            }
        })
        .collect()
}
