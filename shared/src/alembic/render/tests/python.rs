//! Reading the Python: constants, helpers, loops, tests, and what stays unknown.

use super::sql;
use crate::alembic::render::render_script;

#[test]
fn constants_helpers_loops_and_formatting() {
    let script = r#"from alembic import op
import sqlalchemy as sa
from sqlalchemy import Column
TABLES = ['a', 'b']
SETTINGS = {'x': 1}

def _ts(table, col='created'):
    op.add_column(table, Column(col, sa.DateTime(timezone=True), server_default=sa.func.now()))

def upgrade():
    for t in TABLES:
        _ts(t)
        op.execute(f"UPDATE {t} SET x = {SETTINGS['x']}")
    op.execute('drop %s' % 'v' + ';')
    if SETTINGS['x'] > 2:
        op.execute('never')

def downgrade():
    op.execute('x {}'.format(len(TABLES)))
"#;
    let rendered = render_script("r1.py", script);
    let upgrade: Vec<(&str, u32)> = rendered.upgrade.statements.iter().map(|s| (s.sql.as_str(), s.line)).collect();
    assert_eq!(
        upgrade,
        [
            ("ALTER TABLE a ADD COLUMN created TIMESTAMP WITH TIME ZONE DEFAULT now()", 8),
            ("UPDATE a SET x = 1", 13),
            ("ALTER TABLE b ADD COLUMN created TIMESTAMP WITH TIME ZONE DEFAULT now()", 8),
            ("UPDATE b SET x = 1", 13),
            ("drop v", 14),
        ]
    );
    assert_eq!(rendered.downgrade.statements[0].sql, "x 2");
}

#[test]
fn unknown_constructs_are_named_and_the_rest_renders() {
    let script = r#"from alembic import op
import sqlalchemy as sa
from myapp.models import Role
import os

def upgrade():
    op.execute('first')
    conn = op.get_bind()
    rows = conn.execute(sa.text('select id from a')).fetchall()
    for row in rows:
        op.execute('delete')
    op.add_column('r', sa.Column('role', Role))
    op.create_index('ix', 't', ['a'], postgresql_foo=True)
    op.something('x')
    if os.environ.get('X'):
        op.drop_table('y')
    op.execute('last')

def downgrade():
    raise NotImplementedError()
"#;
    let rendered = render_script("r1.py", script);
    let sql: Vec<&str> = rendered.upgrade.statements.iter().map(|s| s.sql.as_str()).collect();
    // Offline, Alembic's connection writes what it executes; only the result is unknown.
    assert_eq!(sql, ["first", "select id from a", "last"]);
    let unknown: Vec<(u32, &str, &str)> =
        rendered.upgrade.unknown.iter().map(|u| (u.line, u.construct.as_str(), u.reason.as_str())).collect();
    assert_eq!(
        unknown,
        [
            (9, "conn.execute(...).fetchall(...)", "data-dependent Python"),
            (10, "rows", "data-dependent Python"),
            (12, "myapp.models.Role", "imported from the application"),
            (13, "op.create_index(postgresql_foo=...)", "unsupported keyword argument"),
            (14, "op.something(...)", "unknown operation"),
            (15, "os.environ.get(...)", "computed by Python at run time"),
        ]
    );
    assert_eq!(rendered.downgrade.unknown.len(), 1);
    assert_eq!(rendered.downgrade.unknown[0].line, 20);
}

#[test]
fn a_syntax_error_gives_its_line() {
    let rendered = render_script("r1.py", "from alembic import op\n\ndef upgrade(:\n    pass\n");
    assert_eq!(rendered.syntax_error.map(|(line, _)| line), Some(3));
    assert!(rendered.upgrade.statements.is_empty());
}

