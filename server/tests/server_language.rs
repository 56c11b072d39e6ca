//! The server's own messages in the request's language: a refusal of sign-off (not proposed,
//! then its blockers), the API's errors and the causes inside failures (target specs, backups,
//! rehearsals, reviews, password rules, drift) come back in Spanish with `Accept-Language: es`
//! and in English without, with the same status and code either way; text that is not
//! Strata's (a program's, PostgreSQL's) is kept as it was written.

use crate::support;

use serde_json::{Value, json};
use sqlx::{Connection, PgConnection};
use strata_shared::api::{ApiFailure, ErrorCode};
use support::in_process::InProcessStudio;
use support::targets::{Targets, block_on, sample_copy};
use support::{Studio, http};

/// The status and typed failure of a request as the admin, with `headers` added.
fn failure(
    studio: &Studio,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&Value>,
) -> (u16, ApiFailure) {
    let auth = format!("Bearer {}", studio.token);
    let mut all = vec![("Authorization", auth.as_str())];
    all.extend_from_slice(headers);
    let response = http(&studio.url, method, path, &all, body);
    let failure = serde_json::from_str(&response.body).unwrap_or_else(|e| panic!("{e}: {}", response.body));
    (response.status, failure)
}

/// The same request in English (no header) and in Spanish: both messages, checked to have the
/// same status and code.
fn in_both(studio: &Studio, method: &str, path: &str, body: Option<&Value>) -> (u16, ErrorCode, String, String) {
    let (status, english) = failure(studio, method, path, &[], body);
    let (status_es, spanish) = failure(studio, method, path, &[("Accept-Language", "es-ES,es;q=0.9,en;q=0.5")], body);
    assert_eq!((status, english.code), (status_es, spanish.code), "{} / {}", english.error, spanish.error);
    (status, english.code, english.error, spanish.error)
}

#[test]
fn refusals_and_api_errors_come_in_the_language_asked_for() {
    let state = support::state_dir();
    let targets = Targets::start(state.path(), &["prod"]);
    let config = targets.config(state.path(), &[("prod", "protected = true\napprovals_required = 1")]);
    let studio = Studio::start_with(&sample_copy(state.path()), state.path(), &config, &targets.env());

    let upgrade = json!({"environment": "prod", "operation": "upgrade", "target": "heads"});
    let preview: Value = serde_json::from_str(&studio.post("/api/plans", &upgrade).1).unwrap();
    let mut run = upgrade.clone();
    run["fingerprint"] = preview["fingerprint"].clone();

    // Sign-off refuses a plan nobody proposed.
    let (status, code, english, spanish) = in_both(&studio, "POST", "/api/runs", Some(&run));
    assert_eq!((status, code), (403, ErrorCode::Forbidden));
    assert!(english.contains("`prod` is protected: propose this plan"), "{english}");
    assert!(spanish.contains("`prod` está protegido: proponga este plan"), "{spanish}");

    // Proposed but not approved: the blockers, in words.
    let (status, proposal) = studio.post("/api/proposals", &run);
    assert_eq!(status, 200, "{proposal}");
    let (status, _, english, spanish) = in_both(&studio, "POST", "/api/runs", Some(&run));
    assert_eq!(status, 403);
    assert_eq!(english, "not approved to run: 0 of 1 approvals (from: approver, admin)");
    assert_eq!(spanish, "no está aprobado para ejecutarse: 0 de 1 aprobaciones (de: approver, admin)");

    // A fingerprint that is not the plan of now.
    let mut stale = run.clone();
    stale["fingerprint"] = json!("0".repeat(64));
    let (status, _, english, spanish) = in_both(&studio, "POST", "/api/runs", Some(&stale));
    assert_eq!(status, 409);
    assert!(english.starts_with("the plan changed since it was shown"), "{english}");
    assert!(spanish.starts_with("el plan cambió desde que se mostró"), "{spanish}");

    // The API's own errors: not found, bad request, too long.
    let (status, code, english, spanish) = in_both(&studio, "GET", "/api/environments/nope/drift", None);
    assert_eq!((status, code), (404, ErrorCode::NotFound));
    assert_eq!((english.as_str(), spanish.as_str()), ("no environment `nope`", "no hay ningún entorno `nope`"));
    let (status, _, english, spanish) = in_both(&studio, "GET", "/api/no-such-thing", None);
    assert_eq!(status, 404);
    assert_eq!((english.as_str(), spanish.as_str()), ("no such API endpoint", "no existe ese punto de la API"));
    let (status, _, english, spanish) = in_both(&studio, "POST", "/api/runs", Some(&upgrade));
    assert_eq!(status, 400);
    assert_eq!(spanish, "una ejecución necesita la huella del plan que se mostró", "{english}");
    let long_target = json!({"environment": "prod", "operation": "upgrade", "target": "x".repeat(2_001)});
    let (status, _, english, spanish) = in_both(&studio, "POST", "/api/plans", Some(&long_target));
    assert_eq!(status, 400);
    assert_eq!(english, "the target is too long: at most 2000 characters");
    assert_eq!(spanish, "el destino es demasiado largo: como mucho 2000 caracteres");

    // Sign-in, before any session: a wrong password, and a request without credentials.
    let wrong = json!({"name": "admin", "password": "not the password"});
    for (language, expected) in [(None, "wrong name or password"), (Some("es"), "nombre o contraseña incorrectos")] {
        let headers: Vec<(&str, &str)> = language.iter().map(|l| ("Accept-Language", *l)).collect();
        let response = http(&studio.url, "POST", "/api/auth/sign-in", &headers, Some(&wrong));
        assert_eq!(response.status, 401);
        assert_eq!(serde_json::from_str::<ApiFailure>(&response.body).unwrap().error, expected);
        let response = http(&studio.url, "GET", "/api/project", &headers, None);
        assert_eq!(response.status, 401);
        let error = serde_json::from_str::<ApiFailure>(&response.body).unwrap().error;
        assert!(
            error.starts_with(if language.is_some() { "inicie sesión primero" } else { "sign in first" }),
            "{error}"
        );
    }

    // A language Strata does not speak gets English.
    let (_, french) = failure(&studio, "GET", "/api/no-such-thing", &[("Accept-Language", "fr-FR")], None);
    assert_eq!(french.error, "no such API endpoint");
}

