//! Walks Python statements as Python would run them, as far as they can be known statically:
//! bindings, `for` over known values, `if` on known tests, helper functions, `with` blocks.

use super::super::rendered::{RenderedSection, RenderedStatement};
use super::unknown::{Eval, UNSUPPORTED_PYTHON, Unknown, shorten, unknown};
use super::value::Value;
use crate::revision::UnknownSql;
use ruff_python_ast::{Expr, Stmt, StmtFunctionDef};
use ruff_text_size::{Ranged, TextSize};
use std::collections::HashMap;

/// How far evaluation may go before it gives up: fuzzed scripts may loop a long time.
const STEP_BUDGET: u32 = 1_000_000;
const MAX_CALL_DEPTH: usize = 64;

pub struct Interp<'a> {
    pub source: &'a str,
    line_starts: Vec<usize>,
    pub functions: Vec<&'a StmtFunctionDef>,
    pub globals: HashMap<String, Value>,
    pub frames: Vec<HashMap<String, Value>>,
    pub section: RenderedSection,
    pub autocommit: bool,
    pub steps: u32,
    /// How deeply the expression being evaluated is nested.
    pub depth: usize,
    /// Enum types `create_table` has created in this function (each is created once).
    pub created_types: Vec<String>,
}

/// How a block of statements ended.
pub enum Flow {
    Next,
    Break,
    Continue,
    Return(Value),
}

impl<'a> Interp<'a> {
    pub fn new(source: &'a str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(source.match_indices('\n').map(|(at, _)| at + 1));
        Interp {
            source,
            line_starts,
            functions: Vec::new(),
            globals: HashMap::new(),
            frames: Vec::new(),
            section: RenderedSection::default(),
            autocommit: false,
            steps: 0,
            depth: 0,
            created_types: Vec::new(),
        }
    }

    /// The 1-based line of a byte offset.
    pub fn line_of(&self, offset: TextSize) -> u32 {
        let offset = usize::from(offset);
        self.line_starts.partition_point(|&start| start <= offset) as u32
    }

    /// The source of a node, on one line and shortened; a call's arguments become `...`.
    pub fn construct(&self, expr: &Expr) -> String {
        match expr {
            Expr::Call(call) => format!("{}(...)", self.construct(&call.func)),
            Expr::Attribute(attribute) => format!("{}.{}", self.construct(&attribute.value), attribute.attr),
            other => self.text(other),
        }
    }

    pub fn text(&self, node: &impl Ranged) -> String {
        shorten(self.source.get(std::ops::Range::<usize>::from(node.range())).unwrap_or_default())
    }

    pub fn unknown_at(&self, expr: &Expr, reason: impl Into<String>) -> Unknown {
        Unknown { line: self.line_of(expr.start()), ..unknown(self.construct(expr), reason) }
    }

    pub fn emit(&mut self, sql: String, line: u32) {
        let sql = sql.trim().trim_end_matches(';').trim_end().to_owned();
        if !sql.is_empty() {
            self.section.statements.push(RenderedStatement { sql, line, autocommit: self.autocommit });
        }
    }

    pub fn record(&mut self, mut problem: Unknown, fallback_line: u32) {
        if problem.line == 0 {
            problem.line = fallback_line;
        }
        self.section.unknown.push(UnknownSql {
            line: problem.line,
            construct: problem.construct,
            reason: problem.reason,
        });
    }

    /// Counts one evaluation step; fails once the budget is spent.
    pub fn step(&mut self, at: &impl Ranged) -> Eval<()> {
        self.steps += 1;
        if self.steps > STEP_BUDGET || self.frames.len() > MAX_CALL_DEPTH {
            return Err(Unknown {
                line: self.line_of(at.start()),
                ..unknown(self.text(at), "too long to evaluate statically")
            });
        }
        Ok(())
    }

    /// A name's value: the innermost frame first, then enclosing calls (so that a helper
    /// defined inside `upgrade()` sees its variables), then the module.
    pub fn lookup(&self, name: &str) -> Option<Value> {
        self.frames.iter().rev().find_map(|frame| frame.get(name)).or_else(|| self.globals.get(name)).cloned()
    }

    pub fn bind(&mut self, name: &str, value: Value) {
        match self.frames.last_mut() {
            Some(frame) => frame.insert(name.to_owned(), value),
            None => self.globals.insert(name.to_owned(), value),
        };
    }

