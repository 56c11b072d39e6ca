use super::*;
use crate::lint::volatile_functions::VOLATILE_FUNCTIONS;
use crate::revision_file::parse_revision_file;

/// Lints a revision whose upgrade is `upgrade` (and downgrade `downgrade`); the rule ids found.
fn rules(upgrade: &str, downgrade: &str, transactional: bool) -> Vec<String> {
    let text = format!(
        "-- revision: r1\n-- transactional: {transactional}\n-- strata:upgrade\n{upgrade}\n-- strata:downgrade\n{downgrade}\n"
    );
    let revision = parse_revision_file("r1.sql", &text).expect("a valid revision file");
    lint_revision(&revision).into_iter().map(|f| f.rule).collect()
}

fn fires(rule: &str, risky: &str, safe: &str) {
    let on_risky = rules(risky, "SELECT 1;", true);
    assert!(on_risky.iter().any(|r| r == rule), "{rule} fires on `{risky}`: {on_risky:?}");
    let on_safe = rules(safe, "SELECT 1;", true);
    assert!(!on_safe.iter().any(|r| r == rule), "{rule} stays quiet on `{safe}`: {on_safe:?}");
}

#[test]
fn adding_required_column() {
    fires(
        "adding-required-column",
        "ALTER TABLE account ADD COLUMN plan text NOT NULL;",
        "ALTER TABLE account ADD COLUMN plan text NOT NULL DEFAULT 'free';",
    );
    // A table created in the same revision is empty: no risk.
    fires(
        "adding-required-column",
        "ALTER TABLE t ADD COLUMN c int NOT NULL;",
        "CREATE TABLE t (id int); ALTER TABLE t ADD COLUMN c int NOT NULL;",
    );
}

#[test]
fn volatile_default() {
    fires(
        "volatile-default",
        "ALTER TABLE account ADD COLUMN token uuid DEFAULT gen_random_uuid();",
        "ALTER TABLE account ADD COLUMN created timestamptz DEFAULT now();",
    );
}

#[test]
fn indexes_without_concurrently() {
    fires(
        "index-without-concurrently",
        "CREATE INDEX a_idx ON account (email);",
        "CREATE TABLE t (id int); CREATE INDEX t_idx ON t (id);",
    );
    fires("drop-index-without-concurrently", "DROP INDEX a_idx;", "DROP TABLE IF EXISTS nothing_here_but_a_table;");
}

#[test]
fn statements_that_refuse_transactions_and_the_reverse() {
    assert!(
        rules("CREATE INDEX CONCURRENTLY a_idx ON account (email);", "SELECT 1;", true)
            .contains(&"cannot-run-in-transaction".to_owned())
    );
    assert!(
        !rules("CREATE INDEX CONCURRENTLY a_idx ON account (email);", "SELECT 1;", false)
            .contains(&"cannot-run-in-transaction".to_owned())
    );
    assert!(
        rules("UPDATE account SET plan = 'free';", "SELECT 1;", false)
            .contains(&"needless-non-transactional".to_owned())
    );
    assert!(
        !rules("ALTER TYPE s ADD VALUE 'x' AFTER 'y';", "SELECT 1;", false)
            .contains(&"needless-non-transactional".to_owned())
    );
}

#[test]
fn type_changes_not_null_and_constraints() {
    fires(
        "changing-column-type",
        "ALTER TABLE account ALTER COLUMN id TYPE bigint;",
        "ALTER TABLE account ALTER COLUMN id SET DEFAULT 0;",
    );
    fires(
        "setting-not-null",
        "ALTER TABLE account ALTER COLUMN plan SET NOT NULL;",
        "ALTER TABLE account ALTER COLUMN plan DROP NOT NULL;",
    );
    fires(
        "constraint-without-not-valid",
        "ALTER TABLE o ADD CONSTRAINT o_fk FOREIGN KEY (a) REFERENCES account (id);",
        "ALTER TABLE o ADD CONSTRAINT o_fk FOREIGN KEY (a) REFERENCES account (id) NOT VALID;",
    );
    fires(
        "constraint-without-not-valid",
        "ALTER TABLE o ADD CONSTRAINT o_check CHECK (a > 0);",
        "ALTER TABLE o ADD CONSTRAINT o_check CHECK (a > 0) NOT VALID;",
    );
    fires(
        "constraint-builds-index",
        "ALTER TABLE o ADD CONSTRAINT o_key UNIQUE (a);",
        "ALTER TABLE o ADD CONSTRAINT o_key UNIQUE USING INDEX o_a_idx;",
    );
}

