"""The real Alembic as a test oracle.

Reads a JSON request on stdin: {"revisions": [{id, down, labels, depends_on}], "queries": [...]}.
Writes the revisions as an Alembic versions/ folder (file names sorted in the given order),
answers every query with Alembic's own ScriptDirectory/RevisionMap and HeadMaintainer, and
prints one JSON answer per query: {"steps": [[revision, "up"|"down", rows_after]]},
{"order": [...]}, {"error": message} when Alembic refuses, or {"crash": message} when Alembic
itself fails (a KeyError or an assertion) and so gives no answer to compare with.
"""
import json
import os
import sys
import tempfile
import traceback

import sqlalchemy as sa
from alembic.runtime.migration import HeadMaintainer, StampStep
from alembic.script import ScriptDirectory
from alembic.util import CommandError


class _Impl:
    def _exec(self, *args, **kwargs):
        return None


class _Context:
    """What HeadMaintainer touches: it only builds statements and tracks the heads."""

    as_sql = True
    impl = _Impl()
    version_table = "alembic_version"
    _version = sa.Table("alembic_version", sa.MetaData(), sa.Column("version_num", sa.String(32)))


def write_project(root, revisions):
    versions = os.path.join(root, "versions")
    os.makedirs(versions)
    for position, rev in enumerate(revisions):
        down = rev["down"]
        down_value = None if not down else (down[0] if len(down) == 1 else tuple(down))
        labels = tuple(rev["labels"]) or None
        depends = tuple(rev["depends_on"]) or None
        with open(os.path.join(versions, f"{position:05d}_{rev['id']}.py"), "w") as f:
            f.write(
                f'"""rev {rev["id"]}"""\n'
                f"revision = {rev['id']!r}\ndown_revision = {down_value!r}\n"
                f"branch_labels = {labels!r}\ndepends_on = {depends!r}\n"
                "def upgrade(): pass\ndef downgrade(): pass\n"
            )
    return ScriptDirectory(root)


def run_steps(steps, rows):
    heads = HeadMaintainer(_Context(), rows)
    out = []
    for step in steps:
        heads.update_to_step(step)
        if isinstance(step, StampStep):
            name, direction = None, "up" if step.is_upgrade else "down"
        else:
            name, direction = step.revision.revision, "up" if step.is_upgrade else "down"
        out.append([name, direction, sorted(heads.heads)])
    return out


def answer(script, query):
    op = query["op"]
    rows = tuple(query.get("rows", []))
    target = query.get("target")
    if op == "upgrade":
        return {"steps": run_steps(script._upgrade_revs(target, rows), rows)}
    if op == "downgrade":
        return {"steps": run_steps(script._downgrade_revs(target, rows), rows)}
    if op == "stamp":
        targets = tuple(target.split()) if target else ()
        return {"steps": run_steps(script._stamp_revs(targets, rows), rows)}
    if op == "history":
        base, head = query["range"].split(":")
        return {"order": [s.revision for s in script.walk_revisions(base or "base", head or "heads")]}
    raise ValueError(op)


def main():
    request = json.load(sys.stdin)
    with tempfile.TemporaryDirectory() as root:
        script = write_project(root, request["revisions"])
        answers = []
        for query in request["queries"]:
            try:
                answers.append(answer(script, query))
            except CommandError as error:  # a refusal: an answer to compare
                answers.append({"error": str(error)})
            except Exception as error:  # Alembic itself broke: no reference answer
                where = traceback.extract_tb(error.__traceback__)[-1]
                answers.append({"crash": f"{type(error).__name__}: {error} (at {where.name}:{where.lineno})"})
    json.dump(answers, sys.stdout)


if __name__ == "__main__":
    main()
