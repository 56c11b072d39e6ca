//! Whether a view's query reads a column, as PostgreSQL records it in `pg_depend`: a view
//! depends on the columns its query names (each name resolved through the FROM scopes it is
//! written in, innermost first) and on those a `*` expanded to — not on every column of the
//! tables it reads. `DROP COLUMN … CASCADE` drops exactly those views.

use crate::schema::model::{QualifiedName, Schema};
use serde_json::{Map, Value};

/// Whether the query `definition` reads `table.column`. A query the parser refuses is taken
/// to read it (the model cannot tell otherwise).
pub(super) fn view_reads_column(schema: &Schema, definition: &str, table: &QualifiedName, column: &str) -> bool {
    let Ok(parsed) = pg_query::parse(definition, 0) else { return true };
    let Some(statement) = parsed.protobuf.stmts.first().and_then(|s| s.stmt.as_deref()) else { return true };
    // The tree as JSON is walked whole, so every expression kind is reached (as the lint's
    // features walk does) without a hand-kept list of which fields hold children.
    let Ok(tree) = serde_json::to_value(statement) else { return true };
    Resolver { schema, table, column, scopes: Vec::new() }.walk(&tree)
}

/// A relation in a FROM list: the name it is referred to by, the model relation it is (if a
/// table), and its columns as visible name → the table's own name (`None`: not known).
struct Source {
    alias: String,
    relation: Option<QualifiedName>,
    columns: Option<Vec<(String, String)>>,
}

struct Resolver<'a> {
    schema: &'a Schema,
    table: &'a QualifiedName,
    column: &'a str,
    /// One FROM scope per SELECT being walked, outermost first; with the CTE names it sees.
    scopes: Vec<(Vec<Source>, Vec<String>)>,
}

impl Resolver<'_> {
    fn walk(&mut self, value: &Value) -> bool {
        match value {
            Value::Object(fields) => fields.iter().any(|(key, child)| match (key.as_str(), child) {
                ("SelectStmt", Value::Object(select)) => self.select(select),
                ("ColumnRef", Value::Object(column)) => self.column_ref(column),
                _ => self.walk(child),
            }),
            Value::Array(items) => items.iter().any(|item| self.walk(item)),
            _ => false,
        }
    }

    fn select(&mut self, select: &Map<String, Value>) -> bool {
        let mut ctes: Vec<String> = self.scopes.last().map(|(_, c)| c.clone()).unwrap_or_default();
        let with = select.get("with_clause").unwrap_or(&Value::Null);
        for cte in with.get("ctes").and_then(Value::as_array).into_iter().flatten() {
            if let Some(name) = cte.pointer("/node/CommonTableExpr/ctename").and_then(Value::as_str) {
                ctes.push(name.to_owned());
            }
        }
        // A CTE's query sees the outer scopes, not this SELECT's FROM.
        self.scopes.push((Vec::new(), ctes.clone()));
        let in_ctes = self.walk(with);
        self.scopes.pop();
        if in_ctes {
            return true;
        }
        let mut sources = Vec::new();
        for item in select.get("from_clause").and_then(Value::as_array).into_iter().flatten() {
            self.read_from_item(item, &ctes, &mut sources);
        }
        self.scopes.push((sources, ctes));
        let found = select.iter().any(|(key, child)| match (key.as_str(), child) {
            ("with_clause", _) => false,
            // UNION's branches are SELECTs of their own, not wrapped as nodes.
            ("larg" | "rarg", Value::Object(branch)) => self.select(branch),
            _ => self.walk(child),
        });
        self.scopes.pop();
        found
    }

    fn read_from_item(&self, item: &Value, ctes: &[String], sources: &mut Vec<Source>) {
        let Some(Value::Object(node)) = item.get("node") else { return };
        let alias_of = |value: &Value| value.pointer("/alias/aliasname").and_then(Value::as_str).map(str::to_owned);
        for (kind, value) in node {
            match kind.as_str() {
                "RangeVar" => {
                    let text = |field: &str| value.get(field).and_then(Value::as_str).unwrap_or("");
                    let (schema, name) = (text("schemaname"), text("relname"));
                    let relation = (!schema.is_empty() || !ctes.iter().any(|c| c == name))
                        .then(|| QualifiedName::new(schema, name));
                    let mut columns = relation
                        .as_ref()
                        .and_then(|r| self.schema.tables.get(r))
                        .map(|t| t.columns.iter().map(|c| (c.name.clone(), c.name.clone())).collect::<Vec<_>>());
                    // `FROM t AS x(a, b)` renames t's first columns.
                    let renamed = value.pointer("/alias/colnames").and_then(Value::as_array);
                    if let (Some(columns), Some(renamed)) = (columns.as_mut(), renamed) {
                        for ((visible, _), name) in columns.iter_mut().zip(renamed) {
                            if let Some(name) = name.pointer("/node/String/sval").and_then(Value::as_str) {
                                *visible = name.to_owned();
                            }
                        }
                    }
                    sources.push(Source {
                        alias: alias_of(value).unwrap_or_else(|| name.to_owned()),
                        relation,
                        columns,
                    });
                }
                "JoinExpr" => {
                    for side in ["larg", "rarg"] {
                        if let Some(side) = value.get(side) {
                            self.read_from_item(side, ctes, sources);
                        }
                    }
                }
                // Subqueries and functions: their own queries are walked as they come.
                _ => sources.push(Source { alias: alias_of(value).unwrap_or_default(), relation: None, columns: None }),
            }
        }
    }

    /// Whether this column reference (or `*`) reaches the column.
    fn column_ref(&self, column: &Map<String, Value>) -> bool {
        let fields: Vec<&Value> = column.get("fields").and_then(Value::as_array).into_iter().flatten().collect();
        let star = fields.last().is_some_and(|f| f.pointer("/node/AStar").is_some());
        let names: Vec<&str> =
            fields.iter().filter_map(|f| f.pointer("/node/String/sval").and_then(Value::as_str)).collect();
        let is_table = |source: &Source| source.relation.as_ref() == Some(self.table);
        let reads = |source: &Source, name: &str| {
            is_table(source)
                && source.columns.as_ref().is_none_or(|c| c.iter().any(|(v, own)| v == name && own == self.column))
        };
        match (names.as_slice(), star) {
            // `*`: every column of the innermost FROM.
            ([], true) => self.scopes.last().is_some_and(|(sources, _)| sources.iter().any(is_table)),
            ([.., qualifier], true) => self.qualified(qualifier).is_some_and(is_table),
            ([name], false) => {
                for (sources, _) in self.scopes.iter().rev() {
                    if sources.iter().any(|s| reads(s, name)) {
                        return true;
                    }
                    // Found in another relation of this scope: it is that relation's column.
                    if sources.iter().any(|s| s.columns.as_ref().is_some_and(|c| c.iter().any(|(v, _)| v == name))) {
                        return false;
                    }
                }
                false
            }
            ([.., qualifier, name], false) => self.qualified(qualifier).is_some_and(|s| reads(s, name)),
            ([], false) => false,
        }
    }

    /// The source `t.` refers to: the innermost scope's relation with that name.
    fn qualified(&self, qualifier: &str) -> Option<&Source> {
        self.scopes.iter().rev().find_map(|(sources, _)| sources.iter().find(|s| s.alias == qualifier))
    }
}
