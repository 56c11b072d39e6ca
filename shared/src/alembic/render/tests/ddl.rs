//! Schema operations: tables, columns, types, constraints, indexes.

use super::{sql, upgrade};

#[test]
fn create_table_with_columns_constraints_enum_indexes_and_comments() {
    let statements = sql("op.create_table('user', sa.Column('id', sa.Integer(), nullable=False), \
         sa.Column('name', sa.String(50), nullable=True, server_default='x'), \
         sa.Column('Email', sa.Text(), unique=True, index=True, comment=\"it's\"), \
         sa.Column('org_id', sa.BigInteger(), sa.ForeignKey('org.id', ondelete='CASCADE')), \
         sa.Column('status', sa.Enum('a','b', name='st')), \
         sa.Column('created', sa.DateTime(timezone=True), server_default=sa.func.now()), \
         sa.PrimaryKeyConstraint('id'), sa.UniqueConstraint('name', name='uq_n'), \
         sa.CheckConstraint('id > 0', name='ck'), comment='users table', schema='s')");
    assert_eq!(
        statements,
        [
            "CREATE TYPE st AS ENUM ('a', 'b')",
            "CREATE TABLE s.\"user\" (\n    id SERIAL NOT NULL, \n    name VARCHAR(50) DEFAULT 'x', \n    \"Email\" TEXT, \n    \
             org_id BIGINT, \n    status st, \n    created TIMESTAMP WITH TIME ZONE DEFAULT now(), \n    PRIMARY KEY (id), \n    \
             CONSTRAINT uq_n UNIQUE (name), \n    CONSTRAINT ck CHECK (id > 0), \n    \
             FOREIGN KEY(org_id) REFERENCES org (id) ON DELETE CASCADE\n)",
            "CREATE UNIQUE INDEX \"ix_s_user_Email\" ON s.\"user\" (\"Email\")",
            "COMMENT ON TABLE s.\"user\" IS 'users table'",
            "COMMENT ON COLUMN s.\"user\".\"Email\" IS 'it''s'",
        ]
    );
}

#[test]
fn a_key_column_with_a_table_level_foreign_key_is_not_serial() {
    // CTFd 8369118943a1 (dynamic_challenge); a foreign key on another column leaves SERIAL.
    let statements = sql("op.create_table('dynamic_challenge', sa.Column('id', sa.Integer(), nullable=False), \
         sa.Column('initial', sa.Integer(), nullable=True), sa.ForeignKeyConstraint(['id'], ['challenges.id']), \
         sa.PrimaryKeyConstraint('id'))\n\
         op.create_table('t2', sa.Column('id', sa.Integer(), nullable=False), sa.Column('b', sa.Integer()), \
         sa.ForeignKeyConstraint(['b'], ['o.id'], name='fk_b'), sa.PrimaryKeyConstraint('id'))");
    assert_eq!(
        statements,
        [
            "CREATE TABLE dynamic_challenge (\n    id INTEGER NOT NULL, \n    initial INTEGER, \n    PRIMARY KEY (id), \n    \
             FOREIGN KEY(id) REFERENCES challenges (id)\n)",
            "CREATE TABLE t2 (\n    id SERIAL NOT NULL, \n    b INTEGER, \n    PRIMARY KEY (id), \n    \
             CONSTRAINT fk_b FOREIGN KEY(b) REFERENCES o (id)\n)",
        ]
    );
}

#[test]
fn create_index_without_a_name_follows_the_default_naming_convention() {
    // indico 640584a3987e: `op.create_index(None, ...)`; a name over 63 characters stays unknown.
    let statements = sql("op.create_index(None, 'attachment_principals', ['event_role_id'], schema='attachments')\n\
         op.create_index(None, 'principals', ['event_role_id'], unique=True, postgresql_where=sa.text('x > 1'))\n\
         op.create_index(None, 'principals', ['a', 'b'])");
    assert_eq!(
        statements,
        [
            "CREATE INDEX ix_attachments_attachment_principals_event_role_id ON attachments.attachment_principals \
             (event_role_id)",
            "CREATE UNIQUE INDEX ix_principals_event_role_id ON principals (event_role_id) WHERE x > 1",
            "CREATE INDEX ix_principals_a ON principals (a, b)",
        ]
    );
    let long = upgrade(
        "op.create_index(None, 'a_very_long_table_name_for_testing_truncation', \
         ['a_very_long_column_name_for_testing_x'], schema='someschema')",
    );
    // Checked with Alembic 1.20.1: cut to 55 characters and the end of the name's MD5.
    assert_eq!(
        long.statements.iter().map(|s| s.sql.as_str()).collect::<Vec<_>>(),
        ["CREATE INDEX ix_someschema_a_very_long_table_name_for_testing_trunca_1cbc ON someschema.\
             a_very_long_table_name_for_testing_truncation (a_very_long_column_name_for_testing_x)"]
    );
    assert!(long.unknown.is_empty());
}

