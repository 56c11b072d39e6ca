//! The columns a query yields, for `CREATE TABLE … AS` and `SELECT … INTO`: named as
//! PostgreSQL names them (`FigureColname`), typed where the select list makes the type
//! knowable (columns of known tables, casts, literals, common functions), else
//! [`UNKNOWN_TYPE`] — never a guess.

use super::apply::strings;
use super::model::{QualifiedName, Schema, TypeKind, UNKNOWN_TYPE};
use super::types;
use pg_query::NodeEnum;
use pg_query::protobuf::{AExprKind, Node, SelectStmt, SetOperation, SqlValueFunctionOp, SubLinkType, a_const};
use std::collections::BTreeMap;

/// A column of a query's result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputColumn {
    pub name: String,
    pub data_type: String,
}

/// Views are read through their own query; this bounds views over views.
const MAX_DEPTH: usize = 8;

/// The result columns of `query`, or `None` when its shape is not read (`SELECT *` over a
/// relation the model does not know, a join `USING` under `*`).
pub fn output_columns(schema: &Schema, query: &Node) -> Option<Vec<OutputColumn>> {
    Reader { schema, depth: 0 }.query(query, &BTreeMap::new())
}

/// A relation in a query's FROM: its alias and columns (`None`: not known).
struct Source {
    alias: String,
    columns: Option<Vec<OutputColumn>>,
    /// A join with USING/NATURAL below: `*` would merge columns the reader does not merge.
    merges: bool,
}

type Ctes = BTreeMap<String, Option<Vec<OutputColumn>>>;

struct Reader<'s> {
    schema: &'s Schema,
    depth: usize,
}

