//! Row-level security: `ENABLE`/`FORCE ROW LEVEL SECURITY` and policies (`CREATE`, `ALTER`,
//! `DROP`, `RENAME` are in their statements' modules and call here).

use super::{Applier, relation};
use crate::schema::expr;
use crate::schema::model::{Policy, QualifiedName, RowSecurity};
use pg_query::NodeEnum;
use pg_query::protobuf::{AlterPolicyStmt, AlterTableType, CreatePolicyStmt, Node, RoleSpecType};

impl Applier<'_> {
    pub(super) fn create_policy(&mut self, stmt: &CreatePolicyStmt) {
        let table = relation(stmt.table.as_ref());
        let policy = Policy {
            name: stmt.policy_name.clone(),
            origin: self.new_origin(),
            permissive: stmt.permissive,
            command: stmt.cmd_name.to_uppercase(),
            roles: roles(&stmt.roles),
            using: stmt.qual.as_deref().map(expr::deparse),
            with_check: stmt.with_check.as_deref().map(expr::deparse),
        };
        let Some(entry) = self.known_table(&table, false) else { return };
        if entry.policies.iter().any(|p| p.name == policy.name) {
            self.skip(format!("policy {} on {table} already exists in the model", policy.name));
        } else {
            entry.policies.push(policy);
        }
    }

    /// `ALTER POLICY`: what it names replaces what the policy had; the rest stays.
    pub(super) fn alter_policy(&mut self, stmt: &AlterPolicyStmt) {
        let table = relation(stmt.table.as_ref());
        let Some(entry) = self.known_table(&table, false) else { return };
        let Some(policy) = entry.policies.iter_mut().find(|p| p.name == stmt.policy_name) else {
            self.skip(format!("policy {} on {table} is not in the model", stmt.policy_name));
            return;
        };
        if !stmt.roles.is_empty() {
            policy.roles = roles(&stmt.roles);
        }
        if let Some(using) = stmt.qual.as_deref() {
            policy.using = Some(expr::deparse(using));
        }
        if let Some(check) = stmt.with_check.as_deref() {
            policy.with_check = Some(expr::deparse(check));
        }
    }

    pub(super) fn drop_policy(&mut self, table: &QualifiedName, name: &str) -> bool {
        let Some(entry) = self.table_mut(table) else { return false };
        let before = entry.policies.len();
        entry.policies.retain(|p| p.name != name);
        entry.policies.len() != before
    }

    pub(super) fn rename_policy(&mut self, table: &QualifiedName, old: &str, new: &str) -> bool {
        let Some(entry) = self.table_mut(table) else { return false };
        let policy = entry.policies.iter_mut().find(|p| p.name == old);
        policy.map(|p| p.name = new.to_owned()).is_some()
    }

    /// The four `ALTER TABLE … ROW LEVEL SECURITY` commands; false for any other command.
    pub(super) fn row_security_command(&mut self, table: &QualifiedName, command: AlterTableType) -> bool {
        let change: fn(&mut RowSecurity) = match command {
            AlterTableType::AtEnableRowSecurity => |r| r.enabled = true,
            AlterTableType::AtDisableRowSecurity => |r| r.enabled = false,
            AlterTableType::AtForceRowSecurity => |r| r.forced = true,
            AlterTableType::AtNoForceRowSecurity => |r| r.forced = false,
            _ => return false,
        };
        if let Some(entry) = self.table_mut(table) {
            change(&mut entry.row_security);
        }
        true
    }
}

/// Role names as `pg_policies.roles` lists them: `public` when none or PUBLIC is named.
fn roles(nodes: &[Node]) -> Vec<String> {
    let named: Vec<String> = nodes
        .iter()
        .filter_map(|node| match &node.node {
            Some(NodeEnum::RoleSpec(role)) => Some(match RoleSpecType::try_from(role.roletype) {
                Ok(RoleSpecType::RolespecCstring) => role.rolename.clone(),
                Ok(RoleSpecType::RolespecCurrentRole) => "current_role".to_owned(),
                Ok(RoleSpecType::RolespecCurrentUser) => "current_user".to_owned(),
                Ok(RoleSpecType::RolespecSessionUser) => "session_user".to_owned(),
                _ => "public".to_owned(),
            }),
            _ => None,
        })
        .collect();
    if named.is_empty() { vec!["public".to_owned()] } else { named }
}