#[test]
fn drop_index_accepts_the_index_options_it_does_not_need() {
    // dispatch 9fcf205ba6a5 (postgresql_using), polar (postgresql_where).
    let statements =
        sql("op.drop_index('feedback_search_vector_idx', table_name='feedback', postgresql_using='gin')\n\
         op.drop_index('ix_x', table_name='t', postgresql_where=sa.text('a > 1'), postgresql_using='btree')");
    assert_eq!(statements, ["DROP INDEX feedback_search_vector_idx", "DROP INDEX ix_x"]);
}

#[test]
fn unique_constraints_with_nulls_not_distinct() {
    // polar a2f8da11b9ce (UniqueConstraint) and op.create_unique_constraint(postgresql_nulls_not_distinct=True).
    let statements =
        sql("op.create_table('traffic', sa.Column('id', sa.Integer(), nullable=False), sa.Column('a', sa.Integer()), \
         sa.Column('b', sa.Integer()), sa.PrimaryKeyConstraint('id'), \
         sa.UniqueConstraint('a', 'b', name='traffic_unique_key', postgresql_nulls_not_distinct=True), \
         sa.UniqueConstraint('b', name='u2', postgresql_nulls_not_distinct=False))\n\
         op.create_unique_constraint('uq_x', 't', ['a', 'b'], postgresql_nulls_not_distinct=True)\n\
         op.create_unique_constraint('uq_y', 't', ['a'], postgresql_nulls_not_distinct=True, deferrable=True)");
    assert_eq!(
        statements,
        [
            "CREATE TABLE traffic (\n    id SERIAL NOT NULL, \n    a INTEGER, \n    b INTEGER, \n    PRIMARY KEY (id), \n    \
             CONSTRAINT traffic_unique_key UNIQUE NULLS NOT DISTINCT (a, b), \n    CONSTRAINT u2 UNIQUE NULLS DISTINCT (b)\n)",
            "ALTER TABLE t ADD CONSTRAINT uq_x UNIQUE NULLS NOT DISTINCT (a, b)",
            "ALTER TABLE t ADD CONSTRAINT uq_y UNIQUE NULLS NOT DISTINCT (a) DEFERRABLE",
        ]
    );
}

#[test]
fn autoincrement_true_is_serial_despite_a_server_default() {
    // indico 0c4bb2973536 downgrade (autogenerated from a reflected SERIAL column).
    let statements = sql("op.create_table('aff', sa.Column('id', sa.Integer(), \
         server_default=sa.text(\"nextval('users.affiliations_id_seq'::regclass)\"), autoincrement=True, nullable=False), \
         sa.Column('u', sa.Integer(), autoincrement=False, nullable=False), sa.PrimaryKeyConstraint('id'), schema='users')\n\
         op.create_table('aff2', sa.Column('id', sa.Integer(), server_default=sa.text('1'), nullable=False), \
         sa.PrimaryKeyConstraint('id'))\n\
         op.add_column('t', sa.Column('id', sa.Integer(), server_default=sa.text('1'), autoincrement=True, primary_key=True))");
    assert_eq!(
        statements,
        [
            "CREATE TABLE users.aff (\n    id SERIAL NOT NULL, \n    u INTEGER NOT NULL, \n    PRIMARY KEY (id)\n)",
            "CREATE TABLE aff2 (\n    id INTEGER DEFAULT 1 NOT NULL, \n    PRIMARY KEY (id)\n)",
            "ALTER TABLE t ADD COLUMN id SERIAL NOT NULL",
        ]
    );
}

