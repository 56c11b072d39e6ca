//! Objects outside tables: schemas, extensions, types, sequences, functions, indexes and
//! extended statistics.

use super::context::{Context, mentions_retyped, no_origin, same_index};
use super::define;
use super::quote::{ident, literal, relation};
use super::{Phase, Script, same};
use crate::schema::diff::ObjectKind;
use crate::schema::model::{Index, QualifiedName, Statistics, TypeKind};

pub fn namespaces(context: &Context<'_>, script: &mut Script) {
    let (from, to) = (context.from, context.to);
    for name in from.namespaces.keys().filter(|n| !to.namespaces.contains_key(*n)) {
        script.push(Phase::DropSchemas, format!("DROP SCHEMA {}", ident(name)));
    }
    for (name, namespace) in &to.namespaces {
        let before = from.namespaces.get(name);
        if before.is_none() {
            script.push(Phase::CreateSchemas, format!("CREATE SCHEMA {}", ident(name)));
        }
        script.comment(
            format!("SCHEMA {}", ident(name)),
            before.and_then(|n| n.comment.as_ref()),
            namespace.comment.as_ref(),
        );
    }
}

pub fn extensions(context: &Context<'_>, script: &mut Script) {
    let (from, to) = (context.from, context.to);
    for name in from.extensions.keys().filter(|n| !to.extensions.contains_key(*n)) {
        script.push(Phase::DropExtensions, format!("DROP EXTENSION {}", ident(name)));
    }
    for (name, extension) in &to.extensions {
        let schema = ident(&extension.schema);
        match from.extensions.get(name) {
            None => {
                script.push(Phase::CreateExtensions, format!("CREATE EXTENSION {} WITH SCHEMA {schema}", ident(name)))
            }
            Some(old) if old.schema != extension.schema => {
                script.push(Phase::CreateExtensions, format!("ALTER EXTENSION {} SET SCHEMA {schema}", ident(name)))
            }
            Some(_) => {}
        }
    }
}

/// Enums, then domains (over them), then composite types (of either); dropped the other
/// way round.
fn rank(kind: &TypeKind) -> u8 {
    match kind {
        TypeKind::Enum { .. } => 0,
        TypeKind::Domain { .. } => 1,
        TypeKind::Composite { .. } => 2,
    }
}

pub fn types(context: &Context<'_>, script: &mut Script) {
    let (from, to) = (context.from, context.to);
    let mut dropped: Vec<_> = from.types.iter().filter(|(n, _)| !to.types.contains_key(*n)).collect();
    dropped.sort_by_key(|(_, t)| std::cmp::Reverse(rank(&t.kind)));
    for (name, old) in dropped {
        script.push(Phase::DropTypes, format!("DROP {} {}", define::type_word(&old.kind), relation(name)));
    }
    let mut types: Vec<_> = to.types.iter().collect();
    types.sort_by_key(|(_, t)| rank(&t.kind));
    for (name, new) in types {
        let old = from.types.get(name);
        match old {
            None => script.push(Phase::CreateTypes, define::create_type(name, &new.kind)),
            Some(old) => alter_type(script, &name.to_string(), &relation(name), &old.kind, &new.kind),
        }
        let target = format!("{} {}", define::type_word(&new.kind), relation(name));
        script.comment(target, old.and_then(|t| t.comment.as_ref()), new.comment.as_ref());
    }
}

fn alter_type(script: &mut Script, label: &str, name: &str, old: &TypeKind, new: &TypeKind) {
    match (old, new) {
        (TypeKind::Enum { labels: before }, TypeKind::Enum { labels: after }) => {
            enum_labels(script, label, name, before, after)
        }
        (TypeKind::Composite { attributes: before }, TypeKind::Composite { attributes: after }) => {
            attributes(script, label, name, before, after)
        }
        (
            TypeKind::Domain { base: b0, not_null: n0, default: d0, checks: c0 },
            TypeKind::Domain { base: b1, not_null: n1, default: d1, checks: c1 },
        ) => {
            if b0 != b1 {
                script.cannot(ObjectKind::Type, label, "PostgreSQL cannot change a domain's base type");
                return;
            }
            let alter = format!("ALTER DOMAIN {name}");
            match (n0, n1) {
                (false, true) => script.push(Phase::AlterColumns, format!("{alter} SET NOT NULL")),
                (true, false) => script.push(Phase::AlterColumns, format!("{alter} DROP NOT NULL")),
                _ => {}
            }
            if d0 != d1 {
                let statement =
                    d1.as_ref().map_or(format!("{alter} DROP DEFAULT"), |d| format!("{alter} SET DEFAULT {d}"));
                script.push(Phase::AlterColumns, statement);
            }
            if c0.iter().any(|c| !c1.contains(c)) {
                script.cannot(
                    ObjectKind::Type,
                    label,
                    "a CHECK goes, and the model does not keep a domain CHECK's name",
                );
            }
            for check in c1.iter().filter(|c| !c0.contains(c)) {
                script.push(Phase::AddConstraints, format!("{alter} ADD CHECK ({check})"));
            }
        }
        _ => script.cannot(ObjectKind::Type, label, "it changes kind (enum, composite, domain) while in use"),
    }
}

