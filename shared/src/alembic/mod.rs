//! Alembic's Python revision scripts, read without running Python.
//!
//! `metadata` reads what places a script in the graph (`revision`, `down_revision`, labels,
//! `depends_on`, the docstring). `render` (server builds only, feature `render`) turns its
//! `upgrade()`/`downgrade()` into the SQL Alembic's offline mode emits for PostgreSQL, each
//! statement at the script line it came from, and names what cannot be known statically.
//! The browser receives the rendered SQL in the project snapshot: the Python parser stays
//! out of the wasm bundle.

mod metadata;
#[cfg(feature = "render")]
pub mod render;
mod rendered;

pub use metadata::ParsedScript;
pub use rendered::{RenderedScript, RenderedSection, RenderedStatement};

use crate::diagnostic::Diagnostic;

/// Reads a script: its place in the graph and, where this build renders, its SQL.
pub fn read_script(path: &str, text: &str) -> Result<ParsedScript, Vec<Diagnostic>> {
    #[allow(unused_mut)] // mutated only where this build renders
    let mut parsed = metadata::parse_alembic_script(path, text)?;
    #[cfg(feature = "render")]
    {
        let rendered = render::render_script(path, text);
        parsed.warnings.extend(rendered.diagnostics(path));
        rendered.apply_to(&mut parsed.revision, text);
    }
    parsed.revision.script = Some(text.to_owned());
    Ok(parsed)
}
