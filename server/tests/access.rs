//! Access control end to end through the studio's router: every endpoint × every role (and
//! nobody), sessions and their CSRF tokens, session fixation, throttled sign-ins, expiry, and
//! approvals bound to the exact plan on a protected environment. The router runs in this
//! process (`support::in_process`): what is tested is the policy, not the listener
//! (`hardening.rs` and `serve.rs` test `strata serve` as a process). Targets are two databases
//! of a sandbox the test starts; Strata's own state lives in the studio's sandbox.

use crate::support;

use serde_json::{Value, json};
use sqlx::{Connection, PgConnection};
use std::collections::BTreeMap;
use strata_server::sandbox;
use support::in_process::InProcessStudio;
use support::targets::{Targets, block_on, sample_copy};
use support::{PASSWORD, Response};

/// A studio on a copy of the sample with `staging` and a protected `prod` that comes after it,
/// one account per role, and the databases behind them.
struct Team {
    studio: InProcessStudio,
    /// API tokens by account name (`viewer`, `reviewer`, `approver`, `operator`, `operator2`, `admin`).
    tokens: BTreeMap<&'static str, String>,
    targets: Targets,
    state: tempfile::TempDir,
    migrations: std::path::PathBuf,
    /// Every response seen, for the secret scan.
    seen: std::cell::RefCell<Vec<String>>,
}

const ROLES: [&str; 5] = ["viewer", "reviewer", "approver", "operator", "admin"];

impl Team {
    fn start() -> Self {
        let state = support::state_dir();
        let targets = Targets::start(state.path(), &["staging", "prod"]);
        let prod_policy =
            "protected = true\napprovals_required = 1\nafter = [\"staging\"]\napproval_expiry_minutes = 60";
        let config = targets.config(state.path(), &[("staging", ""), ("prod", prod_policy)]);
        let migrations = sample_copy(state.path());
        let studio = InProcessStudio::start_with(&migrations, state.path(), &config, &targets.env());
        let mut tokens = BTreeMap::from([("admin", studio.token.clone())]);
        for name in ["viewer", "reviewer", "approver", "operator", "operator2"] {
            let role = if name == "operator2" { "operator" } else { name };
            tokens.insert(name, studio.add_user(name, role));
        }
        Self { studio, tokens, targets, state, migrations, seen: Default::default() }
    }

    fn request(&self, who: Option<&str>, method: &str, path: &str, body: Option<&Value>) -> Response {
        let auth = who.map(|name| format!("Bearer {}", self.tokens[name]));
        let headers: Vec<(&str, &str)> = auth.iter().map(|a| ("Authorization", a.as_str())).collect();
        self.record(self.studio.http(method, path, &headers, body))
    }

    fn record(&self, response: Response) -> Response {
        self.seen.borrow_mut().push(format!("{}\n{}", response.head, response.body));
        response
    }

    fn json(&self, who: &str, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
        let response = self.request(Some(who), method, path, body);
        let value = serde_json::from_str(&response.body).unwrap_or(Value::Null);
        (response.status, value)
    }

    /// The plan for `request` as shown now, with its fingerprint filled in.
    fn previewed(&self, request: Value) -> Value {
        let (status, preview) = self.json("operator", "POST", "/api/plans", Some(&request));
        assert_eq!(status, 200, "{preview}");
        let mut request = request;
        request["fingerprint"] = preview["fingerprint"].clone();
        request
    }