impl Reader<'_> {
    fn query(&self, query: &Node, outer_ctes: &Ctes) -> Option<Vec<OutputColumn>> {
        let Some(NodeEnum::SelectStmt(select)) = &query.node else { return None };
        self.select(select, outer_ctes)
    }

    fn select(&self, select: &SelectStmt, outer_ctes: &Ctes) -> Option<Vec<OutputColumn>> {
        let mut ctes = outer_ctes.clone();
        if let Some(with) = &select.with_clause {
            for cte in &with.ctes {
                let Some(NodeEnum::CommonTableExpr(cte)) = &cte.node else { continue };
                let mut columns = cte.ctequery.as_deref().and_then(|q| self.query(q, &ctes));
                rename_columns(&mut columns, &strings(&cte.aliascolnames));
                ctes.insert(cte.ctename.clone(), columns);
            }
        }
        if SetOperation::try_from(select.op) != Ok(SetOperation::SetopNone) {
            // Names from the first branch; a type only where every branch agrees.
            let left = self.select(select.larg.as_deref()?, &ctes)?;
            let right = select.rarg.as_deref().and_then(|r| self.select(r, &ctes));
            return Some(
                left.into_iter()
                    .enumerate()
                    .map(|(i, column)| {
                        let agrees =
                            right.as_ref().and_then(|r| r.get(i)).is_some_and(|r| r.data_type == column.data_type);
                        let data_type = if agrees { column.data_type } else { UNKNOWN_TYPE.to_owned() };
                        OutputColumn { name: column.name, data_type }
                    })
                    .collect(),
            );
        }
        if let Some(first) = select.values_lists.first() {
            let Some(NodeEnum::List(row)) = &first.node else { return None };
            let scope = Vec::new();
            return Some(
                row.items
                    .iter()
                    .enumerate()
                    .map(|(i, value)| OutputColumn {
                        name: format!("column{}", i + 1),
                        data_type: self.type_of(value, &scope),
                    })
                    .collect(),
            );
        }
        let mut scope = Vec::new();
        for item in &select.from_clause {
            self.read_from_item(item, &ctes, &mut scope);
        }
        let mut columns = Vec::new();
        for target in &select.target_list {
            let Some(NodeEnum::ResTarget(target)) = &target.node else { continue };
            let value = target.val.as_deref()?;
            if let Some(star) = star_of(value) {
                for source in scope.iter().filter(|s| star.as_ref().is_none_or(|alias| s.alias == *alias)) {
                    if source.merges {
                        return None;
                    }
                    columns.extend(source.columns.clone()?);
                }
                continue;
            }
            let name = if target.name.is_empty() { figure_name(value) } else { target.name.clone() };
            columns.push(OutputColumn { name, data_type: self.type_of(value, &scope) });
        }
        Some(columns)
    }

    fn read_from_item(&self, item: &Node, ctes: &Ctes, scope: &mut Vec<Source>) {
        match &item.node {
            Some(NodeEnum::RangeVar(range)) => {
                let alias = range.alias.as_ref().map_or_else(|| range.relname.clone(), |a| a.aliasname.clone());
                let mut columns = if range.schemaname.is_empty() && ctes.contains_key(&range.relname) {
                    ctes[&range.relname].clone()
                } else {
                    self.relation_columns(&QualifiedName::new(&range.schemaname, &range.relname))
                };
                if let Some(alias) = &range.alias {
                    rename_columns(&mut columns, &strings(&alias.colnames));
                }
                scope.push(Source { alias, columns, merges: false });
            }
            Some(NodeEnum::JoinExpr(join)) => {
                let mut inner = Vec::new();
                for side in [join.larg.as_deref(), join.rarg.as_deref()].into_iter().flatten() {
                    self.read_from_item(side, ctes, &mut inner);
                }
                let merges = join.is_natural || !join.using_clause.is_empty();
                match &join.alias {
                    // An aliased join hides its sides' names.
                    Some(alias) => {
                        let columns = inner.iter().map(|s| s.columns.clone()).collect::<Option<Vec<_>>>();
                        scope.push(Source {
                            alias: alias.aliasname.clone(),
                            columns: columns.map(|c| c.concat()),
                            merges: merges || inner.iter().any(|s| s.merges),
                        });
                    }
                    None => scope.extend(inner.into_iter().map(|s| Source { merges: s.merges || merges, ..s })),
                }
            }
            Some(NodeEnum::RangeSubselect(sub)) => {
                let mut columns = sub.subquery.as_deref().and_then(|q| self.query(q, ctes));
                let alias = sub.alias.as_ref().map(|a| a.aliasname.clone()).unwrap_or_default();
                if let Some(alias) = &sub.alias {
                    rename_columns(&mut columns, &strings(&alias.colnames));
                }
                scope.push(Source { alias, columns, merges: false });
            }
            Some(NodeEnum::RangeFunction(function)) => {
                let alias = function.alias.as_ref().map(|a| a.aliasname.clone()).unwrap_or_default();
                scope.push(Source { alias, columns: None, merges: false });
            }
            _ => scope.push(Source { alias: String::new(), columns: None, merges: false }),
        }
    }

    /// A table's columns, or a view's (read from its query).
    fn relation_columns(&self, name: &QualifiedName) -> Option<Vec<OutputColumn>> {
        if let Some(table) = self.schema.tables.get(name) {
            return Some(
                table
                    .columns
                    .iter()
                    .map(|c| OutputColumn { name: c.name.clone(), data_type: c.data_type.clone() })
                    .collect(),
            );
        }
        let view = self.schema.views.get(name)?;
        if self.depth >= MAX_DEPTH {
            return None;
        }
        let parsed = pg_query::parse(&view.definition, 0).ok()?;
        let statement = parsed.protobuf.stmts.first()?.stmt.as_deref()?;
        Reader { schema: self.schema, depth: self.depth + 1 }.query(statement, &BTreeMap::new())
    }

    /// The type of an expression of the select list, as `format_type` prints it.
    fn type_of(&self, value: &Node, scope: &[Source]) -> String {
        self.known_type(value, scope).unwrap_or_else(|| UNKNOWN_TYPE.to_owned())
    }

    fn known_type(&self, value: &Node, scope: &[Source]) -> Option<String> {
        let known = |t: String| Some(t).filter(|t| t != UNKNOWN_TYPE);
        match value.node.as_ref()? {
            NodeEnum::ColumnRef(column) => {
                let fields = strings(&column.fields);
                let (alias, name) = match fields.as_slice() {
                    [name] => (None, name),
                    [.., alias, name] => (Some(alias), name),
                    [] => return None,
                };
                let mut found = scope
                    .iter()
                    .filter(|s| alias.is_none_or(|a| s.alias == *a))
                    .filter_map(|s| s.columns.as_ref().map(|columns| columns.iter().find(|c| c.name == *name)));
                // Any unknown relation in scope might hold the name: then it is not knowable.
                let all_known =
                    scope.iter().filter(|s| alias.is_none_or(|a| s.alias == *a)).all(|s| s.columns.is_some());
                let column = found.find_map(|c| c)?;
                if !all_known && alias.is_none() {
                    return None;
                }
                known(column.data_type.clone())
            }
            NodeEnum::TypeCast(cast) => {
                let type_name = cast.type_name.as_ref()?;
                known(types::serial(type_name).map_or_else(|| types::canonical(type_name), |s| s.data_type.to_owned()))
            }
            NodeEnum::AConst(constant) => Some(
                match &constant.val {
                    None => "text",
                    Some(a_const::Val::Ival(_)) => "integer",
                    Some(a_const::Val::Fval(f)) if f.fval.parse::<i64>().is_ok() => "bigint",
                    Some(a_const::Val::Fval(_)) => "numeric",
                    Some(a_const::Val::Boolval(_)) => "boolean",
                    Some(a_const::Val::Sval(_)) => "text",
                    Some(a_const::Val::Bsval(_)) => return None,
                }
                .to_owned(),
            ),
            NodeEnum::SqlvalueFunction(function) => {
                let precision = |base: &str, zone: &str| {
                    if function.typmod >= 0 {
                        format!("{base}({}) {zone}", function.typmod)
                    } else {
                        format!("{base} {zone}")
                    }
                };
                Some(match SqlValueFunctionOp::try_from(function.op).ok()? {
                    SqlValueFunctionOp::SvfopCurrentDate => "date".to_owned(),
                    SqlValueFunctionOp::SvfopCurrentTime | SqlValueFunctionOp::SvfopCurrentTimeN => {
                        precision("time", "with time zone")
                    }
                    SqlValueFunctionOp::SvfopCurrentTimestamp | SqlValueFunctionOp::SvfopCurrentTimestampN => {
                        precision("timestamp", "with time zone")
                    }
                    SqlValueFunctionOp::SvfopLocaltime | SqlValueFunctionOp::SvfopLocaltimeN => {
                        precision("time", "without time zone")
                    }
                    SqlValueFunctionOp::SvfopLocaltimestamp | SqlValueFunctionOp::SvfopLocaltimestampN => {
                        precision("timestamp", "without time zone")
                    }
                    SqlValueFunctionOp::SqlvalueFunctionOpUndefined => return None,
                    _ => "name".to_owned(),
                })
            }
            NodeEnum::FuncCall(call) => self.function_type(call, scope),
            NodeEnum::BoolExpr(_) | NodeEnum::NullTest(_) | NodeEnum::BooleanTest(_) => Some("boolean".into()),
            NodeEnum::SubLink(link) => match SubLinkType::try_from(link.sub_link_type).ok()? {
                SubLinkType::ExistsSublink | SubLinkType::AnySublink | SubLinkType::AllSublink => {
                    Some("boolean".into())
                }
                SubLinkType::ExprSublink => {
                    let columns = self.query(link.subselect.as_deref()?, &BTreeMap::new())?;
                    known(columns.first()?.data_type.clone())
                }
                _ => None,
            },
            NodeEnum::AExpr(expression) => {
                let kind = AExprKind::try_from(expression.kind).ok()?;
                let operator = strings(&expression.name).pop().unwrap_or_default();
                match kind {
                    AExprKind::AexprOp
                        if ["=", "<>", "!=", "<", ">", "<=", ">=", "~~", "!~~", "~~*", "!~~*", "~", "~*"]
                            .contains(&operator.as_str()) =>
                    {
                        Some("boolean".into())
                    }
                    AExprKind::AexprOp if operator == "||" => {
                        let sides = [expression.lexpr.as_deref(), expression.rexpr.as_deref()];
                        let types: Vec<Option<String>> =
                            sides.into_iter().map(|s| s.and_then(|s| self.known_type(s, scope))).collect();
                        let textual = |t: &Option<String>| {
                            t.as_deref().is_some_and(|t| t == "text" || t.starts_with("character varying"))
                        };
                        types.iter().any(textual).then(|| "text".to_owned())
                    }
                    AExprKind::AexprOp if ["+", "-", "*", "/"].contains(&operator.as_str()) => {
                        let left = self.known_type(expression.lexpr.as_deref()?, scope)?;
                        let right = self.known_type(expression.rexpr.as_deref()?, scope)?;
                        numeric_common(&[left, right])
                    }
                    AExprKind::AexprOp | AExprKind::Undefined => None,
                    AExprKind::AexprNullif => self.known_type(expression.lexpr.as_deref()?, scope),
                    // IN, LIKE, BETWEEN, IS DISTINCT FROM, = ANY (…): tests.
                    _ => Some("boolean".into()),
                }
            }
            NodeEnum::CaseExpr(case) => {
                let results = case
                    .args
                    .iter()
                    .filter_map(|w| match &w.node {
                        Some(NodeEnum::CaseWhen(when)) => when.result.as_deref(),
                        _ => None,
                    })
                    .chain(case.defresult.as_deref());
                self.common_type(results, scope)
            }
            NodeEnum::CoalesceExpr(coalesce) => self.common_type(coalesce.args.iter(), scope),
            NodeEnum::MinMaxExpr(minmax) => self.common_type(minmax.args.iter(), scope),
            NodeEnum::CollateClause(collate) => self.known_type(collate.arg.as_deref()?, scope),
            _ => None,
        }
    }

    /// The one type of several results (CASE, COALESCE): NULLs aside, all alike or all numeric.
    fn common_type<'n>(&self, values: impl Iterator<Item = &'n Node>, scope: &[Source]) -> Option<String> {
        let types: Vec<String> =
            values.filter(|v| !is_null(v)).map(|v| self.known_type(v, scope)).collect::<Option<Vec<_>>>()?;
        let first = types.first()?.clone();
        if types.iter().all(|t| *t == first) { Some(first) } else { numeric_common(&types) }
    }

    fn function_type(&self, call: &pg_query::protobuf::FuncCall, scope: &[Source]) -> Option<String> {
        let names = strings(&call.funcname);
        let name = match names.as_slice() {
            [name] => name.as_str(),
            [schema, name] if schema == "pg_catalog" => name.as_str(),
            _ => return None,
        };
        let argument = |i: usize| call.args.get(i).and_then(|a| self.known_type(a, scope));
        Some(
            match name {
                "count" | "row_number" | "rank" | "dense_rank" => "bigint",
                "now" | "transaction_timestamp" | "statement_timestamp" | "clock_timestamp" => {
                    "timestamp with time zone"
                }
                "lower" | "upper" | "btrim" | "ltrim" | "rtrim" | "concat" | "concat_ws" | "md5" | "replace"
                | "substr" | "left" | "right" | "initcap" | "to_char" | "string_agg" | "format" | "repeat" | "lpad"
                | "rpad" | "split_part" | "translate" | "reverse" | "quote_ident" | "quote_literal" => "text",
                "length" | "char_length" | "character_length" | "octet_length" | "strpos" | "ntile" => "integer",
                "gen_random_uuid" | "uuid_generate_v4" => "uuid",
                "bool_and" | "bool_or" | "every" => "boolean",
                "jsonb_build_object" | "jsonb_build_array" | "jsonb_agg" | "jsonb_object_agg" | "to_jsonb" => "jsonb",
                "json_build_object" | "json_build_array" | "json_agg" | "json_object_agg" | "to_json" => "json",
                "random" | "date_part" => "double precision",
                "age" => "interval",
                "min" | "max" => return argument(0).and_then(|t| aggregate_input(self.schema, &t)),
                "sum" => {
                    return argument(0).and_then(|t| match t.as_str() {
                        "smallint" | "integer" => Some("bigint".into()),
                        "real" | "double precision" | "interval" | "money" => Some(t),
                        other if other == "bigint" || other.starts_with("numeric") => Some("numeric".into()),
                        _ => None,
                    });
                }
                "avg" => {
                    return argument(0).and_then(|t| match t.as_str() {
                        "real" | "double precision" => Some("double precision".into()),
                        "interval" => Some(t),
                        other if ["smallint", "integer", "bigint"].contains(&other) || other.starts_with("numeric") => {
                            Some("numeric".into())
                        }
                        _ => None,
                    });
                }
                "array_agg" => return argument(0).filter(|t| !t.ends_with(']')).map(|t| format!("{t}[]")),
                "coalesce" | "greatest" | "least" => return self.common_type(call.args.iter(), scope),
                "date_trunc" => {
                    return argument(1).filter(|t| t.starts_with("timestamp") || t == "interval");
                }
                _ => return None,
            }
            .to_owned(),
        )
    }
}

