//! Tables and what lives inside them: columns, constraints, triggers.

use super::context::{Context, mentions_retyped, no_origin, same_constraint, trigger_columns};
use super::define::{self, identity_word};
use super::quote::{ident, relation};
use super::{Phase, Script, same, security};
use crate::schema::diff::ObjectKind;
use crate::schema::expr;
use crate::schema::model::{Column, Constraint, ConstraintKind, Function, QualifiedName, Table, Trigger, UNKNOWN_TYPE};

pub fn tables(context: &Context<'_>, script: &mut Script) {
    let (from, to) = (context.from, context.to);
    for (name, table) in &from.tables {
        if !to.tables.contains_key(name) {
            script.push(Phase::DropTables, format!("DROP TABLE {}", relation(name)));
            // Its foreign keys go first, so tables that reference each other can go in any order.
            for constraint in table.constraints.iter().filter(|c| c.kind == ConstraintKind::ForeignKey) {
                drop_constraint(script, name, constraint);
            }
        }
    }
    for (name, table) in &to.tables {
        let old = from.tables.get(name).map(|t| &**t);
        if old.is_none() {
            create_table(script, name, table);
        }
        let empty = Table {
            origin: no_origin(),
            columns: vec![],
            constraints: vec![],
            triggers: vec![],
            comment: None,
            row_security: Default::default(),
            policies: vec![],
        };
        let old_table = old.unwrap_or(&empty);
        if old.is_some() {
            columns(context, script, name, old_table, table);
        }
        constraints(context, script, name, old_table, table);
        triggers(context, script, name, old_table, table);
        security::row_security(script, name, old_table.row_security, table.row_security);
        security::policies(context, script, name, old_table, table);
        script.comment(
            format!("TABLE {}", relation(name)),
            old.and_then(|t| t.comment.as_ref()),
            table.comment.as_ref(),
        );
    }
}

fn create_table(script: &mut Script, name: &QualifiedName, table: &Table) {
    for column in table.columns.iter().filter(|c| c.data_type == UNKNOWN_TYPE) {
        let reason = "the model does not know its type (CREATE TABLE … AS over an expression it cannot type)";
        script.cannot(ObjectKind::Column, &format!("{name}.{}", column.name), reason);
    }
    let known: Vec<Column> = table.columns.iter().filter(|c| c.data_type != UNKNOWN_TYPE).cloned().collect();
    script.push(Phase::CreateTables, define::create_table(name, &known));
    for column in &known {
        column_comment(script, name, column, None);
    }
}

fn column_comment(script: &mut Script, table: &QualifiedName, column: &Column, before: Option<&String>) {
    let target = format!("COLUMN {}.{}", relation(table), ident(&column.name));
    script.comment(target, before, column.comment.as_ref());
}

/// Columns of a table both sides have: dropped, added at the end, altered in place.
fn columns(context: &Context<'_>, script: &mut Script, name: &QualifiedName, old: &Table, new: &Table) {
    let table = relation(name);
    for column in old.columns.iter().filter(|c| new.column(&c.name).is_none()) {
        script.push(Phase::DropColumns, format!("ALTER TABLE {table} DROP COLUMN {}", ident(&column.name)));
    }
    for column in &new.columns {
        let label = format!("{name}.{}", column.name);
        if column.data_type == UNKNOWN_TYPE {
            script.cannot(ObjectKind::Column, &label, "the model does not know its type");
            continue;
        }
        match old.column(&column.name) {
            None => {
                script.push(Phase::AddColumns, format!("ALTER TABLE {table} ADD COLUMN {}", define::column(column)));
                column_comment(script, name, column, None);
            }
            Some(before) => {
                alter_column(context, script, name, before, column);
                column_comment(script, name, column, before.comment.as_ref());
            }
        }
    }
    // ADD COLUMN appends: where `to` has another order, no statement of ours gives it.
    let kept = old.columns.iter().filter(|c| new.column(&c.name).is_some());
    let added = new.columns.iter().filter(|c| old.column(&c.name).is_none());
    let order: Vec<&str> = kept.chain(added).map(|c| c.name.as_str()).collect();
    let wanted: Vec<&str> = new.columns.iter().map(|c| c.name.as_str()).collect();
    if order != wanted {
        let reason = format!(
            "its columns are ordered {}; adding columns at the end gives {} (PostgreSQL cannot reorder columns)",
            wanted.join(", "),
            order.join(", ")
        );
        script.cannot(ObjectKind::Table, &name.to_string(), &reason);
    }
}