/// Labels are only ever added (before or after a neighbour) or renamed in place; PostgreSQL
/// cannot remove or reorder them.
fn enum_labels(script: &mut Script, label: &str, name: &str, before: &[String], after: &[String]) {
    if before.len() == after.len() {
        for (old, new) in before.iter().zip(after).filter(|(old, new)| old != new) {
            let statement = format!("ALTER TYPE {name} RENAME VALUE {} TO {}", literal(old), literal(new));
            script.push(Phase::CreateTypes, statement);
        }
        return;
    }
    let mut remaining = before.iter().peekable();
    for label in after {
        if remaining.peek() == Some(&label) {
            remaining.next();
        }
    }
    if remaining.next().is_some() {
        let reason = format!(
            "its values go from ({}) to ({}): PostgreSQL cannot remove or reorder enum values",
            before.join(", "),
            after.join(", ")
        );
        script.cannot(ObjectKind::Type, label, &reason);
        return;
    }
    for (at, value) in after.iter().enumerate().filter(|(_, v)| !before.contains(v)) {
        let place = match after[at + 1..].iter().find(|v| before.contains(v)) {
            Some(next) => format!(" BEFORE {}", literal(next)),
            None => String::new(),
        };
        script.push(Phase::CreateTypes, format!("ALTER TYPE {name} ADD VALUE {}{place}", literal(value)));
    }
}

fn attributes(script: &mut Script, label: &str, name: &str, before: &[(String, String)], after: &[(String, String)]) {
    let find = |list: &'_ [(String, String)], attribute: &str| list.iter().find(|(a, _)| a == attribute).cloned();
    for (attribute, _) in before.iter().filter(|(a, _)| find(after, a).is_none()) {
        script.push(Phase::CreateTypes, format!("ALTER TYPE {name} DROP ATTRIBUTE {}", ident(attribute)));
    }
    for (attribute, data_type) in after {
        match find(before, attribute) {
            None => {
                let statement = format!("ALTER TYPE {name} ADD ATTRIBUTE {} {data_type}", ident(attribute));
                script.push(Phase::CreateTypes, statement);
            }
            Some((_, old_type)) if old_type != *data_type => {
                let statement = format!("ALTER TYPE {name} ALTER ATTRIBUTE {} TYPE {data_type}", ident(attribute));
                script.push(Phase::CreateTypes, statement);
            }
            Some(_) => {}
        }
    }
    let kept = before.iter().filter(|(a, _)| find(after, a).is_some()).map(|(a, _)| a);
    let order: Vec<&String> =
        kept.chain(after.iter().filter(|(a, _)| find(before, a).is_none()).map(|(a, _)| a)).collect();
    if order != after.iter().map(|(a, _)| a).collect::<Vec<_>>() {
        script.cannot(ObjectKind::Type, label, "its attributes are in an order ADD ATTRIBUTE cannot give");
    }
}

pub fn sequences(context: &Context<'_>, script: &mut Script) {
    let (from, to) = (context.from, context.to);
    let owner_gone = |owner: &Option<(crate::schema::model::QualifiedName, String)>| {
        owner.as_ref().is_some_and(|(table, column)| context.column_dropped(table, column))
    };
    for (name, old) in &from.sequences {
        match to.sequences.get(name) {
            // It goes with the column that owns it.
            None if owner_gone(&old.owned_by) => {}
            None => script.push(Phase::DropSequences, format!("DROP SEQUENCE {}", relation(name))),
            // Kept while its owner goes: it lets go first.
            Some(new) if owner_gone(&old.owned_by) && new.owned_by != old.owned_by => {
                script.push(Phase::DropDefaults, format!("ALTER SEQUENCE {} OWNED BY NONE", relation(name)))
            }
            Some(_) => {}
        }
    }
    for (name, new) in &to.sequences {
        let old = from.sequences.get(name);
        if old.is_none() {
            script.push(Phase::CreateSequences, format!("CREATE SEQUENCE {}", relation(name)));
        }
        let old_owner = old.and_then(|o| (!owner_gone(&o.owned_by)).then_some(&o.owned_by)).cloned().flatten();
        if old_owner != new.owned_by {
            let owner =
                new.owned_by.as_ref().map_or("NONE".to_owned(), |(t, c)| format!("{}.{}", relation(t), ident(c)));
            script.push(Phase::OwnSequences, format!("ALTER SEQUENCE {} OWNED BY {owner}", relation(name)));
        }
        script.comment(
            format!("SEQUENCE {}", relation(name)),
            old.and_then(|s| s.comment.as_ref()),
            new.comment.as_ref(),
        );
    }
}