    /// What the database state of everything a refused request could have touched looks like.
    fn snapshot(&self) -> String {
        let mut parts = block_on(async {
            let options = sandbox::running_state_options(self.state.path()).await.unwrap().unwrap();
            let mut state = PgConnection::connect_with(&options).await.unwrap();
            let mut parts = Vec::new();
            for table in [
                "users",
                "sessions",
                "api_tokens",
                "threads",
                "comments",
                "verdicts",
                "proposals",
                "approvals",
                "rehearsals",
            ] {
                let text: String = sqlx::query_scalar(&format!(
                    "SELECT coalesce(string_agg(t::text, '|' ORDER BY t::text), '') FROM strata.{table} t"
                ))
                .fetch_one(&mut state)
                .await
                .unwrap();
                parts.push(format!("{table}: {text}"));
            }
            parts
        });
        parts.push(format!("staging: {:?}", self.targets.rows("staging")));
        parts.push(format!("prod: {:?}", self.targets.rows("prod")));
        parts.join("\n")
    }

    fn state_sql(&self, sql: &str) {
        block_on(async {
            let options = sandbox::running_state_options(self.state.path()).await.unwrap().unwrap();
            let mut state = PgConnection::connect_with(&options).await.unwrap();
            sqlx::raw_sql(sql).execute(&mut state).await.unwrap();
        });
    }

    /// No response and no log line holds a database URL, a password, a password hash or a
    /// session/token secret.
    fn assert_no_secrets_leaked(&self) {
        let password_file = std::fs::read_to_string(self.state.path().join("sandbox/password")).unwrap();
        let target_password = std::fs::read_to_string(self.state.path().join("sandbox/target_password")).unwrap();
        let mut secrets = vec![
            PASSWORD.to_owned(),
            self.targets.sandbox.password().to_owned(),
            password_file.trim().to_owned(),
            target_password.trim().to_owned(),
            "postgresql://".to_owned(),
            "postgres://".to_owned(),
            "$argon2".to_owned(),
        ];
        secrets.extend(self.tokens.values().cloned());
        let log = self.studio.log();
        assert!(log.lines().count() > 20, "the debug log has lines to scan");
        for (place, text) in
            self.seen.borrow().iter().map(|t| ("a response", t.as_str())).chain([("the log", log.as_str())])
        {
            for secret in &secrets {
                assert!(!text.contains(secret.as_str()), "{place} contains a secret ({secret:.12}…):\n{text:.2000}");
            }
        }
    }
}

const REVISION: &str = "1e6a8c0e2b4d";

/// Which role may call what: `None` means any signed-in user.
fn endpoints(team: &Team) -> Vec<(&'static str, String, Option<Value>, Option<&'static str>)> {
    // A thread and a proposal by someone outside the matrix, for the calls that need one.
    let (_, review) =
        team.json("admin", "POST", &format!("/api/revisions/{REVISION}/comments"), Some(&json!({"body": "why?"})));
    let thread = review["threads"][0]["id"].as_i64().unwrap();
    let prod = team.previewed(json!({"environment": "prod", "operation": "upgrade", "target": "heads"}));
    let (status, proposal) = team.json("operator2", "POST", "/api/proposals", Some(&prod));
    assert_eq!(status, 200, "{proposal}");
    let proposal = proposal["id"].as_str().unwrap().to_owned();
    let staging = team.previewed(json!({"environment": "staging", "operation": "upgrade", "target": "head"}));
    vec![
        ("GET", "/api/project".into(), None, None),
        ("GET", "/api/project/sql".into(), None, None),
        ("GET", "/api/analysis".into(), None, None),
        ("GET", format!("/api/revisions/{REVISION}"), None, None),
        ("GET", "/api/environments".into(), None, None),
        ("GET", "/api/environments/staging/runs".into(), None, None),
        ("GET", "/api/environments/prod/proposals".into(), None, None),
        ("GET", "/api/environments/prod/rehearsals".into(), None, None),
        ("GET", "/api/environments/prod/drift".into(), None, None),
        (
            "POST",
            "/api/plans".into(),
            Some(json!({"environment": "staging", "operation": "upgrade", "target": "head"})),
            None,
        ),
        ("GET", "/api/schema?at=heads".into(), None, None),
        ("GET", format!("/api/diff?from={REVISION}"), None, None),
        ("GET", "/api/blame?object=supplier".into(), None, None),
        ("GET", "/api/models".into(), None, None),
        ("GET", "/api/reviews".into(), None, None),
        ("GET", format!("/api/revisions/{REVISION}/review"), None, None),
        (
            "POST",
            format!("/api/revisions/{REVISION}/comments"),
            Some(json!({"body": "looks fine", "line": 9})),
            Some("review"),
        ),
        ("POST", format!("/api/revisions/{REVISION}/verdict"), Some(json!({"verdict": "approved"})), Some("review")),
        ("POST", format!("/api/threads/{thread}/resolve"), Some(json!({"resolved": true})), Some("review")),
        ("POST", "/api/proposals".into(), Some(prod), Some("operate")),
        ("POST", format!("/api/proposals/{proposal}/approvals"), None, Some("approve")),
        ("POST", "/api/rehearsals".into(), Some(staging.clone()), Some("operate")),
        ("POST", "/api/runs".into(), Some(staging), Some("operate")),
        ("GET", "/api/audit".into(), None, Some("audit")),
        ("GET", "/api/audit?format=csv".into(), None, Some("audit")),
        ("POST", "/api/auth/sign-out".into(), None, None),
    ]
}

