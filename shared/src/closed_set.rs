//! `closed_set!`: an enum whose variants each have one spelling, shared by serde (the JSON,
//! and the text Strata stores), `name`, `Display` and `FromStr`/`TryFrom<&str>`, so no
//! second spelling can drift from the first.

/// `closed_set! { /// docs  pub enum Name("what it is, for errors") { Variant = "spelling", } }`
/// Extra derives (`Default`, `PartialOrd`, ...) and variant attributes (`#[default]`) pass through.
macro_rules! closed_set {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident($what:literal) {
            $($(#[$variant_meta:meta])* $variant:ident = $spelling:literal,)*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        $vis enum $name {
            $($(#[$variant_meta])* #[serde(rename = $spelling)] $variant,)*
        }

        impl $name {
            pub const ALL: &[$name] = &[$($name::$variant,)*];

            /// Its one spelling: in JSON, in the database, on the command line and in the page.
            pub fn name(self) -> &'static str {
                match self {
                    $($name::$variant => $spelling,)*
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;

            fn from_str(text: &str) -> std::result::Result<Self, String> {
                $name::ALL.iter().copied().find(|value| value.name() == text).ok_or_else(|| {
                    let names: Vec<&str> = $name::ALL.iter().map(|value| value.name()).collect();
                    format!("unknown {} `{text}` (one of: {})", $what, names.join(", "))
                })
            }
        }

        impl TryFrom<&str> for $name {
            type Error = String;

            fn try_from(text: &str) -> std::result::Result<Self, String> {
                text.parse()
            }
        }
    };
}

pub(crate) use closed_set;

#[cfg(test)]
mod tests {
    use crate::api::{RunStatus, StepOutcome};
    use crate::plan::{Direction, Operation};
    use crate::rehearsal::RehearsalCopy;
    use crate::runbook::{BackupKind, CheckKind, CheckPhase};
    use crate::{diagnostic, lint};

    /// Every variant's spelling parses back, and is its JSON; unknown text is an error that
    /// names what was expected. Returns the spellings, in order.
    macro_rules! spellings {
        ($set:ty) => {{
            for value in <$set>::ALL.iter().copied() {
                assert_eq!(value.name().parse::<$set>(), Ok(value));
                assert_eq!(<$set>::try_from(value.name()), Ok(value));
                assert_eq!(value.to_string(), value.name());
                let json = serde_json::to_string(&value).unwrap();
                assert_eq!(json, format!("\"{}\"", value.name()));
                assert_eq!(serde_json::from_str::<$set>(&json).unwrap(), value);
            }
            let error = "Nonsense".parse::<$set>().unwrap_err();
            let names: Vec<&str> = <$set>::ALL.iter().map(|value| value.name()).collect();
            assert!(error.contains("`Nonsense`") && error.contains(&names.join(", ")), "{error}");
            names
        }};
    }

    /// The spellings are the journal's stored text and the API's JSON: these lists are the
    /// journal's CHECK constraints (server/journal_migrations/) and must not change.
    #[test]
    fn every_closed_set_round_trips_through_its_one_spelling() {
        assert_eq!(spellings!(RunStatus), ["running", "succeeded", "failed", "interrupted"]);
        assert_eq!(spellings!(StepOutcome), ["applied", "failed"]);
        assert_eq!(spellings!(Operation), ["upgrade", "downgrade", "stamp"]);
        assert_eq!(spellings!(Direction), ["up", "down"]);
        assert_eq!(spellings!(lint::Severity), ["hint", "warning", "error"]);
        assert_eq!(spellings!(diagnostic::Severity), ["error", "warning"]);
        assert_eq!(spellings!(BackupKind), ["none", "touched", "schema", "full"]);
        assert_eq!(spellings!(CheckKind), ["sql", "http"]);
        assert_eq!(spellings!(CheckPhase), ["before-commit", "after-commit"]);
        assert_eq!(spellings!(RehearsalCopy), ["schema", "data"]);
    }

    #[test]
    fn an_unknown_spelling_says_what_it_is_not() {
        assert_eq!(
            "done".parse::<RunStatus>(),
            Err("unknown run status `done` (one of: running, succeeded, failed, interrupted)".to_owned())
        );
        assert!(serde_json::from_str::<Direction>("\"sideways\"").is_err());
    }
}
