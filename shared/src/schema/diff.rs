//! What differs between two schemas, object by object: added, dropped, changed (field by
//! field), and renamed — an object whose name changed keeps its [`Origin`], so a rename is not
//! mistaken for a drop and an add.

use super::model::{Column, Constraint, Extension, Namespace, Origin, Policy, Schema, Table, Trigger};
use super::{describe, expr};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectKind {
    Schema,
    Type,
    Sequence,
    Function,
    Table,
    Column,
    Constraint,
    Trigger,
    Policy,
    Index,
    View,
    Statistics,
    Extension,
}

impl ObjectKind {
    pub fn word(self) -> &'static str {
        match self {
            ObjectKind::Schema => "schema",
            ObjectKind::Type => "type",
            ObjectKind::Sequence => "sequence",
            ObjectKind::Function => "function",
            ObjectKind::Table => "table",
            ObjectKind::Column => "column",
            ObjectKind::Constraint => "constraint",
            ObjectKind::Trigger => "trigger",
            ObjectKind::Policy => "policy",
            ObjectKind::Index => "index",
            ObjectKind::View => "view",
            ObjectKind::Statistics => "statistics",
            ObjectKind::Extension => "extension",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Added,
    Dropped,
    Changed,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub kind: ObjectKind,
    /// `customer`, `customer.email` (a column, constraint or trigger of its table), `reporting.sales`.
    pub name: String,
    pub action: Action,
    pub renamed_from: Option<String>,
    /// Added/dropped: the object's definition; changed: the fields that differ.
    pub details: Vec<Detail>,
    /// The object's identity across renames (see [`Origin`]).
    pub origin: Origin,
    /// For a column, constraint or trigger: its table's origin.
    pub table: Option<Origin>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Detail {
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// One object, flattened for comparison: its fields, the first being its definition.
struct Entry<'a> {
    name: String,
    origin: &'a Origin,
    fields: Vec<(String, Option<String>)>,
    /// A table's columns, constraints and triggers.
    table: Option<&'a Table>,
    /// For a column, constraint or trigger: its table's origin.
    parent: Option<&'a Origin>,
}

/// Every difference from `before` to `after`, in kind order then name order.
pub fn diff(before: &Schema, after: &Schema) -> Vec<Change> {
    let mut changes = Vec::new();
    let (b, a) = (&before.namespaces, &after.namespaces);
    pair(ObjectKind::Schema, namespace_entries(b, a), namespace_entries(a, b), &mut changes);
    let (b, a) = (&before.extensions, &after.extensions);
    pair(ObjectKind::Extension, extension_entries(b, a), extension_entries(a, b), &mut changes);
    changed(ObjectKind::Type, &before.types, &after.types, &mut changes, |name, t| Entry {
        name: name.to_string(),
        origin: &t.origin,
        fields: vec![("definition".into(), Some(describe::type_kind(&t.kind))), ("comment".into(), t.comment.clone())],
        table: None,
        parent: None,
    });
    changed(ObjectKind::Sequence, &before.sequences, &after.sequences, &mut changes, |name, s| Entry {
        name: name.to_string(),
        origin: &s.origin,
        fields: vec![("owner".into(), Some(describe::sequence(s))), ("comment".into(), s.comment.clone())],
        table: None,
        parent: None,
    });
    changed(ObjectKind::Function, &before.functions, &after.functions, &mut changes, |key, f| Entry {
        name: key.clone(),
        origin: &f.origin,
        fields: vec![
            ("returns".into(), Some(f.returns.clone())),
            ("language".into(), Some(f.language.clone())),
            ("comment".into(), f.comment.clone()),
        ],
        table: None,
        parent: None,
    });
    changed(ObjectKind::Table, &before.tables, &after.tables, &mut changes, |name, t| Entry {
        name: name.to_string(),
        origin: &t.origin,
        fields: table_fields(t),
        table: Some(t),
        parent: None,
    });
    changed(ObjectKind::Index, &before.indexes, &after.indexes, &mut changes, |name, i| Entry {
        name: name.to_string(),
        origin: &i.origin,
        fields: vec![
            ("definition".into(), Some(format!("on {} {}", i.table, describe::index(i)))),
            ("comment".into(), i.comment.clone()),
        ],
        table: None,
        parent: None,
    });
    changed(ObjectKind::View, &before.views, &after.views, &mut changes, |name, v| Entry {
        name: name.to_string(),
        origin: &v.origin,
        fields: vec![("definition".into(), Some(describe::view(v))), ("comment".into(), v.comment.clone())],
        table: None,
        parent: None,
    });
    changed(ObjectKind::Statistics, &before.statistics, &after.statistics, &mut changes, |name, s| Entry {
        name: name.to_string(),
        origin: &s.origin,
        fields: vec![("definition".into(), Some(describe::statistics(s))), ("comment".into(), s.comment.clone())],
        table: None,
        parent: None,
    });
    changes
}

/// The extensions of `map` that `other` lacks or has otherwise.
fn extension_entries<'a>(map: &'a BTreeMap<String, Extension>, other: &BTreeMap<String, Extension>) -> Vec<Entry<'a>> {
    map.iter()
        .filter(|(name, extension)| other.get(*name) != Some(*extension))
        .map(|(name, extension)| Entry {
            name: name.clone(),
            origin: &extension.origin,
            fields: vec![("schema".into(), Some(extension.schema.clone()))],
            table: None,
            parent: None,
        })
        .collect()
}

