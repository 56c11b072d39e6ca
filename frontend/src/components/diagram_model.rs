//! What the schema diagram shows, taken from the schema once: each table's name and column
//! lines (keys marked), each foreign key as a link between two tables, and each table's
//! neighbours; and how big a box is, open or collapsed, for the layout in `shared::diagram`.

use std::collections::{BTreeMap, BTreeSet};
use strata_shared::diagram::{self, Drawing, Link, Rect, Size};
use strata_shared::schema::{ConstraintKind, QualifiedName, Schema};

pub const BOX_WIDTH: f64 = 250.0;
pub const HEADER: f64 = 24.0;
pub const LINE: f64 = 16.0;
const PADDING: f64 = 6.0;
/// Characters of a column line that fit in a box.
const LINE_CHARS: usize = 36;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    Primary,
    Foreign,
}

impl Key {
    pub fn mark(self) -> &'static str {
        match self {
            Key::Primary => "PK",
            Key::Foreign => "FK",
        }
    }
}

pub struct ColumnLine {
    pub text: String,
    pub key: Option<Key>,
}

pub struct DiagramTable {
    pub name: String,
    pub lines: Vec<ColumnLine>,
}

pub struct DiagramLink {
    pub from: usize,
    pub to: usize,
    /// The rows of the first referencing and first referenced column, where the line meets
    /// each box while its columns show.
    from_row: Option<usize>,
    to_row: Option<usize>,
    /// `constraint: table → table`, the line's tooltip.
    pub title: String,
}

pub struct DiagramModel {
    pub tables: Vec<DiagramTable>,
    pub links: Vec<DiagramLink>,
    pub neighbours: Vec<BTreeSet<usize>>,
}

impl DiagramModel {
    pub fn of(schema: &Schema) -> Self {
        let index: BTreeMap<&QualifiedName, usize> = schema.tables.keys().enumerate().map(|(i, n)| (n, i)).collect();
        let mut tables = Vec::with_capacity(schema.tables.len());
        let mut links = Vec::new();
        for (from, (name, table)) in schema.tables.iter().enumerate() {
            let key_of = |column: &str| {
                let constrained =
                    |kind| table.constraints.iter().any(|c| c.kind == kind && c.columns.iter().any(|k| k == column));
                if constrained(ConstraintKind::PrimaryKey) {
                    Some(Key::Primary)
                } else if constrained(ConstraintKind::ForeignKey) {
                    Some(Key::Foreign)
                } else {
                    None
                }
            };
            let lines = table
                .columns
                .iter()
                .map(|c| ColumnLine { text: shortened(format!("{} {}", c.name, c.data_type)), key: key_of(&c.name) })
                .collect();
            tables.push(DiagramTable { name: name.to_string(), lines });
            for constraint in table.constraints.iter().filter(|c| c.kind == ConstraintKind::ForeignKey) {
                let Some(reference) = &constraint.references else { continue };
                let Some(&to) = index.get(&reference.table) else { continue };
                let row_in = |table: &strata_shared::schema::Table, column: Option<&String>| {
                    column.and_then(|column| table.columns.iter().position(|c| &c.name == column))
                };
                links.push(DiagramLink {
                    from,
                    to,
                    from_row: row_in(table, constraint.columns.first()),
                    to_row: row_in(&schema.tables[&reference.table], reference.columns.first()),
                    title: format!("{}: {} → {}", constraint.name, name, reference.table),
                });
            }
        }
        let mut neighbours = vec![BTreeSet::new(); tables.len()];
        for link in &links {
            neighbours[link.from].insert(link.to);
            neighbours[link.to].insert(link.from);
        }
        DiagramModel { tables, links, neighbours }
    }

    /// The layout with the tables in `collapsed` showing their names only.
    pub fn lay_out(&self, collapsed: &BTreeSet<usize>) -> Drawing {
        let open = |table: usize| !collapsed.contains(&table);
        let sizes: Vec<Size> = (0..self.tables.len())
            .map(|t| {
                let rows = if open(t) { self.tables[t].lines.len() } else { 0 };
                Size { width: BOX_WIDTH, height: HEADER + LINE * rows as f64 + PADDING }
            })
            .collect();
        let port = |table: usize, row: Option<usize>| match row {
            Some(row) if open(table) => HEADER + LINE * (row as f64 + 0.5),
            _ => HEADER / 2.0,
        };
        let links: Vec<Link> = self
            .links
            .iter()
            .map(|l| Link {
                from: l.from,
                to: l.to,
                from_port: port(l.from, l.from_row),
                to_port: port(l.to, l.to_row),
            })
            .collect();
        diagram::lay_out(&sizes, &links)
    }
}

/// Where the name and the column lines' baselines go in a box.
pub fn name_baseline(at: &Rect) -> f64 {
    at.y + 16.0
}

pub fn line_baseline(at: &Rect, row: usize) -> f64 {
    at.y + HEADER + LINE * (row as f64 + 0.8)
}

fn shortened(line: String) -> String {
    match line.char_indices().nth(LINE_CHARS) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line,
    }
}
