//! Who may do what. The server enforces it; the browser asks the same table to decide which
//! buttons to offer, so the two never disagree.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A user's role. Each one is a job, not a rank: an operator runs plans but does not approve
/// them, an approver signs off but does not run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Viewer,
    Reviewer,
    Approver,
    Operator,
    Admin,
}

/// Everything the studio lets a signed-in user do beyond reading.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Read the project, environments, schema, reviews, plans (a preview changes nothing).
    Read,
    /// Comment on revisions, resolve threads, approve or request changes on a revision.
    Review,
    /// Sign off a proposed plan (the environment's policy may narrow the roles further).
    ApprovePlan,
    /// Propose a plan for approval, run it, stamp.
    Operate,
    /// Read and export the audit log.
    ReadAudit,
}

impl Role {
    pub const ALL: [Role; 5] = [Role::Viewer, Role::Reviewer, Role::Approver, Role::Operator, Role::Admin];

    pub fn may(self, action: Action) -> bool {
        use Role::*;
        match action {
            Action::Read => true,
            Action::Review => matches!(self, Reviewer | Approver | Admin),
            Action::ApprovePlan => matches!(self, Approver | Admin),
            Action::Operate => matches!(self, Operator | Admin),
            Action::ReadAudit => matches!(self, Approver | Admin),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Reviewer => "reviewer",
            Role::Approver => "approver",
            Role::Operator => "operator",
            Role::Admin => "admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Role {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Role::ALL.into_iter().find(|role| role.name() == text).ok_or_else(|| {
            let names: Vec<&str> = Role::ALL.iter().map(|r| r.name()).collect();
            format!("unknown role `{text}` (one of: {})", names.join(", "))
        })
    }
}

/// `GET /api/auth/status`: whether anyone can sign in yet, and who is signed in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuthStatus {
    /// No account exists: the command that creates the first admin.
    pub first_admin_command: Option<String>,
    pub me: Option<Me>,
}

/// The signed-in user, and the token every state-changing request must echo in `X-CSRF-Token`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Me {
    pub name: String,
    pub role: Role,
    pub csrf_token: String,
}

/// `POST /api/auth/sign-in`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SignIn {
    pub name: String,
    pub password: String,
}

/// `POST /api/auth/first-admin`: the first account, with the token of the link `strata serve`
/// printed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FirstAdmin {
    pub token: String,
    pub name: String,
    pub password: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_names() {
        for role in Role::ALL {
            assert_eq!(role.name().parse::<Role>(), Ok(role));
        }
        assert!("root".parse::<Role>().unwrap_err().contains("viewer, reviewer, approver, operator, admin"));
    }

    #[test]
    fn duties_are_separated() {
        assert!(Role::Operator.may(Action::Operate) && !Role::Operator.may(Action::ApprovePlan));
        assert!(Role::Approver.may(Action::ApprovePlan) && !Role::Approver.may(Action::Operate));
        assert!(!Role::Viewer.may(Action::Review) && Role::Viewer.may(Action::Read));
        assert!(Role::ALL.iter().all(|role| role.may(Action::Read)));
        assert!(Role::Admin.may(Action::Operate) && Role::Admin.may(Action::ApprovePlan));
    }
}
