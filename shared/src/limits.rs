//! How long user-supplied text may be: the one place for these limits. The server refuses
//! longer text before it stores or hashes anything; the studio uses the same numbers for its
//! input fields.

/// A piece of text a user types.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    UserName,
    Password,
    Comment,
    TokenLabel,
    /// A target spec such as `head`, `ae10@head` or several ids for a stamp.
    Target,
    EnvironmentName,
    /// A filter of the audit log (a name, an action, an environment).
    AuditFilter,
}

impl Field {
    /// The most characters (Unicode scalar values) the field may hold.
    pub const fn max_chars(self) -> usize {
        match self {
            Field::UserName => 64,
            // Long enough for any passphrase; argon2 hashes it once per attempt.
            Field::Password => 256,
            Field::Comment => 10_000,
            Field::TokenLabel => 100,
            Field::Target => 2_000,
            Field::EnvironmentName => 128,
            Field::AuditFilter => 128,
        }
    }
}

/// Text longer than its field allows: the field and its limit (worded by `words`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TooLong {
    pub field: Field,
    pub limit: usize,
}

impl std::fmt::Display for TooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let message = crate::words::Message::TooLong { field: self.field, limit: self.limit };
        f.write_str(&message.words(crate::words::Lang::En))
    }
}

impl std::error::Error for TooLong {}

/// `Err` naming the field and its limit when `text` is longer.
pub fn check(field: Field, text: &str) -> Result<(), TooLong> {
    let limit = field.max_chars();
    // Counting stops at the limit, so a huge text costs no more than a long one.
    if text.chars().nth(limit).is_some() { Err(TooLong { field, limit }) } else { Ok(()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_up_to_the_limit_passes_and_one_more_character_is_refused() {
        let limit = Field::UserName.max_chars();
        assert_eq!(check(Field::UserName, &"ñ".repeat(limit)), Ok(()));
        let too_long = check(Field::UserName, &"ñ".repeat(limit + 1)).unwrap_err();
        assert_eq!(too_long.to_string(), "the user name is too long: at most 64 characters");
        assert!(check(Field::Comment, &"x".repeat(10_000_000)).is_err());
    }
}
