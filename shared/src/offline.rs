//! A plan as one SQL script, laid out as `alembic upgrade|downgrade|stamp --sql` lays it out
//! for PostgreSQL, runnable as it is with psql.

use crate::graph::RevisionGraph;
use crate::plan::{Direction, Plan, VersionWrite};
use serde::{Deserialize, Serialize};

/// Where transactions begin and end when a plan runs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TransactionMode {
    /// One transaction around the whole plan: all or nothing (Alembic's default).
    #[default]
    WholePlan,
    /// One transaction per step (Alembic's `transaction_per_migration`).
    PerRevision,
}

/// The version table's (possibly schema-qualified) name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionTable {
    pub schema: Option<String>,
    pub name: String,
}

impl Default for VersionTable {
    fn default() -> Self {
        Self { schema: None, name: "alembic_version".to_owned() }
    }
}

impl VersionTable {
    /// The table's name, schema-qualified when a schema is set.
    pub fn qualified(&self) -> String {
        self.sibling(&self.name)
    }

    /// Another table in the same schema (Strata's journal lives beside the version table).
    pub fn sibling(&self, name: &str) -> String {
        match &self.schema {
            Some(schema) => format!("{schema}.{name}"),
            None => name.to_owned(),
        }
    }

    pub fn create_sql(&self) -> String {
        format!(
            "CREATE TABLE {} (\n    version_num VARCHAR(32) NOT NULL, \n    CONSTRAINT {}_pkc PRIMARY KEY (version_num)\n);",
            self.qualified(),
            self.name
        )
    }

    pub fn write_sql(&self, write: &VersionWrite) -> String {
        let table = self.qualified();
        match write {
            VersionWrite::Insert(id) => {
                format!("INSERT INTO {table} (version_num) VALUES ({}) RETURNING {table}.version_num;", literal(id))
            }
            VersionWrite::Delete(id) => format!("DELETE FROM {table} WHERE {table}.version_num = {};", literal(id)),
            VersionWrite::Update { from, to } => {
                format!("UPDATE {table} SET version_num={} WHERE {table}.version_num = {};", literal(to), literal(from))
            }
        }
    }
}

fn literal(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// Renders `plan` (whose revisions come from `graph`) as a script.
pub fn render(graph: &RevisionGraph, plan: &Plan, mode: TransactionMode, table: &VersionTable) -> String {
    let mut out = Script::default();
    if mode == TransactionMode::WholePlan {
        out.emit("BEGIN;");
    }
    let mut rows_before = plan.from.len();
    for step in &plan.steps {
        if mode == TransactionMode::PerRevision {
            out.emit("BEGIN;");
        }
        if rows_before == 0 {
            out.emit(&table.create_sql());
        }
        let name = match (&step.revision, step.direction) {
            (None, _) => "stamp_revision",
            (Some(_), Direction::Up) => "upgrade",
            (Some(_), Direction::Down) => "downgrade",
        };
        out.emit(&format!("-- Running {name} {} -> {}", step.from.join(", "), step.to.join(", ")));
        if let Some(revision) = step.revision.as_deref().and_then(|id| graph.get(id)) {
            let section = if step.direction == Direction::Up { &revision.upgrade } else { &revision.downgrade };
            // The version-table write follows: the last statement must end with its `;`.
            let sql = crate::sql::terminated(section.sql.trim());
            if !sql.is_empty() {
                // Statements that cannot run in a transaction run between two (Alembic's autocommit block).
                if revision.transactional {
                    out.emit(&sql);
                } else {
                    out.emit("COMMIT;");
                    out.emit(&sql);
                    out.emit("BEGIN;");
                }
            }
        }
        for write in &step.writes {
            out.emit(&table.write_sql(write));
        }
        if mode == TransactionMode::PerRevision {
            out.emit("COMMIT;");
        }
        rows_before = step.rows_after.len();
    }
    if mode == TransactionMode::WholePlan {
        out.emit("COMMIT;");
    }
    out.text
}

#[derive(Default)]
struct Script {
    text: String,
}

impl Script {
    /// Each chunk is followed by a blank line, as Alembic's static output is.
    fn emit(&mut self, chunk: &str) {
        self.text.push_str(chunk);
        self.text.push_str("\n\n");
    }
}