#[test]
fn escaped_colons_in_text_and_deep_nesting_are_handled() {
    // Alembic writes `x\:y` of a text clause as `x:y`.
    assert_eq!(sql("op.execute(\"select 1::int, 'x\\\\:y'\")"), ["select 1::int, 'x:y'"]);
    let deep =
        format!("from alembic import op\ndef upgrade():\n    op.execute({}1{})\n", "(".repeat(5000), ")".repeat(5000));
    assert_eq!(render_script("r1.py", &deep).syntax_error, Some((3, "too many nested parentheses".into())));
    let minus = format!("from alembic import op\ndef upgrade():\n    op.execute({}1)\n", "-".repeat(100_000));
    assert!(render_script("r1.py", &minus).syntax_error.is_some());
}

#[test]
fn tests_on_the_offline_context_are_decided_and_others_are_not() {
    let script = r#"from alembic import op, context
import sqlalchemy as sa

def upgrade():
    bind = op.get_bind()
    if bind.engine.name == 'postgresql':
        op.execute('pg')
    if bind.engine.url == 'x':
        op.execute('no')
    if op.get_context().as_sql and context.is_offline_mode():
        op.execute('offline')
    op.execute('end')

def downgrade():
    pass
"#;
    let rendered = render_script("r1.py", script);
    let sql: Vec<&str> = rendered.upgrade.statements.iter().map(|s| s.sql.as_str()).collect();
    assert_eq!(sql, ["pg", "offline", "end"]);
    assert_eq!(rendered.upgrade.unknown.len(), 1);
    assert_eq!(rendered.upgrade.unknown[0].line, 8);
}

#[test]
fn helpers_defined_inside_upgrade_see_its_variables() {
    let statements = sql("table = 'accounts'\n\
         def rename(old, new):\n\
         \x20   op.alter_column(table, old, new_column_name=new)\n\
         for old, new in {'a': 'b', 'c': 'd'}.items():\n\
         \x20   rename(old, new)\n\
         op.execute('comment on table %(t)s is %(c)r' % {'t': table, 'c': 'x'})");
    assert_eq!(
        statements,
        [
            "ALTER TABLE accounts RENAME a TO b",
            "ALTER TABLE accounts RENAME c TO d",
            "comment on table accounts is 'x'"
        ]
    );
}

#[test]
fn python_enum_classes_give_their_member_names() {
    let statements = sql("import enum\n\
         class Status(str, enum.Enum):\n\
         \x20   active = 'ACTIVE'\n\
         \x20   disabled = 'DISABLED'\n\
         op.create_table('t', sa.Column('s', sa.Enum(Status)), sa.Column('s2', sa.Enum(Status, name='st2')))\n\
         op.execute(f\"update t set s = '{Status.active.value}' where x = '{Status.disabled.name}'\")");
    assert_eq!(
        statements,
        [
            "CREATE TYPE status AS ENUM ('active', 'disabled')",
            "CREATE TYPE st2 AS ENUM ('active', 'disabled')",
            "CREATE TABLE t (\n    s status, \n    s2 st2\n)",
            "update t set s = 'ACTIVE' where x = 'disabled'",
        ]
    );
}

#[test]
fn keyword_arguments_that_would_change_the_sql_are_reported() {
    let section = super::upgrade(
        "op.create_table('t', sa.Column('a', sa.Integer()), sa.UniqueConstraint('a', postgresql_frobnicate=True))\n\
         op.add_column('t', sa.Column('s', sa.Enum('A', name='s', values_callable=lambda e: [x.value for x in e])))\n\
         op.execute('after')",
    );
    let sql: Vec<&str> = section.statements.iter().map(|s| s.sql.as_str()).collect();
    assert_eq!(sql, ["after"]);
    let found: Vec<(&str, &str)> = section.unknown.iter().map(|u| (u.construct.as_str(), u.reason.as_str())).collect();
    assert_eq!(
        found,
        [
            ("UniqueConstraint(postgresql_frobnicate=...)", "unsupported keyword argument"),
            ("lambda e: [x.value for x in e]", "Python the renderer does not evaluate"),
        ]
    );
}
