//! What a script defines: helper functions, called with their arguments bound, and
//! `Enum` classes.

use super::interp::{Flow, Interp};
use super::unknown::{Eval, UNSUPPORTED_PYTHON, Unknown, unknown};
use super::value::{PyEnum, Value};
use ruff_python_ast::{Expr, Stmt, StmtClassDef};
use ruff_text_size::Ranged;
use std::collections::HashMap;
use std::rc::Rc;

impl<'a> Interp<'a> {
    /// A class is understood when it is an `Enum` whose body assigns its members.
    pub fn enum_class(&mut self, class: &'a StmtClassDef) -> Eval<Value> {
        let bases = class.arguments.as_ref().map(|arguments| &arguments.args[..]).unwrap_or_default();
        let is_enum = bases.iter().any(|base| self.text(base).ends_with("Enum"));
        let problem = Unknown {
            line: self.line_of(class.start()),
            ..unknown(format!("class {}", class.name), UNSUPPORTED_PYTHON)
        };
        let unsupported = || problem.clone();
        if !is_enum {
            return Err(unsupported());
        }
        let mut members = Vec::new();
        for stmt in &class.body {
            match stmt {
                Stmt::Assign(assign) => {
                    let [Expr::Name(target)] = &assign.targets[..] else { return Err(unsupported()) };
                    members.push((target.id.as_str().to_owned(), self.eval(&assign.value)?));
                }
                Stmt::Expr(expr) if matches!(*expr.value, Expr::StringLiteral(_)) => {}
                Stmt::Pass(_) => {}
                _ => return Err(unsupported()),
            }
        }
        let class = PyEnum { name: class.name.as_str().to_owned(), members };
        Ok(Value::EnumClass(Rc::new(class)))
    }

    /// Calls a function defined in the script with its arguments bound.
    pub fn call_function(
        &mut self,
        call: &'a Expr,
        index: usize,
        args: Vec<Value>,
        kwargs: Vec<(String, Value)>,
    ) -> Eval<Value> {
        let Some(function) = self.functions.get(index).copied() else {
            return Err(self.unknown_at(call, UNSUPPORTED_PYTHON));
        };
        let parameters = &function.parameters;
        let mut frame = HashMap::new();
        let mut positional = args.into_iter();
        for parameter in parameters.posonlyargs.iter().chain(parameters.args.iter()) {
            let name = parameter.parameter.name.as_str();
            let value = match positional.next() {
                Some(value) => value,
                None => match kwargs.iter().find(|(key, _)| key == name) {
                    Some((_, value)) => value.clone(),
                    None => match &parameter.default {
                        Some(default) => self.eval(default)?,
                        None => return Err(self.unknown_at(call, format!("missing argument `{name}`"))),
                    },
                },
            };
            frame.insert(name.to_owned(), value);
        }
        for parameter in &parameters.kwonlyargs {
            let name = parameter.parameter.name.as_str();
            let value = match kwargs.iter().find(|(key, _)| key == name) {
                Some((_, value)) => value.clone(),
                None => match &parameter.default {
                    Some(default) => self.eval(default)?,
                    None => return Err(self.unknown_at(call, format!("missing argument `{name}`"))),
                },
            };
            frame.insert(name.to_owned(), value);
        }
        if let Some(rest) = &parameters.vararg {
            frame.insert(rest.name.as_str().to_owned(), Value::List(positional.collect()));
        }
        if let Some(rest) = &parameters.kwarg {
            let extra = kwargs.into_iter().map(|(key, value)| (Value::Str(key), value)).collect();
            frame.insert(rest.name.as_str().to_owned(), Value::Dict(extra));
        }
        self.step(call)?;
        self.frames.push(frame);
        let flow = self.run_block(&function.body);
        self.frames.pop();
        Ok(match flow {
            Flow::Return(value) => value,
            _ => Value::None,
        })
    }
}
