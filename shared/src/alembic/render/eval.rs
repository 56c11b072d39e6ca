//! Python expressions to values: literals, names, attributes, operators, calls.

use super::interp::Interp;
use super::unknown::{Eval, FROM_APPLICATION, UNSUPPORTED_PYTHON, Unknown, unknown};
use super::value::{TableRef, Value};
use ruff_python_ast::{ConversionFlag, Expr, ExprCall, InterpolatedStringElement, Number, UnaryOp};
use ruff_text_size::Ranged;

/// Builtins the renderer evaluates; they become `builtins.<name>` paths.
const BUILTINS: [&str; 17] = [
    "len",
    "str",
    "int",
    "float",
    "bool",
    "list",
    "tuple",
    "dict",
    "range",
    "enumerate",
    "zip",
    "sorted",
    "reversed",
    "print",
    "min",
    "max",
    "repr",
];

impl<'a> Interp<'a> {
    pub fn eval(&mut self, expr: &'a Expr) -> Eval<Value> {
        self.step(expr)?;
        self.depth += 1;
        let value = if self.depth > MAX_NESTING {
            Err(self.unknown_at(expr, "nested too deeply to evaluate statically"))
        } else {
            self.eval_nested(expr)
        };
        self.depth -= 1;
        let too_large = match &value {
            Ok(Value::Str(text)) => text.len() > MAX_SIZE,
            Ok(Value::List(items)) => items.len() > MAX_SIZE,
            Ok(Value::Dict(items)) => items.len() > MAX_SIZE,
            _ => false,
        };
        if too_large { Err(self.unknown_at(expr, "too large to evaluate statically")) } else { value }
    }

    fn eval_nested(&mut self, expr: &'a Expr) -> Eval<Value> {
        match expr {
            Expr::StringLiteral(string) => Ok(Value::Str(string.value.to_str().to_owned())),
            Expr::NumberLiteral(number) => match &number.value {
                Number::Int(int) => {
                    int.as_i64().map(Value::Int).ok_or_else(|| self.unknown_at(expr, "integer too large"))
                }
                Number::Float(float) => Ok(Value::Float(*float)),
                Number::Complex { .. } => Err(self.unknown_at(expr, UNSUPPORTED_PYTHON)),
            },
            Expr::BooleanLiteral(boolean) => Ok(Value::Bool(boolean.value)),
            Expr::NoneLiteral(_) => Ok(Value::None),
            Expr::FString(fstring) => {
                let mut text = String::new();
                for part in fstring.value.iter() {
                    match part {
                        ruff_python_ast::FStringPart::Literal(literal) => text.push_str(literal.as_str()),
                        ruff_python_ast::FStringPart::FString(inner) => {
                            for element in inner.elements.iter() {
                                text.push_str(&self.interpolate(expr, element)?);
                            }
                        }
                    }
                }
                Ok(Value::Str(text))
            }
            Expr::List(list) => Ok(Value::List(self.eval_items(&list.elts)?)),
            Expr::Tuple(tuple) => Ok(Value::List(self.eval_items(&tuple.elts)?)),
            Expr::Set(set) => Ok(Value::List(self.eval_items(&set.elts)?)),
            Expr::Dict(dict) => {
                let mut items = Vec::new();
                for item in &dict.items {
                    let value = self.eval(&item.value)?;
                    match &item.key {
                        Some(key) => {
                            let key = self.eval(key)?;
                            items.retain(|(existing, _)| *existing != key);
                            items.push((key, value));
                        }
                        None => match value {
                            Value::Dict(more) => items.extend(more),
                            _ => return Err(self.unknown_at(&item.value, UNSUPPORTED_PYTHON)),
                        },
                    }
                }
                Ok(Value::Dict(items))
            }
            Expr::Name(name) => {
                let id = name.id.as_str();
                match self.lookup(id) {
                    Some(value) => Ok(value),
                    None if BUILTINS.contains(&id) => Ok(Value::Path(format!("builtins.{id}"))),
                    None if id == "__name__" => Ok(Value::Str("__main__".into())),
                    None => Err(self.unknown_at(expr, "a name the script does not define")),
                }
            }
            Expr::Attribute(attribute) => {
                let value = self.eval(&attribute.value)?;
                self.attribute(expr, value, attribute.attr.as_str())
            }
            Expr::Subscript(subscript) => {
                let value = self.eval(&subscript.value)?;
                let index = self.eval(&subscript.slice)?;
                self.index(expr, value, index)
            }
            Expr::BinOp(binary) => {
                let left = self.eval(&binary.left)?;
                let right = self.eval(&binary.right)?;
                self.binary(expr, left, binary.op, right)
            }
            Expr::UnaryOp(unary) => {
                let operand = self.eval(&unary.operand)?;
                match (unary.op, operand) {
                    (UnaryOp::Not, value) => match value.truthy() {
                        Some(known) if !matches!(value, Value::Opaque(_)) => Ok(Value::Bool(!known)),
                        _ => Err(self.unknown_at(expr, UNSUPPORTED_PYTHON)),
                    },
                    (UnaryOp::USub, Value::Int(i)) => Ok(Value::Int(i.saturating_neg())),
                    (UnaryOp::USub, Value::Float(f)) => Ok(Value::Float(-f)),
                    (UnaryOp::UAdd, value @ (Value::Int(_) | Value::Float(_))) => Ok(value),
                    (_, Value::Opaque(reason)) => Err(self.unknown_at(expr, reason)),
                    _ => Err(self.unknown_at(expr, UNSUPPORTED_PYTHON)),
                }
            }
            Expr::BoolOp(boolean) => {
                // Python returns the deciding operand itself.
                let mut last = Value::None;
                for operand in &boolean.values {
                    last = self.eval(operand)?;
                    let Some(truth) = last.truthy().filter(|_| !matches!(last, Value::Opaque(_))) else {
                        return Err(self.unknown_at(expr, DATA_OR_UNSUPPORTED));
                    };
                    let and = matches!(boolean.op, ruff_python_ast::BoolOp::And);
                    if truth != and {
                        return Ok(last);
                    }
                }
                Ok(last)
            }
            Expr::Compare(compare) => {
                let mut left = self.eval(&compare.left)?;
                let mut result = Value::Bool(true);
                for (op, right) in compare.ops.iter().zip(compare.comparators.iter()) {
                    let right = self.eval(right)?;
                    result = self.compare(expr, &left, *op, &right)?;
                    if result == Value::Bool(false) {
                        return Ok(result);
                    }
                    left = right;
                }
                Ok(result)
            }
            Expr::If(ternary) => {
                let test = self.eval(&ternary.test)?;
                match test.truthy().filter(|_| !matches!(test, Value::Opaque(_))) {
                    Some(true) => self.eval(&ternary.body),
                    Some(false) => self.eval(&ternary.orelse),
                    None => Err(self.unknown_at(&ternary.test, DATA_OR_UNSUPPORTED)),
                }
            }
            Expr::ListComp(comprehension) => self.comprehension(&comprehension.elt, &comprehension.generators),
            Expr::Call(call) => {
                let line = self.line_of(expr.start());
                self.call(expr, call).map_err(|problem| at_line(problem, line))
            }
            _ => Err(self.unknown_at(expr, UNSUPPORTED_PYTHON)),
        }
    }

