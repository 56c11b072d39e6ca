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

    fn name(self) -> &'static str {
        match self {
            Field::UserName => "the user name",
            Field::Password => "the password",
            Field::Comment => "the comment",
            Field::TokenLabel => "the token label",
            Field::Target => "the target",
            Field::EnvironmentName => "the environment name",
            Field::AuditFilter => "the filter",
        }
    }
}

/// `Err` with a message naming the field and its limit when `text` is longer.
pub fn check(field: Field, text: &str) -> Result<(), String> {
    let limit = field.max_chars();
    // Counting stops at the limit, so a huge text costs no more than a long one.
    if text.chars().nth(limit).is_some() {
        Err(format!("{} is too long: at most {limit} characters", field.name()))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_up_to_the_limit_passes_and_one_more_character_is_refused() {
        let limit = Field::UserName.max_chars();
        assert_eq!(check(Field::UserName, &"ñ".repeat(limit)), Ok(()));
        assert_eq!(
            check(Field::UserName, &"ñ".repeat(limit + 1)),
            Err("the user name is too long: at most 64 characters".to_owned())
        );
        assert!(check(Field::Comment, &"x".repeat(10_000_000)).is_err());
    }
}