#[test]
fn postgresql_ops_name_a_text_expression_by_its_text() {
    // indico 0c4bb2973536; a key written differently from the expression does not match.
    let statements = sql("op.create_index('ix_u', 'users', [sa.text('indico.indico_unaccent(lower(affiliation))')], \
         postgresql_using='gin', postgresql_ops={'indico.indico_unaccent(lower(affiliation))': 'gin_trgm_ops'}, \
         schema='users')\n\
         op.create_index('ix_v', 'users', [sa.text('lower(a)'), 'b'], \
         postgresql_ops={'lower(a)': 'text_pattern_ops', 'b': 'int4_ops'})\n\
         op.create_index('ix_w', 'users', [sa.text('lower(a)')], postgresql_ops={'lower( a)': 'text_pattern_ops'})");
    assert_eq!(
        statements,
        [
            "CREATE INDEX ix_u ON users.users USING gin (indico.indico_unaccent(lower(affiliation)) gin_trgm_ops)",
            "CREATE INDEX ix_v ON users (lower(a) text_pattern_ops, b int4_ops)",
            "CREATE INDEX ix_w ON users (lower(a))",
        ]
    );
}

#[test]
fn column_constraints_follow_the_tables_own() {
    let statements = sql("op.create_table('a', sa.Column('id', sa.Integer(), primary_key=True), \
         sa.Column('u', sa.String(), unique=True), sa.Column('f', sa.Integer(), sa.ForeignKey('s2.b.id'), unique=True), \
         sa.Column('g', sa.Integer(), nullable=False), sa.ForeignKeyConstraint(['g'], ['b.id'], name='fk_g', \
         ondelete='SET NULL', onupdate='CASCADE', deferrable=True, initially='DEFERRED', match='FULL'), sa.UniqueConstraint('g'))");
    assert_eq!(
        statements,
        [
            "CREATE TABLE a (\n    id SERIAL NOT NULL, \n    u VARCHAR, \n    f INTEGER, \n    g INTEGER NOT NULL, \n    \
          PRIMARY KEY (id), \n    CONSTRAINT fk_g FOREIGN KEY(g) REFERENCES b (id) MATCH FULL ON DELETE SET NULL ON UPDATE \
          CASCADE DEFERRABLE INITIALLY DEFERRED, \n    UNIQUE (g), \n    UNIQUE (u), \n    UNIQUE (f), \n    \
          FOREIGN KEY(f) REFERENCES s2.b (id)\n)"
        ]
    );
}

#[test]
fn identity_computed_and_composite_keys() {
    let statements = sql("op.create_table('b', sa.Column('x', sa.Integer(), primary_key=True), \
         sa.Column('y', sa.Integer(), primary_key=True), sa.Column('big', sa.BigInteger(), sa.Identity(start=1, increment=2)), \
         sa.Column('comp', sa.Integer(), sa.Computed('x + y')), sa.Column('comp2', sa.Integer(), sa.Computed('x + 1', persisted=True)))");
    assert_eq!(
        statements,
        ["CREATE TABLE b (\n    x INTEGER NOT NULL, \n    y INTEGER NOT NULL, \n    \
          big BIGINT GENERATED BY DEFAULT AS IDENTITY (INCREMENT BY 2 START WITH 1), \n    \
          comp INTEGER GENERATED ALWAYS AS (x + y), \n    comp2 INTEGER GENERATED ALWAYS AS (x + 1) STORED, \n    \
          PRIMARY KEY (x, y)\n)"]
    );
}

