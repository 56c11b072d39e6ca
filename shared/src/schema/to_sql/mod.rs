//! The DDL that turns one schema into another — `strata revision --from-drift` writes a
//! database's hand-made changes as a revision with it (upgrade: model → database; downgrade:
//! the same function the other way round).
//!
//! Statements come in a safe dependency order: what depends on an object goes before it is
//! dropped (triggers, views, statistics, keys, indexes, constraints, then columns and
//! tables, then sequences, functions, types, schemas) and comes after it is created
//! (schemas, extensions, types, sequences, tables, columns, constraints, indexes, views,
//! triggers, statistics, comments). What the model cannot say — a function's body, an
//! exclusion constraint's definition, a removed enum value, a column order ADD COLUMN cannot
//! give — is listed with its reason, never guessed.
//!
//! - `quote.rs`: identifiers and literals; `define.rs`: each object's CREATE statement.
//! - `context.rs`: what a change forces besides itself (views over a retyped column, keys
//!   referencing a rebuilt unique constraint, sequences that go with their column).
//! - `tables.rs` (tables, columns, constraints, triggers), `objects.rs` (schemas, extensions,
//!   types, sequences, functions, indexes, statistics), `views.rs` (in dependency order).
//! - `wording.rs`: the model in a database's words where those are sound (for drift).

mod context;
mod define;
mod objects;
pub(super) mod quote;
mod security;
mod tables;
mod views;
mod wording;

use super::diff::ObjectKind;
use super::model::{Origin, Schema};
use context::Context;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
pub use wording::sound_wording;

/// The statements that turn `from` into `to`, and what they leave out.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemaMigration {
    /// Each a complete statement without its `;`.
    pub statements: Vec<String>,
    pub not_expressed: Vec<NotExpressed>,
}

/// A difference the statements do not carry, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotExpressed {
    pub kind: ObjectKind,
    /// In the model's words: `customer`, `customer.email`, `audit()`.
    pub name: String,
    pub reason: String,
}

impl SchemaMigration {
    /// The statements as a script: each ends with `;` on its own line.
    pub fn sql(&self) -> String {
        self.statements.iter().map(|s| format!("{s};\n")).collect()
    }

    /// The script as a revision section: first, as comments, what it leaves out, so that a
    /// reviewer writes it by hand or decides it stays out.
    pub fn section(&self) -> String {
        let mut text = String::new();
        if !self.not_expressed.is_empty() {
            text.push_str("-- Not expressed (write by hand, or leave out on purpose):\n");
        }
        for unsaid in &self.not_expressed {
            let reason = unsaid.reason.replace('\n', " ");
            text.push_str(&format!("--   {} {}: {reason}\n", unsaid.kind.word(), unsaid.name));
        }
        if !text.is_empty() && !self.statements.is_empty() {
            text.push('\n');
        }
        text.push_str(&self.sql());
        text
    }
}

/// The DDL that turns `from` into `to`; `migration(to, from)` goes back.
pub fn migration(from: &Schema, to: &Schema) -> SchemaMigration {
    let context = Context::new(from, to);
    let mut script = Script::default();
    objects::namespaces(&context, &mut script);
    objects::extensions(&context, &mut script);
    objects::types(&context, &mut script);
    objects::sequences(&context, &mut script);
    objects::functions(&context, &mut script);
    tables::tables(&context, &mut script);
    objects::indexes(&context, &mut script);
    views::views(&context, &mut script);
    objects::statistics(&context, &mut script);
    if !to.unknown_effects.is_empty() {
        let reason = "has code Strata could not render, so the schema may be incomplete";
        for revision in &to.unknown_effects {
            script.cannot(ObjectKind::Schema, revision, reason);
        }
    }
    script.finish()
}

/// A revision's two sections: the upgrade turns `from` into `to` as far as the model can
/// say; the downgrade undoes what that upgrade does — not what it leaves out (a function it
/// cannot create is not dropped on the way back, where a fresh database never had it).
pub fn revision(from: &Schema, to: &Schema) -> (SchemaMigration, SchemaMigration) {
    let upgrade = migration(from, to);
    let reached = reached(from, &upgrade);
    let downgrade = migration(&reached, from);
    (upgrade, downgrade)
}

/// `from` after the upgrade's statements, replayed by the model (which covers every
/// statement this module writes).
fn reached(from: &Schema, upgrade: &SchemaMigration) -> Schema {
    let mut schema = from.clone();
    let parsed = crate::sql::parse_section(&crate::revision::SqlSection::written(upgrade.sql(), 1));
    for (number, tree) in parsed.trees.iter().enumerate() {
        let origin = Origin { revision: "upgrade".into(), downgrade: false, statement: number as u32, part: 0 };
        if let Some(tree) = tree {
            super::apply::apply_statement(&mut schema, tree, origin);
        }
    }
    schema
}

/// Where a statement goes: the order of these is the order of the script.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Phase {
    DropTriggers,
    /// Before the columns their expressions name.
    DropPolicies,
    DropViews,
    DropStatistics,
    DropForeignKeys,
    DropIndexes,
    DropConstraints,
    /// Defaults, identities and generation expressions that change: gone before the types
    /// and sequences they name are, set again once those exist.
    DropDefaults,
    DropColumns,
    DropTables,
    CreateSchemas,
    CreateExtensions,
    CreateTypes,
    CreateSequences,
    CreateTables,
    AddColumns,
    AlterColumns,
    OwnSequences,
    DropSequences,
    DropFunctions,
    DropTypes,
    DropExtensions,
    DropSchemas,
    AddConstraints,
    CreateIndexes,
    AddForeignKeys,
    ValidateConstraints,
    CreateViews,
    CreateViewIndexes,
    CreateTriggers,
    CreatePolicies,
    /// After the policies: a table is never left guarded by none of its policies.
    RowSecurity,
    CreateStatistics,
    Comments,
}

#[derive(Default)]
struct Script {
    phases: BTreeMap<Phase, Vec<String>>,
    not_expressed: Vec<NotExpressed>,
}

impl Script {
    fn push(&mut self, phase: Phase, statement: String) {
        self.phases.entry(phase).or_default().push(statement);
    }

    fn cannot(&mut self, kind: ObjectKind, name: &str, reason: &str) {
        self.not_expressed.push(NotExpressed { kind, name: name.to_owned(), reason: reason.to_owned() });
    }

    /// `COMMENT ON {target} IS …` when the comment differs from what the object has
    /// (`before` is `None` for an object this script creates).
    fn comment(&mut self, target: String, before: Option<&String>, after: Option<&String>) {
        if before != after {
            let text = after.map_or("NULL".to_owned(), |c| quote::literal(c));
            self.push(Phase::Comments, format!("COMMENT ON {target} IS {text}"));
        }
    }

    fn finish(self) -> SchemaMigration {
        SchemaMigration { statements: self.phases.into_values().flatten().collect(), not_expressed: self.not_expressed }
    }
}

/// Two versions of an object say the same, origin and comment aside.
fn same<T: Clone + PartialEq>(a: &T, b: &T, strip: impl Fn(&mut T)) -> bool {
    let (mut a, mut b) = (a.clone(), b.clone());
    strip(&mut a);
    strip(&mut b);
    a == b
}

#[cfg(test)]
mod tests;