fn may(role: &str, duty: Option<&str>) -> bool {
    match duty {
        None => true,
        Some("review") => matches!(role, "reviewer" | "approver" | "admin"),
        Some("approve") => matches!(role, "approver" | "admin"),
        Some("operate") => matches!(role, "operator" | "admin"),
        Some("audit") => matches!(role, "approver" | "admin"),
        Some(other) => panic!("unknown duty {other}"),
    }
}

#[test]
fn every_endpoint_answers_every_role_as_the_policy_says_and_refusals_change_nothing() {
    let team = Team::start();
    let endpoints = endpoints(&team);
    let mut table = Vec::new();
    // Nobody signed in, then the roles from the least allowed up, so that a refused call
    // cannot hide behind an allowed one that came first.
    for who in std::iter::once(None).chain(ROLES.map(Some)) {
        for (method, path, body, duty) in &endpoints {
            let before = team.snapshot();
            let response = team.request(who, method, path, body.as_ref());
            let allowed = who.is_some_and(|role| may(role, *duty));
            let expected_refusal = if who.is_none() { 401 } else { 403 };
            if allowed {
                assert!(
                    ![401, 403].contains(&response.status),
                    "{who:?} {method} {path}: {} {}",
                    response.status,
                    response.body
                );
            } else {
                assert_eq!(response.status, expected_refusal, "{who:?} {method} {path}: {}", response.body);
                assert!(response.body.contains("\"error\""), "a refusal says why: {}", response.body);
                assert_eq!(team.snapshot(), before, "{who:?} {method} {path} was refused but changed something");
            }
            table.push(format!("{:<9} {method:<4} {path:<45} {}", who.unwrap_or("-"), response.status));
        }
    }
    // The event stream needs a caller too (it never ends for one, so only the refusal is read).
    assert_eq!(team.request(None, "GET", "/api/events", None).status, 401);
    println!("{}", table.join("\n"));
    team.assert_no_secrets_leaked();
}

fn sign_in(team: &Team, name: &str, password: &str, extra: &[(&str, &str)]) -> Response {
    let mut headers = extra.to_vec();
    headers.push(("X-Forwarded-For", "ignored"));
    let body = json!({"name": name, "password": password});
    team.record(team.studio.http("POST", "/api/auth/sign-in", &headers, Some(&body)))
}

fn cookie_of(response: &Response) -> String {
    let set = response.header("set-cookie").expect("a session cookie");
    set.split(';').next().unwrap().to_owned()
}

