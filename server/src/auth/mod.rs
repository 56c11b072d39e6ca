//! Who is calling: password hashes, the secrets behind sessions and tokens, and password
//! checks on a few threads. The accounts, sessions, tokens and sign-in throttle are stored in
//! `state`; what each role may do is `strata_shared::access`.

pub mod first_run;
pub mod password;
pub mod secret;
pub mod verifier;

pub use secret::same as same_secret;
