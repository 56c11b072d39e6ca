//! The names PostgreSQL gives what a statement leaves unnamed (`makeObjectName`,
//! `ChooseRelationName`, `ChooseConstraintName` in its source): `{table}_pkey`,
//! `{table}_{columns}_key`, `…_fkey`, `…_check`, `…_idx`, `…_seq`, cut to 63 bytes and
//! numbered on a clash.

use super::model::{ConstraintKind, QualifiedName, Schema};

/// PostgreSQL's NAMEDATALEN - 1.
const MAX_IDENTIFIER_BYTES: usize = 63;

/// `name1_name2_label`, shortening the longer of name1/name2 until it fits in 63 bytes.
fn make_object_name(name1: &str, name2: Option<&str>, label: &str) -> String {
    let overhead = label.len() + 1 + usize::from(name2.is_some());
    let available = MAX_IDENTIFIER_BYTES.saturating_sub(overhead);
    let (mut len1, mut len2) = (name1.len(), name2.map_or(0, str::len));
    while len1 + len2 > available {
        if len1 > len2 { len1 -= 1 } else { len2 -= 1 }
    }
    let mut name = clip(name1, len1).to_owned();
    if let Some(name2) = name2 {
        name.push('_');
        name.push_str(clip(name2, len2));
    }
    name.push('_');
    name.push_str(label);
    name
}

/// The longest prefix of `text` of at most `bytes` bytes that ends on a character boundary.
fn clip(text: &str, mut bytes: usize) -> &str {
    while !text.is_char_boundary(bytes) {
        bytes -= 1;
    }
    &text[..bytes]
}

/// `name1_name2_label`, then `…_label1`, `…_label2` until `taken` says no.
fn choose(name1: &str, name2: Option<&str>, label: &str, taken: impl Fn(&str) -> bool) -> String {
    let mut candidate = make_object_name(name1, name2, label);
    let mut pass = 0;
    while taken(&candidate) {
        pass += 1;
        candidate = make_object_name(name1, name2, &format!("{label}{pass}"));
    }
    candidate
}

/// A name for a new relation (index, sequence) in `table`'s schema: unique among relations.
pub fn relation_name(schema: &Schema, table: &QualifiedName, columns: &[String], label: &str) -> String {
    let joined = columns.join("_");
    let name2 = (!joined.is_empty()).then_some(joined.as_str());
    choose(&table.name, name2, label, |name| relation_exists(schema, &table.sibling(name)))
}

/// A name for a CHECK or FOREIGN KEY constraint: unique among the constraints of the schema.
pub fn constraint_name(schema: &Schema, table: &QualifiedName, columns: &[String], label: &str) -> String {
    let joined = columns.join("_");
    let name2 = (!joined.is_empty()).then_some(joined.as_str());
    choose(&table.name, name2, label, |name| constraint_exists(schema, &table.schema, name))
}

/// A name for new extended statistics: `{table}_{columns}_stat`, unique among statistics.
pub fn statistics_name(schema: &Schema, table: &QualifiedName, columns: &[String]) -> String {
    let joined = columns.join("_");
    let name2 = (!joined.is_empty()).then_some(joined.as_str());
    choose(&table.name, name2, "stat", |name| schema.statistics.contains_key(&table.sibling(name)))
}

pub fn relation_exists(schema: &Schema, name: &QualifiedName) -> bool {
    schema.tables.contains_key(name)
        || schema.indexes.contains_key(name)
        || schema.sequences.contains_key(name)
        || schema.views.contains_key(name)
        || schema.types.contains_key(name)
        || index_backed_constraint_exists(schema, name)
}

/// PRIMARY KEY, UNIQUE and EXCLUDE constraints own an index of their name.
fn index_backed_constraint_exists(schema: &Schema, name: &QualifiedName) -> bool {
    schema.tables.any_mentioning(&name.name, |table, definition| {
        table.schema == name.schema
            && definition
                .constraints
                .iter()
                .any(|c| c.kind != ConstraintKind::Check && c.kind != ConstraintKind::ForeignKey && c.name == name.name)
    })
}

fn constraint_exists(schema: &Schema, namespace: &str, name: &str) -> bool {
    schema
        .tables
        .any_mentioning(name, |table, definition| table.schema == namespace && definition.constraint(name).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_names_are_cut_like_postgresql_cuts_them() {
        assert_eq!(make_object_name("account", Some("email"), "key"), "account_email_key");
        assert_eq!(make_object_name("account", None, "pkey"), "account_pkey");
        let long = make_object_name(&"t".repeat(40), Some(&"c".repeat(40)), "fkey");
        // 63 bytes: the longer name shrinks first, the second on a tie.
        assert_eq!(long, format!("{}_{}_fkey", "t".repeat(29), "c".repeat(28)));
        assert_eq!(long.len(), 63);
        assert_eq!(choose("t", None, "check", |n| n == "t_check" || n == "t_check1"), "t_check2");
    }
}
