//! A PostgreSQL server's version: what `server_version_num` reports, or what strata.toml or
//! `--target-version` says when the server cannot be asked.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct PostgresVersion {
    pub major: u32,
    /// The minor release, when it is known (read from a server, not configured).
    pub minor: Option<u32>,
}

impl PostgresVersion {
    pub fn major(major: u32) -> Self {
        Self { major, minor: None }
    }

    /// From `server_version_num`: 150018 is 15.18 (and, before 10, 90624 is 9.6).
    pub fn from_version_num(num: u32) -> Self {
        if num >= 100_000 {
            Self { major: num / 10_000, minor: Some(num % 10_000) }
        } else {
            Self { major: num / 10_000, minor: Some(num / 100 % 100) }
        }
    }
}

impl fmt::Display for PostgresVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.minor {
            Some(minor) => write!(f, "{}.{minor}", self.major),
            None => write!(f, "{}", self.major),
        }
    }
}

impl std::str::FromStr for PostgresVersion {
    type Err = String;

    /// `15` or `15.4`.
    fn from_str(text: &str) -> Result<Self, String> {
        let bad = || format!("`{text}` is not a PostgreSQL version: write its major version, e.g. 15 or 15.4");
        let (major, minor) = match text.trim().split_once('.') {
            Some((major, minor)) => (major, Some(minor.parse::<u32>().map_err(|_| bad())?)),
            None => (text.trim(), None),
        };
        let major: u32 = major.parse().map_err(|_| bad())?;
        if !(10..=99).contains(&major) {
            return Err(bad());
        }
        Ok(Self { major, minor })
    }
}

#[cfg(test)]
mod tests {
    use super::PostgresVersion;

    #[test]
    fn reads_server_version_num_and_configured_text() {
        assert_eq!(PostgresVersion::from_version_num(150018).to_string(), "15.18");
        assert_eq!(PostgresVersion::from_version_num(180000).major, 18);
        assert_eq!(PostgresVersion::from_version_num(90624).to_string(), "9.6");
        assert_eq!("16".parse::<PostgresVersion>(), Ok(PostgresVersion::major(16)));
        assert_eq!("15.4".parse::<PostgresVersion>().map(|v| v.to_string()), Ok("15.4".to_owned()));
        assert!("fifteen".parse::<PostgresVersion>().is_err());
        assert!("150018".parse::<PostgresVersion>().is_err(), "a version number is not a major version");
    }
}