fn alter_column(context: &Context<'_>, script: &mut Script, table: &QualifiedName, old: &Column, new: &Column) {
    let alter = format!("ALTER TABLE {} ALTER COLUMN {}", relation(table), ident(&new.name));
    let label = format!("{table}.{}", new.name);
    let default = |c: &Column| c.default.as_deref().and_then(|d| expr::comparable_default(d, &c.data_type));
    match (&old.generated, &new.generated) {
        (Some(_), None) => script.push(Phase::DropDefaults, format!("{alter} DROP EXPRESSION")),
        (None, Some(_)) => script.cannot(ObjectKind::Column, &label, "PostgreSQL cannot make a column generated"),
        (Some(a), Some(b)) if a != b => {
            let reason = "its generation expression changes (PostgreSQL 17's SET EXPRESSION, or a drop and re-add)";
            script.cannot(ObjectKind::Column, &label, reason)
        }
        _ => {}
    }
    if old.identity.is_some() && new.identity.is_none() {
        script.push(Phase::DropDefaults, format!("{alter} DROP IDENTITY"));
    }
    // A retyped column's default is set again, parsed for the new type.
    let default_changes = default(old) != default(new) || context.retyped(table, &new.name);
    if default_changes && old.default.is_some() {
        script.push(Phase::DropDefaults, format!("{alter} DROP DEFAULT"));
    }
    if context.retyped(table, &new.name) {
        script.push(Phase::AlterColumns, format!("{alter} TYPE {}", new.data_type));
    }
    match (old.not_null, new.not_null) {
        (false, true) => script.push(Phase::AlterColumns, format!("{alter} SET NOT NULL")),
        // An identity column is NOT NULL for as long as it is one.
        (true, false) if new.identity.is_none() => script.push(Phase::AlterColumns, format!("{alter} DROP NOT NULL")),
        _ => {}
    }
    if default_changes && let Some(value) = &new.default {
        script.push(Phase::AlterColumns, format!("{alter} SET DEFAULT {value}"));
    }
    match (old.identity, new.identity) {
        (None, Some(identity)) => {
            let statement = format!("{alter} ADD GENERATED {} AS IDENTITY", identity_word(identity));
            script.push(Phase::AlterColumns, statement);
        }
        (Some(a), Some(b)) if a != b => {
            script.push(Phase::AlterColumns, format!("{alter} SET GENERATED {}", identity_word(b)));
        }
        _ => {}
    }
}

/// A constraint of `old` that `new` keeps as it is, but for a VALIDATE.
enum Kept {
    Same,
    Validated,
}

fn kept(context: &Context<'_>, table: &QualifiedName, old: &Constraint, new: &Table) -> Option<Kept> {
    let new = new.constraint(&old.name)?;
    if old.kind == ConstraintKind::ForeignKey {
        // Its key on the other side goes and comes back, or its columns change type.
        let reference = old.references.as_ref();
        if reference.is_some_and(|r| context.rekeyed_tables.contains(&r.table))
            || old.columns.iter().any(|c| context.retyped(table, c))
            || reference.is_some_and(|r| r.columns.iter().any(|c| context.retyped(&r.table, c)))
        {
            return None;
        }
    }
    // A retyped column's CHECK is parsed again on the new type, as a fresh one would be
    // (PostgreSQL otherwise keeps the old casts in it).
    let checks_retyped = old.expression.as_deref().is_some_and(|e| mentions_retyped(context, table, e));
    if checks_retyped {
        return None;
    }
    if same_constraint(old, new) {
        return Some(Kept::Same);
    }
    let validated = Constraint { validated: true, ..old.clone() };
    (!old.validated && new.validated && same_constraint(&validated, new)).then_some(Kept::Validated)
}

