//! Who is calling: accounts, password hashes, browser sessions, API tokens, throttling of
//! failed sign-ins. What each role may do is `strata_shared::access`.

pub mod first_run;
pub mod password;
mod secret;
pub mod sessions;
pub mod throttle;
pub mod tokens;
pub mod users;
pub mod verifier;

pub use secret::same as same_secret;
