//! The Python builtins a migration script plausibly uses on known values.

use super::value::Value;

/// Largest `range(...)` the renderer expands.
const MAX_RANGE: i64 = 10_000;

pub fn call_builtin(name: &str, args: Vec<Value>) -> Option<Value> {
    let mut args = args.into_iter();
    let first = args.next();
    let second = args.next();
    Some(match (name, first, second) {
        ("print", _, _) => Value::None,
        ("len", Some(Value::List(items)), None) => Value::Int(items.len() as i64),
        ("len", Some(Value::Dict(items)), None) => Value::Int(items.len() as i64),
        ("len", Some(Value::Str(text)), None) => Value::Int(text.chars().count() as i64),
        ("str", Some(value), None) => Value::Str(value.to_python_str()?),
        ("repr", Some(value), None) => Value::Str(value.to_python_repr()?),
        ("int", Some(Value::Str(text)), None) => Value::Int(text.trim().parse().ok()?),
        ("int", Some(Value::Int(i)), None) => Value::Int(i),
        ("int", Some(Value::Float(f)), None) if f.is_finite() => Value::Int(f.trunc() as i64),
        ("float", Some(Value::Int(i)), None) => Value::Float(i as f64),
        ("float", Some(Value::Float(f)), None) => Value::Float(f),
        ("bool", Some(value), None) => Value::Bool(value.truthy().filter(|_| !matches!(value, Value::Opaque(_)))?),
        ("list" | "tuple", Some(Value::List(items)), None) => Value::List(items),
        ("list" | "tuple", None, None) => Value::List(Vec::new()),
        ("dict", None, None) => Value::Dict(Vec::new()),
        ("dict", Some(Value::Dict(items)), None) => Value::Dict(items),
        ("range", Some(Value::Int(end)), None) => range(0, end)?,
        ("range", Some(Value::Int(start)), Some(Value::Int(end))) => range(start, end)?,
        ("enumerate", Some(Value::List(items)), None) => Value::List(
            items.into_iter().enumerate().map(|(i, item)| Value::List(vec![Value::Int(i as i64), item])).collect(),
        ),
        ("zip", Some(Value::List(left)), Some(Value::List(right))) => {
            Value::List(left.into_iter().zip(right).map(|(a, b)| Value::List(vec![a, b])).collect())
        }
        ("reversed", Some(Value::List(mut items)), None) => {
            items.reverse();
            Value::List(items)
        }
        ("sorted", Some(Value::List(items)), None) => {
            if let Some(mut texts) = items.iter().map(|v| v.as_str().map(str::to_owned)).collect::<Option<Vec<_>>>() {
                texts.sort();
                Value::List(texts.into_iter().map(Value::Str).collect())
            } else {
                let mut ints = items
                    .iter()
                    .map(|v| if let Value::Int(i) = v { Some(*i) } else { None })
                    .collect::<Option<Vec<_>>>()?;
                ints.sort();
                Value::List(ints.into_iter().map(Value::Int).collect())
            }
        }
        _ => return None,
    })
}

fn range(start: i64, end: i64) -> Option<Value> {
    if end.saturating_sub(start) > MAX_RANGE {
        return None;
    }
    Some(Value::List((start..end).map(Value::Int).collect()))
}