#[test]
fn drops_renames_and_truncates() {
    fires("dropping-table", "DROP TABLE account;", "DROP VIEW account_view;");
    fires("dropping-column", "ALTER TABLE account DROP COLUMN plan;", "ALTER TABLE account ADD COLUMN plan text;");
    fires("renaming-table", "ALTER TABLE account RENAME TO person;", "ALTER TABLE account RENAME CONSTRAINT a TO b;");
    fires(
        "renaming-column",
        "ALTER TABLE account RENAME COLUMN plan TO tier;",
        "ALTER TABLE account RENAME TO person;",
    );
    fires("truncate-cascade", "TRUNCATE account CASCADE;", "TRUNCATE account;");
}

#[test]
fn transaction_control_and_lock_timeout() {
    fires("transaction-control", "BEGIN; UPDATE account SET plan = 'x'; COMMIT;", "UPDATE account SET plan = 'x';");
    fires(
        "missing-lock-timeout",
        "ALTER TABLE account ADD COLUMN plan text;",
        "SET lock_timeout = '5s'; ALTER TABLE account ADD COLUMN plan text;",
    );
}

#[test]
fn types_that_age_badly() {
    fires("prefer-bigint", "CREATE TABLE t (n integer);", "CREATE TABLE t (n bigint);");
    fires(
        "prefer-identity",
        "CREATE TABLE t (id serial PRIMARY KEY);",
        "CREATE TABLE t (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);",
    );
    fires("prefer-timestamptz", "CREATE TABLE t (at timestamp);", "CREATE TABLE t (at timestamptz);");
    fires(
        "prefer-text",
        "ALTER TABLE account ADD COLUMN name varchar(80);",
        "ALTER TABLE account ADD COLUMN name text;",
    );
    let long = "a".repeat(64);
    fires(
        "identifier-too-long",
        &format!("CREATE TABLE {long} (id bigint);"),
        &format!("CREATE TABLE {} (id bigint);", "a".repeat(63)),
    );
    fires(
        "enum-value-without-position",
        "ALTER TYPE status ADD VALUE 'returned';",
        "ALTER TYPE status ADD VALUE 'returned' AFTER 'shipped';",
    );
}

#[test]
fn a_downgrade_may_drop_what_its_upgrade_created() {
    let own = rules(
        "CREATE TABLE t (id bigint); ALTER TABLE account ADD COLUMN plan text;",
        "ALTER TABLE account DROP COLUMN plan; DROP TABLE t;",
        true,
    );
    assert!(!own.iter().any(|r| r == "dropping-table" || r == "dropping-column"), "{own:?}");
    let other = rules("SELECT 1;", "DROP TABLE account;", true);
    assert!(other.contains(&"dropping-table".to_owned()), "a table the upgrade did not create: {other:?}");
    let merge = rules("-- a merge point", "-- nothing to undo", true);
    assert!(!merge.contains(&"empty-downgrade".to_owned()), "nothing done, nothing to undo");
}

#[test]
fn empty_downgrades() {
    assert!(rules("SELECT 1;", "", true).contains(&"empty-downgrade".to_owned()));
    assert!(rules("SELECT 1;", "-- nothing to undo", true).contains(&"empty-downgrade".to_owned()));
    assert!(!rules("SELECT 1;", "SELECT 2;", true).contains(&"empty-downgrade".to_owned()));
}

#[test]
fn allow_comments_silence_a_rule_for_a_statement_or_the_file_with_a_reason() {
    let risky = "DROP TABLE legacy;\nDROP TABLE other;";
    let statement_level =
        "-- strata:allow dropping-table emptied and unused since release 41\nDROP TABLE legacy;\nDROP TABLE other;";
    let count = |upgrade: &str| rules(upgrade, "SELECT 1;", true).iter().filter(|r| *r == "dropping-table").count();
    assert_eq!(count(risky), 2);
    assert_eq!(count(statement_level), 1, "only the next statement is silenced");

    let text = "-- revision: r1\n-- strata:allow dropping-table the whole file drops test tables\n\
                -- strata:upgrade\nDROP TABLE legacy;\nDROP TABLE other;\n-- strata:downgrade\nSELECT 1;\n";
    let revision = parse_revision_file("r1.sql", text).expect("valid");
    assert!(lint_revision(&revision).iter().all(|f| f.rule != "dropping-table"), "the header silences the file");

    let unexplained = "-- strata:allow dropping-table\nDROP TABLE legacy;";
    let found = rules(unexplained, "SELECT 1;", true);
    assert!(
        found.contains(&"allow-without-reason".to_owned()) && found.contains(&"dropping-table".to_owned()),
        "{found:?}"
    );
}

