//! What a Python expression of a migration script is worth when read statically.

use std::rc::Rc;

/// A Python value as far as the renderer knows it.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    /// Lists and tuples alike: the renderer only iterates and indexes them.
    List(Vec<Value>),
    Dict(Vec<(Value, Value)>),
    /// A SQLAlchemy or Alembic name not called yet, canonical: `sqlalchemy.Integer`, `alembic.op`.
    Path(String),
    /// A SQLAlchemy construct: a library name called with its arguments.
    Object(Rc<Object>),
    /// A function defined in the script (its index in the module's functions).
    Function(usize),
    /// A method looked up on a value, not called yet: `batch_op.add_column`.
    Method(Box<Value>, String),
    /// An SQL expression already rendered, e.g. `accounts.id = 5` or `lower(b)`.
    Sql(String),
    /// `sa.table(...)`: the name, schema and columns DML statements refer to.
    Table(Rc<TableRef>),
    /// `table.c.name`.
    ColumnRef(Rc<TableRef>, String),
    /// `table.update()` / `.insert()` / `.delete()` and what has been chained onto it.
    Dml(Rc<Dml>),
    /// `with op.batch_alter_table(name, schema=...) as batch_op`.
    Batch(String, Option<String>),
    /// A Python `enum.Enum` class defined in the script, and one of its members.
    EnumClass(Rc<PyEnum>),
    EnumMember(Rc<PyEnum>, usize),
    /// A value only running Python would give, e.g. `op.get_bind()`; the reason why.
    Opaque(String),
    /// A name imported from outside SQLAlchemy and Alembic, e.g. `myapp.models.Role`.
    Foreign(String),
}

/// A library name called with its arguments: `sa.Column('id', sa.Integer(), ...)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Object {
    /// The canonical dotted path, e.g. `sqlalchemy.dialects.postgresql.JSONB`.
    pub path: String,
    pub args: Vec<Value>,
    pub kwargs: Vec<(String, Value)>,
}

/// `class Status(enum.Enum): active = 'ACTIVE'`: its name and members with their values.
#[derive(Clone, Debug, PartialEq)]
pub struct PyEnum {
    pub name: String,
    pub members: Vec<(String, Value)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TableRef {
    pub name: String,
    pub schema: Option<String>,
    /// Column names in declaration order, with their types where given.
    pub columns: Vec<(String, Option<Value>)>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum DmlKind {
    Insert,
    Update,
    Delete,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Dml {
    pub kind: DmlKind,
    pub table: Rc<TableRef>,
    pub wheres: Vec<String>,
    pub values: Vec<(String, Value)>,
}

impl Object {
    /// The last part of the path: `Column`, `JSONB`, `create_table`.
    pub fn name(&self) -> &str {
        last_segment(&self.path)
    }

    pub fn kwarg(&self, name: &str) -> Option<&Value> {
        self.kwargs.iter().rev().find(|(key, _)| key == name).map(|(_, value)| value)
    }

    /// A keyword argument, or else the positional one at `position`.
    pub fn arg(&self, name: &str, position: usize) -> Option<&Value> {
        self.kwarg(name).or_else(|| self.args.get(position))
    }
}

pub fn last_segment(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path)
}

impl Value {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(text) => Some(text),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&Object> {
        match self {
            Value::Object(object) => Some(object),
            _ => None,
        }
    }

    /// Python truthiness where it is known.
    pub fn truthy(&self) -> Option<bool> {
        Some(match self {
            Value::None => false,
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::Float(f) => *f != 0.0,
            Value::Str(s) => !s.is_empty(),
            Value::List(items) => !items.is_empty(),
            Value::Dict(items) => !items.is_empty(),
            Value::Opaque(_) | Value::Foreign(_) | Value::Path(_) | Value::Method(..) => return None,
            _ => true,
        })
    }

    pub fn is_none(&self) -> bool {
        matches!(self, Value::None)
    }

    /// `str(value)` as Python prints it, for f-strings, `%` and `.format`.
    pub fn to_python_str(&self) -> Option<String> {
        Some(match self {
            Value::None => "None".into(),
            Value::Bool(true) => "True".into(),
            Value::Bool(false) => "False".into(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => python_float(*f),
            Value::Str(s) => s.clone(),
            Value::Sql(s) => s.clone(),
            Value::List(items) => {
                let parts: Option<Vec<String>> = items.iter().map(Value::to_python_repr).collect();
                format!("[{}]", parts?.join(", "))
            }
            _ => return None,
        })
    }

    /// `repr(value)` for the few values that have a simple one.
    pub fn to_python_repr(&self) -> Option<String> {
        match self {
            Value::Str(s) => Some(format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))),
            other => other.to_python_str(),
        }
    }
}

/// A float as Python's `repr` writes it (`1.0`, `0.5`, `1e-07`, `1.5e+16`): the shortest
/// digits, in exponent form below 1e-4 and from 1e16 on.
pub fn python_float(value: f64) -> String {
    if !value.is_finite() {
        return if value.is_nan() {
            "nan".into()
        } else if value > 0.0 {
            "inf".into()
        } else {
            "-inf".into()
        };
    }
    let magnitude = value.abs();
    if magnitude != 0.0 && !(1e-4..1e16).contains(&magnitude) {
        let written = format!("{value:e}");
        let (mantissa, exponent) = written.split_once('e').unwrap_or((&written, "0"));
        let (sign, digits) = match exponent.strip_prefix('-') {
            Some(digits) => ('-', digits),
            None => ('+', exponent),
        };
        return format!("{mantissa}e{sign}{digits:0>2}");
    }
    if value == value.trunc() { format!("{value:.1}") } else { format!("{value}") }
}
