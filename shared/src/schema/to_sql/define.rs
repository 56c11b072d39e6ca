//! Each object of the model as the statement that creates it, in the model's own words (types
//! as `format_type` prints them, expressions as kept).

use super::quote::{ident, idents, literal, relation};
use crate::schema::model::{
    Column, Constraint, ConstraintKind, Identity, Index, QualifiedName, Statistics, Trigger, TypeKind, View,
};

/// `name type NOT NULL DEFAULT …` or its identity/generation, as CREATE TABLE and ADD COLUMN
/// write a column.
pub fn column(column: &Column) -> String {
    let mut text = format!("{} {}", ident(&column.name), column.data_type);
    if let Some(generated) = &column.generated {
        text.push_str(&format!(" GENERATED ALWAYS AS ({generated}) STORED"));
    }
    if let Some(identity) = column.identity {
        text.push_str(&format!(" GENERATED {} AS IDENTITY", identity_word(identity)));
    }
    if column.not_null {
        text.push_str(" NOT NULL");
    }
    if let Some(default) = &column.default {
        text.push_str(&format!(" DEFAULT {default}"));
    }
    text
}

pub fn identity_word(identity: Identity) -> &'static str {
    match identity {
        Identity::Always => "ALWAYS",
        Identity::ByDefault => "BY DEFAULT",
    }
}

pub fn create_table(name: &QualifiedName, columns: &[Column]) -> String {
    let columns: Vec<String> = columns.iter().map(|c| format!("    {}", column(c))).collect();
    match columns.is_empty() {
        true => format!("CREATE TABLE {} ()", relation(name)),
        false => format!("CREATE TABLE {} (\n{}\n)", relation(name), columns.join(",\n")),
    }
}

/// `PRIMARY KEY (id)`, `FOREIGN KEY (a) REFERENCES t (id) ON DELETE CASCADE DEFERRABLE NOT
/// VALID`; `None` for an exclusion constraint, whose definition the model does not keep.
pub fn constraint(constraint: &Constraint) -> Option<String> {
    let columns = idents(&constraint.columns);
    let mut text = match constraint.kind {
        ConstraintKind::PrimaryKey => format!("PRIMARY KEY ({columns})"),
        ConstraintKind::Unique => format!("UNIQUE ({columns})"),
        ConstraintKind::Check => format!("CHECK ({})", constraint.expression.as_deref()?),
        ConstraintKind::Exclusion => return None,
        ConstraintKind::ForeignKey => {
            let reference = constraint.references.as_ref()?;
            let mut text = format!(
                "FOREIGN KEY ({columns}) REFERENCES {} ({})",
                relation(&reference.table),
                idents(&reference.columns)
            );
            for (event, action) in [("DELETE", &reference.on_delete), ("UPDATE", &reference.on_update)] {
                if action != "no action" {
                    text.push_str(&format!(" ON {event} {}", action.to_uppercase()));
                }
            }
            text
        }
    };
    if constraint.deferrable {
        text.push_str(" DEFERRABLE");
    }
    if constraint.initially_deferred {
        text.push_str(" INITIALLY DEFERRED");
    }
    if !constraint.validated {
        text.push_str(" NOT VALID");
    }
    Some(text)
}

pub fn create_index(name: &QualifiedName, index: &Index) -> String {
    let unique = if index.unique { "UNIQUE " } else { "" };
    let mut text = format!(
        "CREATE {unique}INDEX {} ON {} USING {} ({})",
        ident(&name.name),
        relation(&index.table),
        index.method,
        index.keys.join(", ")
    );
    if !index.include.is_empty() {
        text.push_str(&format!(" INCLUDE ({})", idents(&index.include)));
    }
    if index.nulls_not_distinct {
        text.push_str(" NULLS NOT DISTINCT");
    }
    if !index.options.is_empty() {
        text.push_str(&format!(" WITH ({})", index.options.join(", ")));
    }
    if let Some(predicate) = &index.predicate {
        text.push_str(&format!(" WHERE {predicate}"));
    }
    text
}

pub fn view_word(view: &View) -> &'static str {
    if view.materialized { "MATERIALIZED VIEW" } else { "VIEW" }
}

pub fn create_view(name: &QualifiedName, view: &View) -> String {
    format!("CREATE {} {} AS {}", view_word(view), relation(name), view.definition)
}

pub fn create_trigger(table: &QualifiedName, trigger: &Trigger) -> String {
    let constraint = if trigger.constraint { "CONSTRAINT " } else { "" };
    let events: Vec<String> = trigger
        .events
        .iter()
        .map(|event| match event == "UPDATE" && !trigger.update_columns.is_empty() {
            true => format!("UPDATE OF {}", idents(&trigger.update_columns)),
            false => event.clone(),
        })
        .collect();
    let condition = trigger.condition.as_ref().map_or(String::new(), |c| format!(" WHEN ({c})"));
    format!(
        "CREATE {constraint}TRIGGER {} {} {} ON {} {}{condition} EXECUTE FUNCTION {}({})",
        ident(&trigger.name),
        trigger.timing,
        events.join(" OR "),
        relation(table),
        trigger.clauses,
        relation(&trigger.function_name),
        trigger.arguments
    )
}

pub fn create_statistics(name: &QualifiedName, statistics: &Statistics) -> String {
    let kinds = match statistics.kinds.is_empty() {
        true => String::new(),
        false => format!(" ({})", statistics.kinds.join(", ")),
    };
    format!(
        "CREATE STATISTICS {}{kinds} ON {} FROM {}",
        relation(name),
        statistics.keys.join(", "),
        relation(&statistics.table)
    )
}

/// `CREATE TYPE … AS ENUM (…)`, `… AS (…)`, `CREATE DOMAIN …`.
pub fn create_type(name: &QualifiedName, kind: &TypeKind) -> String {
    let name = relation(name);
    match kind {
        TypeKind::Enum { labels } => {
            let labels: Vec<String> = labels.iter().map(|l| literal(l)).collect();
            format!("CREATE TYPE {name} AS ENUM ({})", labels.join(", "))
        }
        TypeKind::Composite { attributes } => {
            let attributes: Vec<String> = attributes.iter().map(|(a, t)| format!("{} {t}", ident(a))).collect();
            format!("CREATE TYPE {name} AS ({})", attributes.join(", "))
        }
        TypeKind::Domain { base, not_null, default, checks } => {
            let mut text = format!("CREATE DOMAIN {name} AS {base}");
            if *not_null {
                text.push_str(" NOT NULL");
            }
            if let Some(default) = default {
                text.push_str(&format!(" DEFAULT {default}"));
            }
            for check in checks {
                text.push_str(&format!(" CHECK ({check})"));
            }
            text
        }
    }
}

pub fn type_word(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Domain { .. } => "DOMAIN",
        _ => "TYPE",
    }
}
