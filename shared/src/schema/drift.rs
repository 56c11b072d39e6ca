//! Drift: a live database against the schema model at the revisions its version table names.
//! The comparison is the schema diff's (`diff.rs`), from the model to the database, told in
//! drift's words: what the model has and the database lacks is *missing*, what only the
//! database has is *extra*, what both have otherwise is *different*. The server reads the
//! database and puts the model's expressions in its words first (`server/src/drift/`).

use super::diff::{Action, Detail, ObjectKind, diff};
use super::model::Schema;
use super::replay::NotModelled;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Found {
    /// In the model, not in the database.
    Missing,
    /// In the database, not in the model.
    Extra,
    /// In both, otherwise.
    Different,
}

impl Found {
    pub fn word(self) -> &'static str {
        match self {
            Found::Missing => "missing",
            Found::Extra => "extra",
            Found::Different => "different",
        }
    }
}

/// One object that differs. Its details' `before` is the model's, `after` the database's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Difference {
    pub kind: ObjectKind,
    pub name: String,
    pub found: Found,
    pub details: Vec<Detail>,
}

/// `strata drift` and `GET /api/environments/{name}/drift`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Drift {
    pub environment: String,
    /// The database's version rows (no rows: at base, so the model is empty).
    pub at: Vec<String>,
    pub differences: Vec<Difference>,
    /// What of the upgrades up to `at` the model skipped: a difference there may be the
    /// model's gap rather than the database's change.
    pub not_modelled: Vec<NotModelled>,
    /// Revisions with code Strata could not render (Alembic scripts): the model may be incomplete.
    pub unknown_effects: Vec<String>,
}

impl Drift {
    pub fn drifted(&self) -> bool {
        !self.differences.is_empty()
    }

    /// How many objects of each finding: `(missing, extra, different)`.
    pub fn counts(&self) -> (usize, usize, usize) {
        let count = |found| self.differences.iter().filter(|d| d.found == found).count();
        (count(Found::Missing), count(Found::Extra), count(Found::Different))
    }

    /// `no drift`, or `2 missing, 1 extra, 3 different`.
    pub fn summary(&self) -> String {
        let (missing, extra, different) = self.counts();
        crate::words::drift_counts([missing, extra, different], crate::words::Lang::En)
    }
}

/// Every object of `model` and `live` that differs, kind by kind (both in the same words).
pub fn differences(model: &Schema, live: &Schema) -> Vec<Difference> {
    diff(model, live)
        .into_iter()
        .map(|change| Difference {
            kind: change.kind,
            name: change.name,
            found: match change.action {
                Action::Dropped => Found::Missing,
                Action::Added => Found::Extra,
                Action::Changed => Found::Different,
            },
            details: change.details,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Column, Origin, QualifiedName, Table};
    use std::sync::Arc;

    fn origin(revision: &str, statement: u32) -> Origin {
        Origin { revision: revision.to_owned(), downgrade: false, statement, part: 0 }
    }

    fn table(revision: &str, columns: &[(&str, &str)]) -> Arc<Table> {
        let columns = columns
            .iter()
            .enumerate()
            .map(|(i, (name, data_type))| Column {
                name: (*name).to_owned(),
                origin: origin(revision, i as u32 + 1),
                data_type: (*data_type).to_owned(),
                not_null: false,
                default: None,
                identity: None,
                generated: None,
                comment: None,
            })
            .collect();
        Arc::new(Table {
            origin: origin(revision, 0),
            columns,
            constraints: vec![],
            triggers: vec![],
            comment: None,
            row_security: Default::default(),
            policies: vec![],
        })
    }

    #[test]
    fn the_model_against_the_database_in_drift_words() {
        let mut model = Schema::default();
        model.tables.insert(QualifiedName::parse("customer"), table("a1", &[("id", "integer"), ("email", "text")]));
        model.tables.insert(QualifiedName::parse("invoice"), table("a2", &[("id", "integer")]));
        let mut live = Schema::default();
        live.tables.insert(QualifiedName::parse("customer"), table("db", &[("id", "bigint"), ("email", "text")]));
        live.tables.insert(QualifiedName::parse("hotfix"), table("db", &[("id", "integer")]));
        let found: Vec<(ObjectKind, String, Found)> =
            differences(&model, &live).into_iter().map(|d| (d.kind, d.name, d.found)).collect();
        assert_eq!(
            found,
            [
                (ObjectKind::Column, "customer.id".to_owned(), Found::Different),
                (ObjectKind::Table, "hotfix".to_owned(), Found::Extra),
                (ObjectKind::Table, "invoice".to_owned(), Found::Missing),
            ]
        );
        let drift = Drift {
            environment: "prod".into(),
            at: vec![],
            differences: differences(&model, &live),
            not_modelled: vec![],
            unknown_effects: vec![],
        };
        assert_eq!(drift.summary(), "1 missing, 1 extra, 1 different");
        assert_eq!(differences(&model, &model), []);
    }
}
