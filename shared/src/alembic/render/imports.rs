//! `import` statements: SQLAlchemy and Alembic names become canonical paths, anything else
//! is a value only the application (or the standard library at run time) could give.

use super::interp::Interp;
use super::value::Value;
use ruff_python_ast::{StmtImport, StmtImportFrom};

/// Modules whose names the renderer understands (`textwrap.dedent`); `logging` and
/// `warnings` calls emit no SQL.
const KNOWN_ROOTS: [&str; 7] = ["sqlalchemy", "alembic", "typing", "__future__", "logging", "warnings", "textwrap"];

/// Standard-library modules: their values exist only when Python runs.
const STANDARD_LIBRARY: [&str; 11] =
    ["os", "sys", "datetime", "uuid", "json", "time", "random", "re", "decimal", "enum", "pathlib"];

impl Interp<'_> {
    pub fn import(&mut self, import: &StmtImport) {
        for alias in &import.names {
            let module = alias.name.as_str();
            match &alias.asname {
                Some(local) => self.bind(local.as_str(), module_value(module)),
                // `import a.b` binds `a`.
                None => {
                    let root = module.split('.').next().unwrap_or(module);
                    self.bind(root, module_value(root));
                }
            }
        }
    }

    pub fn import_from(&mut self, import: &StmtImportFrom) {
        let module = import.module.as_ref().map(|m| m.as_str()).unwrap_or_default();
        let relative = import.level > 0;
        for alias in &import.names {
            let name = alias.name.as_str();
            let local = alias.asname.as_ref().map_or(name, |local| local.as_str());
            let path = format!("{module}.{name}");
            let value = if relative { Value::Foreign(path) } else { module_value(&path) };
            self.bind(local, value);
        }
    }
}

fn module_value(path: &str) -> Value {
    let root = path.split('.').next().unwrap_or(path);
    if KNOWN_ROOTS.contains(&root) {
        Value::Path(path.to_owned())
    } else if STANDARD_LIBRARY.contains(&root) {
        Value::Opaque("computed by Python at run time".into())
    } else {
        Value::Foreign(path.to_owned())
    }
}