#[test]
fn a_finding_says_where_why_and_what_instead() {
    let text = "-- revision: r1\n-- strata:upgrade\nSELECT 1;\nALTER TABLE account\n  ALTER COLUMN id TYPE bigint;\n-- strata:downgrade\nSELECT 1;\n";
    let revision = parse_revision_file("versions/r1.sql", text).expect("valid");
    let finding = lint_revision(&revision).into_iter().find(|f| f.rule == "changing-column-type").expect("found");
    assert_eq!(
        (finding.path.as_str(), finding.line, finding.section.as_deref()),
        ("versions/r1.sql", 4, Some("upgrade"))
    );
    assert_eq!(finding.statement.as_deref(), Some("ALTER TABLE account"));
    assert_eq!(finding.severity, Severity::Warning);
    assert!(finding.why.contains("ACCESS EXCLUSIVE") && finding.safer.contains("new column"));
}

#[test]
fn every_rule_in_the_catalog_has_an_explanation() {
    for rule in RULES {
        assert!(!rule.why.is_empty() && !rule.safer.is_empty(), "{}", rule.id);
    }
}

/// Lints `r2` of a two-revision project (r1 creates the tables r2 works on), model included.
fn project_rules(upgrade: &str, downgrade: &str, header: &str) -> Vec<Finding> {
    use crate::project::{Project, SourceFile};
    let first = "-- revision: r1\n-- strata:upgrade\nCREATE TABLE account (id int PRIMARY KEY, email text, plan text);\n\
                 -- strata:downgrade\nDROP TABLE account;\n";
    let second = format!(
        "-- revision: r2\n-- revises: r1\n{header}-- strata:upgrade\n{upgrade}\n-- strata:downgrade\n{downgrade}\n"
    );
    let files =
        [("r1.sql", first.to_owned()), ("r2.sql", second)].map(|(path, text)| SourceFile { path: path.into(), text });
    let project = Project::load(files.into());
    assert!(!project.has_errors(), "{:?}", project.diagnostics);
    let index = project.graph.index_of("r2").expect("r2 loads");
    let models = crate::schema::Replayer::new(&project.graph).model_all();
    lint_revisions(&project.graph, &[index], &models)
}

#[test]
fn downgrade_does_not_reverse() {
    let rule = "downgrade-does-not-reverse";
    let found = project_rules(
        "ALTER TABLE account ADD COLUMN name text NOT NULL DEFAULT '';\nALTER TABLE account ALTER COLUMN email SET NOT NULL;\nCREATE INDEX account_email_idx ON account (email);",
        "ALTER TABLE account DROP COLUMN name;",
        "",
    );
    let finding = found.iter().find(|f| f.rule == rule).expect("fires when the downgrade forgets things");
    assert_eq!(
        finding.message,
        "upgrade then downgrade does not restore the schema: column account.email: nullable not null instead of null; \
         index account_email_idx is left behind"
    );
    assert_eq!((finding.section.as_deref(), finding.line), (None, 7), "about the downgrade as a whole");
    let reversed = project_rules(
        "ALTER TABLE account RENAME COLUMN plan TO tier;\nALTER TABLE account ADD CONSTRAINT email_set CHECK (email <> '');",
        "ALTER TABLE account DROP CONSTRAINT email_set;\nALTER TABLE account RENAME COLUMN tier TO plan;",
        "",
    );
    assert!(!reversed.iter().any(|f| f.rule == rule), "quiet on a downgrade that reverses: {reversed:?}");
    let dropped =
        project_rules("ALTER TABLE account DROP COLUMN plan;", "ALTER TABLE account ADD COLUMN plan int;", "");
    let finding = dropped.iter().find(|f| f.rule == rule).expect("a re-added column of another type");
    assert!(finding.message.contains("column account.plan: type integer instead of text"), "{}", finding.message);
    let silenced = project_rules(
        "ALTER TABLE account DROP COLUMN plan;",
        "ALTER TABLE account ADD COLUMN plan int;",
        "-- strata:allow downgrade-does-not-reverse the old plans are gone for good\n",
    );
    assert!(!silenced.iter().any(|f| f.rule == rule), "{silenced:?}");
}

