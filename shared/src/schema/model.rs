//! The schema as the model knows it: what PostgreSQL's catalog would hold after a sequence of
//! statements, in the words `pg_dump` and `\d` use (canonical type names, default names).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;

pub use super::journaled::{Journaled, Notes, SchemaNotes};

/// The schema PostgreSQL puts unqualified names in (the model assumes the default search_path).
pub const DEFAULT_SCHEMA: &str = "public";

/// Serialised as `schema.name` (so it can key a JSON object).
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
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
    pub namespaces: Journaled<String, Namespace>,
    pub tables: Journaled<QualifiedName, Arc<Table>>,
    pub views: Journaled<QualifiedName, Arc<View>>,
    pub indexes: Journaled<QualifiedName, Arc<Index>>,
    pub sequences: Journaled<QualifiedName, Arc<Sequence>>,
    pub types: Journaled<QualifiedName, Arc<TypeDef>>,
    /// Keyed by `name(argument types)`, PostgreSQL's identity of a function.
    pub functions: Journaled<String, Arc<Function>>,
    /// Extended statistics (`CREATE STATISTICS`).
    #[serde(default)]
    pub statistics: Journaled<QualifiedName, Arc<Statistics>>,
    /// Installed extensions by name. Their own objects (functions, operators, types) are not
    /// invented: columns of their types keep the type's name.
    #[serde(default)]
    pub extensions: Journaled<String, Extension>,
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
    /// `ENABLE`/`FORCE ROW LEVEL SECURITY` (`relrowsecurity`, `relforcerowsecurity`).
    #[serde(default)]
    pub row_security: RowSecurity,
    /// `CREATE POLICY … ON` this table, in creation order.
    #[serde(default)]
    pub policies: Vec<Policy>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowSecurity {
    pub enabled: bool,
    /// The table's owner is bound by the policies too.
    pub forced: bool,
}

/// A row-level security policy, in `pg_policies` words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    pub name: String,
    pub origin: Origin,
    /// `PERMISSIVE` or `RESTRICTIVE`.
    pub permissive: bool,
    /// `ALL`, `SELECT`, `INSERT`, `UPDATE` or `DELETE`.
    pub command: String,
    /// `public` when none is named.
    pub roles: Vec<String>,
    pub using: Option<String>,
    pub with_check: Option<String>,
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

/// The type of a column the model cannot know (a `CREATE TABLE … AS` over an expression it
/// does not type): said as such rather than guessed. Never a name `format_type` prints.
pub const UNKNOWN_TYPE: &str = "(type unknown)";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub name: String,
    pub origin: Origin,
    /// As `format_type` prints it: `integer`, `character varying(80)`, `timestamp with time zone`;
    /// [`UNKNOWN_TYPE`] when the model cannot tell.
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
    #[serde(default)]
    pub deferrable: bool,
    #[serde(default)]
    pub initially_deferred: bool,
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
    /// Each key as `pg_get_indexdef` prints it: a column name or an expression, then its
    /// collation, operator class, `DESC`, `NULLS FIRST/LAST` when given.
    pub keys: Vec<String>,
    /// `INCLUDE (…)` columns.
    #[serde(default)]
    pub include: Vec<String>,
    #[serde(default)]
    pub nulls_not_distinct: bool,
    /// Storage parameters, `name='value'` as `WITH (…)` prints them.
    #[serde(default)]
    pub options: Vec<String>,
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
    /// `BEFORE`, `AFTER` or `INSTEAD OF`.
    pub timing: String,
    /// `INSERT`, `DELETE`, `UPDATE`, `TRUNCATE`, in `pg_get_triggerdef`'s order.
    pub events: Vec<String>,
    /// `UPDATE OF` these columns (PostgreSQL keeps column numbers: renames reach them).
    #[serde(default)]
    pub update_columns: Vec<String>,
    /// What `pg_get_triggerdef` prints after the table up to `FOR EACH …` included:
    /// `FROM t NOT DEFERRABLE INITIALLY IMMEDIATE REFERENCING NEW TABLE AS n FOR EACH ROW`.
    pub clauses: String,
    /// The `WHEN (…)` condition.
    #[serde(default)]
    pub condition: Option<String>,
    /// The function it executes (PostgreSQL refers to it by oid: renames reach it).
    pub function_name: QualifiedName,
    /// Its arguments as `pg_get_triggerdef` prints them: `'a', 'b'`.
    #[serde(default)]
    pub arguments: String,
    /// A `CREATE CONSTRAINT TRIGGER`.
    #[serde(default)]
    pub constraint: bool,
    pub comment: Option<String>,
}

impl Trigger {
    /// `AFTER INSERT OR UPDATE OF a, "B"`: the columns quoted as `pg_get_triggerdef` quotes them.
    pub fn timing_and_events(&self) -> String {
        let events: Vec<String> = self
            .events
            .iter()
            .map(|e| {
                if e == "UPDATE" && !self.update_columns.is_empty() {
                    format!("UPDATE OF {}", super::to_sql::quote::idents(&self.update_columns))
                } else {
                    e.clone()
                }
            })
            .collect();
        format!("{} {}", self.timing, events.join(" OR "))
    }

    /// `name(arguments)`, as the definition ends.
    pub fn call(&self) -> String {
        format!("{}({})", self.function_name, self.arguments)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statistics {
    pub origin: Origin,
    pub table: QualifiedName,
    /// As written: `ndistinct`, `dependencies`, `mcv`; empty for all of them.
    pub kinds: Vec<String>,
    /// Column names or expressions.
    pub keys: Vec<String>,
    pub comment: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    pub origin: Origin,
    /// The schema its objects went to.
    pub schema: String,
}
