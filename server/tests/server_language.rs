//! The server's own messages in the request's language: a refusal of sign-off (not proposed,
//! then its blockers) and the API's errors come back in Spanish with `Accept-Language: es` and
//! in English without, with the same status and code either way.

use crate::support;

use serde_json::{Value, json};
use strata_shared::api::{ApiFailure, ErrorCode};
use support::targets::{Targets, sample_copy};
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
