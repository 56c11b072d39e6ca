//! What a statement is: its kind, the objects it touches, and a consistently formatted
//! preview (PostgreSQL's parse tree printed back by pg_query's deparser).

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StatementKind {
    /// Changes the schema: CREATE, ALTER, DROP, COMMENT, GRANT, ...
    Ddl,
    /// Reads or changes rows: SELECT, INSERT, UPDATE, DELETE, MERGE, TRUNCATE, COPY.
    Dml,
    /// BEGIN, COMMIT, ROLLBACK, SAVEPOINT, ...
    Transaction,
    /// Everything else: SET, DO, VACUUM, ...
    Other,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementInfo {
    pub kind: StatementKind,
    /// PostgreSQL's name for the statement, e.g. `CreateStmt`.
    pub node: String,
    /// Tables, views and functions it names, schema-qualified when written so.
    pub objects: Vec<String>,
    /// The statement as the deparser prints it, pretty.
    pub formatted: String,
}

/// `None` when the statement does not parse (its syntax error is reported elsewhere).
pub fn describe(sql: &str) -> Option<StatementInfo> {
    let result = pg_query::parse(sql, 0).ok()?;
    let node = result.statement_types().first().map(|s| s.to_string()).unwrap_or_default();
    let mut objects: Vec<String> = result.tables().into_iter().chain(result.functions()).collect();
    objects.sort();
    objects.dedup();
    let options = pg_query::DeparseOptions { pretty_print: true, ..pg_query::DeparseOptions::default() };
    let formatted = result.deparse(options).unwrap_or_else(|_| sql.trim().to_owned());
    Some(StatementInfo { kind: kind_of(&node), node, objects, formatted })
}

fn kind_of(node: &str) -> StatementKind {
    const DML: [&str; 7] =
        ["SelectStmt", "InsertStmt", "UpdateStmt", "DeleteStmt", "MergeStmt", "TruncateStmt", "CopyStmt"];
    const DDL_PREFIXES: [&str; 8] = ["Create", "Alter", "Drop", "Rename", "Comment", "Grant", "Revoke", "Define"];
    if DML.contains(&node) {
        StatementKind::Dml
    } else if node == "TransactionStmt" {
        StatementKind::Transaction
    } else if DDL_PREFIXES.iter().any(|p| node.starts_with(p)) || matches!(node, "IndexStmt" | "ViewStmt" | "RuleStmt")
    {
        StatementKind::Ddl
    } else {
        StatementKind::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_objects_and_a_formatted_preview() {
        let ddl = describe("alter table  public.account add column plan text not null default 'free'").expect("parses");
        assert_eq!((ddl.kind, ddl.node.as_str()), (StatementKind::Ddl, "AlterTableStmt"));
        assert_eq!(ddl.objects, ["public.account"]);
        assert_eq!(ddl.formatted, "ALTER TABLE public.account\n    ADD COLUMN plan text NOT NULL DEFAULT 'free'");

        let dml =
            describe("UPDATE customer c SET billing_email = a.email FROM account a WHERE a.id = c.owner_id").unwrap();
        assert_eq!(
            (dml.kind, dml.objects.clone()),
            (StatementKind::Dml, vec!["account".to_owned(), "customer".to_owned()])
        );

        let trigger =
            describe("CREATE TRIGGER t BEFORE UPDATE ON customer FOR EACH ROW EXECUTE FUNCTION set_updated_at()")
                .unwrap();
        assert_eq!((trigger.kind, trigger.objects), (StatementKind::Ddl, vec!["customer".to_owned()]));
        let function = describe("CREATE FUNCTION total() RETURNS int LANGUAGE sql AS 'SELECT 1'").unwrap();
        assert_eq!(function.objects, ["total"]);

        assert_eq!(describe("BEGIN").unwrap().kind, StatementKind::Transaction);
        assert_eq!(describe("SET lock_timeout = '5s'").unwrap().kind, StatementKind::Other);
        assert_eq!(describe("CREATE INDX oops ON t (a)"), None);
    }
}
