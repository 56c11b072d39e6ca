//! Expressions (defaults, CHECKs, index keys) kept as text: printed by pg_query's deparser,
//! and rewritten when a column they name is renamed (PostgreSQL stores them by column number,
//! so its catalog follows the rename).

use super::model::{DEFAULT_SCHEMA, QualifiedName};
use pg_query::NodeEnum;
use pg_query::protobuf::{self, KeywordKind, LimitOption, Node, ResTarget, SelectStmt, SetOperation, Token};

/// An expression as pg_query's deparser prints it, e.g. `'INV-' || nextval('invoice_seq')`.
pub fn deparse(expression: &Node) -> String {
    let target = ResTarget { val: Some(Box::new(expression.clone())), ..ResTarget::default() };
    let select = SelectStmt {
        target_list: vec![Node { node: Some(NodeEnum::ResTarget(Box::new(target))) }],
        // Defaults of 0 are not valid enum values for the C side.
        limit_option: LimitOption::Default as i32,
        op: SetOperation::SetopNone as i32,
        ..SelectStmt::default()
    };
    let statement = protobuf::RawStmt {
        stmt: Some(Box::new(Node { node: Some(NodeEnum::SelectStmt(Box::new(select))) })),
        stmt_location: 0,
        stmt_len: 0,
    };
    let result = protobuf::ParseResult { version: 0, stmts: vec![statement] };
    match pg_query::deparse(&result, pg_query::DeparseOptions::default()) {
        Ok(text) => text.strip_prefix("SELECT ").map(str::to_owned).unwrap_or(text),
        Err(_) => "(expression)".to_owned(),
    }
}

/// `expression` with the column `from` called `to`. Function names and qualified names
/// (`other.from`) stay as they are.
pub fn rename_column(expression: &str, from: &str, to: &str) -> String {
    rename_column_qualified(expression, from, to, &[])
}

/// [`rename_column`], also where the column is qualified by one of `qualifiers` (a trigger's
/// `old.` and `new.`).
pub fn rename_column_qualified(expression: &str, from: &str, to: &str, qualifiers: &[&str]) -> String {
    let Ok(scan) = pg_query::scan(expression) else { return expression.to_owned() };
    let tokens = &scan.tokens;
    let mut renamed = String::with_capacity(expression.len());
    let mut copied = 0;
    for (i, token) in tokens.iter().enumerate() {
        let (start, end) = (token.start as usize, token.end as usize);
        let reserved = token.keyword_kind == KeywordKind::ReservedKeyword as i32;
        let is_name = token.token == Token::Ident as i32 || (token.keyword_kind != 0 && !reserved);
        let after_dot = i > 0 && tokens[i - 1].token == Token::Ascii46 as i32;
        let qualified_by_ours = after_dot && i >= 2 && {
            let qualifier = &tokens[i - 2];
            qualifiers.contains(&identifier(&expression[qualifier.start as usize..qualifier.end as usize]).as_str())
                && !(i >= 3 && tokens[i - 3].token == Token::Ascii46 as i32)
        };
        let after_dot = after_dot && !qualified_by_ours;
        let before_call = tokens.get(i + 1).is_some_and(|next| next.token == Token::Ascii40 as i32);
        let before_dot = tokens.get(i + 1).is_some_and(|next| next.token == Token::Ascii46 as i32);
        if is_name && !after_dot && !before_call && !before_dot && identifier(&expression[start..end]) == from {
            renamed.push_str(&expression[copied..start]);
            renamed.push_str(&quote(to));
            copied = end;
        }
    }
    renamed.push_str(&expression[copied..]);
    renamed
}

/// The name an identifier token stands for: unquoted ones fold to lower case.
fn identifier(token: &str) -> String {
    match token.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        Some(quoted) => quoted.replace("\"\"", "\""),
        None => token.to_lowercase(),
    }
}

/// An identifier as `quote_identifier` writes it (keywords aside): bare when plain.
pub fn quote(name: &str) -> String {
    let plain = name.chars().next().is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if plain { name.to_owned() } else { format!("\"{}\"", name.replace('"', "\"\"")) }
}

/// A relation as a `regclass` literal, as PostgreSQL prints it in `nextval('…'::regclass)`:
/// quoted where the name needs it, schema-qualified outside `public`.
pub fn regclass_literal(name: &QualifiedName) -> String {
    let text = match name.schema.as_str() {
        DEFAULT_SCHEMA => quote(&name.name),
        schema => format!("{}.{}", quote(schema), quote(&name.name)),
    };
    format!("'{}'", text.replace('\'', "''"))
}

