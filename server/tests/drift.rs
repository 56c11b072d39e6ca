//! Drift on real PostgreSQL: none after a clean run (the sample, a generated history), and
//! every hand-made change of a modelled kind reported with its kind and finding; the command
//! line's exit codes and JSON; nothing of the target changes.

use crate::support;

use sqlx::{Connection, PgConnection};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use strata_server::sandbox::Sandbox;
use strata_shared::offline::VersionTable;
use strata_shared::schema::ObjectKind;
use strata_shared::schema::drift::{Drift, Found};

fn strata(folder: &Path, url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_strata"))
        .arg("--migrations")
        .arg(folder)
        .args(args)
        .args(["--url", url])
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

async fn database(sandbox: &Sandbox, name: &str) -> String {
    let mut admin = PgConnection::connect_with(&sandbox.connect_options()).await.unwrap();
    sqlx::raw_sql(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.unwrap();
    admin.close().await.unwrap();
    format!("postgresql://postgres:{}@127.0.0.1:{}/{name}", sandbox.password(), sandbox.port())
}

fn upgrade(folder: &Path, url: &str) {
    let run = strata(folder, url, &["upgrade", "heads", "--yes"]);
    assert!(run.status.success(), "{}", text(&run.stderr));
}

async fn check(conn: &mut PgConnection, folder: &Path) -> Drift {
    let project = strata_server::migrations_dir::load(folder).unwrap();
    strata_server::drift::check(conn, "test", &project.graph, &VersionTable::default()).await.unwrap()
}

/// How many catalog rows the database has (a drift check must leave it as it was).
async fn catalog_size(conn: &mut PgConnection) -> i64 {
    sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM pg_class) + (SELECT count(*) FROM pg_attribute) + (SELECT count(*) FROM pg_type)",
    )
    .fetch_one(conn)
    .await
    .unwrap()
}

/// Hand-made changes to the sample at its heads, one at a time, and what drift must say.
type Expected = &'static [(ObjectKind, &'static str, Found)];