#[test]
fn common_types() {
    let columns = [
        ("sa.Unicode(10)", "VARCHAR(10)"),
        ("sa.UnicodeText()", "TEXT"),
        ("sa.Boolean(), server_default=sa.false()", "BOOLEAN DEFAULT false"),
        ("sa.Time()", "TIME WITHOUT TIME ZONE"),
        ("sa.Interval()", "INTERVAL"),
        ("sa.Numeric(10, 2)", "NUMERIC(10, 2)"),
        ("sa.Float(precision=53)", "FLOAT(53)"),
        ("sa.LargeBinary()", "BYTEA"),
        ("postgresql.JSONB(astext_type=sa.Text())", "JSONB"),
        ("postgresql.UUID(as_uuid=True)", "UUID"),
        ("postgresql.ARRAY(sa.String(length=3))", "VARCHAR(3)[]"),
        ("postgresql.ENUM('x', 'y', name='e2', create_type=False)", "e2"),
        ("postgresql.TIMESTAMP(timezone=True)", "TIMESTAMP WITH TIME ZONE"),
        ("postgresql.DOUBLE_PRECISION()", "DOUBLE PRECISION"),
        ("sa.DateTime()", "TIMESTAMP WITHOUT TIME ZONE"),
        ("sa.Enum('p', 'q', name='e3', native_enum=False)", "VARCHAR(1)"),
        ("sa.String(length=40, collation='C')", "VARCHAR(40) COLLATE \"C\""),
        ("sa.Integer(), server_default=sa.text('0')", "INTEGER DEFAULT 0"),
        ("sa.Integer(), server_default='5'", "INTEGER DEFAULT '5'"),
    ];
    for (column, expected) in columns {
        let statements = sql(&format!("op.add_column('c', sa.Column('t', {column}))"));
        assert_eq!(statements, [format!("ALTER TABLE c ADD COLUMN t {expected}")], "{column}");
    }
}

#[test]
fn add_column_emits_its_constraints_index_and_comment_but_no_enum_type() {
    let statements =
        sql("op.add_column('t', sa.Column('c', sa.Integer(), sa.ForeignKey('o.id'), unique=True, index=True, \
         comment='c', nullable=False, server_default='0'))\n\
         op.add_column('c', sa.Column('e', sa.Enum('m', 'n', name='e4')))");
    assert_eq!(
        statements,
        [
            "ALTER TABLE t ADD COLUMN c INTEGER DEFAULT '0' NOT NULL",
            "ALTER TABLE t ADD FOREIGN KEY(c) REFERENCES o (id)",
            "CREATE UNIQUE INDEX ix_t_c ON t (c)",
            "COMMENT ON COLUMN t.c IS 'c'",
            "ALTER TABLE c ADD COLUMN e e4",
        ]
    );
}

#[test]
fn alter_column_in_alembics_order() {
    let statements = sql("op.alter_column('t', 'c', type_=sa.String(20), nullable=True, server_default=None, \
         new_column_name='d', comment='cc', postgresql_using='c::text', existing_type=sa.Integer())\n\
         op.alter_column('c', 'x', server_default='abc', nullable=False, existing_nullable=True)\n\
         op.alter_column('c', 'x', server_default=False, schema='s', type_=postgresql.JSONB())\n\
         op.alter_column('c', 'x', comment=None, existing_comment='x')");
    assert_eq!(
        statements,
        [
            "ALTER TABLE t ALTER COLUMN c TYPE VARCHAR(20) USING c::text",
            "ALTER TABLE t ALTER COLUMN c DROP NOT NULL",
            "ALTER TABLE t ALTER COLUMN c DROP DEFAULT",
            "COMMENT ON COLUMN t.c IS 'cc'",
            "ALTER TABLE t RENAME c TO d",
            "ALTER TABLE c ALTER COLUMN x SET NOT NULL",
            "ALTER TABLE c ALTER COLUMN x SET DEFAULT 'abc'",
            "ALTER TABLE s.c ALTER COLUMN x TYPE JSONB",
            "COMMENT ON COLUMN c.x IS NULL",
        ]
    );
}