/// `expression` with its casts `::old` (or `::old[]`) to a renamed type written `::new`;
/// `None` when it has none. `old`/`new` as `format_type` prints them.
pub fn rename_cast(expression: &str, old: &str, new: &str) -> Option<String> {
    let needle = format!("::{old}");
    let mut renamed = String::with_capacity(expression.len());
    let mut rest = expression;
    let mut changed = false;
    while let Some(at) = rest.find(&needle) {
        let after = &rest[at + needle.len()..];
        let whole = !after.starts_with(|c: char| c.is_alphanumeric() || c == '_' || c == '.');
        renamed.push_str(&rest[..at]);
        renamed.push_str(if whole { "::" } else { &needle });
        if whole {
            renamed.push_str(new);
            changed = true;
        }
        rest = after;
    }
    renamed.push_str(rest);
    changed.then_some(renamed)
}

/// Whether `expression` calls the function `name` (written bare or schema-qualified).
pub fn calls(expression: &str, name: &super::model::QualifiedName) -> bool {
    let Ok(scan) = pg_query::scan(expression) else { return false };
    let tokens = &scan.tokens;
    tokens.iter().enumerate().any(|(i, token)| {
        let before_call = tokens.get(i + 1).is_some_and(|next| next.token == Token::Ascii40 as i32);
        let text = identifier(&expression[token.start as usize..token.end as usize]);
        let qualifier = (i >= 2 && tokens[i - 1].token == Token::Ascii46 as i32)
            .then(|| identifier(&expression[tokens[i - 2].start as usize..tokens[i - 2].end as usize]));
        before_call && text == name.name && qualifier.as_deref().unwrap_or(super::model::DEFAULT_SCHEMA) == name.schema
    })
}

/// `expression` with the string literal `'old'` written `'new'`; `None` when it has none.
pub fn rename_literal(expression: &str, old: &str, new: &str) -> Option<String> {
    let scan = pg_query::scan(expression).ok()?;
    let quoted = |text: &str| format!("'{}'", text.replace('\'', "''"));
    let (old, new) = (quoted(old), quoted(new));
    let mut renamed = String::with_capacity(expression.len());
    let mut copied = 0;
    for token in scan.tokens.iter().filter(|t| t.token == Token::Sconst as i32) {
        let (start, end) = (token.start as usize, token.end as usize);
        if expression[start..end] == old {
            renamed.push_str(&expression[copied..start]);
            renamed.push_str(&new);
            copied = end;
        }
    }
    if copied == 0 {
        return None;
    }
    renamed.push_str(&expression[copied..]);
    Some(renamed)
}

/// A column default as PostgreSQL keeps it, for comparing two: a NULL constant is no default
/// at all, and a constant cast to the column's own type is the constant (PostgreSQL coerces a
/// default to its column's type either way).
pub fn comparable_default(default: &str, column_type: &str) -> Option<String> {
    if !default.contains("::") && !default.eq_ignore_ascii_case("null") {
        return Some(default.to_owned()); // nothing to see through: no parse
    }
    let parsed = pg_query::parse(&format!("SELECT {default}"), 0).ok();
    let value = parsed.as_ref().and_then(|p| match p.protobuf.stmts.first()?.stmt.as_ref()?.node.as_ref()? {
        NodeEnum::SelectStmt(select) => match select.target_list.first()?.node.as_ref()? {
            NodeEnum::ResTarget(target) => target.val.as_deref(),
            _ => None,
        },
        _ => None,
    });
    let Some(mut value) = value else { return Some(default.to_owned()) };
    let own_type = super::types::without_modifiers(column_type);
    while let Some(NodeEnum::TypeCast(cast)) = &value.node {
        let Some(argument) = cast.arg.as_deref() else { break };
        let to_own_type = cast
            .type_name
            .as_ref()
            .is_some_and(|t| super::types::without_modifiers(&super::types::canonical(t)) == own_type);
        if !to_own_type && !is_null(argument) {
            break;
        }
        value = argument;
    }
    match &value.node {
        _ if is_null(value) => None,
        Some(NodeEnum::AConst(_)) => Some(deparse(value)),
        _ => Some(default.to_owned()),
    }
}

/// A default as PostgreSQL stores it: none for a NULL constant (cast or not).
pub fn default(expression: &Node) -> Option<String> {
    (!is_null(expression)).then(|| deparse(expression))
}

/// An index key expression as `pg_get_indexdef` prints it: in parentheses unless it reads as
/// a function call.
pub fn index_key(expression: &Node) -> String {
    let function_like = matches!(
        &expression.node,
        Some(
            NodeEnum::FuncCall(_)
                | NodeEnum::CoalesceExpr(_)
                | NodeEnum::MinMaxExpr(_)
                | NodeEnum::SqlvalueFunction(_)
                | NodeEnum::XmlExpr(_)
        )
    ) || matches!(&expression.node, Some(NodeEnum::AExpr(e)) if e.kind == protobuf::AExprKind::AexprNullif as i32);
    let text = deparse(expression);
    if function_like { text } else { format!("({text})") }
}

