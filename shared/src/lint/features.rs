//! Which PostgreSQL a statement needs. Strata parses with PostgreSQL 18's grammar, so it
//! accepts syntax an older server rejects at run time; this is the one table of syntax and
//! functions → the first major version that has them (from PostgreSQL's release notes), found
//! on pg_query's parse tree.

use pg_query::NodeEnum;
use pg_query::protobuf::{AlterTableType, ConstrType, MergeMatchKind};
use serde_json::{Map, Value};

/// A piece of syntax (or a built-in function) that not every supported PostgreSQL has.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Feature {
    ReindexConcurrently,
    StoredGeneratedColumn,
    CreateOrReplaceTrigger,
    ColumnCompression,
    DetachPartitionConcurrently,
    SqlStandardFunctionBody,
    GroupByDistinct,
    SearchOrCycleClause,
    Merge,
    NullsNotDistinct,
    SecurityInvokerView,
    SubqueryWithoutAlias,
    SqlJsonConstructor,
    IsJsonPredicate,
    MergeReturning,
    MergeNotMatchedBySource,
    MergeAction,
    JsonTable,
    SqlJsonQueryFunction,
    SetExpression,
    MaintainPrivilege,
    VirtualGeneratedColumn,
    WithoutOverlaps,
    NotNullNotValid,
    /// A built-in function, from `NEW_FUNCTIONS`.
    Function(&'static str),
}

/// Built-in functions by the major version that added them. Only names no older version had
/// under any signature, so a call by name is enough to tell.
const NEW_FUNCTIONS: &[(&str, u32)] = &[
    ("bit_count", 14),
    ("date_bin", 14),
    ("range_agg", 14),
    ("string_to_table", 14),
    ("trim_array", 14),
    ("unistr", 14),
    ("regexp_count", 15),
    ("regexp_instr", 15),
    ("regexp_like", 15),
    ("regexp_substr", 15),
    ("any_value", 16),
    ("array_sample", 16),
    ("array_shuffle", 16),
    ("date_add", 16),
    ("date_subtract", 16),
    ("erf", 16),
    ("erfc", 16),
    ("pg_input_error_info", 16),
    ("pg_input_is_valid", 16),
    ("random_normal", 16),
    ("pg_basetype", 17),
    ("to_bin", 17),
    ("to_oct", 17),
    ("to_regtypemod", 17),
    ("uuid_extract_timestamp", 17),
    ("uuid_extract_version", 17),
    ("array_reverse", 18),
    ("array_sort", 18),
    ("casefold", 18),
    ("crc32", 18),
    ("crc32c", 18),
    ("uuidv4", 18),
    ("uuidv7", 18),
];

impl Feature {
    /// The first PostgreSQL major version that has it.
    pub fn since(self) -> u32 {
        use Feature::*;
        match self {
            ReindexConcurrently | StoredGeneratedColumn => 12,
            CreateOrReplaceTrigger
            | ColumnCompression
            | DetachPartitionConcurrently
            | SqlStandardFunctionBody
            | GroupByDistinct
            | SearchOrCycleClause => 14,
            Merge | NullsNotDistinct | SecurityInvokerView => 15,
            SubqueryWithoutAlias | SqlJsonConstructor | IsJsonPredicate => 16,
            MergeReturning
            | MergeNotMatchedBySource
            | MergeAction
            | JsonTable
            | SqlJsonQueryFunction
            | SetExpression
            | MaintainPrivilege => 17,
            VirtualGeneratedColumn | WithoutOverlaps | NotNullNotValid => 18,
            Function(name) => NEW_FUNCTIONS.iter().find(|(n, _)| *n == name).map_or(18, |(_, since)| *since),
        }
    }