const CHANGES: &[(&str, Expected)] = &[
    ("ALTER TABLE customer ADD COLUMN hotfix text", &[(ObjectKind::Column, "customer.hotfix", Found::Extra)]),
    ("ALTER TABLE customer DROP COLUMN billing_email", &[(ObjectKind::Column, "customer.billing_email", Found::Missing)]),
    (
        "ALTER TABLE customer ALTER COLUMN vat_number TYPE varchar(20)",
        &[(ObjectKind::Column, "customer.vat_number", Found::Different)],
    ),
    ("ALTER TABLE currency ALTER COLUMN decimals SET DEFAULT 3", &[(ObjectKind::Column, "currency.decimals", Found::Different)]),
    ("ALTER TABLE customer ALTER COLUMN vat_number SET NOT NULL", &[(ObjectKind::Column, "customer.vat_number", Found::Different)]),
    (
        "ALTER TABLE customer ADD CONSTRAINT customer_name_check CHECK (name <> '')",
        &[(ObjectKind::Constraint, "customer.customer_name_check", Found::Extra)],
    ),
    (
        "ALTER TABLE payment DROP CONSTRAINT payment_method_check",
        &[(ObjectKind::Constraint, "payment.payment_method_check", Found::Missing)],
    ),
    (
        "ALTER TABLE payment DROP CONSTRAINT payment_method_check, ADD CONSTRAINT payment_method_check CHECK (method IN ('card', 'cash'))",
        &[(ObjectKind::Constraint, "payment.payment_method_check", Found::Different)],
    ),
    ("CREATE INDEX customer_vat_idx ON customer (vat_number)", &[(ObjectKind::Index, "customer_vat_idx", Found::Extra)]),
    ("DROP INDEX customer_name_idx", &[(ObjectKind::Index, "customer_name_idx", Found::Missing)]),
    (
        "DROP INDEX customer_name_idx; CREATE INDEX customer_name_idx ON customer (lower(name))",
        &[(ObjectKind::Index, "customer_name_idx", Found::Different)],
    ),
    (
        "CREATE OR REPLACE VIEW reporting.monthly_sales AS SELECT date_trunc('month', o.ordered_at) AS month,
            count(DISTINCT o.id) AS orders, sum(l.quantity * l.price_cents * (1 - l.discount_pct / 100)) AS revenue_cents
         FROM sales_order o JOIN sales_order_line l ON l.order_id = o.id GROUP BY 1",
        &[(ObjectKind::View, "reporting.monthly_sales", Found::Different)],
    ),
    (
        "CREATE FUNCTION hotfix() RETURNS integer LANGUAGE sql AS 'SELECT 1'",
        &[(ObjectKind::Function, "hotfix()", Found::Extra)],
    ),
    (
        "CREATE TRIGGER customer_audit AFTER INSERT ON customer FOR EACH ROW EXECUTE FUNCTION set_updated_at()",
        &[(ObjectKind::Trigger, "customer.customer_audit", Found::Extra)],
    ),
    ("DROP TRIGGER customer_set_updated_at ON customer", &[(ObjectKind::Trigger, "customer.customer_set_updated_at", Found::Missing)]),
    ("ALTER TYPE order_status ADD VALUE 'on_hold'", &[(ObjectKind::Type, "order_status", Found::Different)]),
    ("CREATE SEQUENCE hotfix_seq", &[(ObjectKind::Sequence, "hotfix_seq", Found::Extra)]),
    ("COMMENT ON TABLE customer IS 'Changed by hand.'", &[(ObjectKind::Table, "customer", Found::Different)]),
    ("COMMENT ON COLUMN customer.name IS 'Changed by hand.'", &[(ObjectKind::Column, "customer.name", Found::Different)]),
    ("CREATE TABLE hotfix (id integer)", &[(ObjectKind::Table, "hotfix", Found::Extra)]),
    (
        "DROP TABLE sales_order_note",
        &[
            (ObjectKind::Table, "sales_order_note", Found::Missing),
            (ObjectKind::Index, "sales_order_note_order_idx", Found::Missing),
        ],
    ),
    ("CREATE SCHEMA hotfix", &[(ObjectKind::Schema, "hotfix", Found::Extra)]),
    ("ALTER TABLE reseller_price NO FORCE ROW LEVEL SECURITY", &[(ObjectKind::Table, "reseller_price", Found::Different)]),
    ("ALTER TABLE customer ENABLE ROW LEVEL SECURITY", &[(ObjectKind::Table, "customer", Found::Different)]),
    (
        "DROP POLICY reseller_isolation ON reseller_price",
        &[(ObjectKind::Policy, "reseller_price.reseller_isolation", Found::Missing)],
    ),
    (
        "ALTER POLICY reseller_isolation ON reseller_price USING (reseller_id = 'north')",
        &[(ObjectKind::Policy, "reseller_price.reseller_isolation", Found::Different)],
    ),
    (
        "CREATE POLICY hotfix_read ON customer FOR SELECT USING (true)",
        &[(ObjectKind::Policy, "customer.hotfix_read", Found::Extra)],
    ),
];