fn is_null(expression: &Node) -> bool {
    match &expression.node {
        Some(NodeEnum::AConst(constant)) => constant.isnull,
        Some(NodeEnum::TypeCast(cast)) => cast.arg.as_deref().is_some_and(is_null),
        _ => false,
    }
}

/// `'text'`, a bare string literal (its type comes from where it is used).
pub fn is_string_literal(expression: &str) -> bool {
    pg_query::scan(expression)
        .is_ok_and(|scan| matches!(scan.tokens.as_slice(), [token] if token.token == Token::Sconst as i32))
}

/// The name PostgreSQL derives from an index expression (`FigureIndexColname`): the
/// function's name for `lower(email)`, else `expr`.
pub fn figure_name(expression: &Node) -> String {
    match &expression.node {
        Some(NodeEnum::FuncCall(call)) => last_string(&call.funcname).unwrap_or_else(|| "expr".into()),
        Some(NodeEnum::ColumnRef(column)) => last_string(&column.fields).unwrap_or_else(|| "expr".into()),
        Some(NodeEnum::TypeCast(cast)) => match cast.arg.as_deref().map(figure_name) {
            Some(name) if name != "expr" => name,
            _ => cast.type_name.as_ref().and_then(|t| last_string(&t.names)).unwrap_or_else(|| "expr".into()),
        },
        Some(NodeEnum::CaseExpr(_)) => "case".into(),
        Some(NodeEnum::CoalesceExpr(_)) => "coalesce".into(),
        _ => "expr".into(),
    }
}

pub fn last_string(nodes: &[Node]) -> Option<String> {
    nodes.iter().rev().find_map(|n| match &n.node {
        Some(NodeEnum::String(s)) => Some(s.sval.clone()),
        _ => None,
    })
}

/// The columns an expression names (for a CHECK's default name and DROP COLUMN).
pub fn column_names(expression: &str) -> Vec<String> {
    let Ok(scan) = pg_query::scan(expression) else { return Vec::new() };
    let tokens = &scan.tokens;
    let mut names: Vec<String> = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        let reserved = token.keyword_kind == KeywordKind::ReservedKeyword as i32;
        let is_name = token.token == Token::Ident as i32 || (token.keyword_kind != 0 && !reserved);
        let before_call = tokens.get(i + 1).is_some_and(|next| next.token == Token::Ascii40 as i32);
        let after_cast = i > 0 && tokens[i - 1].token == Token::Typecast as i32;
        // `interval '1 day'`: a type name before a literal, not a column.
        let before_literal = tokens.get(i + 1).is_some_and(|next| next.token == Token::Sconst as i32);
        let name = identifier(&expression[token.start as usize..token.end as usize]);
        if is_name && !before_call && !after_cast && !before_literal && !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renames_reach_columns_only() {
        assert_eq!(
            rename_column("quantity > 0 AND lower(quantity::text) <> ''", "quantity", "qty"),
            "qty > 0 AND lower(qty::text) <> ''"
        );
        assert_eq!(
            rename_column("t.status = 'x' OR status IS NULL", "status", "State"),
            "t.status = 'x' OR \"State\" IS NULL"
        );
        assert_eq!(rename_column("lower(email)", "lower", "x"), "lower(email)");
    }

    #[test]
    fn expressions_print_and_name_like_postgresql() {
        let parsed = pg_query::parse("SELECT 'INV-'||nextval('s'), lower(email), (a + b)", 0).expect("parses");
        let Some(NodeEnum::SelectStmt(select)) = parsed.protobuf.stmts[0].stmt.as_ref().and_then(|s| s.node.clone())
        else {
            panic!("a select")
        };
        let values: Vec<&Node> = select
            .target_list
            .iter()
            .map(|t| match &t.node {
                Some(NodeEnum::ResTarget(target)) => target.val.as_deref().expect("value"),
                _ => panic!("a target"),
            })
            .collect();
        assert_eq!(deparse(values[0]), "'INV-' || nextval('s')");
        assert_eq!(figure_name(values[1]), "lower");
        assert_eq!(figure_name(values[2]), "expr");
        assert_eq!(column_names("quantity > 0 AND price::numeric < total"), ["quantity", "price", "total"]);
    }

    #[test]
    fn defaults_compare_as_postgresql_stores_them() {
        let varchar = "character varying(20)";
        assert_eq!(comparable_default("'x'::varchar", varchar).as_deref(), Some("'x'"));
        assert_eq!(comparable_default("'x'::character varying", varchar).as_deref(), Some("'x'"));
        assert_eq!(comparable_default("'x'", varchar).as_deref(), Some("'x'"));
        assert_eq!(comparable_default("'1'::integer", varchar).as_deref(), Some("'1'::integer"));
        assert_eq!(comparable_default("NULL", "text"), None);
        assert_eq!(comparable_default("NULL::text", "integer"), None);
        assert_eq!(comparable_default("now()", "timestamp with time zone").as_deref(), Some("now()"));
    }
}