fn has(rule: &str, upgrade: &str, transactional: bool) -> bool {
    rules(upgrade, "SELECT 1;", transactional).iter().any(|r| r == rule)
}

#[test]
fn sql_postgresql_rejects_is_an_error() {
    let text = "-- revision: r1\n-- strata:upgrade\nSELECT 1;\nSELEC 1;\n-- strata:downgrade\nSELECT 1;\n";
    let revision = parse_revision_file("r1.sql", text).expect("valid");
    let findings = lint_revision(&revision);
    let finding = findings.iter().find(|f| f.rule == "syntax-error").expect("a syntax error is a finding");
    assert_eq!((finding.severity, finding.line), (Severity::Error, 4));
    assert!(finding.message.contains("syntax error at or near \"SELEC\""), "{}", finding.message);
    assert!(has("syntax-error", "SELECT 'open", true), "an error no statement owns");
    assert!(!has("syntax-error", "SELECT 1;", true));
}

#[test]
fn a_statement_too_deep_to_analyse_is_an_error_not_dropped() {
    let cases = format!("SELECT {} 1{};", "CASE WHEN true THEN ".repeat(30), " END".repeat(30));
    let parentheses = format!("SELECT {}1{};", "(1 + ".repeat(60), ")".repeat(60));
    for deep in [cases, parentheses] {
        let text = format!("-- revision: r1\n-- strata:upgrade\nSELECT 1;\n{deep}\n-- strata:downgrade\nSELECT 1;\n");
        let revision = parse_revision_file("r1.sql", &text).expect("valid");
        let findings = lint_revision(&revision);
        let finding = findings.iter().find(|f| f.rule == "too-deeply-nested").expect("reported, not dropped");
        assert_eq!((finding.severity, finding.line), (Severity::Error, 4));
    }
    assert!(!has("too-deeply-nested", &format!("SELECT {}1{};", "(1 + ".repeat(10), ")".repeat(10)), true));
}

#[test]
fn serial_columns_have_a_default() {
    for column in ["n serial NOT NULL", "n bigserial PRIMARY KEY", "n smallserial"] {
        assert!(!has("adding-required-column", &format!("ALTER TABLE account ADD COLUMN {column};"), true), "{column}");
    }
}

#[test]
fn analyze_runs_in_a_transaction_vacuum_does_not() {
    assert!(!has("cannot-run-in-transaction", "ANALYZE account;", true));
    assert!(has("cannot-run-in-transaction", "VACUUM account;", true));
    assert!(!has("needless-non-transactional", "VACUUM account;", false));
}

#[test]
fn prefer_text_only_for_a_length_limit() {
    fires(
        "prefer-text",
        "CREATE TABLE t (name varchar(80));",
        "CREATE TABLE t (name varchar, other character varying);",
    );
}

/// Lints `r2` of a project whose `r1` upgrade is `first`: `downgrade-does-not-reverse` found?
fn downgrade_differs(first: &str, upgrade: &str, downgrade: &str) -> bool {
    use crate::project::{Project, SourceFile};
    let first = format!("-- revision: r1\n-- strata:upgrade\n{first}\n-- strata:downgrade\nDROP TABLE account;\n");
    let second =
        format!("-- revision: r2\n-- revises: r1\n-- strata:upgrade\n{upgrade}\n-- strata:downgrade\n{downgrade}\n");
    let files = [("r1.sql", first), ("r2.sql", second)].map(|(path, text)| SourceFile { path: path.into(), text });
    let project = Project::load(files.into());
    let index = project.graph.index_of("r2").expect("r2 loads");
    let models = crate::schema::Replayer::new(&project.graph).model_all();
    lint_revisions(&project.graph, &[index], &models).iter().any(|f| f.rule == "downgrade-does-not-reverse")
}

#[test]
fn defaults_that_differ_only_by_a_cast_or_an_explicit_null_reverse() {
    let first = "CREATE TABLE account (id int, plan varchar(20) DEFAULT 'x'::varchar, email text DEFAULT NULL);";
    let upgrade = "ALTER TABLE account ALTER COLUMN plan SET DEFAULT 'y';\nALTER TABLE account ALTER COLUMN email SET DEFAULT 'e';";
    let reverses =
        "ALTER TABLE account ALTER COLUMN plan SET DEFAULT 'x';\nALTER TABLE account ALTER COLUMN email DROP DEFAULT;";
    assert!(!downgrade_differs(first, upgrade, reverses));
    let explicit_null = "ALTER TABLE account ALTER COLUMN plan SET DEFAULT 'x'::character varying;\n\
                         ALTER TABLE account ALTER COLUMN email SET DEFAULT NULL::text;";
    assert!(!downgrade_differs(first, upgrade, explicit_null));
    let other_value =
        "ALTER TABLE account ALTER COLUMN plan SET DEFAULT 'z';\nALTER TABLE account ALTER COLUMN email DROP DEFAULT;";
    assert!(downgrade_differs(first, upgrade, other_value), "a real difference still shows");
}