    fn eval_items(&mut self, items: &'a [Expr]) -> Eval<Vec<Value>> {
        let mut values = Vec::new();
        for item in items {
            match item {
                Expr::Starred(starred) => {
                    let value = self.eval(&starred.value)?;
                    values.extend(self.iterate(&starred.value, value)?);
                }
                other => values.push(self.eval(other)?),
            }
        }
        Ok(values)
    }

    fn interpolate(&mut self, expr: &Expr, element: &'a InterpolatedStringElement) -> Eval<String> {
        match element {
            InterpolatedStringElement::Literal(literal) => Ok(literal.value.to_string()),
            InterpolatedStringElement::Interpolation(field) => {
                if field.format_spec.is_some() {
                    return Err(self.unknown_at(expr, UNSUPPORTED_PYTHON));
                }
                let value = self.eval(&field.expression)?;
                let text = match field.conversion {
                    ConversionFlag::Repr => value.to_python_repr(),
                    _ => value.to_python_str(),
                };
                text.ok_or_else(|| self.value_problem(&field.expression, &value))
            }
        }
    }

    /// Why a value cannot be used here: its own reason where it has one.
    pub fn value_problem(&self, expr: &Expr, value: &Value) -> Unknown {
        match value {
            Value::Opaque(reason) => self.unknown_at(expr, reason.clone()),
            Value::Foreign(path) => {
                Unknown { line: self.line_of(expr.start()), ..unknown(path.clone(), FROM_APPLICATION) }
            }
            _ => self.unknown_at(expr, UNSUPPORTED_PYTHON),
        }
    }