/// The schemas of `map` that `other` lacks or has otherwise.
fn namespace_entries<'a>(map: &'a BTreeMap<String, Namespace>, other: &BTreeMap<String, Namespace>) -> Vec<Entry<'a>> {
    map.iter()
        .filter(|(name, namespace)| other.get(*name) != Some(*namespace))
        .map(|(name, namespace)| Entry {
            name: name.clone(),
            origin: &namespace.origin,
            fields: vec![("comment".into(), namespace.comment.clone())],
            table: None,
            parent: None,
        })
        .collect()
}

/// How many of [`table_fields`] are the table's own (the rest are its parts).
const TABLE_OWN_FIELDS: usize = 2;

/// A table's own fields, then its parts; the parts are compared one by one when both sides
/// have the table.
fn table_fields(table: &Table) -> Vec<(String, Option<String>)> {
    let mut fields = vec![
        ("comment".to_owned(), table.comment.clone()),
        ("row security".to_owned(), describe::row_security(table.row_security)),
    ];
    fields.extend(table.columns.iter().map(|c| (format!("column {}", c.name), Some(describe::column(c)))));
    fields.extend(table.constraints.iter().map(|c| (format!("constraint {}", c.name), Some(describe::constraint(c)))));
    fields.extend(table.triggers.iter().map(|t| (format!("trigger {}", t.name), Some(describe::trigger(t)))));
    fields.extend(table.policies.iter().map(|p| (format!("policy {}", p.name), Some(describe::policy(p)))));
    fields
}

/// The entries of two maps that are not the very same object. Both maps are walked once
/// side by side in key order (no lookups), and shared `Arc`s are skipped without a look at
/// their contents, which keeps a revision's diff cheap next to what it touched.
fn changed<K: Ord, T: PartialEq>(
    kind: ObjectKind,
    before: &BTreeMap<K, Arc<T>>,
    after: &BTreeMap<K, Arc<T>>,
    changes: &mut Vec<Change>,
    entry: impl for<'a> Fn(&'a K, &'a T) -> Entry<'a>,
) {
    use std::cmp::Ordering::{Equal, Greater, Less};
    let (mut removed, mut added) = (Vec::new(), Vec::new());
    let (mut old, mut new) = (before.iter().peekable(), after.iter().peekable());
    loop {
        let order = match (old.peek(), new.peek()) {
            (None, None) => break,
            (Some(_), None) => Less,
            (None, Some(_)) => Greater,
            (Some((old_key, _)), Some((new_key, _))) => old_key.cmp(new_key),
        };
        let (o, n) = match order {
            Less => (old.next(), None),
            Greater => (None, new.next()),
            Equal => (old.next(), new.next()),
        };
        if let (Some((_, o)), Some((_, n))) = (o, n)
            && (Arc::ptr_eq(o, n) || **o == **n)
        {
            continue;
        }
        removed.extend(o.map(|(k, v)| entry(k, v)));
        added.extend(n.map(|(k, v)| entry(k, v)));
    }
    pair(kind, removed, added, changes);
}

/// Pairs entries by name, then the rest by origin (renames); reports what differs.
fn pair(kind: ObjectKind, before: Vec<Entry<'_>>, after: Vec<Entry<'_>>, changes: &mut Vec<Change>) {
    let mut unmatched: HashMap<&str, usize> = before.iter().enumerate().map(|(i, e)| (e.name.as_str(), i)).collect();
    let mut paired: Vec<(Option<usize>, Option<usize>)> = Vec::new();
    let mut renames: Vec<usize> = Vec::new();
    for (i, entry) in after.iter().enumerate() {
        match unmatched.remove(entry.name.as_str()) {
            Some(b) => paired.push((Some(b), Some(i))),
            None => renames.push(i),
        }
    }
    let mut by_origin: HashMap<&Origin, usize> = unmatched.values().map(|&b| (before[b].origin, b)).collect();
    for i in renames {
        match by_origin.remove(after[i].origin) {
            Some(b) => paired.push((Some(b), Some(i))),
            None => paired.push((None, Some(i))),
        }
    }
    paired.extend(by_origin.into_values().map(|b| (Some(b), None)));
    paired.sort_by(|x, y| {
        let name = |p: &(Option<usize>, Option<usize>)| match p {
            (_, Some(a)) => after[*a].name.as_str(),
            (Some(b), None) => before[*b].name.as_str(),
            (None, None) => "",
        };
        name(x).cmp(name(y))
    });
    for pairing in paired {
        match pairing {
            (Some(b), Some(a)) => compare(kind, &before[b], &after[a], changes),
            (Some(b), None) => changes.push(whole(kind, &before[b], Action::Dropped)),
            (None, Some(a)) => changes.push(whole(kind, &after[a], Action::Added)),
            (None, None) => {}
        }
    }
}

