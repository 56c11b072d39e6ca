pub mod diagnostics;
pub mod diagram;
pub mod history_graph;
pub mod schema_changes;
pub mod sql_view;