#[test]
fn indexes_and_constraints() {
    let statements = sql(
        "op.create_index('ix', 't', ['a', sa.text('lower(b)')], unique=True, postgresql_where=sa.text('a > 1'), \
         postgresql_using='gin', postgresql_concurrently=True, postgresql_include=['c'], if_not_exists=True)\n\
         op.create_index('ix2', 't', ['a', 'b'], schema='s', postgresql_ops={'a': 'text_pattern_ops'})\n\
         op.drop_index('ix', table_name='t', if_exists=True, postgresql_concurrently=True)\n\
         op.drop_index('ix2', table_name='t', schema='s')\n\
         op.create_unique_constraint(None, 't', ['a'])\n\
         op.create_foreign_key('fk_1', 'src', 'ref', ['a'], ['id'], ondelete='CASCADE', onupdate='SET NULL', \
         deferrable=False, initially='IMMEDIATE', match='SIMPLE', source_schema='s1', referent_schema='s2')\n\
         op.create_check_constraint('ck_2', 't', sa.text('a > 1'), schema='s')\n\
         op.create_primary_key('pk_t', 't', ['id', 'x'])\n\
         op.drop_constraint('Pk', 't', type_='primary')\n\
         op.rename_table('old', 'user', schema='s')\n\
         op.create_table_comment('t', \"it's\", schema='s')\n\
         op.drop_table_comment('t', existing_comment='x')\n\
         op.create_exclude_constraint('ex1', 't', ('period', '&&'), ('room', '='), where=sa.text('room > 1'), using='gist')",
    );
    assert_eq!(
        statements,
        [
            "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ix ON t USING gin (a, lower(b)) INCLUDE (c) WHERE a > 1",
            "CREATE INDEX ix2 ON s.t (a text_pattern_ops, b)",
            "DROP INDEX CONCURRENTLY IF EXISTS ix",
            "DROP INDEX s.ix2",
            "ALTER TABLE t ADD UNIQUE (a)",
            "ALTER TABLE s1.src ADD CONSTRAINT fk_1 FOREIGN KEY(a) REFERENCES s2.ref (id) MATCH SIMPLE ON DELETE CASCADE \
             ON UPDATE SET NULL NOT DEFERRABLE INITIALLY IMMEDIATE",
            "ALTER TABLE s.t ADD CONSTRAINT ck_2 CHECK (a > 1)",
            "ALTER TABLE t ADD CONSTRAINT pk_t PRIMARY KEY (id, x)",
            "ALTER TABLE t DROP CONSTRAINT \"Pk\"",
            "ALTER TABLE s.\"old\" RENAME TO \"user\"",
            "COMMENT ON TABLE s.t IS 'it''s'",
            "COMMENT ON TABLE t IS NULL",
            "ALTER TABLE t ADD CONSTRAINT ex1 EXCLUDE USING gist (period WITH &&, room WITH =) WHERE (room > 1)",
        ]
    );
}

#[test]
fn table_options_python_defaults_and_column_order_of_implied_constraints() {
    let statements = sql("op.create_table('m', sa.Column('id', sa.Integer()), sa.Column('d', sa.Date()), \
         postgresql_partition_by='RANGE (d)', postgresql_tablespace='Fast', prefixes=['UNLOGGED'])\n\
         op.create_table('p3', sa.Column('id', sa.Integer(), primary_key=True, default=5))\n\
         op.create_table('a', sa.Column('f', sa.Integer(), sa.ForeignKey('o.id')), sa.Column('u', sa.Integer(), unique=True))");
    assert_eq!(
        statements,
        [
            "CREATE UNLOGGED TABLE m (\n    id INTEGER, \n    d DATE\n)\n PARTITION BY RANGE (d)\n TABLESPACE \"Fast\"",
            "CREATE TABLE p3 (\n    id INTEGER NOT NULL, \n    PRIMARY KEY (id)\n)",
            "CREATE TABLE a (\n    f INTEGER, \n    u INTEGER, \n    FOREIGN KEY(f) REFERENCES o (id), \n    UNIQUE (u)\n)",
        ]
    );
}

#[test]
fn each_enum_type_is_created_once_per_run_and_may_inherit_the_table_schema() {
    let statements = sql("op.create_table('a', sa.Column('s', sa.Enum('x', name='e')))\n\
         op.create_table('b', sa.Column('s', sa.Enum('x', name='e')))\n\
         op.create_table('c', sa.Column('s', sa.Enum('x', name='e2', inherit_schema=True)), schema='sc')");
    assert_eq!(
        statements,
        [
            "CREATE TYPE e AS ENUM ('x')",
            "CREATE TABLE a (\n    s e\n)",
            "CREATE TABLE b (\n    s e\n)",
            "CREATE TYPE sc.e2 AS ENUM ('x')",
            "CREATE TABLE sc.c (\n    s sc.e2\n)",
        ]
    );
}

