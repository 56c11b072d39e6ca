pub mod diagnostics;
pub mod sql_view;
