pub mod overview;
pub mod revision;