#[tokio::test]
async fn a_clean_run_has_no_drift_and_every_hand_made_change_is_reported_by_kind() {
    let state = support::state_dir();
    let sandbox = Sandbox::start(state.path()).await.unwrap();
    let sample = support::sample_migrations();
    let url = database(&sandbox, "sample").await;
    upgrade(&sample, &url);
    let mut conn = PgConnection::connect(&url).await.unwrap();
    let before = catalog_size(&mut conn).await;
    let clean = check(&mut conn, &sample).await;
    assert_eq!(clean.differences, [], "a clean run of the sample has no drift");
    assert!(!clean.at.is_empty());
    assert_eq!(catalog_size(&mut conn).await, before, "a drift check leaves the catalog as it was");

    for (sql, expected) in CHANGES {
        // Each change in a transaction of its own, rolled back after the check.
        sqlx::raw_sql("BEGIN").execute(&mut conn).await.unwrap();
        sqlx::raw_sql(sql).execute(&mut conn).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
        let drift = check(&mut conn, &sample).await;
        sqlx::raw_sql("ROLLBACK").execute(&mut conn).await.unwrap();
        let found: Vec<(ObjectKind, &str, Found)> =
            drift.differences.iter().map(|d| (d.kind, d.name.as_str(), d.found)).collect();
        assert_eq!(found, *expected, "after `{sql}`: {:#?}", drift.differences);
        // A schema has nothing but its name (and comment) to show.
        for difference in drift.differences.iter().filter(|d| d.kind != ObjectKind::Schema) {
            assert!(!difference.details.is_empty(), "after `{sql}`, {difference:?} says what differs");
        }
    }
    assert_eq!(check(&mut conn, &sample).await.differences, [], "every change was rolled back");
    conn.close().await.unwrap();
}