#[test]
fn sessions_need_their_csrf_token_resist_fixation_expire_and_failed_sign_ins_are_throttled() {
    let team = Team::start();
    let studio = &team.studio;

    // Before anyone signs in, the status says nothing about users but who is signed in: nobody.
    let status: Value = serde_json::from_str(&studio.http("GET", "/api/auth/status", &[], None).body).unwrap();
    assert_eq!(status["me"], Value::Null);
    assert_eq!(status["first_admin_command"], Value::Null, "accounts exist");

    // A cookie planted before sign-in is not adopted: the session gets a fresh id.
    let planted = "strata_session=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    let signed_in = sign_in(&team, "reviewer", PASSWORD, &[("Cookie", planted)]);
    assert_eq!(signed_in.status, 200, "{}", signed_in.body);
    let set_cookie = signed_in.header("set-cookie").unwrap().to_owned();
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=43200"] {
        assert!(set_cookie.contains(attribute), "{set_cookie}");
    }
    assert!(!set_cookie.contains("Secure"), "plain HTTP: {set_cookie}");
    let cookie = cookie_of(&signed_in);
    assert_ne!(cookie, planted);
    assert_eq!(
        studio.http("GET", "/api/project", &[("Cookie", planted)], None).status,
        401,
        "the planted id is nobody"
    );
    let me: Value = serde_json::from_str(&signed_in.body).unwrap();
    let csrf = me["csrf_token"].as_str().unwrap().to_owned();
    assert_eq!((me["name"].as_str(), me["role"].as_str()), (Some("reviewer"), Some("reviewer")));

    // Reading needs the cookie only; changing needs the CSRF token as well.
    assert_eq!(studio.http("GET", "/api/project", &[("Cookie", &cookie)], None).status, 200);
    let comment = json!({"body": "is this index needed?"});
    let path = format!("/api/revisions/{REVISION}/comments");
    let before = team.snapshot();
    let without = team.record(studio.http("POST", &path, &[("Cookie", &cookie)], Some(&comment)));
    assert_eq!(without.status, 403, "{}", without.body);
    assert!(without.body.contains("CSRF"), "{}", without.body);
    let wrong = team.record(studio.http("POST", &path, &[("Cookie", &cookie), ("X-CSRF-Token", "00")], Some(&comment)));
    assert_eq!(wrong.status, 403);
    assert_eq!(team.snapshot(), before, "nothing was written without the token");
    let with = team.record(studio.http("POST", &path, &[("Cookie", &cookie), ("X-CSRF-Token", &csrf)], Some(&comment)));
    assert_eq!(with.status, 200, "{}", with.body);

    // A client cannot claim HTTPS: only a trusted proxy's X-Forwarded-Proto counts (none here).
    let https = sign_in(&team, "viewer", PASSWORD, &[("X-Forwarded-Proto", "https")]);
    assert!(https.header("set-cookie").unwrap().starts_with("strata_session="));
    assert!(!https.header("set-cookie").unwrap().contains("Secure"));

    // An expired session is nobody.
    let viewer = cookie_of(&https);
    assert_eq!(studio.http("GET", "/api/project", &[("Cookie", &viewer)], None).status, 200);
    team.state_sql("UPDATE strata.sessions SET expires_at = now() - interval '1 second' WHERE user_name = 'viewer'");
    assert_eq!(studio.http("GET", "/api/project", &[("Cookie", &viewer)], None).status, 401);

    // Signing out ends the session on the server, not only in the browser.
    let out = studio.http("POST", "/api/auth/sign-out", &[("Cookie", &cookie), ("X-CSRF-Token", &csrf)], None);
    assert_eq!(out.status, 204);
    assert!(out.header("set-cookie").unwrap().contains("Max-Age=0"));
    assert_eq!(studio.http("GET", "/api/project", &[("Cookie", &cookie)], None).status, 401);

    // Wrong passwords for a name from one address: the first few are answered, then each try
    // from there waits, even with the right password (hardening.rs: from elsewhere it works).
    let mut throttled = None;
    for _ in 0..8 {
        let response = sign_in(&team, "approver", "not the password", &[]);
        if response.status == 429 {
            throttled = Some(response);
            break;
        }
        assert_eq!(response.status, 401);
        assert_eq!(
            serde_json::from_str::<strata_shared::api::ApiFailure>(&response.body).unwrap().error,
            "wrong name or password"
        );
    }
    let throttled = throttled.expect("repeated failures are throttled");
    let wait: u64 = throttled.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=900).contains(&wait), "{wait}");
    // An unknown name answers as a wrong password does.
    let unknown = sign_in(&team, "mallory", "whatever", &[]);
    assert_eq!(
        (unknown.status, serde_json::from_str::<strata_shared::api::ApiFailure>(&unknown.body).unwrap().error.as_str()),
        (401, "wrong name or password")
    );

    // A revoked token is nobody.
    let list = team.studio.cli(&["token", "list"]).output().unwrap();
    let listing = String::from_utf8(list.stdout).unwrap();
    let id = listing.lines().find(|l| l.contains("\tviewer\t")).unwrap().split('\t').next().unwrap().to_owned();
    assert!(team.studio.cli(&["token", "revoke", &id]).output().unwrap().status.success());
    assert_eq!(team.request(Some("viewer"), "GET", "/api/project", None).status, 401);

    // A removed account is nobody, whatever it held; `user list` no longer shows it.
    assert_eq!(team.request(Some("operator2"), "GET", "/api/project", None).status, 200);
    assert!(team.studio.cli(&["user", "remove", "operator2"]).output().unwrap().status.success());
    assert_eq!(team.request(Some("operator2"), "GET", "/api/project", None).status, 401);
    let users = String::from_utf8(team.studio.cli(&["user", "list"]).output().unwrap().stdout).unwrap();
    assert_eq!(users, "admin\tadmin\napprover\tapprover\noperator\toperator\nreviewer\treviewer\nviewer\tviewer\n");

    // All of it is in the audit log, as JSON and as CSV.
    let (status, audit) = team.json("admin", "GET", "/api/audit", None);
    assert_eq!(status, 200);
    let actions: Vec<(&str, &str)> = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["actor"].as_str().unwrap(), e["action"].as_str().unwrap()))
        .collect();
    for expected in [
        ("reviewer", "sign-in"),
        ("reviewer", "comment"),
        ("reviewer", "sign-out"),
        ("approver", "sign-in-failed"),
        ("approver", "sign-in-throttled"),
        ("mallory", "sign-in-failed"),
    ] {
        assert!(actions.contains(&expected), "{expected:?} in {actions:?}");
    }
    let csv = team.request(Some("admin"), "GET", "/api/audit?format=csv", None);
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    assert!(csv.body.starts_with("id,at,actor,action,environment,subject,detail,address,count\r\n"));
    assert!(csv.body.contains(",reviewer,comment,,1e6a8c0e2b4d,"), "{}", csv.body);
    team.assert_no_secrets_leaked();
}