#[test]
fn made_in_this_revision_means_the_same_schema() {
    let other_schema = "CREATE TABLE tmp.account (id int);\nALTER TABLE account ADD COLUMN c int NOT NULL;";
    assert!(has("adding-required-column", other_schema, true));
    let same = "CREATE TABLE public.account (id int);\nALTER TABLE account ADD COLUMN c int NOT NULL;";
    assert!(!has("adding-required-column", same, true));
    assert!(has("dropping-table", "CREATE TABLE tmp.orders (id int);\nDROP TABLE orders;", true));
    assert!(!has("dropping-table", "CREATE TABLE tmp.orders (id int);\nDROP TABLE tmp.orders;", true));
    assert!(has(
        "index-without-concurrently",
        "CREATE TABLE tmp.orders (id int);\nCREATE INDEX i ON orders (id);",
        true
    ));
}

#[test]
fn setting_not_null_after_a_validated_check_is_quiet() {
    let recipe = "ALTER TABLE account ADD CONSTRAINT plan_set CHECK (plan IS NOT NULL) NOT VALID;\n\
                  ALTER TABLE account VALIDATE CONSTRAINT plan_set;\n\
                  ALTER TABLE account ALTER COLUMN plan SET NOT NULL;";
    assert!(!has("setting-not-null", recipe, false), "the recipe the rule recommends");
    let other_column = "ALTER TABLE account ADD CONSTRAINT email_set CHECK (email IS NOT NULL) NOT VALID;\n\
                        ALTER TABLE account VALIDATE CONSTRAINT email_set;\n\
                        ALTER TABLE account ALTER COLUMN plan SET NOT NULL;";
    assert!(has("setting-not-null", other_column, false));
    let not_validated = "ALTER TABLE account ADD CONSTRAINT plan_set CHECK (plan IS NOT NULL) NOT VALID;\n\
                         ALTER TABLE account ALTER COLUMN plan SET NOT NULL;";
    assert!(has("setting-not-null", not_validated, false));
}

#[test]
fn validating_in_the_transaction_that_added_not_valid_is_flagged() {
    let rule = "validate-in-same-transaction";
    let both = "ALTER TABLE o ADD CONSTRAINT o_fk FOREIGN KEY (a) REFERENCES account (id) NOT VALID;\n\
                ALTER TABLE o VALIDATE CONSTRAINT o_fk;";
    assert!(has(rule, both, true));
    assert!(!has(rule, both, false), "each statement commits on its own");
    assert!(!has(rule, "ALTER TABLE o VALIDATE CONSTRAINT o_fk;", true), "added by an earlier revision");
    let advice = &super::catalog::rule(RuleId::ConstraintWithoutNotValid).safer;
    assert!(advice.contains("later revision"), "the advice says where to validate: {advice}");
}

#[test]
fn a_lock_timeout_set_after_the_ddl_does_not_count() {
    assert!(has("missing-lock-timeout", "ALTER TABLE account ADD COLUMN plan text;\nSET lock_timeout = '5s';", true));
    assert!(!has(
        "missing-lock-timeout",
        "SET LOCAL lock_timeout = '5s';\nALTER TABLE account ADD COLUMN plan text;",
        true
    ));
}

#[test]
fn only_sure_harm_is_an_error() {
    for rule in RULES.iter().filter(|r| r.severity == Severity::Error) {
        assert!(
            [
                "cannot-run-in-transaction",
                "transaction-control",
                "dropping-database",
                "syntax-error",
                "too-deeply-nested",
                "needs-newer-postgres"
            ]
            .contains(&rule.id.as_str()),
            "{} is an error, yet not sure to hurt",
            rule.id
        );
    }
}

