//! Calling what a script can call: builtins, `op.*`, SQLAlchemy constructors, methods.

use super::interp::Interp;
use super::unknown::{DATA_DEPENDENT, Eval, UNKNOWN_OPERATION, UNSUPPORTED_PYTHON};
use super::value::{Dml, DmlKind, Object, Value, last_segment};
use super::{dml, ops, pystr, types};
use ruff_python_ast::Expr;
use ruff_text_size::Ranged;
use std::rc::Rc;

type Kwargs = Vec<(String, Value)>;

/// `op.*` names that only run Python and need a database connection.
const RUNTIME_OPERATIONS: [&str; 5] =
    ["run_async", "invoke", "implementation_for", "register_operation", "get_context_impl"];

/// What `op.get_bind()` gives: in offline mode a connection that writes what it executes.
pub const BIND: &str = "alembic.bind";

impl<'a> Interp<'a> {
    pub fn call_path(&mut self, expr: &'a Expr, path: &str, args: Vec<Value>, kwargs: Kwargs) -> Eval<Value> {
        if let Some(name) = path.strip_prefix("builtins.") {
            return super::builtins::call_builtin(name, args).ok_or_else(|| self.unknown_at(expr, UNSUPPORTED_PYTHON));
        }
        if path == "textwrap.dedent" {
            return match args.as_slice() {
                [Value::Str(text)] => Ok(Value::Str(pystr::dedent(text))),
                _ => Err(self.unknown_at(expr, UNSUPPORTED_PYTHON)),
            };
        }
        if path.starts_with("logging") || path.starts_with("warnings") || path.starts_with("typing") {
            return Ok(Value::Path("logging".into()));
        }
        if path.ends_with("get_context.autocommit_block") {
            return Ok(Value::Object(Rc::new(Object { path: "alembic.autocommit_block".into(), args, kwargs })));
        }
        if let Some(method) = path.strip_prefix("alembic.bind.") {
            return self.call_bind(expr, method, args, kwargs);
        }
        if let Some(name) = path.strip_prefix("alembic.op.") {
            return self.call_op(expr, name, args, kwargs, None);
        }
        match path {
            "alembic.context.get_context" => return Ok(Value::Path("alembic.op.get_context".into())),
            "alembic.context.is_offline_mode" => return Ok(Value::Bool(true)),
            _ => {}
        }
        if path.starts_with("sqlalchemy") {
            return self.call_sqlalchemy(expr, path, args, kwargs);
        }
        Err(self.unknown_at(expr, UNSUPPORTED_PYTHON))
    }

    fn call_sqlalchemy(&mut self, expr: &'a Expr, path: &str, args: Vec<Value>, kwargs: Kwargs) -> Eval<Value> {
        if let Some(function) = path.split_once(".func.").map(|(_, name)| name) {
            return dml::function_call(function, &args)
                .map(Value::Sql)
                .ok_or_else(|| self.unknown_at(expr, UNSUPPORTED_PYTHON));
        }
        let name = last_segment(path);
        let sql = match (name, args.as_slice()) {
            // A DDL statement's `%` would be Python formatting: only plain text is certain.
            ("DDL", [Value::Str(text)]) if kwargs.is_empty() && !text.contains('%') => text.clone(),
            ("text", [Value::Str(text)]) if kwargs.is_empty() => dml::text_clause(text),
            ("literal_column", [Value::Str(text)]) if kwargs.is_empty() => text.clone(),
            ("true", []) => "true".into(),
            ("false", []) => "false".into(),
            ("null", []) => "NULL".into(),
            ("literal", [value]) => dml::literal(value).ok_or_else(|| self.unknown_at(expr, UNSUPPORTED_PYTHON))?,
            ("and_" | "or_", conditions) => {
                let parts: Option<Vec<String>> = conditions.iter().map(dml::condition).collect();
                let parts = parts.ok_or_else(|| self.unknown_at(expr, UNSUPPORTED_PYTHON))?;
                if name == "and_" { dml::and(&parts) } else { parts.join(" OR ") }
            }
            // `sa.insert(t)` / `sa.update(t)` / `sa.delete(t)`, as `t.insert()` etc.
            ("insert" | "update" | "delete", [Value::Table(_)]) if kwargs.is_empty() => {
                let receiver = args.into_iter().next().unwrap_or(Value::None);
                return self.call_method(expr, receiver, name, Vec::new(), Vec::new());
            }
            ("table" | "Table", _) => {
                let table = self.table_ref(&args, &kwargs).ok_or_else(|| self.unknown_at(expr, UNSUPPORTED_PYTHON))?;
                return Ok(Value::Table(Rc::new(table)));
            }
            _ => return Ok(Value::Object(Rc::new(Object { path: path.to_owned(), args, kwargs }))),
        };
        Ok(Value::Sql(sql))
    }