fn blockers(proposal: &Value) -> Vec<String> {
    proposal["blockers"].as_array().unwrap().iter().map(|b| b["kind"].as_str().unwrap().to_owned()).collect()
}

#[test]
fn a_protected_environment_runs_only_the_exact_plan_that_was_approved() {
    let team = Team::start();
    let upgrade = json!({"environment": "prod", "operation": "upgrade", "target": "heads"});
    let plan = team.previewed(upgrade.clone());

    // Without a proposal: refused, and the answer says what is needed.
    let before = team.snapshot();
    let (status, refusal) = team.json("operator", "POST", "/api/runs", Some(&plan));
    assert_eq!(status, 403, "{refusal}");
    assert!(refusal["error"].as_str().unwrap().contains("propose this plan and get 1 approval"), "{refusal}");
    assert_eq!(team.snapshot(), before);

    // A tampered fingerprint is neither proposed nor run.
    let mut tampered = plan.clone();
    tampered["fingerprint"] = json!("0".repeat(64));
    assert_eq!(team.json("operator", "POST", "/api/proposals", Some(&tampered)).0, 409);
    assert_eq!(team.json("operator", "POST", "/api/runs", Some(&tampered)).0, 409);

    // Proposed: it needs an approval, and staging has not had these revisions yet.
    let (status, proposal) = team.json("operator", "POST", "/api/proposals", Some(&plan));
    assert_eq!(status, 200, "{proposal}");
    let id = proposal["id"].as_str().unwrap().to_owned();
    assert_eq!(proposal["sql"], team.json("operator", "POST", "/api/plans", Some(&upgrade)).1["sql"], "the exact SQL");
    assert_eq!(blockers(&proposal), ["needs-approvals", "not-yet-on"]);

    // The author may not approve; an admin may, once.
    let approve = format!("/api/proposals/{id}/approvals");
    let (status, own) = team.json("operator", "POST", &approve, None);
    assert_eq!(status, 403, "{own}");
    let (status, approved) = team.json("approver", "POST", &approve, None);
    assert_eq!(status, 200, "{approved}");
    assert_eq!(blockers(&approved), ["not-yet-on"]);
    assert_eq!(team.json("approver", "POST", &approve, None).0, 409, "once");

    // Promotion order: refused until staging has the revisions.
    let (status, refusal) = team.json("operator", "POST", "/api/runs", Some(&plan));
    assert_eq!(status, 403);
    assert!(refusal["error"].as_str().unwrap().contains("not yet on `staging`"), "{refusal}");
    let staging = team.previewed(json!({"environment": "staging", "operation": "upgrade", "target": "heads"}));
    let (status, outcome) = team.json("operator", "POST", "/api/runs", Some(&staging));
    assert_eq!((status, outcome["status"].as_str()), (200, Some("succeeded")), "{outcome}");

    // An approval too old no longer counts.
    team.state_sql("UPDATE strata.approvals SET at = now() - interval '2 hours'");
    let (_, listed) = team.json("viewer", "GET", "/api/environments/prod/proposals", None);
    assert_eq!(listed[0]["approvals"][0]["void"], "expired");
    assert_eq!(team.json("operator", "POST", "/api/runs", Some(&plan)).0, 403);
    team.state_sql("UPDATE strata.approvals SET at = now()");

    // Editing a revision file voids the approval visibly; the edited plan is not approved.
    let file = std::fs::read_dir(team.migrations.join("versions"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains("3f1a3c5e7a9b"))
        .unwrap();
    let original = std::fs::read_to_string(&file).unwrap();
    let verdict = json!({"verdict": "approved"});
    assert_eq!(team.json("reviewer", "POST", "/api/revisions/3f1a3c5e7a9b/verdict", Some(&verdict)).0, 200);
    let review_state = || {
        let (_, summaries) = team.json("viewer", "GET", "/api/reviews", None);
        summaries.as_array().unwrap().iter().find(|s| s["revision"] == "3f1a3c5e7a9b").unwrap()["state"].clone()
    };
    assert_eq!(review_state(), "approved");
    std::fs::write(&file, original.replace("-- strata:upgrade\n", "-- strata:upgrade\nSELECT 1;\n")).unwrap();
    assert_eq!(review_state(), Value::Null, "a review of the old SQL does not approve the new");
    let (_, review) = team.json("viewer", "GET", "/api/revisions/3f1a3c5e7a9b/review", None);
    assert_eq!(review["verdicts"][0]["stale"], true);
    let (_, listed) = team.json("viewer", "GET", "/api/environments/prod/proposals", None);
    assert_eq!(listed[0]["current"], false);
    assert_eq!(blockers(&listed[0]), ["plan-changed"]);
    let before = team.snapshot();
    assert_eq!(team.json("operator", "POST", "/api/runs", Some(&plan)).0, 409, "the approved plan is gone");
    let edited = team.previewed(upgrade.clone());
    assert_ne!(edited["fingerprint"], plan["fingerprint"]);
    assert_eq!(team.json("operator", "POST", "/api/runs", Some(&edited)).0, 403, "the edited plan is unapproved");
    assert_eq!(team.snapshot(), before);

    // Put back, the approved plan is the plan again, and it runs, once.
    std::fs::write(&file, original).unwrap();
    assert_eq!(review_state(), "approved", "the reviewed SQL is back");
    let (status, outcome) = team.json("operator", "POST", "/api/runs", Some(&plan));
    assert_eq!((status, outcome["status"].as_str()), (200, Some("succeeded")), "{outcome}");
    let (_, listed) = team.json("viewer", "GET", "/api/environments/prod/proposals", None);
    assert_eq!(listed[0]["run_id"], outcome["run_id"]);
    let (_, runs) = team.json("viewer", "GET", "/api/environments/prod/runs", None);
    assert_eq!(runs[0]["started_by"], "operator");

    let (_, audit) = team.json("admin", "GET", "/api/audit", None);
    let prod_actions: Vec<&str> = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["environment"] == "prod")
        .map(|e| e["action"].as_str().unwrap())
        .rev()
        .collect();
    assert_eq!(
        prod_actions,
        [
            "run-refused", // no proposal
            "run-refused", // tampered fingerprint
            "propose",
            "approve",
            "run-refused", // promotion order
            "run-refused", // expired approval
            "run-refused", // the approved plan after the edit
            "run-refused", // the edited plan
            "run",
            "run-succeeded"
        ],
        "{audit}"
    );
    team.assert_no_secrets_leaked();
}