/// The input type min/max keep: PostgreSQL's variants for text take varchar and drop its length;
/// `anyenum` and `anyarray` ones return the argument's own type.
fn aggregate_input(schema: &Schema, data_type: &str) -> Option<String> {
    let is_enum = schema
        .types
        .iter()
        .any(|(name, t)| matches!(t.kind, TypeKind::Enum { .. }) && types::type_text(name) == data_type);
    if is_enum || data_type.ends_with(']') {
        return Some(data_type.to_owned());
    }
    let base = types::without_modifiers(data_type);
    Some(match base.as_str() {
        "character varying" | "text" => "text".into(),
        "smallint"
        | "integer"
        | "bigint"
        | "real"
        | "double precision"
        | "numeric"
        | "date"
        | "interval"
        | "timestamp with time zone"
        | "timestamp without time zone"
        | "time without time zone"
        | "time with time zone"
        | "money"
        | "inet"
        | "oid" => base,
        _ => return None,
    })
}

/// The type numbers of several types meet in: integer < bigint < numeric (without length).
fn numeric_common(types: &[String]) -> Option<String> {
    let rank = |t: &str| match t {
        "smallint" => Some(0),
        "integer" => Some(1),
        "bigint" => Some(2),
        t if t.starts_with("numeric") => Some(3),
        _ => None,
    };
    let highest = types.iter().map(|t| rank(t)).collect::<Option<Vec<_>>>()?.into_iter().max()?;
    let alike = types.iter().all(|t| *t == types[0]);
    Some(match highest {
        _ if alike => types[0].clone(),
        0 => "smallint".into(),
        1 => "integer".into(),
        2 => "bigint".into(),
        _ => "numeric".into(),
    })
}