    /// What it is, in the words of PostgreSQL's documentation.
    pub fn name(self) -> String {
        use Feature::*;
        let name = match self {
            ReindexConcurrently => "REINDEX CONCURRENTLY",
            StoredGeneratedColumn => "generated columns (GENERATED ALWAYS AS … STORED)",
            CreateOrReplaceTrigger => "CREATE OR REPLACE TRIGGER",
            ColumnCompression => "column COMPRESSION",
            DetachPartitionConcurrently => "DETACH PARTITION … CONCURRENTLY",
            SqlStandardFunctionBody => "SQL-standard function bodies (BEGIN ATOMIC / RETURN)",
            GroupByDistinct => "GROUP BY DISTINCT",
            SearchOrCycleClause => "SEARCH / CYCLE clauses of recursive queries",
            Merge => "MERGE",
            NullsNotDistinct => "UNIQUE NULLS NOT DISTINCT",
            SecurityInvokerView => "security_invoker views",
            SubqueryWithoutAlias => "a subquery in FROM without an alias",
            SqlJsonConstructor => "SQL/JSON constructors (JSON_OBJECT, JSON_ARRAY, JSON_OBJECTAGG, JSON_ARRAYAGG)",
            IsJsonPredicate => "IS JSON",
            MergeReturning => "MERGE … RETURNING",
            MergeNotMatchedBySource => "MERGE … WHEN NOT MATCHED BY SOURCE",
            MergeAction => "merge_action()",
            JsonTable => "JSON_TABLE",
            SqlJsonQueryFunction => {
                "SQL/JSON functions (JSON(), JSON_SCALAR, JSON_SERIALIZE, JSON_EXISTS, JSON_QUERY, JSON_VALUE)"
            }
            SetExpression => "ALTER COLUMN … SET EXPRESSION",
            MaintainPrivilege => "the MAINTAIN privilege",
            VirtualGeneratedColumn => "virtual generated columns (GENERATED ALWAYS AS … without STORED)",
            WithoutOverlaps => "temporal keys (WITHOUT OVERLAPS, PERIOD)",
            NotNullNotValid => "NOT NULL … NOT VALID",
            Function(name) => return format!("{name}()"),
        };
        name.to_owned()
    }
}

/// The features a statement uses, each once, in the order first met.
pub fn features_used(statement: &NodeEnum) -> Vec<Feature> {
    // The tree as JSON is walked whole: every node kind is reached without a hand-kept list
    // of which fields hold children. Only run when a target version is known.
    let Ok(tree) = serde_json::to_value(statement) else { return Vec::new() };
    let mut found = Vec::new();
    walk(&tree, &mut found);
    found
}