/// The model keeps a function's signature, not its body: one can be dropped, never created.
pub fn functions(context: &Context<'_>, script: &mut Script) {
    let (from, to) = (context.from, context.to);
    let word = |procedure: bool| if procedure { "PROCEDURE" } else { "FUNCTION" };
    let signature = |f: &crate::schema::model::Function| format!("{}({})", relation(&f.name), f.arguments);
    for (_, old) in from.functions.iter().filter(|(k, _)| !to.functions.contains_key(*k)) {
        script.push(Phase::DropFunctions, format!("DROP {} {}", word(old.procedure), signature(old)));
    }
    for (key, new) in &to.functions {
        let old = from.functions.get(key);
        let changed =
            old.is_some_and(|o| o.returns != new.returns || o.language != new.language || o.procedure != new.procedure);
        if old.is_none() || changed {
            let reason = "the model does not keep a function's body, so it cannot be created or replaced";
            script.cannot(ObjectKind::Function, key, reason);
            continue;
        }
        let target = format!("{} {}", word(new.procedure), signature(new));
        script.comment(target, old.and_then(|f| f.comment.as_ref()), new.comment.as_ref());
    }
}

pub fn indexes(context: &Context<'_>, script: &mut Script) {
    let (from, to) = (context.from, context.to);
    let on_rebuilt_view = |table: &QualifiedName| context.rebuilt_views.contains(table);
    // Over a retyped column, an expression or predicate is built again for the new type.
    let retyped = |index: &Index| {
        let mut expressions = index.keys.iter().chain(&index.predicate);
        expressions.any(|e| mentions_retyped(context, &index.table, e))
    };
    let kept = |name, index: &Index| {
        to.indexes.get(name).is_some_and(|new| same_index(index, new))
            && !on_rebuilt_view(&index.table)
            && !retyped(index)
    };
    for (name, index) in &from.indexes {
        // An index goes with its table or view.
        if !kept(name, index) && !context.table_dropped(&index.table) && !on_rebuilt_view(&index.table) {
            script.push(Phase::DropIndexes, format!("DROP INDEX {}", relation(name)));
        }
    }
    for (name, index) in &to.indexes {
        let old = from.indexes.get(name).filter(|old| kept(name, old));
        if old.is_none() {
            let phase =
                if to.views.contains_key(&index.table) { Phase::CreateViewIndexes } else { Phase::CreateIndexes };
            script.push(phase, define::create_index(name, index));
        }
        script.comment(
            format!("INDEX {}", relation(name)),
            old.and_then(|i| i.comment.as_ref()),
            index.comment.as_ref(),
        );
    }
}

fn same_statistics(a: &Statistics, b: &Statistics) -> bool {
    same(a, b, |s| {
        s.origin = no_origin();
        s.comment = None;
    })
}

pub fn statistics(context: &Context<'_>, script: &mut Script) {
    let (from, to) = (context.from, context.to);
    let kept = |name, statistics| to.statistics.get(name).is_some_and(|new| same_statistics(statistics, new));
    for (name, statistics) in &from.statistics {
        if !kept(name, statistics) && !context.table_dropped(&statistics.table) {
            script.push(Phase::DropStatistics, format!("DROP STATISTICS {}", relation(name)));
        }
    }
    for (name, statistics) in &to.statistics {
        let old = from.statistics.get(name).filter(|old| kept(name, old));
        if old.is_none() {
            script.push(Phase::CreateStatistics, define::create_statistics(name, statistics));
        }
        let target = format!("STATISTICS {}", relation(name));
        script.comment(target, old.and_then(|s| s.comment.as_ref()), statistics.comment.as_ref());
    }
}