/// The same request through the router in process, in English (no header) and in Spanish.
fn both_in_process(studio: &InProcessStudio, method: &str, path: &str, body: Option<&Value>) -> (u16, String, String) {
    let auth = format!("Bearer {}", studio.token);
    let ask = |language: Option<&str>| {
        let mut headers = vec![("Authorization", auth.as_str())];
        headers.extend(language.map(|l| ("Accept-Language", l)));
        let response = studio.http(method, path, &headers, body);
        let failure: ApiFailure =
            serde_json::from_str(&response.body).unwrap_or_else(|e| panic!("{e}: {}", response.body));
        (response.status, failure.error)
    };
    let (status, english) = ask(None);
    let (status_es, spanish) = ask(Some("es"));
    assert_eq!(status, status_es, "{english} / {spanish}");
    (status, english, spanish)
}

/// The causes inside failures are Strata's words too: a spec the graph cannot honour, a
/// backup that failed (the command's own text kept as it said it), a rehearsal that could not
/// run, a review or password rule, and the drift inside a blocker.
#[test]
fn the_causes_of_failures_come_in_the_language_asked_for() {
    let state = support::state_dir();
    let targets = Targets::start(state.path(), &["prod", "backed"]);
    let config = targets.config(
        state.path(),
        &[
            ("prod", "require_no_drift = true"),
            ("backed", "backup = \"full\"\nbackup_command = \"cat >/dev/null; echo bucket is gone >&2; exit 3\""),
        ],
    );
    // An environment nothing listens for.
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("[environments.gone]\nurl = \"postgresql://nobody@127.0.0.1:1/none\"\n");
    std::fs::write(&config, text).unwrap();
    let studio = InProcessStudio::start_with(&sample_copy(state.path()), state.path(), &config, &targets.env());

    // Target specs, of plans and of the schema.
    let plan =
        |environment: &str, target: &str| json!({"environment": environment, "operation": "upgrade", "target": target});
    let (status, english, spanish) = both_in_process(&studio, "POST", "/api/plans", Some(&plan("prod", "nosuch")));
    assert_eq!(status, 422);
    assert_eq!(english, "no revision or branch named `nosuch`");
    assert_eq!(spanish, "no hay ninguna revisión ni rama llamada `nosuch`");
    let (status, english, spanish) = both_in_process(&studio, "GET", "/api/schema?at=nosuch@head", None);
    assert_eq!(status, 400);
    assert!(english.starts_with("no revision or branch named `nosuch`") && english.ends_with("(in `nosuch@head`)"));
    assert!(spanish.starts_with("no hay ninguna revisión ni rama llamada `nosuch`"), "{spanish}");
    assert!(spanish.ends_with("(en `nosuch@head`)"), "{spanish}");

    // A backup that fails: our explanation in Spanish, the command's words as it wrote them.
    let (status, preview) = studio.post("/api/plans", &plan("backed", "heads"));
    assert_eq!(status, 200, "{preview}");
    let mut run = plan("backed", "heads");
    run["fingerprint"] = serde_json::from_str::<Value>(&preview).unwrap()["fingerprint"].clone();
    let (status, english, spanish) = both_in_process(&studio, "POST", "/api/runs", Some(&run));
    assert_eq!(status, 503);
    assert_eq!(
        english,
        "the backup failed, so nothing was run: backup_command failed (exit status: 3): bucket is gone"
    );
    assert_eq!(
        spanish,
        "la copia de seguridad falló, así que no se ejecutó nada: backup_command falló (exit status: 3): bucket is gone"
    );
    assert!(targets.rows("backed").is_empty(), "nothing ran");

    // A rehearsal of an environment that cannot be reached.
    let mut rehearse = plan("gone", "heads");
    rehearse["fingerprint"] = json!("0".repeat(64));
    let (status, english, spanish) = both_in_process(&studio, "POST", "/api/rehearsals", Some(&rehearse));
    assert_eq!(status, 503);
    assert!(english.starts_with("the rehearsal could not run: cannot connect to environment `gone`: "), "{english}");
    assert!(
        spanish.starts_with("el ensayo no pudo ejecutarse: no se puede conectar con el entorno `gone`: "),
        "{spanish}"
    );

    // Reviews: a reply to a thread that is not there, a thread that does not exist.
    let reply = json!({"body": "agreed", "thread": 424242});
    let (status, english, spanish) =
        both_in_process(&studio, "POST", &format!("/api/revisions/{EARLY}/comments"), Some(&reply));
    assert_eq!(status, 422);
    assert_eq!(english, format!("no thread 424242 on revision {EARLY}"));
    assert_eq!(spanish, format!("no hay ningún hilo 424242 en la revisión {EARLY}"));
    let (status, english, spanish) =
        both_in_process(&studio, "POST", "/api/threads/424242/resolve", Some(&json!({"resolved": true})));
    assert_eq!((status, english.as_str(), spanish.as_str()), (404, "no thread 424242", "no hay ningún hilo 424242"));

    // The password rules of the first-run form.
    let short = json!({"token": "x", "name": "ana", "password": "short"});
    let (status, english, spanish) = both_in_process(&studio, "POST", "/api/auth/first-admin", Some(&short));
    assert_eq!(status, 400);
    assert!(english.starts_with("the password is too short: at least"), "{english}");
    assert!(spanish.starts_with("la contraseña es demasiado corta: al menos"), "{spanish}");

    // `require_no_drift`: the drift's counts inside the blocker.
    let (status, body) = studio.post("/api/plans", &plan("prod", EARLY));
    assert_eq!(status, 200, "{body}");
    let mut early = plan("prod", EARLY);
    early["fingerprint"] = serde_json::from_str::<Value>(&body).unwrap()["fingerprint"].clone();
    let (status, body) = studio.post("/api/runs", &early);
    assert_eq!(status, 200, "{body}");
    block_on(async {
        let options = targets.sandbox.connect_options().database("prod");
        let mut conn = PgConnection::connect_with(&options).await.unwrap();
        sqlx::raw_sql("CREATE INDEX hotfix_idx ON account (full_name)").execute(&mut conn).await.unwrap();
        conn.close().await.unwrap();
    });
    let (status, body) = studio.post("/api/plans", &plan("prod", "heads"));
    assert_eq!(status, 200, "{body}");
    let mut heads = plan("prod", "heads");
    heads["fingerprint"] = serde_json::from_str::<Value>(&body).unwrap()["fingerprint"].clone();
    let (status, english, spanish) = both_in_process(&studio, "POST", "/api/runs", Some(&heads));
    assert_eq!(status, 403);
    assert!(english.contains("the database has drifted from the schema model (1 extra)"), "{english}");
    assert!(spanish.contains("la base de datos se ha desviado del modelo del esquema (1 de más)"), "{spanish}");
}

/// The sample's first revision.
const EARLY: &str = "27c6a30d7c24";
