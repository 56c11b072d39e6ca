#!/usr/bin/env python3
"""Alembic's offline SQL for a real history whose application is not installed: the reference
for `tests/real_alembic_histories.rs`.

Usage, with the Alembic venv's Python (Alembic 1.20.1, SQLAlchemy 2.1.9, plus the third-party
packages the scripts import: alembic_utils, SQLAlchemy-Utils, ...):

    cd <histories>/<project>          # holds versions/ (the project's scripts)
    PYTHONHASHSEED=0 python real_history_sql.py

writes `upgrade.sql` (`alembic upgrade base:heads --sql`) and `downgrade.sql`
(`alembic downgrade heads:base --sql`), and the scratch environment it runs in (`alembic.ini`,
`env.py`: offline, `literal_binds=True`, as Alembic's generic template) when absent.

Alembic imports every script before printing anything, so one import of the application
anywhere stops the plain CLI. Here each script that fails to import is replaced, in memory, by a
module with the same revision identifiers whose functions print
`-- STUB(<rev>) <function>() of <file> not rendered offline: <reason>`; a function that raises in
offline mode (reads a result of the mock connection, drops an unnamed constraint...) has its
partial output replaced by the same comment. Nothing in versions/ is changed.
"""
import ast
import contextlib
import io
import os
import sys
import traceback
import types

# keep the folder of this script and its parents' application-named folders off sys.path
sys.path[:] = [p for p in sys.path if os.path.realpath(p or ".") != os.path.dirname(os.path.realpath(__file__))]

from alembic import command  # noqa: E402
from alembic import util as alembic_util  # noqa: E402
from alembic.config import Config  # noqa: E402
import alembic.script.base as script_base  # noqa: E402

HERE = os.getcwd()
VERSIONS = os.path.realpath(os.path.join(HERE, "versions"))

ALEMBIC_INI = """[alembic]
script_location = .
prepend_sys_path = .
sqlalchemy.url = postgresql://x@localhost/x
"""

ENV_PY = '''from alembic import context

config = context.config


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=None,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    raise SystemExit("offline only")
'''

OUT = io.StringIO()
_original_load = alembic_util.load_python_file


def _short(error):
    return " ".join(("%s: %s" % (type(error).__name__, error)).split())[:300]


def _stub(revision, file, function, reason):
    OUT.write("-- STUB(%s) %s() of %s not rendered offline: %s\n\n" % (revision, function, file, reason))


def _header(path):
    """The revision identifiers of a script, read without running it."""
    values = {"revision": None, "down_revision": None, "branch_labels": None, "depends_on": None}
    for statement in ast.parse(open(path, encoding="utf-8").read()).body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target = statement.targets[0]
        elif isinstance(statement, ast.AnnAssign):
            target = statement.target
        else:
            continue
        if isinstance(target, ast.Name) and target.id in values:
            values[target.id] = ast.literal_eval(statement.value)
    return values


def _stub_function(revision, file, function, reason):
    def run(*args, **kwargs):
        _stub(revision, file, function, reason)

    run.__name__ = function  # Alembic names the step after it: `-- Running upgrade ...`
    return run


def _guarded(revision, file, function, original):
    def run(*args, **kwargs):
        start = OUT.tell()
        try:
            return original(*args, **kwargs)
        except Exception as error:  # noqa: BLE001 - any failure stubs the revision
            frames = traceback.extract_tb(error.__traceback__)
            at = next(
                (f"{os.path.basename(f.filename)}:{f.lineno}" for f in reversed(frames)
                 if os.path.realpath(f.filename).startswith(VERSIONS)),
                "?",
            )
            OUT.seek(start)
            OUT.truncate()
            _stub(revision, file, function, "runtime %s (at %s)" % (_short(error), at))

    run.__name__ = getattr(original, "__name__", function)
    return run


def load_python_file(dir_, filename):
    path = os.path.realpath(os.path.join(str(dir_), os.path.basename(str(filename))))
    if not path.startswith(VERSIONS):
        return _original_load(dir_, filename)
    file = os.path.basename(path)
    try:
        module = _original_load(dir_, filename)
    except Exception as error:  # noqa: BLE001 - an import failure stubs the revision
        header = _header(path)
        module = types.ModuleType(file.replace(".", "_"))
        module.__dict__.update(header)
        reason = "import %s" % _short(error)
        for function in ("upgrade", "downgrade"):
            setattr(module, function, _stub_function(header["revision"], file, function, reason))
        return module
    for function in ("upgrade", "downgrade"):
        if hasattr(module, function):
            setattr(module, function, _guarded(module.revision, file, function, getattr(module, function)))
    return module


alembic_util.load_python_file = load_python_file
script_base.util.load_python_file = load_python_file

for name, text in (("alembic.ini", ALEMBIC_INI), ("env.py", ENV_PY)):
    if not os.path.exists(os.path.join(HERE, name)):
        with open(os.path.join(HERE, name), "w") as f:
            f.write(text)

config = Config(os.path.join(HERE, "alembic.ini"))
for direction, target in (("upgrade", "base:heads"), ("downgrade", "heads:base")):
    OUT.seek(0)
    OUT.truncate()
    with contextlib.redirect_stdout(OUT):
        try:
            getattr(command, direction)(config, target, sql=True)
        except Exception as error:  # noqa: BLE001
            OUT.write("\n-- RENDER ABORTED: %s\n" % _short(error))
    with open(os.path.join(HERE, direction + ".sql"), "w") as f:
        f.write(OUT.getvalue())
