//! Names and literals as DDL needs them: an identifier is quoted when its case or spelling
//! needs it, or when it is a keyword PostgreSQL reserves (as `quote_identifier` does).

use crate::schema::expr;
use crate::schema::model::{DEFAULT_SCHEMA, QualifiedName};

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
    RESERVED_KEYWORDS.binary_search(&name).is_ok()
}

/// PostgreSQL 18's keywords other than the unreserved ones (reserved, column-name and
/// type-or-function-name), from libpg_query's `kwlist.h`, in its ASCII order. A list rather
/// than asking pg_query's scanner: the studio's main bundle quotes names (index descriptions)
/// and must not link the parser.
#[rustfmt::skip]
const RESERVED_KEYWORDS: [&str; 164] = [
    "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "authorization", "between",
    "bigint", "binary", "bit", "boolean", "both", "case", "cast", "char", "character", "check", "coalesce",
    "collate", "collation", "column", "concurrently", "constraint", "create", "cross", "current_catalog",
    "current_date", "current_role", "current_schema", "current_time", "current_timestamp", "current_user", "dec",
    "decimal", "default", "deferrable", "desc", "distinct", "do", "else", "end", "except", "exists", "extract",
    "false", "fetch", "float", "for", "foreign", "freeze", "from", "full", "grant", "greatest", "group", "grouping",
    "having", "ilike", "in", "initially", "inner", "inout", "int", "integer", "intersect", "interval", "into", "is",
    "isnull", "join", "json", "json_array", "json_arrayagg", "json_exists", "json_object", "json_objectagg",
    "json_query", "json_scalar", "json_serialize", "json_table", "json_value", "lateral", "leading", "least",
    "left", "like", "limit", "localtime", "localtimestamp", "merge_action", "national", "natural", "nchar", "none",
    "normalize", "not", "notnull", "null", "nullif", "numeric", "offset", "on", "only", "or", "order", "out",
    "outer", "overlaps", "overlay", "placing", "position", "precision", "primary", "real", "references",
    "returning", "right", "row", "select", "session_user", "setof", "similar", "smallint", "some", "substring",
    "symmetric", "system_user", "table", "tablesample", "then", "time", "timestamp", "to", "trailing", "treat",
    "trim", "true", "union", "unique", "user", "using", "values", "varchar", "variadic", "verbose", "when", "where",
    "window", "with", "xmlattributes", "xmlconcat", "xmlelement", "xmlexists", "xmlforest", "xmlnamespaces",
    "xmlparse", "xmlpi", "xmlroot", "xmlserialize", "xmltable",
];

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

    #[test]
    fn the_keyword_list_is_sorted_and_agrees_with_postgresqls_scanner() {
        use pg_query::protobuf::KeywordKind;
        assert!(RESERVED_KEYWORDS.windows(2).all(|pair| pair[0] < pair[1]));
        let kind = |word: &str| pg_query::scan(word).expect("scans").tokens[0].keyword_kind;
        for word in RESERVED_KEYWORDS {
            assert!(kind(word) > KeywordKind::UnreservedKeyword as i32, "{word} is reserved");
        }
        for word in ["name", "comment", "action", "data", "version", "key"] {
            assert_eq!(kind(word), KeywordKind::UnreservedKeyword as i32, "{word} is unreserved");
        }
    }
}