#[test]
fn the_command_line_keeps_to_the_same_sign_off_on_a_protected_environment() {
    let team = Team::start();
    let strata = |args: &[&str]| {
        let mut command = team.studio.cli(&["--migrations", team.migrations.to_str().unwrap()]);
        command.args(args).envs(team.targets.env());
        command.output().unwrap()
    };
    let refused = strata(&["upgrade", "heads", "--env", "prod", "--yes"]);
    assert_eq!(refused.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("`prod` is protected: propose this plan and get 1 approval(s)"), "{stderr}");
    assert!(team.targets.rows("prod").is_empty(), "nothing ran");

    let staging = strata(&["upgrade", "heads", "--env", "staging", "--yes"]);
    assert!(staging.status.success(), "{}", String::from_utf8_lossy(&staging.stderr));
    let plan = team.previewed(json!({"environment": "prod", "operation": "upgrade", "target": "heads"}));
    let (_, proposal) = team.json("operator", "POST", "/api/proposals", Some(&plan));
    let approve = format!("/api/proposals/{}/approvals", proposal["id"].as_str().unwrap());
    assert_eq!(team.json("approver", "POST", &approve, None).0, 200);

    let approved =
        strata(&["upgrade", "heads", "--env", "prod", "--fingerprint", plan["fingerprint"].as_str().unwrap()]);
    assert!(approved.status.success(), "{}", String::from_utf8_lossy(&approved.stderr));
    assert_eq!(team.targets.rows("prod"), [support::sample_head().0]);
    let (_, audit) = team.json("admin", "GET", "/api/audit", None);
    let cli_run = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "run" && e["environment"] == "prod")
        .unwrap();
    assert!(cli_run["detail"].as_str().unwrap().contains("from the command line"), "{cli_run}");
    let (_, listed) = team.json("viewer", "GET", "/api/environments/prod/proposals", None);
    assert_eq!(listed[0]["run_id"], cli_run["subject"], "the proposal is used up");

    // As in the studio, runs on an environment that is not protected are audited too, and a
    // stamp is audited as a stamp.
    let stamped = strata(&["stamp", "1975ea83b712", "--env", "staging", "--yes"]);
    assert!(stamped.status.success(), "{}", String::from_utf8_lossy(&stamped.stderr));
    assert_eq!(team.targets.rows("staging"), ["1975ea83b712"]);
    let (_, audit) = team.json("admin", "GET", "/api/audit", None);
    let staging: Vec<(&str, &str)> = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["environment"] == "staging")
        .map(|e| (e["action"].as_str().unwrap(), e["detail"].as_str().unwrap()))
        .rev()
        .collect();
    let actions: Vec<&str> = staging.iter().map(|(action, _)| *action).collect();
    assert_eq!(actions, ["run", "run-succeeded", "stamp", "stamp-succeeded"], "{audit}");
    assert!(staging[2].1.contains("from the command line"), "{staging:?}");
}