/// Bookkeeping is the configured version table: under another name, a table called
/// `alembic_version` is the project's like any other, and drift shows it.
#[tokio::test]
async fn the_configured_version_table_is_bookkeeping_and_alembic_version_then_is_not() {
    let state = support::state_dir();
    let sandbox = Sandbox::start(state.path()).await.unwrap();
    let sample = support::sample_migrations();
    let url = database(&sandbox, "renamed").await;
    upgrade(&sample, &url);
    let mut conn = PgConnection::connect(&url).await.unwrap();
    sqlx::raw_sql(
        "ALTER TABLE alembic_version RENAME TO project_version;
         CREATE TABLE alembic_version (version_num varchar(32) NOT NULL);",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    let project = strata_server::migrations_dir::load(&sample).unwrap();
    let table = VersionTable { schema: None, name: "project_version".to_owned() };
    let drift = strata_server::drift::check(&mut conn, "test", &project.graph, &table).await.unwrap();
    let found: Vec<(ObjectKind, &str, Found)> =
        drift.differences.iter().map(|d| (d.kind, d.name.as_str(), d.found)).collect();
    assert_eq!(found, [(ObjectKind::Table, "alembic_version", Found::Extra)], "{:#?}", drift.differences);
    conn.close().await.unwrap();
    sandbox.stop().await.unwrap();
}

/// Column names that need quoting in `UPDATE OF` and `INCLUDE`: the catalog prints them quoted,
/// the model keeps names; a clean run has no drift.
#[tokio::test]
async fn quoted_column_names_in_triggers_and_index_includes_do_not_drift() {
    let state = support::state_dir();
    let sandbox = Sandbox::start(state.path()).await.unwrap();
    let folder = state.path().join("migrations");
    std::fs::create_dir_all(folder.join("versions")).unwrap();
    std::fs::write(
        folder.join("versions/a1b2c3d4e5f6_people.sql"),
        "-- revision: a1b2c3d4e5f6\n-- revises:\n-- message: people\n-- created: 2026-01-01 00:00:00\n\n\
         -- strata:upgrade\n\
         CREATE TABLE person (id int PRIMARY KEY, \"Full Name\" text, \"order\" int);\n\
         CREATE INDEX person_id ON person (id) INCLUDE (\"Full Name\", \"order\");\n\
         CREATE FUNCTION note() RETURNS trigger LANGUAGE plpgsql AS 'begin return null; end';\n\
         CREATE TRIGGER renamed AFTER UPDATE OF \"Full Name\", \"order\" ON person FOR EACH ROW EXECUTE FUNCTION note();\n\
         CREATE TRIGGER when_renamed AFTER UPDATE OF \"Full Name\" ON person FOR EACH ROW\n\
             WHEN (old.\"Full Name\" IS DISTINCT FROM new.\"Full Name\") EXECUTE FUNCTION note();\n\n\
         -- strata:downgrade\n\
         DROP TABLE person;\nDROP FUNCTION note();\n",
    )
    .unwrap();
    let url = database(&sandbox, "quoted").await;
    upgrade(&folder, &url);
    let mut conn = PgConnection::connect(&url).await.unwrap();
    let drift = check(&mut conn, &folder).await;
    assert_eq!(drift.differences, [], "a clean run has no drift");
    conn.close().await.unwrap();
    sandbox.stop().await.unwrap();
}

#[tokio::test]
async fn the_command_line_exits_1_on_drift_0_without_and_2_when_it_cannot_tell() {
    let state = support::state_dir();
    let sandbox = Sandbox::start(state.path()).await.unwrap();
    let sample = support::sample_migrations();
    let url = database(&sandbox, "cli").await;

    // At base, the sample's model is empty: nothing to drift from.
    let at_base = strata(&sample, &url, &["drift"]);
    assert_eq!(at_base.status.code(), Some(0), "{}", text(&at_base.stderr));
    assert!(text(&at_base.stdout).contains("at base: no drift"), "{}", text(&at_base.stdout));

    upgrade(&sample, &url);
    let clean = strata(&sample, &url, &["drift"]);
    assert_eq!(clean.status.code(), Some(0), "{}{}", text(&clean.stdout), text(&clean.stderr));
    assert!(text(&clean.stdout).contains(": no drift"), "{}", text(&clean.stdout));

    let mut conn = PgConnection::connect(&url).await.unwrap();
    sqlx::raw_sql(
        "CREATE INDEX customer_vat_idx ON customer (vat_number); ALTER TABLE customer DROP COLUMN billing_email",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();
    let drifted = strata(&sample, &url, &["drift"]);
    assert_eq!(drifted.status.code(), Some(1), "{}", text(&drifted.stderr));
    let shown = text(&drifted.stdout);
    assert!(shown.contains("1 missing, 1 extra"), "{shown}");
    assert!(shown.contains("missing   column customer.billing_email"), "{shown}");
    assert!(shown.contains("extra     index customer_vat_idx"), "{shown}");
    assert!(shown.contains("definition: on customer btree (vat_number)"), "{shown}");

    let json = strata(&sample, &url, &["--json", "drift"]);
    assert_eq!(json.status.code(), Some(1));
    let drift: Drift = serde_json::from_slice(&json.stdout).unwrap();
    let found: Vec<(ObjectKind, &str, Found)> =
        drift.differences.iter().map(|d| (d.kind, d.name.as_str(), d.found)).collect();
    assert_eq!(
        found,
        [
            (ObjectKind::Column, "customer.billing_email", Found::Missing),
            (ObjectKind::Index, "customer_vat_idx", Found::Extra)
        ]
    );
    assert_eq!(drift.environment, "default");

    // A database at a revision the folder lacks, and one that does not answer: exit 2.
    let mut conn = PgConnection::connect(&url).await.unwrap();
    sqlx::raw_sql("UPDATE alembic_version SET version_num = 'f00f00f00f00'").execute(&mut conn).await.unwrap();
    conn.close().await.unwrap();
    let unknown = strata(&sample, &url, &["drift"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        text(&unknown.stderr).contains("the database is at `f00f00f00f00`, which the migrations folder does not have")
    );
    let gone = strata(&sample, &format!("postgresql://postgres:wrong@127.0.0.1:{}/cli", sandbox.port()), &["drift"]);
    assert_eq!(gone.status.code(), Some(2));
    assert!(text(&gone.stderr).starts_with("error: "), "{}", text(&gone.stderr));
}

#[tokio::test]
async fn a_generated_history_run_cleanly_has_no_drift() {
    let state = support::state_dir();
    let sandbox = Sandbox::start(state.path()).await.unwrap();
    for seed in [3, 7] {
        let project = tempfile::tempdir().unwrap();
        support::ddl_history::write(project.path(), seed, 25);
        let url = database(&sandbox, &format!("generated_{seed}")).await;
        upgrade(project.path(), &url);
        let mut conn = PgConnection::connect(&url).await.unwrap();
        let drift = check(&mut conn, project.path()).await;
        conn.close().await.unwrap();
        assert_eq!(drift.differences, [], "seed {seed}");
    }
}

/// The sample with `prod` (where `prod_extra` goes in its strata.toml table) and `staging`.
struct Environments {
    dir: tempfile::TempDir,
    targets: support::targets::Targets,
    config: std::path::PathBuf,
}

impl Environments {
    fn start(prod_extra: &str) -> Self {
        let dir = support::state_dir();
        let targets = support::targets::Targets::start(dir.path(), &["prod", "staging"]);
        let config = targets.config(dir.path(), &[("prod", prod_extra), ("staging", "")]);
        Self { dir, targets, config }
    }

    fn strata(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_strata"))
            .arg("--migrations")
            .arg(support::sample_migrations())
            .arg("--config")
            .arg(&self.config)
            .arg("--state-dir")
            .arg(self.dir.path())
            .args(args)
            .envs(self.targets.env())
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }

    fn sql(&self, database: &str, sql: &str) {
        let options = self.targets.sandbox.connect_options().database(database);
        support::targets::block_on(async {
            let mut conn = PgConnection::connect_with(&options).await.unwrap();
            sqlx::raw_sql(sql).execute(&mut conn).await.unwrap();
            conn.close().await.unwrap();
        });
    }

    fn studio(&self) -> support::Studio {
        support::Studio::start_with(&support::sample_migrations(), self.dir.path(), &self.config, &self.targets.env())
    }
}

/// An index made by hand on `prod`, which the model does not have.
const HOTFIX: &str = "CREATE INDEX hotfix_idx ON account (full_name)";
const EARLY: &str = "27c6a30d7c24";

#[test]
fn require_no_drift_blocks_runs_from_the_command_line_and_the_studio_whose_previews_say_so() {
    let environments = Environments::start("require_no_drift = true");
    // No drift: the policy lets the run through.
    let early = environments.strata(&["upgrade", EARLY, "--env", "prod", "--yes"]);
    assert!(early.status.success(), "{}", text(&early.stderr));
    environments.sql("prod", HOTFIX);

    let refused = environments.strata(&["upgrade", "heads", "--env", "prod", "--yes"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        text(&refused.stderr).contains("the database has drifted from the schema model (1 extra)"),
        "{}",
        text(&refused.stderr)
    );
    assert_eq!(environments.targets.rows("prod"), [EARLY], "nothing ran");
    // Staging has no such policy.
    let staging = environments.strata(&["upgrade", EARLY, "--env", "staging", "--yes"]);
    assert!(staging.status.success(), "{}", text(&staging.stderr));

    let studio = environments.studio();
    let plan = serde_json::json!({ "environment": "prod", "operation": "upgrade", "target": "heads" });
    let (status, body) = studio.post("/api/plans", &plan);
    assert_eq!(status, 200, "{body}");
    let preview: strata_shared::api::PlanPreview = serde_json::from_str(&body).unwrap();
    let drift = preview.drift.as_ref().expect("the preview tells drift");
    assert_eq!(drift.summary(), "1 extra");
    assert_eq!((drift.differences[0].kind, drift.differences[0].name.as_str()), (ObjectKind::Index, "hotfix_idx"));
    let run = serde_json::json!({ "environment": "prod", "operation": "upgrade", "target": "heads", "fingerprint": preview.fingerprint });
    let (status, body) = studio.post("/api/runs", &run);
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("drifted from the schema model (1 extra)"), "{body}");
    let (_, audit) = studio.get("/api/audit?format=csv");
    assert!(audit.contains("run-refused"), "{audit}");
    let (status, body) = studio.get("/api/environments/prod/drift");
    assert_eq!(status, 200, "{body}");
    assert_eq!(serde_json::from_str::<Drift>(&body).unwrap().summary(), "1 extra");
    let (status, body) = studio.get("/api/environments/staging/drift");
    assert_eq!((status, serde_json::from_str::<Drift>(&body).unwrap().drifted()), (200, false), "{body}");
    let (status, _) = studio.get("/api/environments/nowhere/drift");
    assert_eq!(status, 404);

    // Once the database matches the model again, the run goes ahead.
    environments.sql("prod", "DROP INDEX hotfix_idx");
    std::thread::sleep(std::time::Duration::from_millis(3100)); // past the preview cache
    let (_, body) = studio.post("/api/plans", &plan);
    let preview: strata_shared::api::PlanPreview = serde_json::from_str(&body).unwrap();
    assert!(preview.drift.as_ref().is_some_and(|d| !d.drifted()), "{body}");
    let run = serde_json::json!({ "environment": "prod", "operation": "upgrade", "target": "heads", "fingerprint": preview.fingerprint });
    let (status, body) = studio.post("/api/runs", &run);
    assert_eq!(status, 200, "{body}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_studio_shows_a_drift_badge_per_environment_a_drift_view_and_drift_in_a_preview() {
    use fantoccini::Locator;
    use support::chrome::{ChromeDriver, element, sign_in};
    assert!(
        support::workspace_root().join("dist/index.html").is_file(),
        "build the frontend first: trunk build --release"
    );
    let (environments, studio) = tokio::task::block_in_place(|| {
        let environments = Environments::start("");
        for (database, target) in [("prod", EARLY), ("staging", "heads")] {
            let ran = environments.strata(&["upgrade", target, "--env", database, "--yes"]);
            assert!(ran.status.success(), "{}", text(&ran.stderr));
        }
        environments.sql("prod", &format!("{HOTFIX}; ALTER TABLE account ALTER COLUMN full_name DROP NOT NULL"));
        let studio = environments.studio();
        (environments, studio)
    });
    let driver = ChromeDriver::start();
    let browser = driver.browser(&environments.dir.path().join("chromium")).await;
    sign_in(&browser, &studio.url, "admin").await;

    // The overview: a badge per environment.
    element(&browser, "[data-environment=staging] [data-test=drift-badge][data-drifted=false]").await;
    let badge = element(&browser, "[data-environment=prod] [data-test=drift-badge][data-drifted=true]").await;
    assert_eq!(badge.text().await.unwrap(), "drift: 1 extra, 1 different");
    badge.click().await.unwrap();

    // The drift view, as the compare view reads.
    element(&browser, "[data-test=drift][data-drifted=true][data-environment=prod]").await;
    let mut found = Vec::new();
    for item in browser.find_all(Locator::Css("[data-test=difference]")).await.unwrap() {
        let attribute = |name: &'static str| {
            let item = item.clone();
            async move { item.attr(name).await.unwrap().unwrap_or_default() }
        };
        found.push(format!(
            "{} {} {}",
            attribute("data-found").await,
            attribute("data-kind").await,
            attribute("data-name").await
        ));
    }
    assert_eq!(found, ["different column account.full_name", "extra index hotfix_idx"]);
    let summary = element(&browser, "[data-test=drift-summary]").await.text().await.unwrap();
    assert_eq!(summary, "1 extra, 1 different");

    // In Spanish.
    element(&browser, "[data-test=language]").await.select_by_value("es").await.unwrap();
    let summary = element(&browser, "[data-test=drift-summary]").await.text().await.unwrap();
    assert_eq!(summary, "1 de más, 1 distintos");

    // A preview on the drifted environment says so.
    element(&browser, "[data-test=language]").await.select_by_value("en").await.unwrap();
    browser.goto(&format!("{}/run?env=prod&op=upgrade&target=heads", studio.url)).await.unwrap();
    element(&browser, "[data-test=preview]").await.click().await.unwrap();
    let note = element(&browser, "[data-test=plan-drift]").await.text().await.unwrap();
    assert!(note.starts_with("This database has drifted from the schema model: 1 extra, 1 different."), "{note}");
    browser.close().await.unwrap();
}
