//! Every `/api` path, spelled once. The server's router routes the patterns (axum's `{param}`
//! syntax); the browser builds its URLs with the functions, handing in each segment already
//! percent-encoded.

/// Where the API lives: every other path under it answers 404 in JSON.
pub const ROOT: &str = "/api";
/// Any path under `ROOT` that no route below takes.
pub const UNKNOWN: &str = "/api/{*rest}";

pub const AUTH_STATUS: &str = "/api/auth/status";
pub const SIGN_IN: &str = "/api/auth/sign-in";
pub const SIGN_OUT: &str = "/api/auth/sign-out";
pub const FIRST_ADMIN: &str = "/api/auth/first-admin";

pub const PROJECT: &str = "/api/project";
pub const PROJECT_SQL: &str = "/api/project/sql";
pub const ANALYSIS: &str = "/api/analysis";
pub const REVISION: &str = "/api/revisions/{id}";
pub const SCHEMA: &str = "/api/schema";
pub const DIFF: &str = "/api/diff";
pub const BLAME: &str = "/api/blame";
pub const MODELS: &str = "/api/models";

pub const ENVIRONMENTS: &str = "/api/environments";
pub const ENVIRONMENT_RUNS: &str = "/api/environments/{name}/runs";
pub const ENVIRONMENT_PROPOSALS: &str = "/api/environments/{name}/proposals";
pub const ENVIRONMENT_REHEARSALS: &str = "/api/environments/{name}/rehearsals";
pub const ENVIRONMENT_DRIFT: &str = "/api/environments/{name}/drift";
pub const PLANS: &str = "/api/plans";
pub const RUNS: &str = "/api/runs";
pub const EVENTS: &str = "/api/events";

pub const REVIEWS: &str = "/api/reviews";
pub const REVISION_REVIEW: &str = "/api/revisions/{id}/review";
pub const REVISION_COMMENTS: &str = "/api/revisions/{id}/comments";
pub const REVISION_VERDICT: &str = "/api/revisions/{id}/verdict";
pub const THREAD_RESOLVE: &str = "/api/threads/{id}/resolve";

pub const PROPOSALS: &str = "/api/proposals";
pub const PROPOSAL_APPROVALS: &str = "/api/proposals/{id}/approvals";
pub const REHEARSALS: &str = "/api/rehearsals";
pub const AUDIT: &str = "/api/audit";

pub fn revision(id: &str) -> String {
    fill(REVISION, id)
}

pub fn revision_review(id: &str) -> String {
    fill(REVISION_REVIEW, id)
}

pub fn revision_comments(id: &str) -> String {
    fill(REVISION_COMMENTS, id)
}

pub fn revision_verdict(id: &str) -> String {
    fill(REVISION_VERDICT, id)
}

pub fn thread_resolve(id: i64) -> String {
    fill(THREAD_RESOLVE, &id.to_string())
}

pub fn environment_runs(name: &str) -> String {
    fill(ENVIRONMENT_RUNS, name)
}

pub fn environment_proposals(name: &str) -> String {
    fill(ENVIRONMENT_PROPOSALS, name)
}

pub fn environment_rehearsals(name: &str) -> String {
    fill(ENVIRONMENT_REHEARSALS, name)
}

pub fn environment_drift(name: &str) -> String {
    fill(ENVIRONMENT_DRIFT, name)
}

pub fn proposal_approvals(id: &str) -> String {
    fill(PROPOSAL_APPROVALS, id)
}

/// `pattern` with its one `{parameter}` replaced by `segment`.
fn fill(pattern: &str, segment: &str) -> String {
    match pattern.split_once('{').and_then(|(before, rest)| Some((before, rest.split_once('}')?.1))) {
        Some((before, after)) => format!("{before}{segment}{after}"),
        None => pattern.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether `path` is what the router's `pattern` takes: each `{parameter}` one segment.
    fn routes_to(pattern: &str, path: &str) -> bool {
        let (patterns, segments): (Vec<&str>, Vec<&str>) = (pattern.split('/').collect(), path.split('/').collect());
        patterns.len() == segments.len()
            && patterns.iter().zip(&segments).all(|(p, s)| if p.starts_with('{') { !s.is_empty() } else { p == s })
    }

    #[test]
    fn each_path_function_fills_its_route_pattern() {
        let filled = [
            (REVISION, revision("a1")),
            (REVISION_REVIEW, revision_review("a1")),
            (REVISION_COMMENTS, revision_comments("a1")),
            (REVISION_VERDICT, revision_verdict("a1")),
            (THREAD_RESOLVE, thread_resolve(7)),
            (ENVIRONMENT_RUNS, environment_runs("prod")),
            (ENVIRONMENT_PROPOSALS, environment_proposals("prod")),
            (ENVIRONMENT_REHEARSALS, environment_rehearsals("prod")),
            (ENVIRONMENT_DRIFT, environment_drift("prod")),
            (PROPOSAL_APPROVALS, proposal_approvals("p-1")),
        ];
        for (pattern, path) in &filled {
            assert!(routes_to(pattern, path), "{path} is not a path of {pattern}");
            let others = filled.iter().filter(|(other, _)| other != pattern);
            assert!(others.clone().all(|(other, _)| !routes_to(other, path)), "{path} fits another route too");
        }
        assert_eq!(revision_verdict("a%2Fb"), "/api/revisions/a%2Fb/verdict");
        assert_eq!(thread_resolve(7), "/api/threads/7/resolve");
    }
}