    /// An Alembic operation: statements emitted at the call's line, or the value it returns.
    pub fn call_op(
        &mut self,
        expr: &'a Expr,
        name: &str,
        args: Vec<Value>,
        kwargs: Kwargs,
        batch: Option<(&str, Option<&str>)>,
    ) -> Eval<Value> {
        match name {
            "f" => return args.into_iter().next().ok_or_else(|| self.unknown_at(expr, UNSUPPORTED_PYTHON)),
            "inline_literal" => {
                let value = args.first().and_then(dml::literal);
                return value.map(Value::Sql).ok_or_else(|| self.unknown_at(expr, UNSUPPORTED_PYTHON));
            }
            "get_context" => return Ok(Value::Path("alembic.op.get_context".into())),
            "get_bind" => return Ok(Value::Path(BIND.into())),
            "batch_alter_table" => {
                let table =
                    args.first().and_then(Value::as_str).ok_or_else(|| self.unknown_at(expr, UNSUPPORTED_PYTHON))?;
                // On PostgreSQL a batch is plain ALTERs unless told to copy the table, which
                // needs the table as reflected from a database.
                if kwargs.iter().any(|(key, value)| key == "recreate" && value.as_str() == Some("always")) {
                    return Err(self.unknown_at(expr, "recreates the table from the database's reflection"));
                }
                let schema = kwargs.iter().find(|(key, _)| key == "schema").and_then(|(_, v)| v.as_str());
                return Ok(Value::Batch(table.to_owned(), schema.map(str::to_owned)));
            }
            _ if RUNTIME_OPERATIONS.contains(&name) => return Err(self.unknown_at(expr, DATA_DEPENDENT)),
            _ => {}
        }
        let line = self.line_of(expr.start());
        // `op.create_table` returns the table, for `op.bulk_insert` to fill.
        let created = if name == "create_table" { self.table_ref(&args, &kwargs).map(Rc::new) } else { None };
        let Some(statements) = ops::render(name, args, kwargs, batch, &mut self.created_types) else {
            return Err(self.unknown_at(expr, UNKNOWN_OPERATION));
        };
        for sql in statements? {
            self.emit(sql, line);
        }
        Ok(created.map_or(Value::None, Value::Table))
    }

    pub fn call_method(
        &mut self,
        expr: &'a Expr,
        receiver: Value,
        method: &str,
        args: Vec<Value>,
        kwargs: Kwargs,
    ) -> Eval<Value> {
        let result = match (receiver, method) {
            (Value::Str(text), _) => pystr::string_method(&text, method, &args, &kwargs),
            (Value::Dict(items), "items") => {
                Some(Value::List(items.into_iter().map(|(key, value)| Value::List(vec![key, value])).collect()))
            }
            (Value::Dict(items), "keys") => Some(Value::List(items.into_iter().map(|(key, _)| key).collect())),
            (Value::Dict(items), "values") => Some(Value::List(items.into_iter().map(|(_, value)| value).collect())),
            (Value::Dict(items), "get") => {
                let key = args.first();
                let found = items.into_iter().find(|(k, _)| Some(k) == key).map(|(_, v)| v);
                Some(found.unwrap_or_else(|| args.get(1).cloned().unwrap_or(Value::None)))
            }
            (Value::Sql(text), "bindparams") if args.is_empty() => dml::bind_params(&text, &kwargs).map(Value::Sql),
            (Value::Sql(text), "execution_options") => Some(Value::Sql(text)),
            (Value::Table(table), "insert" | "update" | "delete") if args.is_empty() => {
                let kind = match method {
                    "insert" => DmlKind::Insert,
                    "update" => DmlKind::Update,
                    _ => DmlKind::Delete,
                };
                Some(Value::Dml(Rc::new(Dml { kind, table, wheres: Vec::new(), values: Vec::new() })))
            }
            (Value::Dml(statement), "where" | "values") => dml::chain(&statement, method, args, kwargs).map(Value::Dml),
            (Value::ColumnRef(table, column), _) => dml::column_method(&table, &column, method, &args),
            (Value::Batch(table, schema), _) => {
                return self.call_op(expr, method, args, kwargs, Some((&table, schema.as_deref())));
            }
            (Value::Object(object), "create" | "drop") if matches!(object.name(), "Enum" | "ENUM") => {
                return self.create_or_drop_enum(expr, &object, method, &args, &kwargs);
            }
            (Value::Opaque(reason), _) => return Err(self.unknown_at(expr, reason)),
            _ => None,
        };
        result.ok_or_else(|| self.unknown_at(expr, UNSUPPORTED_PYTHON))
    }
}

impl<'a> Interp<'a> {
    /// `op.get_bind().execute(statement)`: offline, the statement is written like
    /// `op.execute`'s; its result is only known to a database.
    fn call_bind(&mut self, expr: &'a Expr, method: &str, args: Vec<Value>, kwargs: Kwargs) -> Eval<Value> {
        match (method, args.as_slice()) {
            ("execute", [Value::Sql(_) | Value::Dml(_)]) if kwargs.is_empty() => {
                self.call_op(expr, "execute", args, kwargs, None)?;
                Ok(Value::Opaque(DATA_DEPENDENT.into()))
            }
            _ => Err(self.unknown_at(expr, DATA_DEPENDENT)),
        }
    }

    /// `sa.Enum(..., name=...).create(bind)` / `.drop(bind)`: offline, Alembic's connection
    /// writes CREATE TYPE / DROP TYPE whatever `checkfirst` says.
    fn create_or_drop_enum(
        &mut self,
        expr: &'a Expr,
        object: &Object,
        method: &str,
        args: &[Value],
        kwargs: &Kwargs,
    ) -> Eval<Value> {
        let bind = kwargs.iter().find(|(key, _)| key == "bind").map(|(_, value)| value).or(args.first());
        if bind != Some(&Value::Path(BIND.into())) {
            return Err(self.unknown_at(expr, DATA_DEPENDENT));
        }
        let enum_type = types::sql_type(&Value::Object(Rc::new(object.clone())))?
            .enum_type
            .ok_or_else(|| self.unknown_at(expr, UNSUPPORTED_PYTHON))?;
        let sql = if method == "create" {
            enum_type.create_sql()
        } else {
            format!("DROP TYPE {}", enum_type.qualified_name())
        };
        self.emit(sql, self.line_of(expr.start()));
        Ok(Value::None)
    }
}