fn whole(kind: ObjectKind, entry: &Entry<'_>, action: Action) -> Change {
    let details = entry
        .fields
        .iter()
        .filter_map(|(field, value)| {
            let value = value.clone()?;
            let (before, after) = if action == Action::Added { (None, Some(value)) } else { (Some(value), None) };
            Some(Detail { field: field.clone(), before, after })
        })
        .collect();
    let table = entry.parent.cloned();
    Change { kind, name: entry.name.clone(), action, renamed_from: None, details, origin: entry.origin.clone(), table }
}

fn compare(kind: ObjectKind, before: &Entry<'_>, after: &Entry<'_>, changes: &mut Vec<Change>) {
    let renamed_from = (before.name != after.name).then(|| before.name.clone());
    let own_fields =
        |e: &Entry<'_>| if e.table.is_some() { e.fields[..TABLE_OWN_FIELDS].to_vec() } else { e.fields.clone() };
    let (old, new) = (own_fields(before), own_fields(after));
    let details: Vec<Detail> = old
        .iter()
        .zip(&new)
        .filter(|((_, b), (_, a))| b != a)
        .map(|((field, b), (_, a))| Detail { field: field.clone(), before: b.clone(), after: a.clone() })
        .collect();
    if renamed_from.is_some() || !details.is_empty() {
        let origin = after.origin.clone();
        let table = after.parent.cloned();
        changes.push(Change {
            kind,
            name: after.name.clone(),
            action: Action::Changed,
            renamed_from,
            details,
            origin,
            table,
        });
    }
    if let (Some(old_table), Some(new_table)) = (before.table, after.table) {
        parts(&after.name, old_table, new_table, changes);
    }
}

/// Columns, constraints and triggers of a table both sides have, named `table.part`.
fn parts(table: &str, before: &Table, after: &Table, changes: &mut Vec<Change>) {
    let same = |entry: &Entry<'_>, others: &[Entry<'_>]| {
        others.iter().any(|other| other.name == entry.name && other.fields == entry.fields)
    };
    for (kind, old, new) in [
        (ObjectKind::Column, column_entries(table, before), column_entries(table, after)),
        (ObjectKind::Constraint, constraint_entries(table, before), constraint_entries(table, after)),
        (ObjectKind::Trigger, trigger_entries(table, before), trigger_entries(table, after)),
        (ObjectKind::Policy, policy_entries(table, before), policy_entries(table, after)),
    ] {
        let keep_old: Vec<bool> = old.iter().map(|e| !same(e, &new)).collect();
        let keep_new: Vec<bool> = new.iter().map(|e| !same(e, &old)).collect();
        let old = old.into_iter().zip(keep_old).filter_map(|(e, keep)| keep.then_some(e)).collect();
        let new = new.into_iter().zip(keep_new).filter_map(|(e, keep)| keep.then_some(e)).collect();
        pair(kind, old, new, changes);
    }
}

fn part<'a>(
    table: &str,
    owner: &'a Table,
    name: &str,
    origin: &'a Origin,
    fields: Vec<(String, Option<String>)>,
) -> Entry<'a> {
    Entry { name: format!("{table}.{name}"), origin, fields, table: None, parent: Some(&owner.origin) }
}

fn column_entries<'a>(name: &str, table: &'a Table) -> Vec<Entry<'a>> {
    let nullable = |c: &Column| if c.not_null { "not null" } else { "null" }.to_owned();
    let fields = |c: &Column| {
        vec![
            ("type".to_owned(), Some(c.data_type.clone())),
            ("nullable".to_owned(), Some(nullable(c))),
            ("default".to_owned(), c.default.as_deref().and_then(|d| expr::comparable_default(d, &c.data_type))),
            ("identity".to_owned(), c.identity.map(|i| format!("{i:?}").to_lowercase())),
            ("generated".to_owned(), c.generated.clone()),
            ("comment".to_owned(), c.comment.clone()),
        ]
    };
    table.columns.iter().map(|c| part(name, table, &c.name, &c.origin, fields(c))).collect()
}

fn constraint_entries<'a>(name: &str, table: &'a Table) -> Vec<Entry<'a>> {
    let fields = |c: &Constraint| {
        vec![("definition".to_owned(), Some(describe::constraint(c))), ("comment".to_owned(), c.comment.clone())]
    };
    table.constraints.iter().map(|c| part(name, table, &c.name, &c.origin, fields(c))).collect()
}

fn trigger_entries<'a>(name: &str, table: &'a Table) -> Vec<Entry<'a>> {
    let fields = |t: &Trigger| {
        vec![("definition".to_owned(), Some(describe::trigger(t))), ("comment".to_owned(), t.comment.clone())]
    };
    table.triggers.iter().map(|t| part(name, table, &t.name, &t.origin, fields(t))).collect()
}

fn policy_entries<'a>(name: &str, table: &'a Table) -> Vec<Entry<'a>> {
    let fields = |p: &Policy| vec![("definition".to_owned(), Some(describe::policy(p)))];
    table.policies.iter().map(|p| part(name, table, &p.name, &p.origin, fields(p))).collect()
}
