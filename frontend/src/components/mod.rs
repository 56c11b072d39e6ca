pub mod diagnostics;
pub mod schema_changes;
pub mod sql_view;
