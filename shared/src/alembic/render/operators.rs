//! Python operators on known values: indexing, arithmetic and string formatting,
//! comparisons (those on `table.c.column` become SQL conditions).

use super::interp::Interp;
use super::unknown::{Eval, UNSUPPORTED_PYTHON};
use super::value::Value;
use ruff_python_ast::{CmpOp, Expr, Operator};

impl Interp<'_> {
    pub fn index(&self, expr: &Expr, value: Value, index: Value) -> Eval<Value> {
        let found = match (&value, &index) {
            (Value::List(items), Value::Int(i)) => {
                let at = if *i < 0 { items.len() as i64 + i } else { *i };
                usize::try_from(at).ok().and_then(|at| items.get(at)).cloned()
            }
            (Value::Str(text), Value::Int(i)) => {
                let chars: Vec<char> = text.chars().collect();
                let at = if *i < 0 { chars.len() as i64 + i } else { *i };
                usize::try_from(at).ok().and_then(|at| chars.get(at)).map(|c| Value::Str(c.to_string()))
            }
            (Value::Dict(items), key) => items.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()),
            (Value::Method(table, c), Value::Str(column)) if c == "c" => match table.as_ref() {
                Value::Table(table) => Some(Value::ColumnRef(table.clone(), column.clone())),
                _ => None,
            },
            (Value::Opaque(_) | Value::Foreign(_), _) => return Err(self.value_problem(expr, &value)),
            _ => None,
        };
        found.ok_or_else(|| self.unknown_at(expr, UNSUPPORTED_PYTHON))
    }

    pub fn binary(&self, expr: &Expr, left: Value, op: Operator, right: Value) -> Eval<Value> {
        use Value::{Float, Int, List, Sql, Str};
        let result = match (op, left, right) {
            (Operator::Add, Str(a), Str(b)) => Some(Str(a + &b)),
            (Operator::Add, List(a), List(b)) => Some(List(a.into_iter().chain(b).collect())),
            (Operator::Add, Int(a), Int(b)) => a.checked_add(b).map(Int),
            (Operator::Sub, Int(a), Int(b)) => a.checked_sub(b).map(Int),
            (Operator::Mult, Int(a), Int(b)) => a.checked_mul(b).map(Int),
            (Operator::Mult, Str(a), Int(n))
                if (0..=1000).contains(&n) && a.len().saturating_mul(n as usize) <= 1_000_000 =>
            {
                Some(Str(a.repeat(n as usize)))
            }
            (Operator::Add, Float(a), Float(b)) => Some(Float(a + b)),
            (Operator::Mod, Str(format), args) => super::pystr::percent_format(&format, &args).map(Str),
            (Operator::BitAnd, Sql(a), Sql(b)) => Some(Sql(super::dml::and(&[a, b]))),
            (Operator::BitOr, Sql(a), Sql(b)) => Some(Sql(format!("{a} OR {b}"))),
            (_, value @ (Value::Opaque(_) | Value::Foreign(_)), _)
            | (_, _, value @ (Value::Opaque(_) | Value::Foreign(_))) => return Err(self.value_problem(expr, &value)),
            _ => None,
        };
        result.ok_or_else(|| self.unknown_at(expr, UNSUPPORTED_PYTHON))
    }

    pub fn compare(&self, expr: &Expr, left: &Value, op: CmpOp, right: &Value) -> Eval<Value> {
        if let Value::ColumnRef(table, column) = left {
            return super::dml::column_comparison(table, column, op, right)
                .ok_or_else(|| self.unknown_at(expr, UNSUPPORTED_PYTHON));
        }
        for value in [left, right] {
            if matches!(value, Value::Opaque(_) | Value::Foreign(_)) {
                return Err(self.value_problem(expr, value));
            }
        }
        let ordering = match (left, right) {
            (Value::Int(a), Value::Int(b)) => Some(a.cmp(b)),
            (Value::Str(a), Value::Str(b)) => Some(a.cmp(b)),
            (Value::Float(a), Value::Float(b)) => a.partial_cmp(b),
            _ => None,
        };
        let contains = |haystack: &Value| match haystack {
            Value::List(items) => Some(items.contains(left)),
            Value::Dict(items) => Some(items.iter().any(|(key, _)| key == left)),
            Value::Str(text) => left.as_str().map(|needle| text.contains(needle)),
            _ => None,
        };
        // Equality is only decided between plain data: a library object compared with a
        // string (`bind.engine.url == ...`) is not known to differ.
        let data = |value: &Value| {
            matches!(
                value,
                Value::None
                    | Value::Bool(_)
                    | Value::Int(_)
                    | Value::Float(_)
                    | Value::Str(_)
                    | Value::List(_)
                    | Value::Dict(_)
            )
        };
        let against_none = left.is_none() || right.is_none();
        let equality = (data(left) && data(right) || against_none).then_some(left == right);
        let result = match op {
            CmpOp::Eq | CmpOp::Is => equality,
            CmpOp::NotEq | CmpOp::IsNot => equality.map(|equal| !equal),
            CmpOp::Lt => ordering.map(|o| o.is_lt()),
            CmpOp::LtE => ordering.map(|o| o.is_le()),
            CmpOp::Gt => ordering.map(|o| o.is_gt()),
            CmpOp::GtE => ordering.map(|o| o.is_ge()),
            CmpOp::In => contains(right),
            CmpOp::NotIn => contains(right).map(|found| !found),
        };
        result.map(Value::Bool).ok_or_else(|| self.unknown_at(expr, UNSUPPORTED_PYTHON))
    }
}
