//! Tests of the renderer. Expected SQL was produced by the real Alembic 1.20.1 / SQLAlchemy 2.1.9
//! (`alembic upgrade r1 --sql`, PostgreSQL dialect) for the same operations, and copied
//! verbatim (version-table statements left out).

use super::render_script;
use crate::alembic::RenderedSection;

mod data;
mod ddl;
mod python;

const HEADER: &str = "from alembic import op\nimport sqlalchemy as sa\nfrom sqlalchemy.dialects import postgresql\n\
revision = 'r1'\ndown_revision = None\n\n";

/// Renders `body` as the body of `upgrade()`.
pub(super) fn upgrade(body: &str) -> RenderedSection {
    let indented: String = body.lines().map(|line| format!("    {line}\n")).collect();
    let script = format!("{HEADER}def upgrade():\n{indented}\n\ndef downgrade():\n    pass\n");
    let rendered = render_script("r1.py", &script);
    assert_eq!(rendered.syntax_error, None);
    rendered.upgrade
}

pub(super) fn sql(body: &str) -> Vec<String> {
    let section = upgrade(body);
    assert_eq!(section.unknown, vec![], "unexpected unknown constructs");
    section.statements.into_iter().map(|statement| statement.sql).collect()
}
