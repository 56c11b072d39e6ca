use crate::lint::version_findings;
use crate::plan::Direction;
use crate::postgres_version::PostgresVersion;
use crate::revision_file::parse_revision_file;

const EXAMPLES: &str = include_str!("../../../tests/fixtures/postgres_features.sql");

/// The fixture's examples: (since, feature name, statement).
fn examples() -> Vec<(u32, String, String)> {
    let mut lines = EXAMPLES.lines().skip_while(|l| *l != "-- examples").skip(1);
    let mut examples = Vec::new();
    while let Some(header) = lines.next() {
        let rest = header.strip_prefix("-- since ").expect("a `-- since` line");
        let (since, name) = rest.split_once(' ').expect("a version and a name");
        let statement = lines.next().expect("a statement after its `-- since` line");
        examples.push((since.parse().expect("a major version"), name.to_owned(), statement.to_owned()));
    }
    examples
}

/// The `needs-newer-postgres` messages for `upgrade` on a server of `major`.
fn warnings(upgrade: &str, major: u32) -> Vec<String> {
    let text = format!("-- revision: r1\n-- strata:upgrade\n{upgrade}\n-- strata:downgrade\nSELECT 1;\n");
    let revision = parse_revision_file("r1.sql", &text).expect("a valid revision file");
    version_findings(&revision, Direction::Up, PostgresVersion::major(major)).into_iter().map(|f| f.message).collect()
}

#[test]
fn every_example_fires_below_its_version_and_is_quiet_from_it_on() {
    let examples = examples();
    assert!(examples.len() >= 30, "the fixture lists every feature: {}", examples.len());
    for (since, name, statement) in examples {
        let below = warnings(&statement, since - 1);
        let expected = format!("{name} needs PostgreSQL {since}; the target runs {}", since - 1);
        assert!(below.contains(&expected), "`{statement}` on {}: {below:?}", since - 1);
        let at = warnings(&statement, since);
        assert!(at.is_empty(), "`{statement}` is fine on {since}: {at:?}");
    }
}

#[test]
fn every_feature_has_an_example() {
    use super::Feature::*;
    let named: Vec<String> = examples().into_iter().map(|(_, name, _)| name).collect();
    let features = [
        ReindexConcurrently,
        StoredGeneratedColumn,
        CreateOrReplaceTrigger,
        ColumnCompression,
        DetachPartitionConcurrently,
        SqlStandardFunctionBody,
        GroupByDistinct,
        SearchOrCycleClause,
        Merge,
        NullsNotDistinct,
        SecurityInvokerView,
        SubqueryWithoutAlias,
        SqlJsonConstructor,
        IsJsonPredicate,
        MergeReturning,
        MergeNotMatchedBySource,
        MergeAction,
        JsonTable,
        SqlJsonQueryFunction,
        SetExpression,
        MaintainPrivilege,
        VirtualGeneratedColumn,
        WithoutOverlaps,
        NotNullNotValid,
    ];
    for feature in features {
        assert!(named.contains(&feature.name()), "{} has an example", feature.name());
    }
}

#[test]
fn ordinary_sql_needs_nothing_new() {
    let ordinary = "CREATE TABLE account (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL);
CREATE INDEX CONCURRENTLY account_email ON account (email);
SELECT * FROM (SELECT 1) AS one;
SELECT json_object('{a, 1}');
CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END $$;
CREATE VIEW v WITH (security_barrier) AS SELECT 1;
SELECT myschema.uuidv7();
INSERT INTO account (email) SELECT email FROM (VALUES ('a')) AS v(email) ON CONFLICT DO NOTHING;";
    assert_eq!(warnings(ordinary, 12), Vec::<String>::new());
}

#[test]
fn the_finding_names_file_line_and_both_versions_and_can_be_silenced() {
    let text = "-- revision: r1\n-- strata:upgrade\nSELECT 1;\n\nSELECT *\n  FROM (SELECT 1);\n-- strata:allow needs-newer-postgres runs on 17 only\nSELECT uuidv7();\n-- strata:downgrade\nSELECT uuidv7();\n";
    let revision = parse_revision_file("r1.sql", text).expect("a valid revision file");
    let up = version_findings(&revision, Direction::Up, PostgresVersion::from_version_num(150018));
    assert_eq!(up.len(), 1, "{up:?}");
    assert_eq!((up[0].path.as_str(), up[0].line, up[0].rule.as_str()), ("r1.sql", 5, "needs-newer-postgres"));
    assert_eq!(up[0].message, "a subquery in FROM without an alias needs PostgreSQL 16; the target runs 15.18");
    let down = version_findings(&revision, Direction::Down, PostgresVersion::major(17));
    assert_eq!(down.iter().map(|f| f.line).collect::<Vec<_>>(), vec![10]);
}