#[test]
fn generated_names_beyond_63_characters_are_cut_and_hashed() {
    let statements = sql("op.add_column('a_really_long_table_name_for_testing_things', \
         sa.Column('a_really_long_column_name_for_testing_things', sa.Integer(), index=True))");
    assert_eq!(
        statements[1],
        "CREATE INDEX ix_a_really_long_table_name_for_testing_things_a_really_4bb8 \
         ON a_really_long_table_name_for_testing_things (a_really_long_column_name_for_testing_things)"
    );
    let long = upgrade(&format!("op.create_index('{}', 't', ['a'])", "x".repeat(70)));
    assert_eq!(long.statements, vec![]);
    assert_eq!(long.unknown[0].reason, "a name longer than 63 characters (SQLAlchemy refuses it)");
}

#[test]
fn autoincrement_use_alter_and_column_checks() {
    let statements = sql("op.create_table('a', sa.Column('id', sa.Integer(), primary_key=True, autoincrement=True), \
         sa.Column('v', sa.Integer(), primary_key=True), sa.Column('o', sa.Integer()), \
         sa.ForeignKeyConstraint(['o'], ['b.id'], use_alter=True, name='fk_o'), sa.CheckConstraint('o > 0'))\n\
         op.create_table('e', sa.Column('id', sa.Integer(), sa.ForeignKey('d.id'), primary_key=True, autoincrement=True))\n\
         op.create_table('f', sa.Column('id', sa.Numeric(), primary_key=True), sa.Column('x', sa.Integer(), sa.CheckConstraint('x > 1')))");
    assert_eq!(
        statements,
        [
            "CREATE TABLE a (\n    id SERIAL NOT NULL, \n    v INTEGER NOT NULL, \n    o INTEGER, \n    PRIMARY KEY (id, v), \n    CHECK (o > 0)\n)",
            "CREATE TABLE e (\n    id SERIAL NOT NULL, \n    PRIMARY KEY (id), \n    FOREIGN KEY(id) REFERENCES d (id)\n)",
            "CREATE TABLE f (\n    id NUMERIC NOT NULL, \n    x INTEGER CHECK (x > 1), \n    PRIMARY KEY (id)\n)",
        ]
    );
}

#[test]
fn constraints_added_not_valid_and_if_exists_forms() {
    let statements =
        sql("op.create_foreign_key('fk', 'a', 'b', ['x'], ['y'], ondelete='CASCADE', postgresql_not_valid=True)\n\
         op.create_check_constraint('ck', 't', 'a > 0', postgresql_not_valid=True)\n\
         op.add_column('t', sa.Column('c', sa.Integer()), if_not_exists=True)\n\
         op.drop_column('t', 'c', if_exists=True)\n\
         op.drop_constraint('x', 't', if_exists=True)\n\
         op.drop_table('t', if_exists=True, schema='s')");
    assert_eq!(
        statements,
        [
            "ALTER TABLE a ADD CONSTRAINT fk FOREIGN KEY(x) REFERENCES b (y) ON DELETE CASCADE NOT VALID",
            "ALTER TABLE t ADD CONSTRAINT ck CHECK (a > 0) NOT VALID",
            "ALTER TABLE t ADD COLUMN IF NOT EXISTS c INTEGER",
            "ALTER TABLE t DROP COLUMN IF EXISTS c",
            "ALTER TABLE t DROP CONSTRAINT IF EXISTS x",
            "DROP TABLE IF EXISTS s.t",
        ]
    );
}

#[test]
fn sequences_created_dropped_and_given_to_a_column() {
    let statements = sql("from sqlalchemy.schema import CreateSequence, DropSequence, Sequence\n\
         op.execute(CreateSequence(Sequence('Seq_b', start=10, increment=5, schema='s')))\n\
         op.execute(DropSequence(Sequence('seq_a')))\n\
         op.execute(CreateSequence(Sequence('seq_c'), if_not_exists=True))\n\
         op.create_table('t', sa.Column('id', sa.Integer(), sa.Sequence('t_seq'), primary_key=True))");
    assert_eq!(
        statements,
        [
            "CREATE SEQUENCE s.\"Seq_b\" INCREMENT BY 5 START WITH 10",
            "DROP SEQUENCE seq_a",
            "CREATE SEQUENCE IF NOT EXISTS seq_c",
            "CREATE TABLE t (\n    id INTEGER NOT NULL, \n    PRIMARY KEY (id)\n)",
        ]
    );
}
