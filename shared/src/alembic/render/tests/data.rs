//! Data statements, the offline connection, batches and autocommit blocks.

use super::{sql, upgrade};
use crate::alembic::RenderedStatement;

#[test]
fn data_statements_with_literals_inline() {
    let statements = sql("accounts = sa.table('accounts', sa.column('id', sa.Integer), sa.column('name', sa.String), \
         sa.column('active', sa.Boolean))\n\
         op.execute(accounts.update().where(accounts.c.id == 5).values(name='x', active=True))\n\
         op.execute(accounts.update().where(accounts.c.name == op.inline_literal(\"it's\")).values({'active': False}))\n\
         op.execute(accounts.delete().where(accounts.c.id > 3))\n\
         op.bulk_insert(accounts, [{'id': 1, 'name': 'a', 'active': True}, {'id': 2, 'name': None}])\n\
         op.execute(sa.text('insert into x values (1)'))\n\
         op.execute('select 1;')");
    assert_eq!(
        statements,
        [
            "UPDATE accounts SET name='x', active=true WHERE accounts.id = 5",
            "UPDATE accounts SET active=false WHERE accounts.name = 'it''s'",
            "DELETE FROM accounts WHERE accounts.id > 3",
            "INSERT INTO accounts (id, name, active) VALUES (1, 'a', true)",
            "INSERT INTO accounts (id, name) VALUES (2, NULL)",
            "insert into x values (1)",
            "select 1",
        ]
    );
}

#[test]
fn batch_operations_are_plain_alters_and_autocommit_blocks_are_marked() {
    let section = upgrade(
        "with op.batch_alter_table('t', schema=None) as batch_op:\n\
         \x20   batch_op.add_column(sa.Column('z', sa.Integer(), nullable=True))\n\
         \x20   batch_op.alter_column('y', existing_type=sa.INTEGER(), nullable=False)\n\
         \x20   batch_op.create_index(batch_op.f('ix_t_z'), ['z'], unique=False)\n\
         \x20   batch_op.create_foreign_key('fk', 'o', ['z'], ['id'])\n\
         \x20   batch_op.drop_index('ix_t_q')\n\
         with op.get_context().autocommit_block():\n\
         \x20   op.execute(\"ALTER TYPE e ADD VALUE 'x'\")\n\
         op.execute('after')",
    );
    let statement = |sql: &str, line: u32, autocommit: bool| RenderedStatement { sql: sql.into(), line, autocommit };
    assert_eq!(
        section.statements,
        [
            statement("ALTER TABLE t ADD COLUMN z INTEGER", 9, false),
            statement("ALTER TABLE t ALTER COLUMN y SET NOT NULL", 10, false),
            statement("CREATE INDEX ix_t_z ON t (z)", 11, false),
            statement("ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY(z) REFERENCES o (id)", 12, false),
            statement("DROP INDEX ix_t_q", 13, false),
            statement("ALTER TYPE e ADD VALUE 'x'", 15, true),
            statement("after", 16, false),
        ]
    );
}

#[test]
fn offline_connection_writes_what_it_executes_and_enum_types_it_creates() {
    let statements = sql("conn = op.get_bind()\n\
         conn.execute(sa.text('update x set y=1'))\n\
         sa.Enum('a', name='e8').create(conn, checkfirst=True)\n\
         if conn.dialect.name == 'postgresql':\n\
         \x20   postgresql.ENUM(name='e7').drop(conn, checkfirst=True)");
    assert_eq!(statements, ["update x set y=1", "CREATE TYPE e8 AS ENUM ('a')", "DROP TYPE e7"]);
}

