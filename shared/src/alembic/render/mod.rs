//! `upgrade()` and `downgrade()` of an Alembic script as the SQL `alembic upgrade --sql`
//! emits for PostgreSQL, found by reading the Python (Ruff's parser), never by running it.
//!
//! The module's imports, constants and helper functions are read first; then each function's
//! body is walked as Python would run it (`interp`, `eval`, `calls`), and every `op.*` call
//! becomes its statements (`ops` and the DDL pieces) at the line of that call. A statement
//! emitted inside a helper function carries the line of the `op.*` call in the helper.
//! What only running Python could tell becomes an `UnknownSql` at its line, and the walk
//! goes on with the next statement.

mod alter;
mod builtins;
mod calls;
mod columns;
mod constraints;
mod dml;
mod eval;
mod exclude;
mod functions;
mod imports;
mod index;
mod interp;
mod nesting;
mod operators;
mod ops;
mod pystr;
mod quote;
mod table;
mod types;
mod unknown;
mod value;

#[cfg(test)]
mod tests;

use super::rendered::{RenderedScript, RenderedSection};
use interp::Interp;
use ruff_python_ast::{Expr, Stmt, StmtFunctionDef};
use ruff_text_size::Ranged;
use value::Value;

/// Renders both functions. Never fails: what cannot be rendered is listed in each section.
pub fn render_script(_path: &str, text: &str) -> RenderedScript {
    if let Some((offset, why)) = nesting::too_deep(text) {
        let line = Interp::new(text).line_of(ruff_text_size::TextSize::try_from(offset).unwrap_or_default());
        return RenderedScript { syntax_error: Some((line, why.to_owned())), ..RenderedScript::default() };
    }
    let parsed = match ruff_python_parser::parse_module(text) {
        Ok(parsed) => parsed,
        Err(error) => {
            let line = Interp::new(text).line_of(error.location.start());
            return RenderedScript { syntax_error: Some((line, error.error.to_string())), ..RenderedScript::default() };
        }
    };
    let body = &parsed.syntax().body;
    let mut interp = Interp::new(text);
    let mut upgrade = None;
    let mut downgrade = None;
    for stmt in body {
        match stmt {
            Stmt::FunctionDef(function) if function.name.as_str() == "upgrade" => upgrade = Some(function),
            Stmt::FunctionDef(function) if function.name.as_str() == "downgrade" => downgrade = Some(function),
            Stmt::Import(_) | Stmt::ImportFrom(_) | Stmt::FunctionDef(_) | Stmt::If(_) | Stmt::ClassDef(_) => {
                interp.run_block(std::slice::from_ref(stmt));
            }
            Stmt::Assign(_) | Stmt::AnnAssign(_) => run_module_assignment(&mut interp, stmt),
            _ => {}
        }
    }
    RenderedScript {
        upgrade: render_function(&mut interp, upgrade),
        downgrade: render_function(&mut interp, downgrade),
        syntax_error: None,
    }
}

/// A module-level binding; one that cannot be evaluated binds an opaque value, reported
/// only where a function uses it.
fn run_module_assignment<'a>(interp: &mut Interp<'a>, stmt: &'a Stmt) {
    interp.section = RenderedSection::default();
    interp.run_block(std::slice::from_ref(stmt));
    let Some(problem) = interp.section.unknown.pop() else { return };
    let targets: Vec<&Expr> = match stmt {
        Stmt::Assign(assign) => assign.targets.iter().collect(),
        Stmt::AnnAssign(assign) => vec![&*assign.target],
        _ => Vec::new(),
    };
    for target in targets {
        bind_opaque(interp, target, &problem.reason);
    }
    interp.section = RenderedSection::default();
}

fn bind_opaque(interp: &mut Interp<'_>, target: &Expr, reason: &str) {
    match target {
        Expr::Name(name) => interp.bind(name.id.as_str(), Value::Opaque(reason.to_owned())),
        Expr::Tuple(tuple) => tuple.elts.iter().for_each(|element| bind_opaque(interp, element, reason)),
        Expr::List(list) => list.elts.iter().for_each(|element| bind_opaque(interp, element, reason)),
        _ => {}
    }
}

fn render_function<'a>(interp: &mut Interp<'a>, function: Option<&'a StmtFunctionDef>) -> RenderedSection {
    interp.section = RenderedSection::default();
    interp.autocommit = false;
    interp.created_types.clear();
    interp.steps = 0;
    let Some(function) = function else { return RenderedSection::default() };
    if !function.parameters.is_empty() {
        let line = interp.line_of(function.start());
        let problem = unknown::unknown(format!("def {}(...)", function.name), "a function that takes arguments");
        interp.record(problem, line);
        return std::mem::take(&mut interp.section);
    }
    interp.frames.push(Default::default());
    interp.run_block(&function.body);
    interp.frames.clear();
    std::mem::take(&mut interp.section)
}