#[test]
fn reindex_without_concurrently() {
    assert!(has("reindex-without-concurrently", "REINDEX TABLE account;", true));
    assert!(has("reindex-without-concurrently", "REINDEX (VERBOSE) INDEX account_pkey;", true));
    assert!(!has("reindex-without-concurrently", "REINDEX TABLE CONCURRENTLY account;", false));
    assert!(!has("reindex-without-concurrently", "REINDEX (CONCURRENTLY) TABLE account;", false));
    assert!(!has("cannot-run-in-transaction", "REINDEX TABLE CONCURRENTLY account;", false));
}

#[test]
fn vacuum_full_and_cluster() {
    assert!(has("vacuum-full-or-cluster", "VACUUM FULL account;", false));
    assert!(has("vacuum-full-or-cluster", "VACUUM (FULL, ANALYZE) account;", false));
    assert!(has("vacuum-full-or-cluster", "CLUSTER account USING account_pkey;", true));
    assert!(!has("vacuum-full-or-cluster", "VACUUM (ANALYZE) account;", false));
    assert!(!has("vacuum-full-or-cluster", "VACUUM (FULL false) account;", false));
}

#[test]
fn detaching_a_partition() {
    let rule = "detach-partition-without-concurrently";
    assert!(has(rule, "ALTER TABLE measurement DETACH PARTITION measurement_2020;", true));
    let concurrently = "ALTER TABLE measurement DETACH PARTITION measurement_2020 CONCURRENTLY;";
    assert!(!has(rule, concurrently, false));
    assert!(has("cannot-run-in-transaction", concurrently, true), "PostgreSQL refuses it in a transaction block");
}

#[test]
fn dropping_a_database() {
    fires("dropping-database", "DROP DATABASE legacy;", "DROP TABLE IF EXISTS legacy;");
}

#[test]
fn domain_constraints() {
    fires(
        "domain-constraint-without-not-valid",
        "ALTER DOMAIN positive ADD CONSTRAINT positive_check CHECK (VALUE > 0);",
        "ALTER DOMAIN positive ADD CONSTRAINT positive_check CHECK (VALUE > 0) NOT VALID;",
    );
}

#[test]
fn dropping_not_null_breaks_clients() {
    fires(
        "dropping-not-null",
        "ALTER TABLE account ALTER COLUMN plan DROP NOT NULL;",
        "CREATE TABLE t (c int NOT NULL); ALTER TABLE t ALTER COLUMN c DROP NOT NULL;",
    );
    let dropping = super::catalog::rule(RuleId::DroppingNotNull);
    assert!(dropping.severity < Severity::Error);
}

#[test]
fn volatile_defaults_are_postgresqls_volatile_functions() {
    for default in ["uuidv7()", "gen_random_uuid()", "'INV-' || nextval('s')", "random() * 10", "clock_timestamp()"] {
        assert!(
            has("volatile-default", &format!("ALTER TABLE account ADD COLUMN c text DEFAULT {default};"), true),
            "{default}"
        );
    }
    for default in ["now()", "CURRENT_TIMESTAMP", "lower('X')", "'x'"] {
        assert!(
            !has("volatile-default", &format!("ALTER TABLE account ADD COLUMN c text DEFAULT {default};"), true),
            "{default}"
        );
    }
    assert!(!has(
        "volatile-default",
        "CREATE TABLE t (id int); ALTER TABLE t ADD COLUMN c uuid DEFAULT uuidv7();",
        true
    ));
    assert!(has("volatile-default", "ALTER TABLE account ADD COLUMN n bigserial;", true), "a serial's nextval()");
    assert!(VOLATILE_FUNCTIONS.windows(2).all(|pair| pair[0] < pair[1]), "sorted, for the binary search");
}

#[test]
fn stored_generated_columns_rewrite_an_existing_table() {
    fires(
        "stored-generated-column",
        "ALTER TABLE account ADD COLUMN total int GENERATED ALWAYS AS (a + b) STORED;",
        "CREATE TABLE t (a int); ALTER TABLE t ADD COLUMN total int GENERATED ALWAYS AS (a * 2) STORED;",
    );
}

#[test]
fn every_rule_id_and_severity_reads_back_from_its_one_spelling() {
    for &id in RuleId::ALL {
        assert_eq!(id.as_str().parse::<RuleId>(), Ok(id));
        assert_eq!(super::catalog::rule(id).id, id);
    }
    assert!("no-such-rule".parse::<RuleId>().is_err());
    for severity in [Severity::Hint, Severity::Warning, Severity::Error] {
        assert_eq!(severity.name().parse::<Severity>(), Ok(severity));
        assert_eq!(serde_json::to_value(severity).unwrap(), severity.name());
    }
}