/// Staging upgraded, and the plan to upgrade prod to heads, previewed.
fn prod_upgrade_after_staging(team: &Team) -> Value {
    let staging = team.previewed(json!({"environment": "staging", "operation": "upgrade", "target": "heads"}));
    assert_eq!(team.json("operator", "POST", "/api/runs", Some(&staging)).0, 200);
    team.previewed(json!({"environment": "prod", "operation": "upgrade", "target": "heads"}))
}

fn approval_path(proposal: &Value) -> String {
    format!("/api/proposals/{}/approvals", proposal["id"].as_str().unwrap())
}

/// Prod emptied, as a restore or a downgrade would leave it: the same plan has the same fingerprint.
fn put_prod_back(team: &Team, plan: &Value) {
    block_on(async {
        let mut admin = PgConnection::connect_with(&team.targets.sandbox.connect_options()).await.unwrap();
        sqlx::raw_sql("DROP DATABASE prod WITH (FORCE)").execute(&mut admin).await.unwrap();
        sqlx::raw_sql("CREATE DATABASE prod").execute(&mut admin).await.unwrap();
    });
    assert_eq!(team.previewed(plan.clone())["fingerprint"], plan["fingerprint"]);
}

#[test]
fn a_newer_unapproved_duplicate_does_not_block_the_approved_proposal() {
    let team = Team::start();
    let plan = prod_upgrade_after_staging(&team);
    let (_, approved) = team.json("operator", "POST", "/api/proposals", Some(&plan));
    assert_eq!(team.json("approver", "POST", &approval_path(&approved), None).0, 200);
    let (_, duplicate) = team.json("operator2", "POST", "/api/proposals", Some(&plan));
    assert_eq!(blockers(&duplicate), ["needs-approvals"]);

    let (status, outcome) = team.json("operator", "POST", "/api/runs", Some(&plan));
    assert_eq!((status, outcome["status"].as_str()), (200, Some("succeeded")), "{outcome}");
    let (_, listed) = team.json("viewer", "GET", "/api/environments/prod/proposals", None);
    let run_ids: Vec<&Value> = listed.as_array().unwrap().iter().map(|p| &p["run_id"]).collect();
    assert_eq!(run_ids, [&outcome["run_id"], &outcome["run_id"]], "both proposals of the plan are used up");
    assert_eq!(team.json("approver", "POST", &approval_path(&duplicate), None).0, 409);
}

#[test]
fn a_sign_off_is_used_by_one_run_even_when_the_plan_was_approved_twice() {
    let team = Team::start();
    let plan = prod_upgrade_after_staging(&team);
    for author in ["operator", "operator2"] {
        let (_, proposal) = team.json(author, "POST", "/api/proposals", Some(&plan));
        assert_eq!(team.json("approver", "POST", &approval_path(&proposal), None).0, 200);
    }
    let (status, outcome) = team.json("operator", "POST", "/api/runs", Some(&plan));
    assert_eq!((status, outcome["status"].as_str()), (200, Some("succeeded")), "{outcome}");

    put_prod_back(&team, &plan);
    let (status, refusal) = team.json("operator", "POST", "/api/runs", Some(&plan));
    assert_eq!(status, 403, "{refusal}");
    assert!(team.targets.rows("prod").is_empty(), "nothing ran again");
}
