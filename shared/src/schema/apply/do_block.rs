//! `DO $$ … $$` blocks, read with PostgreSQL's own PL/pgSQL parser: the statements a block
//! surely runs are applied as if written outside it, and an `IF` is followed where its
//! condition asks the catalog whether a constraint, table or column exists
//! (`IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = '…') THEN ALTER TABLE …`),
//! answered from the model. Parts that change rows only are nothing to the schema; the rest
//! (dynamic `EXECUTE`, loops or data-dependent branches around DDL, exception handlers,
//! which can undo part of a block) is "not modelled".

use super::Applier;
use crate::schema::model::QualifiedName;
use pg_query::NodeEnum;
use pg_query::protobuf::{AExprKind, BoolExprType, Node, SelectStmt, SubLinkType, a_const};
use serde_json::Value;

/// Where running a statement list left the block.
enum Flow {
    Next,
    Returned,
}

impl Applier<'_> {
    pub(super) fn do_block(&mut self, statement: &NodeEnum) {
        let NodeEnum::DoStmt(stmt) = statement else { return };
        let language = stmt.args.iter().find_map(|arg| match &arg.node {
            Some(NodeEnum::DefElem(option)) if option.defname == "language" => match option.arg.as_deref() {
                Some(Node { node: Some(NodeEnum::String(s)) }) => Some(s.sval.to_lowercase()),
                _ => None,
            },
            _ => None,
        });
        if language.as_deref().is_some_and(|l| l != "plpgsql") {
            return self.skip("a DO block in a language other than PL/pgSQL is not modelled");
        }
        let function = statement
            .deparse(pg_query::DeparseOptions::default())
            .ok()
            .and_then(|text| pg_query::parse_plpgsql(&text).ok());
        let Some(action) = function.as_ref().and_then(|f| f.pointer("/0/PLpgSQL_function/action")) else {
            return self.skip("a DO block PostgreSQL's PL/pgSQL parser does not read is not modelled");
        };
        self.run_plpgsql(std::slice::from_ref(action));
    }

    fn run_plpgsql(&mut self, statements: &[Value]) -> Flow {
        for statement in statements {
            let Some((kind, node)) = statement.as_object().and_then(|o| o.iter().next()) else { continue };
            let flow = match kind.as_str() {
                "PLpgSQL_stmt_block" if node.get("exceptions").is_none() => self.run_plpgsql(list(node, "body")),
                "PLpgSQL_stmt_execsql" => {
                    self.execute_sql(node);
                    Flow::Next
                }
                "PLpgSQL_stmt_if" => self.run_if(statement, node),
                "PLpgSQL_stmt_return" => Flow::Returned,
                _ if !changes_schema(statement) => Flow::Next,
                "PLpgSQL_stmt_block" => {
                    self.skip("a DO block's BEGIN … EXCEPTION block is not modelled (a handler can undo part of it)");
                    Flow::Next
                }
                _ => {
                    self.skip(format!("a DO block's {} is not modelled", words(kind)));
                    Flow::Next
                }
            };
            if let Flow::Returned = flow {
                return flow;
            }
        }
        Flow::Next
    }

    /// SQL written in the block: PL/pgSQL sends it as it is (a utility statement takes no
    /// variables), with a `SELECT`'s `INTO` already taken out.
    fn execute_sql(&mut self, node: &Value) {
        let Some(query) = node.pointer("/sqlstmt/PLpgSQL_expr/query").and_then(Value::as_str) else { return };
        let Ok(parsed) = pg_query::parse(query, 0) else {
            return self.skip("a DO block's statement does not parse");
        };
        for statement in parsed.protobuf.stmts.iter().filter_map(|s| s.stmt.as_deref()?.node.as_ref()) {
            self.statement(statement);
        }
    }

    fn run_if(&mut self, statement: &Value, node: &Value) -> Flow {
        let mut branches: Vec<(Option<&Value>, &[Value])> = vec![(node.get("cond"), list(node, "then_body"))];
        for elsif in list(node, "elsif_list") {
            let elsif = elsif.get("PLpgSQL_if_elsif").unwrap_or(&Value::Null);
            branches.push((elsif.get("cond"), list(elsif, "stmts")));
        }
        for (condition, body) in branches {
            let query = condition.and_then(|c| c.pointer("/PLpgSQL_expr/query")).and_then(Value::as_str);
            match query.and_then(|q| self.evaluate(q)) {
                Some(true) => return self.run_plpgsql(body),
                Some(false) => {}
                None if !changes_schema(statement) => return Flow::Next,
                None => {
                    self.skip("a DO block's IF whose condition the model cannot answer is not modelled");
                    return Flow::Next;
                }
            }
        }
        self.run_plpgsql(list(node, "else_body"))
    }

    /// A condition's value where it only asks the catalog what the model knows.
    fn evaluate(&self, condition: &str) -> Option<bool> {
        let parsed = pg_query::parse(&format!("SELECT {condition}"), 0).ok()?;
        let Some(NodeEnum::SelectStmt(select)) = parsed.protobuf.stmts.first()?.stmt.as_deref()?.node.as_ref() else {
            return None;
        };
        let [target] = select.target_list.as_slice() else { return None };
        let Some(NodeEnum::ResTarget(target)) = &target.node else { return None };
        self.truth(target.val.as_deref()?)
    }

    fn truth(&self, value: &Node) -> Option<bool> {
        match value.node.as_ref()? {
            NodeEnum::BoolExpr(expression) => {
                let values = expression.args.iter().map(|a| self.truth(a)).collect::<Option<Vec<bool>>>()?;
                match BoolExprType::try_from(expression.boolop).ok()? {
                    BoolExprType::NotExpr => Some(!*values.first()?),
                    BoolExprType::AndExpr => Some(values.iter().all(|v| *v)),
                    BoolExprType::OrExpr => Some(values.iter().any(|v| *v)),
                    BoolExprType::Undefined => None,
                }
            }
            NodeEnum::SubLink(link) if link.sub_link_type == SubLinkType::ExistsSublink as i32 => {
                match link.subselect.as_deref()?.node.as_ref()? {
                    NodeEnum::SelectStmt(select) => self.catalog_has(select),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// `SELECT … FROM <catalog> WHERE column = 'value' AND …` over a catalog of names the
    /// model keeps: whether a row exists.
    fn catalog_has(&self, select: &SelectStmt) -> Option<bool> {
        let [from] = select.from_clause.as_slice() else { return None };
        let Some(NodeEnum::RangeVar(catalog)) = &from.node else { return None };
        let filters = equalities(select.where_clause.as_deref()?)?;
        let value = |column: &str| filters.iter().find(|(c, _)| c == column).map(|(_, v)| v.as_str());
        let known = |columns: &[&str]| filters.iter().all(|(c, _)| columns.contains(&c.as_str()));
        let table_matches = |name: &QualifiedName, schema_column: &str| {
            value("table_name").is_none_or(|t| t == name.name) && value(schema_column).is_none_or(|s| s == name.schema)
        };
        let schema = &*self.schema;
        match (catalog.schemaname.as_str(), catalog.relname.as_str()) {
            ("" | "pg_catalog", "pg_constraint") if known(&["conname"]) => {
                let name = value("conname")?;
                Some(schema.tables.values().any(|t| t.constraint(name).is_some()))
            }
            ("information_schema", "table_constraints")
                if known(&["constraint_name", "table_name", "table_schema", "constraint_schema"]) =>
            {
                let name = value("constraint_name")?;
                let schema_matches = |n: &QualifiedName| value("constraint_schema").is_none_or(|s| s == n.schema);
                Some(schema.tables.iter().any(|(n, t)| {
                    table_matches(n, "table_schema") && schema_matches(n) && t.constraint(name).is_some()
                }))
            }
            ("information_schema", "tables") if known(&["table_name", "table_schema"]) => {
                let views = schema.views.iter().filter(|(_, v)| !v.materialized).map(|(n, _)| n);
                Some(schema.tables.keys().chain(views).any(|n| table_matches(n, "table_schema")))
            }
            ("information_schema", "columns") if known(&["table_name", "column_name", "table_schema"]) => {
                // A view's columns are there too, which the model does not list.
                if schema.views.keys().any(|n| table_matches(n, "table_schema")) {
                    return None;
                }
                let column = value("column_name");
                Some(
                    schema
                        .tables
                        .iter()
                        .any(|(n, t)| table_matches(n, "table_schema") && column.is_none_or(|c| t.column(c).is_some())),
                )
            }
            _ => None,
        }
    }
}

/// `a = 'x' AND b = 'y'` as (column, value) pairs; `None` for anything else.
fn equalities(condition: &Node) -> Option<Vec<(String, String)>> {
    match condition.node.as_ref()? {
        NodeEnum::BoolExpr(expression) if expression.boolop == BoolExprType::AndExpr as i32 => {
            Some(expression.args.iter().map(equalities).collect::<Option<Vec<_>>>()?.concat())
        }
        NodeEnum::AExpr(expression) if expression.kind == AExprKind::AexprOp as i32 => {
            if super::strings(&expression.name) != ["="] {
                return None;
            }
            let (left, right) = (expression.lexpr.as_deref()?, expression.rexpr.as_deref()?);
            let pair = column_and_text(left, right).or_else(|| column_and_text(right, left))?;
            Some(vec![pair])
        }
        _ => None,
    }
}

fn column_and_text(column: &Node, text: &Node) -> Option<(String, String)> {
    let Some(NodeEnum::ColumnRef(column)) = &column.node else { return None };
    let name = super::strings(&column.fields).pop()?;
    match &text.node {
        Some(NodeEnum::AConst(constant)) => match &constant.val {
            Some(a_const::Val::Sval(s)) => Some((name, s.sval.clone())),
            _ => None,
        },
        _ => None,
    }
}

/// A statement list's field (`body`, `then_body`…), empty when absent.
fn list<'v>(node: &'v Value, field: &str) -> &'v [Value] {
    node.get(field).and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

/// Whether a PL/pgSQL statement (with what it holds) may change the schema: anything but SQL
/// that reads or writes rows, RAISE, assignments, PERFORM and control flow around those.
fn changes_schema(statement: &Value) -> bool {
    const ROWS_ONLY: [&str; 17] = [
        "PLpgSQL_stmt_block",
        "PLpgSQL_stmt_if",
        "PLpgSQL_stmt_case",
        "PLpgSQL_stmt_loop",
        "PLpgSQL_stmt_while",
        "PLpgSQL_stmt_fori",
        "PLpgSQL_stmt_fors",
        "PLpgSQL_stmt_foreach_a",
        "PLpgSQL_stmt_exit",
        "PLpgSQL_stmt_return",
        "PLpgSQL_stmt_raise",
        "PLpgSQL_stmt_assert",
        "PLpgSQL_stmt_assign",
        "PLpgSQL_stmt_perform",
        "PLpgSQL_stmt_getdiag",
        "PLpgSQL_stmt_execsql",
        "PLpgSQL_stmt_null",
    ];
    match statement {
        Value::Object(fields) => fields.iter().any(|(key, child)| {
            if key.starts_with("PLpgSQL_stmt_") && !ROWS_ONLY.contains(&key.as_str()) {
                return true;
            }
            if key == "PLpgSQL_stmt_execsql" {
                let query = child.pointer("/sqlstmt/PLpgSQL_expr/query").and_then(Value::as_str).unwrap_or("");
                return !rows_only(query);
            }
            changes_schema(child)
        }),
        Value::Array(items) => items.iter().any(changes_schema),
        _ => false,
    }
}

/// Whether SQL only reads or writes rows.
fn rows_only(query: &str) -> bool {
    pg_query::parse(query, 0).is_ok_and(|parsed| {
        parsed.protobuf.stmts.iter().all(|s| {
            matches!(
                s.stmt.as_deref().and_then(|n| n.node.as_ref()),
                Some(
                    NodeEnum::SelectStmt(_)
                        | NodeEnum::InsertStmt(_)
                        | NodeEnum::UpdateStmt(_)
                        | NodeEnum::DeleteStmt(_)
                        | NodeEnum::MergeStmt(_)
                )
            )
        })
    })
}

/// `PLpgSQL_stmt_fori` → `fori statement`.
fn words(kind: &str) -> String {
    match kind {
        "PLpgSQL_stmt_dynexecute" => "EXECUTE of SQL built at run time".to_owned(),
        _ => format!("{} statement", kind.trim_start_matches("PLpgSQL_stmt_")),
    }
}
