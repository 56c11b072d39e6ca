//! Type names as PostgreSQL's `format_type` prints them, from the parser's `TypeName`
//! (which already turned `integer` into `pg_catalog.int4` and `float(30)` into `float8`).

use super::expr::quote;
use super::model::QualifiedName;
use pg_query::NodeEnum;
use pg_query::protobuf::{TypeName, a_const};

/// `serial` and friends: a type, a sequence and a default, not a type of their own.
pub struct Serial {
    pub data_type: &'static str,
}

pub fn serial(type_name: &TypeName) -> Option<Serial> {
    let names = names(type_name);
    let [name] = names.as_slice() else { return None };
    let data_type = match name.as_str() {
        "smallserial" | "serial2" => "smallint",
        "serial" | "serial4" => "integer",
        "bigserial" | "serial8" => "bigint",
        _ => return None,
    };
    Some(Serial { data_type })
}

/// The canonical name of a written type, e.g. `character varying(80)[]`.
pub fn canonical(type_name: &TypeName) -> String {
    let names = names(type_name);
    let modifiers: Vec<String> = type_name
        .typmods
        .iter()
        .map(|m| match &m.node {
            Some(NodeEnum::AConst(c)) => match &c.val {
                Some(a_const::Val::Ival(i)) => i.ival.to_string(),
                Some(a_const::Val::Sval(s)) => s.sval.clone(),
                _ => String::new(),
            },
            Some(NodeEnum::ColumnRef(_)) | Some(_) | None => String::new(),
        })
        .collect();
    let builtin = match names.as_slice() {
        [schema, name] if schema == "pg_catalog" => Some(name.as_str()),
        [name] => Some(name.as_str()),
        _ => None,
    };
    let mut text = match builtin.and_then(|name| builtin_type(name, &modifiers)) {
        Some(text) => text,
        None => {
            let name = match names.as_slice() {
                [schema, name] => QualifiedName::new(schema, name),
                [.., schema, name] => QualifiedName::new(schema, name),
                [name] => QualifiedName::new("", name),
                [] => QualifiedName::new("", "?"),
            };
            let modifiers = if modifiers.is_empty() { String::new() } else { format!("({})", modifiers.join(",")) };
            format!("{}{modifiers}", type_text(&name))
        }
    };
    if !type_name.array_bounds.is_empty() {
        text.push_str("[]");
    }
    text
}

/// A type of the project's as format_type prints it, and so as columns carry it: each part
/// quoted where its case or spelling needs it (Prisma's `"RunEngineVersion"`).
pub fn type_text(name: &QualifiedName) -> String {
    match QualifiedName::new("", &name.name) == *name {
        true => quote(&name.name),
        false => format!("{}.{}", quote(&name.schema), quote(&name.name)),
    }
}

/// `character varying(40)` → `character varying`, `timestamp(3) with time zone` →
/// `timestamp with time zone`.
pub fn without_modifiers(data_type: &str) -> String {
    match (data_type.find('('), data_type.find(')')) {
        (Some(open), Some(close)) if open < close => format!("{}{}", &data_type[..open], &data_type[close + 1..]),
        _ => data_type.to_owned(),
    }
}

/// Whether a column of `data_type` is of the type `type_name` (as `type_text` prints it) or an
/// array of it: `status`, `status[]`, `status[][]`. Every column is asked at each DROP TYPE, so
/// it compares a prefix rather than cutting the text at its first `[`.
pub fn is_type_or_array_of(data_type: &str, type_name: &str) -> bool {
    data_type.strip_prefix(type_name).is_some_and(|rest| rest.is_empty() || rest.starts_with('['))
        && !type_name.contains('[')
}

fn names(type_name: &TypeName) -> Vec<String> {
    type_name
        .names
        .iter()
        .filter_map(|n| match &n.node {
            Some(NodeEnum::String(s)) => Some(s.sval.clone()),
            _ => None,
        })
        .collect()
}

fn builtin_type(name: &str, modifiers: &[String]) -> Option<String> {
    let with = |base: &str| {
        if modifiers.is_empty() { base.to_owned() } else { format!("{base}({})", modifiers.join(",")) }
    };
    let time = |base: &str, zone: &str| match modifiers {
        [] => format!("{base} {zone}"),
        [precision, ..] => format!("{base}({precision}) {zone}"),
    };
    Some(match name {
        "int2" | "smallint" => "smallint".into(),
        "int4" | "int" | "integer" => "integer".into(),
        "int8" | "bigint" => "bigint".into(),
        "float4" | "real" => "real".into(),
        "float8" => "double precision".into(),
        "bool" | "boolean" => "boolean".into(),
        "varchar" => with("character varying"),
        "bpchar" if modifiers.is_empty() => "bpchar".into(),
        "bpchar" => with("character"),
        "numeric" | "decimal" => match modifiers {
            [precision] => format!("numeric({precision},0)"),
            _ => with("numeric"),
        },
        "timestamptz" => time("timestamp", "with time zone"),
        "timestamp" => time("timestamp", "without time zone"),
        "timetz" => time("time", "with time zone"),
        "time" => time("time", "without time zone"),
        "varbit" => with("bit varying"),
        "bit" => with("bit"),
        "interval" => "interval".into(),
        "text" | "uuid" | "json" | "jsonb" | "date" | "bytea" | "inet" | "cidr" | "macaddr" | "macaddr8" | "money"
        | "xml" | "oid" | "tsvector" | "tsquery" | "point" | "line" | "box" | "polygon" | "circle" | "path"
        | "lseg" | "int4range" | "int8range" | "numrange" | "tsrange" | "tstzrange" | "daterange" | "regclass"
        | "name" | "char" | "trigger" | "void" | "record" | "anyelement" | "cstring" | "pg_lsn" => with(name),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column_type(sql_type: &str) -> String {
        let parsed = pg_query::parse(&format!("CREATE TABLE t (c {sql_type})"), 0).expect("parses");
        let Some(NodeEnum::CreateStmt(stmt)) = parsed.protobuf.stmts[0].stmt.as_ref().and_then(|s| s.node.clone())
        else {
            panic!("not a CREATE TABLE")
        };
        let Some(NodeEnum::ColumnDef(column)) = &stmt.table_elts[0].node else { panic!("no column") };
        canonical(column.type_name.as_ref().expect("typed"))
    }

    #[test]
    fn a_type_matches_itself_and_its_arrays_only() {
        for (data_type, matches) in [
            ("status", true),
            ("status[]", true),
            ("status[][]", true),
            ("status_old", false),
            ("statu", false),
            ("other.status", false),
            ("status(3)", false),
        ] {
            assert_eq!(is_type_or_array_of(data_type, "status"), matches, "{data_type}");
        }
    }

    #[test]
    fn types_read_as_format_type_prints_them() {
        for (written, canonical) in [
            ("int", "integer"),
            ("int8", "bigint"),
            ("bigint", "bigint"),
            ("varchar(80)", "character varying(80)"),
            ("character varying", "character varying"),
            ("char", "character(1)"),
            ("numeric(12, 2)", "numeric(12,2)"),
            ("decimal(10)", "numeric(10,0)"),
            ("timestamptz", "timestamp with time zone"),
            ("timestamp(3)", "timestamp(3) without time zone"),
            ("double precision", "double precision"),
            ("float", "double precision"),
            ("boolean", "boolean"),
            ("text[]", "text[]"),
            ("order_status", "order_status"),
            ("reporting.kind", "reporting.kind"),
            ("public.kind", "kind"),
        ] {
            assert_eq!(column_type(written), canonical, "{written}");
        }
    }
}
