//! Syntax highlighting from PostgreSQL's own scanner: each token of the text with its class,
//! so the browser colours SQL exactly as PostgreSQL reads it (dollar-quoted bodies included).

use pg_query::protobuf::{KeywordKind, Token};
use serde::{Deserialize, Serialize};
use std::ops::Range;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TokenClass {
    Keyword,
    String,
    Number,
    Comment,
    Identifier,
    Operator,
}

impl TokenClass {
    /// The CSS class the studio gives it.
    pub fn css(self) -> &'static str {
        match self {
            TokenClass::Keyword => "tok-keyword",
            TokenClass::String => "tok-string",
            TokenClass::Number => "tok-number",
            TokenClass::Comment => "tok-comment",
            TokenClass::Identifier => "tok-identifier",
            TokenClass::Operator => "tok-operator",
        }
    }
}

/// Byte ranges of `sql`'s tokens with their class, in order; empty when the scanner fails
/// (an unterminated string): the text is then shown plain.
pub fn highlight(sql: &str) -> Vec<(Range<usize>, TokenClass)> {
    let Ok(tokens) = pg_query::scan_tokens(sql) else { return Vec::new() };
    tokens
        .iter()
        .map(|token| {
            let kind = Token::try_from(token.token).unwrap_or(Token::Nul);
            let class = if token.keyword_kind != KeywordKind::NoKeyword as i32 {
                TokenClass::Keyword
            } else {
                match kind {
                    Token::Sconst | Token::Usconst | Token::Bconst | Token::Xconst => TokenClass::String,
                    Token::Iconst | Token::Fconst => TokenClass::Number,
                    Token::SqlComment | Token::CComment => TokenClass::Comment,
                    Token::Ident | Token::Uident | Token::Param => TokenClass::Identifier,
                    _ => TokenClass::Operator,
                }
            };
            (token.start.max(0) as usize..token.end.max(0) as usize, class)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_follow_postgresqls_scanner() {
        let sql = "SELECT 'a', 42 FROM t -- note\nWHERE x = $$body$$";
        let classes: Vec<(&str, TokenClass)> =
            highlight(sql).into_iter().map(|(range, class)| (&sql[range], class)).collect();
        assert_eq!(
            classes,
            [
                ("SELECT", TokenClass::Keyword),
                ("'a'", TokenClass::String),
                (",", TokenClass::Operator),
                ("42", TokenClass::Number),
                ("FROM", TokenClass::Keyword),
                ("t", TokenClass::Identifier),
                ("-- note", TokenClass::Comment),
                ("WHERE", TokenClass::Keyword),
                ("x", TokenClass::Identifier),
                ("=", TokenClass::Operator),
                ("$$body$$", TokenClass::String),
            ]
        );
    }
}
