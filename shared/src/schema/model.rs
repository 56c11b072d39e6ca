//! The schema as the model knows it: what PostgreSQL's catalog would hold after a sequence of
//! statements, in the words `pg_dump` and `\d` use (canonical type names, default names).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

/// The schema PostgreSQL puts unqualified names in (the model assumes the default search_path).
pub const DEFAULT_SCHEMA: &str = "public";

/// Serialised as `schema.name` (so it can key a JSON object).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct QualifiedName {
    pub schema: String,
    pub name: String,
}

impl QualifiedName {
    pub fn new(schema: &str, name: &str) -> Self {
        let schema = if schema.is_empty() { DEFAULT_SCHEMA } else { schema };
        QualifiedName { schema: schema.to_owned(), name: name.to_owned() }
    }

    /// Reads `name` or `schema.name` as a person types it (no quoting).
    pub fn parse(text: &str) -> Self {
        match text.split_once('.') {
            Some((schema, name)) => QualifiedName::new(schema, name),
            None => QualifiedName::new(DEFAULT_SCHEMA, text),
        }
    }

    pub fn sibling(&self, name: &str) -> Self {
        QualifiedName { schema: self.schema.clone(), name: name.to_owned() }
    }
}

impl Serialize for QualifiedName {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&format!("{}.{}", self.schema, self.name))
    }
}

impl<'de> Deserialize<'de> for QualifiedName {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(QualifiedName::parse(&String::deserialize(deserializer)?))
    }
}

/// `name` in the default schema, `schema.name` elsewhere — as `format_type` and `\d` print.
impl fmt::Display for QualifiedName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.schema == DEFAULT_SCHEMA { f.write_str(&self.name) } else { write!(f, "{}.{}", self.schema, self.name) }
    }
}

/// Where an object was created: its revision, section and statement. The same object keeps
/// its origin through renames and re-plays, which is how diffs tell a rename from a drop+add
/// and how blame finds the creator.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Origin {
    pub revision: String,
    pub downgrade: bool,
    pub statement: u32,
    /// Which of the statement's objects (a CREATE TABLE makes several).
    pub part: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schema {
    pub namespaces: BTreeMap<String, Namespace>,
    pub tables: BTreeMap<QualifiedName, Arc<Table>>,
    pub views: BTreeMap<QualifiedName, Arc<View>>,
    pub indexes: BTreeMap<QualifiedName, Arc<Index>>,
    pub sequences: BTreeMap<QualifiedName, Arc<Sequence>>,
    pub types: BTreeMap<QualifiedName, Arc<TypeDef>>,
    /// Keyed by `name(argument types)`, PostgreSQL's identity of a function.
    pub functions: BTreeMap<String, Arc<Function>>,
    /// Revisions whose upgrade has code Strata could not render (Alembic scripts), oldest first:
    /// when not empty, the schema may be incomplete.
    pub unknown_effects: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Namespace {
    pub origin: Origin,
    pub comment: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    pub origin: Origin,
    pub columns: Vec<Column>,
    pub constraints: Vec<Constraint>,
    pub triggers: Vec<Trigger>,
    pub comment: Option<String>,
}

impl Table {
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    pub fn column_mut(&mut self, name: &str) -> Option<&mut Column> {
        self.columns.iter_mut().find(|c| c.name == name)
    }

    pub fn constraint(&self, name: &str) -> Option<&Constraint> {
        self.constraints.iter().find(|c| c.name == name)
    }

    pub fn primary_key(&self) -> Option<&Constraint> {
        self.constraints.iter().find(|c| c.kind == ConstraintKind::PrimaryKey)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub name: String,
    pub origin: Origin,
    /// As `format_type` prints it: `integer`, `character varying(80)`, `timestamp with time zone`.
    pub data_type: String,
    pub not_null: bool,
    /// The default expression as written (deparsed by pg_query).
    pub default: Option<String>,
    pub identity: Option<Identity>,
    /// `GENERATED ALWAYS AS (…) STORED`.
    pub generated: Option<String>,
    pub comment: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Identity {
    Always,
    ByDefault,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConstraintKind {
    PrimaryKey,
    Unique,
    Check,
    ForeignKey,
    Exclusion,
}

impl ConstraintKind {
    pub fn describe(self) -> &'static str {
        match self {
            ConstraintKind::PrimaryKey => "primary key",
            ConstraintKind::Unique => "unique",
            ConstraintKind::Check => "check",
            ConstraintKind::ForeignKey => "foreign key",
            ConstraintKind::Exclusion => "exclusion",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Constraint {
    pub name: String,
    pub origin: Origin,
    pub kind: ConstraintKind,
    /// The constrained columns (for a CHECK: none; its expression says).
    pub columns: Vec<String>,
    /// A CHECK's expression.
    pub expression: Option<String>,
    pub references: Option<Reference>,
    /// `false` while a NOT VALID constraint waits for VALIDATE CONSTRAINT.
    pub validated: bool,
    pub comment: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    pub table: QualifiedName,
    pub columns: Vec<String>,
    /// `no action`, `restrict`, `cascade`, `set null`, `set default`.
    pub on_delete: String,
    pub on_update: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Index {
    pub origin: Origin,
    /// The table or materialized view it indexes.
    pub table: QualifiedName,
    pub unique: bool,
    pub method: String,
    /// Each key: a column name, or an expression in parentheses; with DESC etc. when given.
    pub keys: Vec<String>,
    pub predicate: Option<String>,
    pub comment: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sequence {
    pub origin: Origin,
    /// `(table, column)` whose drop drops the sequence.
    pub owned_by: Option<(QualifiedName, String)>,
    pub comment: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypeDef {
    pub origin: Origin,
    pub kind: TypeKind,
    pub comment: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TypeKind {
    Enum { labels: Vec<String> },
    Composite { attributes: Vec<(String, String)> },
    Domain { base: String, not_null: bool, default: Option<String>, checks: Vec<String> },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct View {
    pub origin: Origin,
    pub materialized: bool,
    /// The query, deparsed.
    pub definition: String,
    pub comment: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Function {
    pub origin: Origin,
    pub name: QualifiedName,
    /// Input argument types, canonical, comma-separated: the signature.
    pub arguments: String,
    pub returns: String,
    pub language: String,
    /// `true` for a procedure.
    pub procedure: bool,
    pub comment: Option<String>,
}

impl Function {
    pub fn key(name: &QualifiedName, arguments: &str) -> String {
        format!("{name}({arguments})")
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trigger {
    pub name: String,
    pub origin: Origin,
    /// e.g. `BEFORE UPDATE FOR EACH ROW`.
    pub when: String,
    /// The function it executes, `name()`.
    pub function: String,
    pub comment: Option<String>,
}
