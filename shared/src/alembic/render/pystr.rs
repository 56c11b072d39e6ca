//! Python string formatting and string methods over known values.

use super::value::Value;

/// `format % args` with `%s`, `%r`, `%d`, `%i` and `%%`.
pub fn percent_format(format: &str, args: &Value) -> Option<String> {
    if let Value::Dict(items) = args {
        return named_percent_format(format, items);
    }
    let values: Vec<Value> = match args {
        Value::List(items) => items.clone(),
        single => vec![single.clone()],
    };
    let mut values = values.into_iter();
    let mut out = String::new();
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            '%' => out.push('%'),
            's' => out.push_str(&values.next()?.to_python_str()?),
            'r' => out.push_str(&values.next()?.to_python_repr()?),
            'd' | 'i' => match values.next()? {
                Value::Int(i) => out.push_str(&i.to_string()),
                Value::Bool(b) => out.push_str(if b { "1" } else { "0" }),
                _ => return None,
            },
            _ => return None,
        }
    }
    values.next().is_none().then_some(out)
}

/// `format % {'name': value}` with `%(name)s`, `%(name)r`, `%(name)d` and `%%`.
fn named_percent_format(format: &str, items: &[(Value, Value)]) -> Option<String> {
    let mut out = String::new();
    let mut rest = format;
    while let Some(at) = rest.find('%') {
        out.push_str(&rest[..at]);
        rest = &rest[at + 1..];
        if let Some(after) = rest.strip_prefix('%') {
            out.push('%');
            rest = after;
            continue;
        }
        let (name, after) = rest.strip_prefix('(')?.split_once(')')?;
        let value = &items.iter().find(|(key, _)| key.as_str() == Some(name))?.1;
        let mut conversion = after.chars();
        let text = match conversion.next()? {
            's' => value.to_python_str()?,
            'r' => value.to_python_repr()?,
            'd' | 'i' => match value {
                Value::Int(i) => i.to_string(),
                _ => return None,
            },
            _ => return None,
        };
        out.push_str(&text);
        rest = conversion.as_str();
    }
    out.push_str(rest);
    Some(out)
}

/// `format.format(*args, **kwargs)` with `{}`, `{0}`, `{name}` and `{{`/`}}`.
pub fn brace_format(format: &str, args: &[Value], kwargs: &[(String, Value)]) -> Option<String> {
    let mut out = String::new();
    let mut next_auto = 0;
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                out.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                out.push('}');
            }
            '{' => {
                let mut field = String::new();
                for c in chars.by_ref() {
                    if c == '}' {
                        break;
                    }
                    field.push(c);
                }
                let (field, repr) = match field.strip_suffix("!r") {
                    Some(field) => (field.to_owned(), true),
                    None => (field, false),
                };
                let value = if field.is_empty() {
                    next_auto += 1;
                    args.get(next_auto - 1)?
                } else if let Ok(index) = field.parse::<usize>() {
                    args.get(index)?
                } else {
                    &kwargs.iter().find(|(key, _)| *key == field)?.1
                };
                out.push_str(&if repr { value.to_python_repr()? } else { value.to_python_str()? });
            }
            '}' => return None,
            other => out.push(other),
        }
    }
    Some(out)
}

/// A method of `str` called with known arguments.
pub fn string_method(text: &str, method: &str, args: &[Value], kwargs: &[(String, Value)]) -> Option<Value> {
    let first = args.first().and_then(Value::as_str);
    Some(match (method, args.len()) {
        ("format", _) => Value::Str(brace_format(text, args, kwargs)?),
        ("lower", 0) => Value::Str(text.to_lowercase()),
        ("upper", 0) => Value::Str(text.to_uppercase()),
        ("strip", 0) => Value::Str(text.trim().to_owned()),
        ("strip", 1) => Value::Str(text.trim_matches(|c| first.is_some_and(|set| set.contains(c))).to_owned()),
        ("replace", 2) => Value::Str(text.replace(first?, args.get(1)?.as_str()?)),
        ("startswith", 1) => Value::Bool(text.starts_with(first?)),
        ("endswith", 1) => Value::Bool(text.ends_with(first?)),
        ("split", 1) => Value::List(text.split(first?).map(|part| Value::Str(part.to_owned())).collect()),
        ("join", 1) => {
            let Value::List(items) = args.first()? else { return None };
            let parts: Option<Vec<&str>> = items.iter().map(Value::as_str).collect();
            Value::Str(parts?.join(text))
        }
        _ => return None,
    })
}

/// `textwrap.dedent`: the whitespace every non-blank line starts with, removed; lines of
/// only whitespace become empty.
pub fn dedent(text: &str) -> String {
    let margin = text
        .split('\n')
        .filter(|line| !line.trim().is_empty())
        .map(|line| &line[..line.len() - line.trim_start_matches([' ', '\t']).len()])
        .reduce(|common, indent| {
            let shared = common.chars().zip(indent.chars()).take_while(|(a, b)| a == b).count();
            &common[..common.char_indices().nth(shared).map_or(common.len(), |(at, _)| at)]
        })
        .unwrap_or("");
    text.split('\n')
        .map(|line| if line.trim().is_empty() { "" } else { line.strip_prefix(margin).unwrap_or(line) })
        .collect::<Vec<_>>()
        .join("\n")
}