    fn comprehension(&mut self, element: &'a Expr, generators: &'a [ruff_python_ast::Comprehension]) -> Eval<Value> {
        let Some((first, rest)) = generators.split_first() else { return Ok(Value::List(Vec::new())) };
        let iterable = self.eval(&first.iter)?;
        let mut out = Vec::new();
        'items: for item in self.iterate(&first.iter, iterable)? {
            self.assign(&first.target, item)?;
            for condition in &first.ifs {
                let test = self.eval(condition)?;
                match test.truthy().filter(|_| !matches!(test, Value::Opaque(_))) {
                    Some(true) => {}
                    Some(false) => continue 'items,
                    None => return Err(self.unknown_at(condition, DATA_OR_UNSUPPORTED)),
                }
            }
            if rest.is_empty() {
                out.push(self.eval(element)?);
            } else if let Value::List(inner) = self.comprehension(element, rest)? {
                out.extend(inner);
            }
        }
        Ok(Value::List(out))
    }

    fn call(&mut self, expr: &'a Expr, call: &'a ExprCall) -> Eval<Value> {
        let function = self.eval(&call.func)?;
        let args = self.eval_items(&call.arguments.args)?;
        let mut kwargs = Vec::new();
        for keyword in &call.arguments.keywords {
            let value = self.eval(&keyword.value)?;
            match &keyword.arg {
                Some(name) => kwargs.push((name.as_str().to_owned(), value)),
                None => match value {
                    Value::Dict(items) => {
                        for (key, value) in items {
                            let Value::Str(key) = key else {
                                return Err(self.unknown_at(&keyword.value, UNSUPPORTED_PYTHON));
                            };
                            kwargs.push((key, value));
                        }
                    }
                    other => return Err(self.value_problem(&keyword.value, &other)),
                },
            }
        }
        match function {
            Value::Path(path) => self.call_path(expr, &path, args, kwargs),
            Value::Function(index) => self.call_function(expr, index, args, kwargs),
            Value::Method(receiver, name) => self.call_method(expr, *receiver, &name, args, kwargs),
            Value::Foreign(path) => Err(unknown(format!("{path}(...)"), FROM_APPLICATION)),
            Value::Opaque(reason) => Err(self.unknown_at(expr, reason)),
            _ => Err(self.unknown_at(expr, UNSUPPORTED_PYTHON)),
        }
    }

    fn attribute(&mut self, expr: &Expr, value: Value, name: &str) -> Eval<Value> {
        Ok(match value {
            // The dialect of Alembic's connection or context, for `if ...dialect.name == ...`.
            Value::Path(path)
                if name == "name"
                    && path.starts_with("alembic.")
                    && (path.ends_with(".dialect") || path.ends_with(".engine")) =>
            {
                Value::Str("postgresql".into())
            }
            // The migration context's `as_sql` is what offline mode means.
            Value::Path(path) if name == "as_sql" && path == "alembic.op.get_context" => Value::Bool(true),
            Value::Path(path) => Value::Path(format!("{path}.{name}")),
            Value::Foreign(path) => Value::Foreign(format!("{path}.{name}")),
            Value::Opaque(reason) => Value::Opaque(reason),
            Value::Method(table, c) if c == "c" && matches!(*table, Value::Table(_)) => match *table {
                Value::Table(table) => Value::ColumnRef(table, name.to_owned()),
                _ => return Err(self.unknown_at(expr, UNSUPPORTED_PYTHON)),
            },
            Value::Table(ref table) if name == "name" => Value::Str(table.name.clone()),
            Value::EnumClass(ref class) => match class.members.iter().position(|(member, _)| member == name) {
                Some(index) => Value::EnumMember(class.clone(), index),
                None => return Err(self.unknown_at(expr, UNSUPPORTED_PYTHON)),
            },
            Value::EnumMember(ref class, index) => match (name, class.members.get(index)) {
                ("name", Some((member, _))) => Value::Str(member.clone()),
                ("value", Some((_, value))) => value.clone(),
                _ => return Err(self.unknown_at(expr, UNSUPPORTED_PYTHON)),
            },
            receiver @ (Value::Str(_)
            | Value::Sql(_)
            | Value::Dict(_)
            | Value::Table(_)
            | Value::Dml(_)
            | Value::Batch(..)
            | Value::ColumnRef(..)
            | Value::Object(_)) => Value::Method(Box::new(receiver), name.to_owned()),
            _ => return Err(self.unknown_at(expr, UNSUPPORTED_PYTHON)),
        })
    }

    /// `sa.table('name', sa.column('a', sa.Integer), ..., schema=...)`, and likewise
    /// `sa.Table(name, metadata, sa.Column(...), ...)` and what `op.create_table` returns:
    /// the columns with their types, which decide how values are written.
    pub fn table_ref(&self, args: &[Value], kwargs: &[(String, Value)]) -> Option<TableRef> {
        let name = args.first()?.as_str()?.to_owned();
        let schema =
            kwargs.iter().find(|(key, _)| key == "schema").and_then(|(_, value)| value.as_str()).map(str::to_owned);
        let mut columns = Vec::new();
        for element in args.get(1..).unwrap_or_default() {
            let object = element.as_object()?;
            if !matches!(object.name(), "column" | "Column") {
                continue;
            }
            let column_type = object.kwarg("type_").or_else(|| object.args.get(1)).cloned();
            columns.push((object.arg("name", 0)?.as_str()?.to_owned(), column_type));
        }
        Some(TableRef { name, schema, columns })
    }
}

/// How deep expressions may nest, and how large a string or list may grow, before the
/// renderer gives up (fuzzed input must not exhaust the stack or memory).
const MAX_NESTING: usize = 200;
const MAX_SIZE: usize = 1_000_000;

const DATA_OR_UNSUPPORTED: &str = "a test only running Python can decide";

/// Gives a problem found below a call the call's line when it has none yet.
fn at_line(mut problem: Unknown, line: u32) -> Unknown {
    if problem.line == 0 {
        problem.line = line;
    }
    problem
}