fn is_null(value: &Node) -> bool {
    matches!(&value.node, Some(NodeEnum::AConst(c)) if c.isnull)
}

/// `*` → `Some(None)`, `t.*` → `Some(Some("t"))`, anything else `None`.
fn star_of(value: &Node) -> Option<Option<String>> {
    let Some(NodeEnum::ColumnRef(column)) = &value.node else { return None };
    if !matches!(column.fields.last().and_then(|f| f.node.as_ref()), Some(NodeEnum::AStar(_))) {
        return None;
    }
    Some(strings(&column.fields).pop())
}

/// An explicit column-name list renames the first columns.
fn rename_columns(columns: &mut Option<Vec<OutputColumn>>, names: &[String]) {
    if let Some(columns) = columns {
        for (column, name) in columns.iter_mut().zip(names) {
            column.name = name.clone();
        }
    }
}

/// The name PostgreSQL gives an unnamed result column (`FigureColnameInternal`).
pub fn figure_name(value: &Node) -> String {
    figured(value).unwrap_or_else(|| "?column?".to_owned())
}

fn figured(value: &Node) -> Option<String> {
    match value.node.as_ref()? {
        NodeEnum::ColumnRef(column) => match column.fields.last()?.node.as_ref()? {
            NodeEnum::String(s) => Some(s.sval.clone()),
            _ => None,
        },
        NodeEnum::AIndirection(indirection) => {
            match indirection.indirection.iter().rev().find_map(|n| match &n.node {
                Some(NodeEnum::String(s)) => Some(s.sval.clone()),
                _ => None,
            }) {
                Some(name) => Some(name),
                None => figured(indirection.arg.as_deref()?),
            }
        }
        NodeEnum::FuncCall(call) => strings(&call.funcname).pop(),
        NodeEnum::AExpr(expression) if AExprKind::try_from(expression.kind) == Ok(AExprKind::AexprNullif) => {
            Some("nullif".into())
        }
        NodeEnum::TypeCast(cast) => {
            figured(cast.arg.as_deref()?).or_else(|| strings(&cast.type_name.as_ref()?.names).pop())
        }
        NodeEnum::CollateClause(collate) => figured(collate.arg.as_deref()?),
        NodeEnum::SubLink(link) => match SubLinkType::try_from(link.sub_link_type).ok()? {
            SubLinkType::ExistsSublink => Some("exists".into()),
            SubLinkType::ArraySublink => Some("array".into()),
            SubLinkType::ExprSublink => {
                let Some(NodeEnum::SelectStmt(select)) = link.subselect.as_deref()?.node.as_ref() else { return None };
                let Some(NodeEnum::ResTarget(target)) = select.target_list.first()?.node.as_ref() else { return None };
                if target.name.is_empty() { figured(target.val.as_deref()?) } else { Some(target.name.clone()) }
            }
            _ => None,
        },
        NodeEnum::CaseExpr(_) => Some("case".into()),
        NodeEnum::AArrayExpr(_) => Some("array".into()),
        NodeEnum::RowExpr(_) => Some("row".into()),
        NodeEnum::CoalesceExpr(_) => Some("coalesce".into()),
        NodeEnum::MinMaxExpr(minmax) => Some(if minmax.op == 1 { "greatest" } else { "least" }.into()),
        NodeEnum::SqlvalueFunction(function) => Some(
            match SqlValueFunctionOp::try_from(function.op).ok()? {
                SqlValueFunctionOp::SvfopCurrentDate => "current_date",
                SqlValueFunctionOp::SvfopCurrentTime | SqlValueFunctionOp::SvfopCurrentTimeN => "current_time",
                SqlValueFunctionOp::SvfopCurrentTimestamp | SqlValueFunctionOp::SvfopCurrentTimestampN => {
                    "current_timestamp"
                }
                SqlValueFunctionOp::SvfopLocaltime | SqlValueFunctionOp::SvfopLocaltimeN => "localtime",
                SqlValueFunctionOp::SvfopLocaltimestamp | SqlValueFunctionOp::SvfopLocaltimestampN => "localtimestamp",
                SqlValueFunctionOp::SvfopCurrentRole => "current_role",
                SqlValueFunctionOp::SvfopCurrentUser => "current_user",
                SqlValueFunctionOp::SvfopUser => "user",
                SqlValueFunctionOp::SvfopSessionUser => "session_user",
                SqlValueFunctionOp::SvfopCurrentCatalog => "current_catalog",
                SqlValueFunctionOp::SvfopCurrentSchema => "current_schema",
                SqlValueFunctionOp::SqlvalueFunctionOpUndefined => return None,
            }
            .into(),
        ),
        _ => None,
    }
}