fn constraints(context: &Context<'_>, script: &mut Script, name: &QualifiedName, old: &Table, new: &Table) {
    let table = relation(name);
    let mut kept_names = Vec::new();
    for constraint in &old.constraints {
        match kept(context, name, constraint, new) {
            Some(Kept::Same) => kept_names.push(constraint.name.as_str()),
            Some(Kept::Validated) => {
                kept_names.push(constraint.name.as_str());
                let statement = format!("ALTER TABLE {table} VALIDATE CONSTRAINT {}", ident(&constraint.name));
                script.push(Phase::ValidateConstraints, statement);
            }
            // Gone with its column otherwise; dropped first, it cannot hold a DROP COLUMN up.
            None => drop_constraint(script, name, constraint),
        }
    }
    for constraint in &new.constraints {
        let label = format!("{name}.{}", constraint.name);
        let before = match kept_names.contains(&constraint.name.as_str()) {
            true => old.constraint(&constraint.name).and_then(|c| c.comment.as_ref()),
            false => {
                let Some(definition) = define::constraint(constraint) else {
                    let reason = "the model does not keep an exclusion constraint's definition";
                    script.cannot(ObjectKind::Constraint, &label, reason);
                    continue;
                };
                let phase = match constraint.kind {
                    ConstraintKind::ForeignKey => Phase::AddForeignKeys,
                    _ => Phase::AddConstraints,
                };
                let statement = format!("ALTER TABLE {table} ADD CONSTRAINT {} {definition}", ident(&constraint.name));
                script.push(phase, statement);
                None
            }
        };
        let target = format!("CONSTRAINT {} ON {table}", ident(&constraint.name));
        script.comment(target, before, constraint.comment.as_ref());
    }
}

fn drop_constraint(script: &mut Script, table: &QualifiedName, constraint: &Constraint) {
    let phase = match constraint.kind {
        ConstraintKind::ForeignKey => Phase::DropForeignKeys,
        _ => Phase::DropConstraints,
    };
    let statement = format!("ALTER TABLE {} DROP CONSTRAINT {}", relation(table), ident(&constraint.name));
    script.push(phase, statement);
}

fn same_trigger(a: &Trigger, b: &Trigger) -> bool {
    same(a, b, |t| {
        t.origin = no_origin();
        t.comment = None;
    })
}

fn triggers(context: &Context<'_>, script: &mut Script, name: &QualifiedName, old: &Table, new: &Table) {
    let table = relation(name);
    // PostgreSQL will not retype a column a trigger names; the trigger goes and comes back.
    let pinned = |t: &Trigger| trigger_columns(t).iter().any(|c| context.retyped(name, c));
    let kept = |t: &Trigger| !pinned(t) && new.triggers.iter().any(|n| n.name == t.name && same_trigger(t, n));
    for trigger in old.triggers.iter().filter(|t| !kept(t)) {
        script.push(Phase::DropTriggers, format!("DROP TRIGGER {} ON {table}", ident(&trigger.name)));
    }
    for trigger in &new.triggers {
        let before = old.triggers.iter().find(|t| t.name == trigger.name && kept(t));
        if before.is_none() {
            let function = Function::key(&trigger.function_name, "");
            if context.to.functions.contains_key(&function) && !context.from.functions.contains_key(&function) {
                let reason = format!("it executes {function}, which cannot be created (see there)");
                script.cannot(ObjectKind::Trigger, &format!("{name}.{}", trigger.name), &reason);
                continue;
            }
            script.push(Phase::CreateTriggers, define::create_trigger(name, trigger));
        }
        let target = format!("TRIGGER {} ON {table}", ident(&trigger.name));
        script.comment(target, before.and_then(|t| t.comment.as_ref()), trigger.comment.as_ref());
    }
}