#[test]
fn values_are_written_by_column_type_and_create_table_returns_the_table() {
    let section = upgrade(
        "t = op.create_table('kv', sa.Column('id', sa.Integer(), primary_key=True), sa.Column('flag', sa.Boolean()))\n\
         op.bulk_insert(t, [{'id': 1, 'flag': True}])\n\
         m = sa.Table('kv2', sa.MetaData(), sa.Column('id', sa.Integer()), sa.Column('name', sa.String(10)), schema='s')\n\
         op.bulk_insert(m, [{'id': 1.5, 'name': \"o'k\"}])\n\
         op.execute(m.update().where(m.c.id == 1).values(name='z'))\n\
         d = sa.table('d', sa.column('day', sa.Date))\n\
         op.bulk_insert(d, [{'day': '2020-01-01'}])",
    );
    let sql: Vec<&str> = section.statements.iter().map(|s| s.sql.as_str()).collect();
    assert_eq!(
        sql,
        [
            "CREATE TABLE kv (\n    id SERIAL NOT NULL, \n    flag BOOLEAN, \n    PRIMARY KEY (id)\n)",
            "INSERT INTO kv (id, flag) VALUES (1, true)",
            "INSERT INTO s.kv2 (id, name) VALUES (1, 'o''k')",
            "UPDATE s.kv2 SET name='z' WHERE s.kv2.id = 1",
        ]
    );
    // Alembic's offline mode cannot write a string for a DATE column either.
    assert_eq!(section.unknown.len(), 1);
    assert_eq!(section.unknown[0].line, 14);
}

#[test]
fn bound_parameters_ddl_and_dedented_sql() {
    let statements = sql("import textwrap\n\
         op.execute(sa.text(\"update t set a = :x where b = :name and c = '1:2' and d = x::text\").bindparams(x=5, name=\"o'k\"))\n\
         op.execute(sa.DDL('create index i on t (a)'))\n\
         op.execute(textwrap.dedent(\"\"\"\n    UPDATE t\n       SET a = 1\n     WHERE b = 2\n\"\"\"))");
    assert_eq!(
        statements,
        [
            "update t set a = 5 where b = 'o''k' and c = '1:2' and d = x::text",
            "create index i on t (a)",
            "UPDATE t\n   SET a = 1\n WHERE b = 2",
        ]
    );
}

#[test]
fn statement_functions_column_values_and_python_float_spelling() {
    let statements =
        sql("t = sa.table('t', sa.column('a', sa.Integer), sa.column('b', sa.Integer), sa.column('f', sa.Float))\n\
         op.execute(sa.update(t).where(t.c.a == 1).values(b=t.c.a))\n\
         op.execute(sa.delete(t).where(t.c.a == 1e-07))\n\
         op.execute(sa.insert(t).values(a=1, f=1.5e16))\n\
         op.execute(t.update().values(f=0.0001))");
    assert_eq!(
        statements,
        [
            "UPDATE t SET b=t.a WHERE t.a = 1",
            "DELETE FROM t WHERE t.a = 1e-07",
            "INSERT INTO t (a, f) VALUES (1, 1.5e+16)",
            "UPDATE t SET f=0.0001",
        ]
    );
}

#[test]
fn or_inside_and_is_grouped_and_negation_stays_unknown() {
    let section = upgrade(
        "t = sa.table('t', sa.column('a', sa.Integer), sa.column('b', sa.Integer))\n\
         op.execute(t.delete().where(sa.and_(sa.or_(t.c.a == 1, t.c.b == 2), t.c.a > 0)))\n\
         op.execute(t.delete().where((t.c.a == 1) | (t.c.b == 2)).where(t.c.a != 5))\n\
         op.execute(t.delete().where(sa.not_(t.c.a == 1)))",
    );
    let sql: Vec<&str> = section.statements.iter().map(|s| s.sql.as_str()).collect();
    assert_eq!(
        sql,
        [
            "DELETE FROM t WHERE (t.a = 1 OR t.b = 2) AND t.a > 0",
            "DELETE FROM t WHERE (t.a = 1 OR t.b = 2) AND t.a != 5"
        ]
    );
    assert_eq!(section.unknown.len(), 1);
}