    /// Runs a block; a statement that cannot be evaluated is recorded and the next one runs.
    pub fn run_block(&mut self, body: &'a [Stmt]) -> Flow {
        for stmt in body {
            let line = self.line_of(stmt.start());
            match self.run_statement(stmt) {
                Ok(Flow::Next) => {}
                Ok(flow) => return flow,
                Err(problem) => self.record(problem, line),
            }
        }
        Flow::Next
    }

    fn run_statement(&mut self, stmt: &'a Stmt) -> Eval<Flow> {
        self.step(stmt)?;
        match stmt {
            Stmt::Expr(expr) => {
                if !matches!(*expr.value, Expr::StringLiteral(_)) {
                    self.eval(&expr.value)?;
                }
            }
            Stmt::Assign(assign) => {
                let value = match self.eval_or_opaque(&assign.value) {
                    Ok(value) => value,
                    Err(problem) => {
                        // Later uses of the names are unknown for the same reason.
                        for target in &assign.targets {
                            self.assign(target, Value::Opaque(problem.reason.clone()))?;
                        }
                        return Err(problem);
                    }
                };
                for target in &assign.targets {
                    self.assign(target, value.clone())?;
                }
            }
            Stmt::AnnAssign(assign) => {
                if let Some(value) = &assign.value {
                    let value = self.eval_or_opaque(value)?;
                    self.assign(&assign.target, value)?;
                }
            }
            Stmt::AugAssign(assign) => {
                let current = self.eval(&assign.target)?;
                let right = self.eval(&assign.value)?;
                let value = self.binary(&assign.target, current, assign.op, right)?;
                self.assign(&assign.target, value)?;
            }
            Stmt::For(for_loop) => return self.run_for(for_loop),
            Stmt::If(if_stmt) => {
                if self.test(&if_stmt.test)? {
                    return Ok(self.run_block(&if_stmt.body));
                }
                for clause in &if_stmt.elif_else_clauses {
                    let taken = match &clause.test {
                        Some(test) => self.test(test)?,
                        None => true,
                    };
                    if taken {
                        return Ok(self.run_block(&clause.body));
                    }
                }
            }
            Stmt::With(with) => return self.run_with(with),
            Stmt::Try(try_stmt) => {
                // Without an exception Python runs the body, `else` and `finally`.
                for block in [&try_stmt.body, &try_stmt.orelse, &try_stmt.finalbody] {
                    let flow = self.run_block(block);
                    if !matches!(flow, Flow::Next) {
                        return Ok(flow);
                    }
                }
            }
            Stmt::Return(ret) => {
                let value = match &ret.value {
                    Some(value) => self.eval(value)?,
                    None => Value::None,
                };
                return Ok(Flow::Return(value));
            }
            Stmt::Break(_) => return Ok(Flow::Break),
            Stmt::Continue(_) => return Ok(Flow::Continue),
            Stmt::Pass(_) | Stmt::Assert(_) | Stmt::Global(_) | Stmt::Nonlocal(_) => {}
            Stmt::Import(import) => self.import(import),
            Stmt::ImportFrom(import) => self.import_from(import),
            Stmt::FunctionDef(function) => {
                self.functions.push(function);
                let index = self.functions.len() - 1;
                self.bind(function.name.as_str(), Value::Function(index));
            }
            Stmt::ClassDef(class) => {
                // A class that is not a plain Enum stays unknown wherever it is used.
                let value = self.enum_class(class);
                let bound = value.clone().unwrap_or_else(|problem| Value::Opaque(problem.reason));
                self.bind(class.name.as_str(), bound);
                value?;
            }
            Stmt::Raise(_) => {
                return Err(Unknown {
                    line: self.line_of(stmt.start()),
                    ..unknown(self.text(stmt), "raises an exception when run")
                });
            }
            _ => {
                return Err(Unknown {
                    line: self.line_of(stmt.start()),
                    ..unknown(self.text(stmt), UNSUPPORTED_PYTHON)
                });
            }
        }
        Ok(Flow::Next)
    }

    /// A value to bind: where it cannot be known, the name is bound to an opaque value so
    /// that only a later use of it is reported (`conn = op.get_bind()` emits nothing).
    fn eval_or_opaque(&mut self, expr: &'a Expr) -> Eval<Value> {
        match self.eval(expr) {
            Ok(value) => Ok(value),
            Err(problem) if is_pure_lookup(expr) => Ok(Value::Opaque(problem.reason)),
            Err(problem) => Err(problem),
        }
    }

