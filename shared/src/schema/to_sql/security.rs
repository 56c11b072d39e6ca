//! Row-level security: a table's `ENABLE`/`FORCE` switches and its policies.

use super::context::{Context, mentions_retyped, no_origin};
use super::quote::{ident, idents, relation};
use super::{Phase, Script, same};
use crate::schema::model::{Policy, QualifiedName, RowSecurity, Table};

pub fn row_security(script: &mut Script, name: &QualifiedName, old: RowSecurity, new: RowSecurity) {
    let table = relation(name);
    if old.enabled != new.enabled {
        let word = if new.enabled { "ENABLE" } else { "DISABLE" };
        script.push(Phase::RowSecurity, format!("ALTER TABLE {table} {word} ROW LEVEL SECURITY"));
    }
    if old.forced != new.forced {
        let word = if new.forced { "FORCE" } else { "NO FORCE" };
        script.push(Phase::RowSecurity, format!("ALTER TABLE {table} {word} ROW LEVEL SECURITY"));
    }
}

/// Policies that differ go and come back (ALTER POLICY cannot change a policy's command or
/// kind); so do those whose expressions name a column that changes type.
pub fn policies(context: &Context<'_>, script: &mut Script, name: &QualifiedName, old: &Table, new: &Table) {
    let table = relation(name);
    let pinned =
        |p: &Policy| p.using.iter().chain(&p.with_check).any(|expression| mentions_retyped(context, name, expression));
    let same_policy = |a: &Policy, b: &Policy| same(a, b, |p| p.origin = no_origin());
    let kept = |p: &Policy| !pinned(p) && new.policies.iter().any(|n| n.name == p.name && same_policy(p, n));
    for policy in old.policies.iter().filter(|p| !kept(p)) {
        script.push(Phase::DropPolicies, format!("DROP POLICY {} ON {table}", ident(&policy.name)));
    }
    for policy in new.policies.iter().filter(|p| !old.policies.iter().any(|o| o.name == p.name && kept(o))) {
        script.push(Phase::CreatePolicies, create_policy(name, policy));
    }
}

fn create_policy(table: &QualifiedName, policy: &Policy) -> String {
    let kind = if policy.permissive { "PERMISSIVE" } else { "RESTRICTIVE" };
    // `public` and the session words are keywords here, not role names to quote.
    let roles: Vec<String> = policy
        .roles
        .iter()
        .map(|role| match role.as_str() {
            "public" | "current_role" | "current_user" | "session_user" => role.to_uppercase(),
            _ => idents(std::slice::from_ref(role)),
        })
        .collect();
    let mut statement = format!(
        "CREATE POLICY {} ON {} AS {kind} FOR {} TO {}",
        ident(&policy.name),
        relation(table),
        policy.command,
        roles.join(", ")
    );
    if let Some(using) = &policy.using {
        statement.push_str(&format!(" USING ({using})"));
    }
    if let Some(check) = &policy.with_check {
        statement.push_str(&format!(" WITH CHECK ({check})"));
    }
    statement
}
