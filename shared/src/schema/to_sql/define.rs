//! Each object of the model as the statement that creates it, in the model's own words (types
//! as `format_type` prints them, expressions as kept).

use super::quote::{ident, idents, literal, relation};
use crate::schema::describe;
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
    let definition = match constraint.kind {
        ConstraintKind::PrimaryKey => format!("PRIMARY KEY ({columns})"),
        ConstraintKind::Unique => format!("UNIQUE ({columns})"),
        ConstraintKind::Check => format!("CHECK ({})", constraint.expression.as_deref()?),
        ConstraintKind::Exclusion => return None,
        ConstraintKind::ForeignKey => {
            let reference = constraint.references.as_ref()?;
            format!(
                "FOREIGN KEY ({columns}) REFERENCES {} ({}){}",
                relation(&reference.table),
                idents(&reference.columns),
                describe::reference_actions(reference)
            )
        }
    };
    Some(format!("{definition}{}", describe::constraint_modes(constraint)))
}

pub fn create_index(name: &QualifiedName, index: &Index) -> String {
    let unique = if index.unique { "UNIQUE " } else { "" };
    let (name, table) = (ident(&name.name), relation(&index.table));
    format!("CREATE {unique}INDEX {name} ON {table} USING {}", describe::index_method_on(index))
}

pub fn view_word(view: &View) -> &'static str {
    if view.materialized { "MATERIALIZED VIEW" } else { "VIEW" }
}

pub fn create_view(name: &QualifiedName, view: &View) -> String {
    format!("CREATE {} {} AS {}", view_word(view), relation(name), view.definition)
}

pub fn create_trigger(table: &QualifiedName, trigger: &Trigger) -> String {
    let constraint = if trigger.constraint { "CONSTRAINT " } else { "" };
    let condition = trigger.condition.as_ref().map_or(String::new(), |c| format!(" WHEN ({c})"));
    format!(
        "CREATE {constraint}TRIGGER {} {} ON {} {}{condition} EXECUTE FUNCTION {}({})",
        ident(&trigger.name),
        trigger.timing_and_events(),
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
            let constraints = describe::domain_constraints(*not_null, default.as_deref(), checks);
            format!("CREATE DOMAIN {name} AS {base}{constraints}")
        }
    }
}

pub fn type_word(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Domain { .. } => "DOMAIN",
        _ => "TYPE",
    }
}
