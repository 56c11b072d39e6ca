//! Names and literals as DDL needs them: an identifier is quoted when its case or spelling
//! needs it, or when it is a keyword PostgreSQL reserves (as `quote_identifier` does).

use crate::schema::expr;
use crate::schema::model::{DEFAULT_SCHEMA, QualifiedName};
use pg_query::protobuf::KeywordKind;

/// `name`, `"Name"`, `"order"`.
pub fn ident(name: &str) -> String {
    let quoted = expr::quote(name);
    if quoted == name && reserved(name) { format!("\"{name}\"") } else { quoted }
}

/// `name` in the default schema (the model assumes the default search_path), `schema.name`
/// elsewhere, each part quoted as it needs.
pub fn relation(name: &QualifiedName) -> String {
    match name.schema == DEFAULT_SCHEMA {
        true => ident(&name.name),
        false => format!("{}.{}", ident(&name.schema), ident(&name.name)),
    }
}

/// `a, "B", c`.
pub fn idents(names: &[String]) -> String {
    names.iter().map(|n| ident(n)).collect::<Vec<_>>().join(", ")
}

/// A string literal: `'it''s'` (standard_conforming_strings is on by default).
pub fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// Any keyword but the unreserved ones must be quoted to stand as a name.
fn reserved(name: &str) -> bool {
    let Ok(scan) = pg_query::scan(name) else { return false };
    match scan.tokens.as_slice() {
        [token] => token.keyword_kind > KeywordKind::UnreservedKeyword as i32,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_quoted_where_postgresql_needs_it() {
        assert_eq!(ident("customer"), "customer");
        assert_eq!(ident("Customer"), "\"Customer\"");
        assert_eq!(ident("order"), "\"order\"");
        assert_eq!(ident("user"), "\"user\"");
        assert_eq!(ident("select"), "\"select\"");
        // Unreserved keywords stand bare, as quote_identifier leaves them.
        assert_eq!(ident("name"), "name");
        assert_eq!(ident("comment"), "comment");
        assert_eq!(ident("a\"b"), "\"a\"\"b\"");
        assert_eq!(ident("2fa"), "\"2fa\"");
        assert_eq!(relation(&QualifiedName::new("public", "Order")), "\"Order\"");
        assert_eq!(relation(&QualifiedName::new("Sales", "order")), "\"Sales\".\"order\"");
        assert_eq!(literal("it's"), "'it''s'");
    }
}