fn walk(value: &Value, found: &mut Vec<Feature>) {
    match value {
        Value::Object(fields) => {
            for (key, child) in fields {
                // Node kinds are CamelCase keys (`{"MergeStmt": {...}}`); fields are snake_case.
                if key.starts_with(char::is_uppercase)
                    && let Value::Object(node) = child
                {
                    for feature in node_features(key, node) {
                        if !found.contains(&feature) {
                            found.push(feature);
                        }
                    }
                }
                walk(child, found);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| walk(item, found)),
        _ => {}
    }
}

/// What one node of kind `kind` uses by itself (its children are walked separately).
fn node_features(kind: &str, node: &Map<String, Value>) -> Vec<Feature> {
    use Feature::*;
    let flag = |name: &str| node.get(name).and_then(Value::as_bool).unwrap_or(false);
    let text = |name: &str| node.get(name).and_then(Value::as_str).unwrap_or("");
    let number = |name: &str| node.get(name).and_then(Value::as_i64).unwrap_or(0);
    let present = |name: &str| node.get(name).is_some_and(|v| !v.is_null());
    let when = |condition: bool, feature: Feature| if condition { vec![feature] } else { Vec::new() };
    match kind {
        "MergeStmt" => {
            let returning = node.get("returning_clause").and_then(|r| r.get("exprs")).and_then(Value::as_array);
            let mut features = vec![Merge];
            features.extend(when(returning.is_some_and(|r| !r.is_empty()), MergeReturning));
            features
        }
        "MergeWhenClause" => {
            when(number("match_kind") == MergeMatchKind::MergeWhenNotMatchedBySource as i64, MergeNotMatchedBySource)
        }
        "MergeSupportFunc" => vec![MergeAction],
        "RangeSubselect" => when(!present("alias"), SubqueryWithoutAlias),
        "JsonObjectConstructor"
        | "JsonArrayConstructor"
        | "JsonArrayQueryConstructor"
        | "JsonObjectAgg"
        | "JsonArrayAgg" => vec![SqlJsonConstructor],
        "JsonIsPredicate" => vec![IsJsonPredicate],
        "JsonTable" => vec![JsonTable],
        "JsonFuncExpr" | "JsonParseExpr" | "JsonScalarExpr" | "JsonSerializeExpr" => vec![SqlJsonQueryFunction],
        "FuncCall" => builtin_function(node).map(Function).into_iter().collect(),
        "Constraint" => constraint_features(node),
        "IndexStmt" => when(flag("nulls_not_distinct"), NullsNotDistinct),
        "ColumnDef" => when(!text("compression").is_empty(), ColumnCompression),
        "AlterTableCmd" => {
            let subtype = number("subtype");
            let mut features = when(subtype == AlterTableType::AtSetCompression as i64, ColumnCompression);
            features.extend(when(subtype == AlterTableType::AtSetExpression as i64, SetExpression));
            features
        }
        // PartitionCmd is also ATTACH's; only DETACH sets `concurrent`.
        "PartitionCmd" => when(flag("concurrent"), DetachPartitionConcurrently),
        "CreateFunctionStmt" => when(present("sql_body"), SqlStandardFunctionBody),
        "CreateTrigStmt" => when(flag("replace"), CreateOrReplaceTrigger),
        "DefElem" => when(text("defname") == "security_invoker", SecurityInvokerView),
        "ReindexStmt" => when(has_option(node, "params", "concurrently"), ReindexConcurrently),
        "AccessPriv" => when(text("priv_name").eq_ignore_ascii_case("maintain"), MaintainPrivilege),
        "SelectStmt" => when(flag("group_distinct"), GroupByDistinct),
        "CommonTableExpr" => when(present("search_clause") || present("cycle_clause"), SearchOrCycleClause),
        _ => Vec::new(),
    }
}

fn constraint_features(node: &Map<String, Value>) -> Vec<Feature> {
    use Feature::*;
    let kind = node.get("contype").and_then(Value::as_i64).unwrap_or(0);
    let flag = |name: &str| node.get(name).and_then(Value::as_bool).unwrap_or(false);
    let mut features = Vec::new();
    if kind == ConstrType::ConstrGenerated as i64 {
        match node.get("generated_kind").and_then(Value::as_str) {
            Some("v") => features.push(VirtualGeneratedColumn),
            _ => features.push(StoredGeneratedColumn),
        }
    }
    if flag("nulls_not_distinct") {
        features.push(NullsNotDistinct);
    }
    if flag("without_overlaps") || flag("fk_with_period") || flag("pk_with_period") {
        features.push(WithoutOverlaps);
    }
    if kind == ConstrType::ConstrNotnull as i64 && flag("skip_validation") {
        features.push(NotNullNotValid);
    }
    features
}

/// A call of a function from `NEW_FUNCTIONS`, unqualified or in `pg_catalog` (a function of
/// another schema with the same name is the project's own).
fn builtin_function(call: &Map<String, Value>) -> Option<&'static str> {
    let names: Vec<&str> = call
        .get("funcname")?
        .as_array()?
        .iter()
        .filter_map(|n| n.get("node")?.get("String")?.get("sval")?.as_str())
        .collect();
    let name = match names.as_slice() {
        [name] | ["pg_catalog", name] => name.to_ascii_lowercase(),
        _ => return None,
    };
    NEW_FUNCTIONS.iter().find(|(known, _)| *known == name).map(|(known, _)| *known)
}

/// Whether a statement's option list (`(CONCURRENTLY)`) names `option` and does not turn it off.
fn has_option(node: &Map<String, Value>, field: &str, option: &str) -> bool {
    node.get(field).and_then(Value::as_array).is_some_and(|options| {
        options.iter().any(|o| {
            let Some(element) = o.get("node").and_then(|n| n.get("DefElem")) else { return false };
            let off = element
                .get("arg")
                .and_then(|a| a.get("node"))
                .and_then(|n| n.get("Boolean"))
                .and_then(|b| b.get("boolval"))
                .is_some_and(|v| v == false);
            element.get("defname").and_then(Value::as_str) == Some(option) && !off
        })
    })
}

#[cfg(test)]
mod tests;
