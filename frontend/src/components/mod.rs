pub mod diagnostics;
pub mod diagram;
pub mod history_graph;
pub mod review_panel;
pub mod run_evidence;
pub mod schema_changes;
pub mod script_view;
pub mod sql_view;