    pub fn assign(&mut self, target: &Expr, value: Value) -> Eval<()> {
        match target {
            Expr::Name(name) => {
                self.bind(name.id.as_str(), value);
                Ok(())
            }
            Expr::Tuple(tuple) => self.unpack(target, &tuple.elts, value),
            Expr::List(list) => self.unpack(target, &list.elts, value),
            other => Err(self.unknown_at(other, UNSUPPORTED_PYTHON)),
        }
    }

    fn unpack(&mut self, target: &Expr, names: &[Expr], value: Value) -> Eval<()> {
        match value {
            Value::List(items) if items.len() == names.len() => {
                for (name, item) in names.iter().zip(items) {
                    self.assign(name, item)?;
                }
                Ok(())
            }
            Value::Opaque(reason) => {
                for name in names {
                    self.assign(name, Value::Opaque(reason.clone()))?;
                }
                Ok(())
            }
            _ => Err(self.unknown_at(target, "unpacks a value of another shape")),
        }
    }

    fn test(&mut self, test: &'a Expr) -> Eval<bool> {
        let value = self.eval(test)?;
        match (&value, value.truthy()) {
            (Value::Opaque(reason), _) => Err(self.unknown_at(test, reason.clone())),
            (_, Some(known)) => Ok(known),
            (_, None) => Err(self.unknown_at(test, UNSUPPORTED_PYTHON)),
        }
    }

    fn run_for(&mut self, for_loop: &'a ruff_python_ast::StmtFor) -> Eval<Flow> {
        let iterable = self.eval(&for_loop.iter)?;
        let items = self.iterate(&for_loop.iter, iterable)?;
        for item in items {
            self.step(&*for_loop.iter)?;
            self.assign(&for_loop.target, item)?;
            match self.run_block(&for_loop.body) {
                Flow::Break => return Ok(Flow::Next),
                Flow::Return(value) => return Ok(Flow::Return(value)),
                Flow::Next | Flow::Continue => {}
            }
        }
        Ok(self.run_block(&for_loop.orelse))
    }

    /// The items of an iterable value: lists, tuples, dict keys, a string's characters.
    pub fn iterate(&self, expr: &Expr, value: Value) -> Eval<Vec<Value>> {
        match value {
            Value::List(items) => Ok(items),
            Value::Dict(items) => Ok(items.into_iter().map(|(key, _)| key).collect()),
            Value::Str(text) => Ok(text.chars().map(|c| Value::Str(c.to_string())).collect()),
            Value::Opaque(reason) => Err(self.unknown_at(expr, reason)),
            Value::Foreign(path) => Err(unknown(path, super::unknown::FROM_APPLICATION)),
            Value::EnumClass(class) => {
                Ok((0..class.members.len()).map(|index| Value::EnumMember(class.clone(), index)).collect())
            }
            _ => Err(self.unknown_at(expr, "iterates over a value that is not known")),
        }
    }

    fn run_with(&mut self, with: &'a ruff_python_ast::StmtWith) -> Eval<Flow> {
        let was_autocommit = self.autocommit;
        for item in &with.items {
            let context = self.eval(&item.context_expr)?;
            let bound = match &context {
                Value::Batch(..) => context.clone(),
                Value::Object(object) if object.path == "alembic.autocommit_block" => {
                    self.autocommit = true;
                    Value::None
                }
                _ => return Err(self.unknown_at(&item.context_expr, "unsupported context manager")),
            };
            if let Some(target) = &item.optional_vars {
                self.assign(target, bound)?;
            }
        }
        let flow = self.run_block(&with.body);
        self.autocommit = was_autocommit;
        Ok(flow)
    }
}

/// Whether an expression only looks things up (names, attributes, calls without SQL):
/// binding its unknown value is harmless until the value is used.
fn is_pure_lookup(expr: &Expr) -> bool {
    match expr {
        Expr::Call(call) => is_pure_lookup(&call.func) && call.arguments.is_empty(),
        Expr::Attribute(attribute) => is_pure_lookup(&attribute.value),
        Expr::Name(_) => true,
        _ => false,
    }
}
