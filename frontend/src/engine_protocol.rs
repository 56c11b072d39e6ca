//! The messages between the studio and its SQL engine, a Web Worker running PostgreSQL's
//! parser, the linter and the schema replay. Each message is one JSON text; an answer carries
//! the id of the request it answers. Revisions of the project are named by their index in the
//! graph both sides build from the same `ProjectSql`.

use serde::{Deserialize, Serialize};
use std::ops::Range;
use std::sync::Arc;
use strata_shared::api::ProjectSql;
use strata_shared::lint::Finding;
use strata_shared::plan::Plan;
use strata_shared::revision::{Revision, SqlSection};
use strata_shared::schema::{BlameEntry, Change, RevisionModel, Schema};
use strata_shared::sql::highlight::TokenClass;
use strata_shared::sql::{SectionAnalysis, StatementInfo};

/// From the studio to the engine.
#[derive(Debug, Serialize, Deserialize)]
pub struct Asked {
    pub id: u32,
    pub request: Request,
}

#[derive(Debug, Serialize, Deserialize)]
pub enum Request {
    /// The project the later requests are about (it replaces any earlier one).
    Project(Arc<ProjectSql>),
    /// A section of SQL split into statements, each described, and its tokens.
    Section(SqlSection),
    /// `strata lint`'s findings for one revision, given its schema model.
    LintRevision { revision: Box<Revision>, model: Box<RevisionModel> },
    /// A walkthrough step: the revision's model and the schema after it.
    Step { index: usize },
    /// The schema changes from one set of revisions to another, and the SQL of `plan`.
    Compare { from: Vec<usize>, to: Vec<usize>, plan: Option<Plan> },
    /// The schema once `targets` are applied, with each object's blame.
    SchemaAt { targets: Vec<usize> },
    /// The lint findings of the revisions a plan runs.
    Risks { chosen: Vec<usize> },
}

/// From the engine to the studio.
#[derive(Debug, Serialize, Deserialize)]
pub enum Reply {
    /// The engine's wasm is loaded and listening: requests sent before this may be lost.
    Ready,
    /// Boxed: an answer (a whole schema) is far larger than `Ready`.
    Answer { id: u32, answer: Box<Answer> },
}

#[derive(Debug, Serialize, Deserialize)]
pub enum Answer {
    ProjectLoaded,
    Section(SectionView),
    Findings(Vec<Finding>),
    Step {
        model: RevisionModel,
        schema: Schema,
    },
    Compared {
        changes: Vec<Change>,
        sql: Option<String>,
    },
    SchemaAt {
        schema: Schema,
        blame: Vec<BlameEntry>,
    },
    /// Why the request could not be answered (a revision the project lacks, no project yet).
    Refused(String),
}

/// A section of SQL as the SQL view shows it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SectionView {
    pub analysis: SectionAnalysis,
    /// Each statement's description (kind, objects, formatted), `None` where it has a
    /// syntax error; parallel to `analysis.statements`.
    pub described: Vec<Option<StatementInfo>>,
    /// Byte ranges of the section's tokens with their class, as PostgreSQL's scanner reads them.
    pub tokens: Vec<(Range<usize>, TokenClass)>,
}
