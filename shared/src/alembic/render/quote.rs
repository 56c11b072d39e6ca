//! Identifiers and literals as SQLAlchemy's PostgreSQL dialect writes them.

/// SQLAlchemy's PostgreSQL reserved words: an identifier equal to one is quoted.
const RESERVED_WORDS: [&str; 102] = [
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "both",
    "case",
    "cast",
    "check",
    "collate",
    "column",
    "constraint",
    "create",
    "current_catalog",
    "current_date",
    "current_role",
    "current_time",
    "current_timestamp",
    "current_user",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "false",
    "fetch",
    "for",
    "foreign",
    "from",
    "grant",
    "group",
    "having",
    "in",
    "initially",
    "intersect",
    "into",
    "leading",
    "limit",
    "localtime",
    "localtimestamp",
    "new",
    "not",
    "null",
    "of",
    "off",
    "offset",
    "old",
    "on",
    "only",
    "or",
    "order",
    "placing",
    "primary",
    "references",
    "returning",
    "select",
    "session_user",
    "some",
    "symmetric",
    "table",
    "then",
    "to",
    "trailing",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "variadic",
    "when",
    "where",
    "window",
    "with",
    "authorization",
    "between",
    "binary",
    "cross",
    "current_schema",
    "freeze",
    "full",
    "ilike",
    "inner",
    "is",
    "isnull",
    "join",
    "left",
    "like",
    "natural",
    "notnull",
    "outer",
    "over",
    "overlaps",
    "right",
    "similar",
    "verbose",
];

/// An identifier, double-quoted when PostgreSQL would otherwise read it differently:
/// reserved words, upper case, characters beyond `[a-z0-9_$]`, a leading digit or `$`.
pub fn ident(name: &str) -> String {
    let plain = !name.is_empty()
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '$')
        && !name.starts_with(|c: char| c.is_ascii_digit() || c == '$')
        && !RESERVED_WORDS.contains(&name);
    if plain { name.to_owned() } else { format!("\"{}\"", name.replace('"', "\"\"")) }
}

/// `schema.name`, each part quoted as needed.
pub fn qualified(schema: Option<&str>, name: &str) -> String {
    match schema {
        Some(schema) => format!("{}.{}", ident(schema), ident(name)),
        None => ident(name),
    }
}

/// A string literal: single quotes doubled.
pub fn string_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// PostgreSQL's identifier length, which SQLAlchemy's dialect enforces.
const MAX_IDENTIFIER: usize = 63;

/// A name SQLAlchemy generates (e.g. `ix_<table>_<column>`): beyond 63 characters it is cut
/// to 55 and given `_` and the last 4 hex digits of its MD5.
pub fn generated_name(name: String) -> String {
    if name.chars().count() <= MAX_IDENTIFIER {
        return name;
    }
    use md5::Digest;
    let digest: String = md5::Md5::digest(name.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
    let kept: String = name.chars().take(MAX_IDENTIFIER - 8).collect();
    format!("{kept}_{}", &digest[digest.len() - 4..])
}

/// A name given explicitly: SQLAlchemy refuses one beyond 63 characters.
pub fn check_given_name(name: &str) -> Result<(), super::unknown::Unknown> {
    if name.chars().count() > MAX_IDENTIFIER {
        return Err(super::unknown::unknown(
            format!("'{}'", super::unknown::shorten(name)),
            "a name longer than 63 characters (SQLAlchemy refuses it)",
        ));
    }
    Ok(())
}
