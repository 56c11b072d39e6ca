"""Random Alembic projects for the renderer's differential tests.

    python script_generator.py OUT_DIR SEED COUNT

Writes OUT_DIR/alembic.ini, OUT_DIR/alembic/env.py and OUT_DIR/alembic/versions/ with a linear
chain of COUNT revisions. Each revision combines, at random, the operations, options and types
Strata's renderer supports. A model of the schema (tables, columns, constraints, indexes, enums,
whether a table holds rows) keeps every operation valid against a real PostgreSQL, and every
upgrade has a downgrade that reverses it, so base -> head -> base works online.

The database URL comes from $STRATA_TEST_DATABASE_URL (online mode); offline mode needs none.
Prints, one per line, "REVISION_ID FILE_NAME" in chain order.
"""

import os
import random
import sys

INI = """[alembic]
script_location = %(here)s/alembic
sqlalchemy.url = postgresql://localhost/unused

[loggers]
keys = root

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARN
handlers = console

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %(levelname)-5.5s [%(name)s] %(message)s
"""

ENV = """import os

from alembic import context
from sqlalchemy import create_engine

url = os.environ.get("STRATA_TEST_DATABASE_URL") or context.config.get_main_option("sqlalchemy.url")

if context.is_offline_mode():
    context.configure(url=url, literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()
else:
    # psycopg2 is the driver the reference venv has.
    url = url.replace("postgresql://", "postgresql+psycopg2://", 1)
    with create_engine(url).connect() as connection:
        context.configure(connection=connection, transaction_per_migration=True)
        with context.begin_transaction():
            context.run_migrations()
"""

SCHEMA = "app"
WORDS = ["alpha", "bravo", "cargo", "delta", "ember", "fjord", "gamma", "harbor", "iris", "jade",
         "kilo", "lumen", "mango", "nova", "orbit", "pixel", "quartz", "raven", "sigma", "tango"]


def q(text):
    """A Python string literal."""
    return repr(text)


class Type:
    """A column type: its Python expression, what kind of values it holds, and (for enums)
    the enum's name."""

    def __init__(self, expr, kind, enum=None, length=None):
        self.expr, self.kind, self.enum, self.length = expr, kind, enum, length


def plain_types(rng):
    """(weight, maker) for every non-enum type."""
    n = rng.choice([20, 40, 100])
    return [
        Type("sa.Integer()", "int"),
        Type("sa.BigInteger()", "int"),
        Type("sa.SmallInteger()", "int"),
        Type(f"sa.String(length={n})", "str", length=n),
        Type(f"sa.String({n})", "str", length=n),
        Type("sa.String()", "str"),
        Type("sa.Text()", "str"),
        Type("sa.Boolean()", "bool"),
        Type("sa.DateTime()", "datetime"),
        Type("sa.DateTime(timezone=True)", "datetimetz"),
        Type("sa.Date()", "date"),
        Type("sa.Time()", "time"),
        Type("sa.Interval()", "interval"),
        Type(f"sa.Numeric(precision={rng.choice([8, 10, 12])}, scale={rng.choice([0, 2, 4])})", "numeric"),
        Type("sa.Numeric(10, 2)", "numeric"),
        Type("sa.Float()", "float"),
        Type("sa.Float(precision=24)", "float"),
        Type("sa.Float(precision=53)", "float"),
        Type("sa.LargeBinary()", "bytes"),
        Type("sa.JSON()", "json"),
        Type("postgresql.JSONB(astext_type=sa.Text())", "jsonb"),
        Type("postgresql.JSONB()", "jsonb"),
        Type("sa.Uuid()", "uuid"),
        Type("sa.UUID()", "uuid"),
        Type("postgresql.UUID(as_uuid=True)", "uuid"),
        Type("postgresql.ARRAY(sa.Integer())", "intarray"),
        Type("sa.ARRAY(sa.String())", "strarray"),
    ]


def defaults_for(kind, rng):
    """Python server_default expressions valid for a kind."""
    return {
        "int": ["sa.text('0')", "'7'", "sa.text('42')"],
        "str": ["'none'", "sa.text(\"'it''s'\")", "sa.text(\"'x'\")"],
        "bool": ["sa.text('false')", "sa.true()", "sa.text('true')", "sa.false()"],
        "datetime": ["sa.func.now()", "sa.text('CURRENT_TIMESTAMP')", "sa.text(\"'2020-01-01 00:00:00'\")"],
        "datetimetz": ["sa.func.now()", "sa.text('now()')"],
        "date": ["sa.text('CURRENT_DATE')", "'2021-06-01'"],
        "time": ["sa.text(\"'12:00:00'\")"],
        "interval": ["sa.text(\"'1 day'::interval\")"],
        "numeric": ["sa.text('0')", "'1.5'"],
        "float": ["sa.text('0.5')"],
        "json": ["sa.text(\"'{}'::json\")"],
        "jsonb": ["sa.text(\"'{}'::jsonb\")", "sa.text(\"'[]'::jsonb\")"],
        "uuid": ["sa.text('gen_random_uuid()')"],
        "intarray": ["sa.text(\"'{}'\")", "sa.text(\"'{1,2}'::integer[]\")"],
        "strarray": ["sa.text(\"'{}'\")"],
    }.get(kind, [])


class Column:
    def __init__(self, name, type_, nullable=True, default=None, comment=None, identity=None,
                 computed=None, pk=False, fk=None):
        self.name, self.type, self.nullable, self.default = name, type_, nullable, default
        self.comment, self.identity, self.computed, self.pk, self.fk = comment, identity, computed, pk, fk

    def expr(self, recreate=False, with_pk=True):
        """sa.Column(...) for this column. `recreate`: enums refer to an existing type."""
        type_expr = self.type.expr
        if self.type.enum and recreate:
            type_expr = enum_expr(self.type.enum, ENUMS_VALUES[self.type.enum], create_type=False)
        parts = [q(self.name), type_expr]
        if self.identity:
            parts.append(self.identity)
        if self.computed:
            parts.append(self.computed)
        if self.fk and not recreate:
            parts.append(self.fk)
        if self.pk and with_pk:
            parts.append("primary_key=True")
        if self.default is not None:
            parts.append(f"server_default={self.default}")
        if not self.pk or not with_pk:
            parts.append(f"nullable={self.nullable}")
        if self.comment is not None:
            parts.append(f"comment={q(self.comment)}")
        if not recreate and getattr(self, "flags", None):
            parts += self.flags
        return f"sa.Column({', '.join(parts)})"


# enum name -> its values (every enum the generated history ever creates).
ENUMS_VALUES = {}


def enum_expr(name, values, create_type=True, style=None):
    vals = ", ".join(q(v) for v in values)
    if not create_type:
        return f"postgresql.ENUM({vals}, name={q(name)}, create_type=False)"
    if style == "pg":
        return f"postgresql.ENUM({vals}, name={q(name)})"
    return f"sa.Enum({vals}, name={q(name)})"


class Constraint:
    """kind: pk, unique, check, fk. `inline` is the table-argument expression (named), `create`
    the op call that adds it to an existing table, as (method, pre-table args, post-table args)."""

    def __init__(self, kind, name, columns, inline, create, droppable=True, referenced=None):
        self.kind, self.name, self.columns, self.inline, self.create = kind, name, columns, inline, create
        self.droppable, self.referenced = droppable, referenced
        self.named = inline  # the table argument when the table is made again

    def inline_expr(self, recreate):
        return self.named if recreate else self.inline

    def create_call(self):
        return self.create


class Fk(Constraint):
    """A foreign key to `target`'s `id`; its code is written when needed, under the target's
    name at that time (tables get renamed)."""

    def __init__(self, name, column, target, opts, from_column=False):
        super().__init__("fk", name, [column], None, None, droppable=not from_column, referenced=target)
        self.column, self.opts, self.from_column = column, opts, from_column

    def inline_expr(self, recreate):
        if self.from_column and not recreate:
            return None
        ref = q(self.referenced.qualified() + ".id")
        return f"sa.ForeignKeyConstraint([{q(self.column)}], [{ref}], name={q(self.name)}{self.opts})"

    def create_call(self):
        post = [q(self.referenced.name), f"[{q(self.column)}]", "['id']"]
        if self.referenced.schema:
            post.append(f"referent_schema={q(self.referenced.schema)}")
        if self.opts:
            post.append(self.opts[2:])
        return ("create_foreign_key", [q(self.name)], post)


class Index:
    def __init__(self, name, columns, args, unique=False, droppable=True):
        self.name, self.columns, self.args, self.unique = name, columns, args, unique
        self.droppable = droppable


class Table:
    def __init__(self, name, schema=None):
        self.name, self.schema = name, schema
        self.columns = []
        self.constraints = []
        self.indexes = []
        self.comment = None
        self.rows = False

    def col(self, name):
        return next(c for c in self.columns if c.name == name)

    def qualified(self):
        return f"{self.schema}.{self.name}" if self.schema else self.name

    def schema_kw(self):
        return f", schema={q(self.schema)}" if self.schema else ""

    def used_columns(self):
        """Columns some constraint, index, computed column or FK refers to."""
        used = set()
        for c in self.constraints:
            used.update(c.columns)
        for i in self.indexes:
            used.update(i.columns)
        for c in self.columns:
            if c.computed:
                used.add(c.computed_from)
            if c.pk or c.fk or c.identity or c.computed:
                used.add(c.name)
        return used

    def int_pk(self):
        """The single integer primary key column other tables can reference."""
        pks = [c for c in self.columns if c.pk]
        if len(pks) == 1 and pks[0].name == "id" and pks[0].type.expr == "sa.Integer()":
            return pks[0]
        return None


class Call:
    """An op call on a table, renderable as `op.method(...)` or `batch_op.method(...)`."""

    def __init__(self, method, table, pre=(), post=(), table_kw=None, batchable=True):
        self.method, self.table, self.pre, self.post = method, table, list(pre), list(post)
        self.table_kw, self.batchable = table_kw, batchable
        self.name, self.schema = table.name, table.schema

    def render(self, batch=False):
        if batch:
            return f"batch_op.{self.method}({', '.join(self.pre + self.post)})"
        if self.table_kw:
            args = self.pre + self.post + [f"{self.table_kw}={q(self.name)}"]
        else:
            args = self.pre + [q(self.name)] + self.post
        if self.schema:
            args.append(f"schema={q(self.schema)}")
        return f"op.{self.method}({', '.join(args)})"


class Gen:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.tables = []
        self.enums = {}  # live enum types -> values
        self.counter = 0
        self.schema_created = False
        self.uses_postgresql = False

    def uniq(self):
        self.counter += 1
        return self.counter

    def fresh(self, prefix):
        self.counter += 1
        return f"{prefix}_{self.rng.choice(WORDS)}_{self.counter}"

    # ---------------------------------------------------------------- columns

    def random_type(self, for_new_table):
        rng = self.rng
        if rng.random() < 0.1:
            if self.enums and (not for_new_table or rng.random() < 0.5):
                name = rng.choice(sorted(self.enums))
                return Type(enum_expr(name, self.enums[name], create_type=False), "enum", enum=name)
            if for_new_table:
                name = self.fresh("e")
                values = rng.sample(["red", "green", "blue", "new", "old", "it's"], rng.randint(2, 4))
                return Type(enum_expr(name, values, style=rng.choice([None, "pg"])), "enum", enum=(name, values))
        return rng.choice(plain_types(rng))

    def random_column(self, table, for_new_table, must_allow_rows=False):
        rng = self.rng
        type_ = self.random_type(for_new_table)
        name = self.fresh("c")
        col = Column(name, type_)
        col.nullable = rng.random() < 0.6
        choices = defaults_for(type_.kind, rng)
        if type_.kind == "enum":
            values = type_.enum[1] if isinstance(type_.enum, tuple) else self.enums[type_.enum]
            choices = [q(values[0])]
        if choices and rng.random() < 0.4:
            col.default = rng.choice(choices)
        if not col.nullable and col.default is None and (table.rows or must_allow_rows):
            col.nullable = True
        if rng.random() < 0.2:
            col.comment = rng.choice(["a column", "the owner's note", "amount, in cents"])
        return col

    def live_enum(self, col):
        """An enum created along with a new table becomes a live enum."""
        if isinstance(col.type.enum, tuple):
            name, values = col.type.enum
            col.type.enum = name
            ENUMS_VALUES[name] = values
            self.enums[name] = values
            return name
        return None

    # ---------------------------------------------------------------- operations
    # Each returns (up_lines, down_lines, up_calls_for_batch?) where lines are code strings or
    # lists of Call; down lines run in reverse order of the ops.

    def op_create_schema(self):
        self.schema_created = True
        return ([f"op.execute({q('CREATE SCHEMA ' + SCHEMA)})"], [f"op.execute(sa.text({q('DROP SCHEMA ' + SCHEMA)}))"])

    def create_table_code(self, table, recreate=False, name_expr=None, helper=None):
        rng = self.rng
        lines = [f"op.create_table(", f"    {name_expr or q(table.name)},"]
        for col in table.columns:
            composite = sum(1 for c in table.columns if c.pk) > 1 or getattr(table, "pk_constraint", False) or recreate
            if helper and col.name == helper:
                lines.append(f"    _{helper}_column(),")
            else:
                lines.append(f"    {col.expr(recreate=recreate, with_pk=not composite)},")
        pks = [c for c in table.columns if c.pk]
        if len(pks) > 1 or (pks and (recreate or getattr(table, "pk_constraint", False))):
            cols = ", ".join(q(c.name) for c in pks)
            pk = next(c for c in table.constraints if c.kind == "pk")
            lines.append(f"    sa.PrimaryKeyConstraint({cols}, name={q(pk.name)}),")
        for con in table.constraints:
            expr = con.inline_expr(recreate) if con.kind != "pk" else None
            if expr:
                lines.append(f"    {expr},")
        inline_indexes = [] if recreate else [i for i in table.indexes if i.args is None and i.droppable]
        for ix in inline_indexes:
            cols = ", ".join(q(c) for c in ix.columns)
            unique = ", unique=True" if ix.unique else ""
            lines.append(f"    sa.Index({q(ix.name)}, {cols}{unique}),")
        if table.comment is not None:
            lines.append(f"    comment={q(table.comment)},")
        if table.schema:
            lines.append(f"    schema={q(table.schema)},")
        lines.append(")")
        if recreate:
            for ix in table.indexes:
                lines.append(self.index_call(table, ix).render())
        del rng
        return lines

    def index_call(self, table, ix):
        if ix.args is None:
            cols = "[" + ", ".join(q(c) for c in ix.columns) + "]"
            post = [cols] + (["unique=True"] if ix.unique else [])
            return Call("create_index", table, pre=[q(ix.name)], post=post)
        return Call("create_index", table, pre=[ix.args[0]], post=ix.args[1:])

    def op_create_table(self, module):
        rng = self.rng
        schema = SCHEMA if self.schema_created and rng.random() < 0.3 else None
        table = Table(self.fresh("t"), schema)
        up_pre, down_post = [], []
        pk_style = rng.choice(["identity", "int", "uuid", "composite", "none", "bigint"])
        if pk_style == "identity":
            ident = rng.choice(["sa.Identity()", "sa.Identity(always=True)", "sa.Identity(start=100, increment=5)"])
            table.columns.append(Column("id", Type("sa.Integer()", "int"), nullable=False, identity=ident, pk=True))
        elif pk_style == "int":
            table.columns.append(Column("id", Type("sa.Integer()", "int"), nullable=False, pk=True))
        elif pk_style == "bigint":
            table.columns.append(Column("id", Type("sa.BigInteger()", "int"), nullable=False, pk=True,
                                        identity="sa.Identity(always=False)"))
        elif pk_style == "uuid":
            table.columns.append(Column("id", Type("sa.UUID()", "uuid"), nullable=False, pk=True,
                                        default="sa.text('gen_random_uuid()')"))
        for _ in range(rng.randint(1, 5)):
            table.columns.append(self.random_column(table, True))
        if pk_style in ("identity", "int", "bigint", "uuid"):
            if rng.random() < 0.3:
                table.pk_constraint = True
                table.constraints.append(Constraint("pk", f"pk_{table.name}", ["id"], None, None, droppable=False))
            else:
                table.constraints.append(Constraint("pk", f"{table.name}_pkey", ["id"], None, None, droppable=False))
        elif pk_style == "composite":
            a = Column("part_a", Type("sa.Integer()", "int"), nullable=False, pk=True)
            b = Column("part_b", Type(f"sa.String(length=20)", "str", length=20), nullable=False, pk=True)
            table.columns[0:0] = [a, b]
            table.constraints.append(Constraint("pk", f"pk_{table.name}", ["part_a", "part_b"], None, None,
                                                droppable=False))
        # Enums made with the table.
        for col in table.columns:
            name = self.live_enum(col)
            if name:
                down_post.append(f"op.execute({q('DROP TYPE ' + name)})")
        # A computed column from an int column.
        ints = [c for c in table.columns if c.type.kind == "int" and not c.pk and not c.identity]
        if ints and rng.random() < 0.25:
            src = rng.choice(ints)
            col = Column(self.fresh("calc"), Type("sa.Integer()", "int"), computed=f"sa.Computed({q(src.name + ' * 2')}, persisted=True)")
            col.computed_from = src.name
            table.columns.append(col)
        # Foreign keys to tables with an integer key.
        targets = [t for t in self.tables if t.int_pk()]
        if targets and rng.random() < 0.5:
            target = rng.choice(targets)
            col = Column(self.fresh("ref"), Type("sa.Integer()", "int"), nullable=True)
            ref = f"{target.qualified()}.id"
            if rng.random() < 0.4:
                col.fk = f"sa.ForeignKey({q(ref)}, ondelete='SET NULL')"
                table.columns.append(col)
                name = f"{table.name}_{col.name}_fkey"
                table.constraints.append(Fk(name, col.name, target, ", ondelete='SET NULL'", from_column=True))
            else:
                table.columns.append(col)
                name = op_f_name(f"fk_{table.name}_{col.name}")
                table.constraints.append(Fk(name, col.name, target, self.fk_options()))
        # Unique and check constraints, indexes.
        plain = [c for c in table.columns if not c.pk and c.type.kind in ("int", "str") and not c.computed]
        if plain and rng.random() < 0.4:
            c = rng.choice(plain)
            if rng.random() < 0.3:
                col_name = f"{table.name}_{c.name}_key"
                con = Constraint("unique", col_name, [c.name], f"sa.UniqueConstraint({q(c.name)})", None,
                                 droppable=False)
                con.named = f"sa.UniqueConstraint({q(c.name)}, name={q(col_name)})"
                table.constraints.append(con)
            else:
                name = f"uq_{table.name}_{c.name}"
                table.constraints.append(Constraint("unique", name, [c.name],
                                                    f"sa.UniqueConstraint({q(c.name)}, name={q(name)})",
                                                    ("create_unique_constraint", [q(name)], [f"[{q(c.name)}]"])))
        # unique=True / index=True on a column.
        flagged = [c for c in plain if not c.fk and not any(c.name in x.columns for x in table.constraints)]
        if flagged and rng.random() < 0.3:
            c = rng.choice(flagged)
            if rng.random() < 0.5:
                c.flags = ["unique=True"]
                name = f"{table.name}_{c.name}_key"
                con = Constraint("unique", name, [c.name], None, None, droppable=False)
                con.named = f"sa.UniqueConstraint({q(c.name)}, name={q(name)})"
                table.constraints.append(con)
            else:
                c.flags = ["index=True"]
                table.indexes.append(Index(f"ix_{table.name}_{c.name}", [c.name], None, droppable=False))
        if plain and rng.random() < 0.4:
            c = rng.choice(plain)
            cond = check_condition(c)
            name = f"ck_{table.name}_{c.name}"
            table.constraints.append(Constraint("check", name, [c.name],
                                                f"sa.CheckConstraint({q(cond)}, name={q(name)})",
                                                ("create_check_constraint", [q(name)], [q(cond)])))
        if plain and rng.random() < 0.4:
            c = rng.choice(plain)
            table.indexes.append(Index(f"ix_{table.name}_{c.name}_{self.uniq()}", [c.name], None, unique=rng.random() < 0.3))
        if rng.random() < 0.3:
            table.comment = rng.choice(["Things we keep", "The team's list", "plain"])
        name_expr = None
        if rng.random() < 0.3:
            const = f"{table.name.upper()}_TABLE"
            module.constants.append(f"{const} = {q(table.name)}")
            name_expr = const
        helper = None
        cands = [c for c in table.columns if not c.pk and not c.fk and not c.computed and not c.type.enum]
        if cands and rng.random() < 0.25:
            c = rng.choice(cands)
            helper = c.name
            module.helpers.append(f"def _{c.name}_column():\n    return {c.expr()}\n")
        up = up_pre + self.create_table_code(table, name_expr=name_expr, helper=helper)
        down = [f"op.drop_table({name_expr or q(table.name)}{table.schema_kw()})"] + down_post
        self.tables.append(table)
        return up, down

    def fk_options(self):
        rng = self.rng
        opts = []
        if rng.random() < 0.5:
            opts.append(f"ondelete={q(rng.choice(['CASCADE', 'SET NULL', 'RESTRICT']))}")
        if rng.random() < 0.3:
            opts.append(f"onupdate={q(rng.choice(['CASCADE', 'NO ACTION']))}")
        if rng.random() < 0.3:
            opts.append("deferrable=True")
            if rng.random() < 0.5:
                opts.append(f"initially={q(rng.choice(['DEFERRED', 'IMMEDIATE']))}")
        return "".join(", " + o for o in opts)

    def droppable_tables(self):
        referenced = {id(c.referenced) for t in self.tables for c in t.constraints if c.referenced and t is not c.referenced}
        return [t for t in self.tables if id(t) not in referenced and not t.rows]

    def op_drop_table(self, module):
        tables = self.droppable_tables()
        if not tables:
            return None
        table = self.rng.choice(tables)
        self.tables.remove(table)
        return [f"op.drop_table({q(table.name)}{table.schema_kw()})"], self.create_table_code(table, recreate=True)

    def pick_table(self, pred=lambda t: True):
        tables = [t for t in self.tables if pred(t)]
        return self.rng.choice(tables) if tables else None

    def op_add_column(self, module):
        table = self.pick_table()
        if not table:
            return None
        col = self.random_column(table, False)
        if col.type.enum and isinstance(col.type.enum, tuple):
            return None
        if col.type.enum and self.rng.random() < 0.5:
            # Alembic's add_column makes no type: sa.Enum names an existing one.
            col.type = Type(enum_expr(col.type.enum, self.enums[col.type.enum]), "enum", enum=col.type.enum)
        if self.rng.random() < 0.15 and not table.rows:
            col.identity = "sa.Identity()"
            col.type = Type("sa.Integer()", "int")
            col.nullable, col.default = False, None
        table.columns.append(col)
        return [Call("add_column", table, post=[col.expr()])], [Call("drop_column", table, post=[q(col.name)])]

    def free_columns(self, table):
        used = table.used_columns()
        return [c for c in table.columns if c.name not in used]

    def op_drop_column(self, module):
        table = self.pick_table(lambda t: len(self.free_columns(t)) > 0 and len(t.columns) > 1)
        if not table:
            return None
        col = self.rng.choice(self.free_columns(table))
        if table.rows and not col.nullable and col.default is None:
            return None
        table.columns.remove(col)
        return [Call("drop_column", table, post=[q(col.name)])], [Call("add_column", table, post=[col.expr(recreate=True)])]

    def op_alter_column(self, module):
        rng = self.rng
        table = self.pick_table(lambda t: len(self.free_columns(t)) > 0)
        if not table:
            return None
        col = rng.choice(self.free_columns(table))
        what = rng.choice(["type", "nullable", "default", "rename", "comment", "combo"])
        up, down = [q(col.name)], [q(col.name)]
        if what == "type":
            change = type_change(col, rng)
            if not change:
                return None
            new_type, using, back_using = change
            up += [f"type_={new_type.expr}", f"existing_type={col.type.expr}"]
            down += [f"type_={col.type.expr}", f"existing_type={new_type.expr}"]
            if using:
                up.append(f"postgresql_using={q(using)}")
            if back_using:
                down.append(f"postgresql_using={q(back_using)}")
            col.type = new_type
        elif what == "nullable":
            if col.nullable and table.rows:
                return None
            up += [f"nullable={not col.nullable}", f"existing_type={col.type.expr}"]
            down += [f"nullable={col.nullable}", f"existing_type={col.type.expr}"]
            if col.default is not None and rng.random() < 0.5:
                up.append(f"existing_server_default={col.default}")
                down.append(f"existing_server_default={col.default}")
            col.nullable = not col.nullable
        elif what == "default":
            choices = defaults_for(col.type.kind, rng)
            if col.type.kind == "enum":
                choices = [q(self.enums[col.type.enum][-1])]
            if col.default is None:
                if not choices:
                    return None
                new = rng.choice(choices)
                up.append(f"server_default={new}")
                down.append("server_default=None")
            else:
                if not col.nullable and table.rows:
                    pass  # dropping a default keeps existing rows valid
                up.append("server_default=None")
                down.append(f"server_default={col.default}")
                new = None
            up.append(f"existing_type={col.type.expr}")
            down.append(f"existing_type={col.type.expr}")
            col.default = new
        elif what == "rename":
            new = self.fresh("c")
            up = [q(col.name), f"new_column_name={q(new)}"]
            down = [q(new), f"new_column_name={q(col.name)}"]
            if rng.random() < 0.5:
                up.append(f"existing_type={col.type.expr}")
                down.append(f"existing_type={col.type.expr}")
            col.name = new
        elif what == "comment":
            new = rng.choice(["renamed note", "what it's for", "units: ms"])
            up += [f"comment={q(new)}", f"existing_type={col.type.expr}", f"existing_nullable={col.nullable}"]
            down += [f"comment={q(col.comment) if col.comment is not None else 'None'}",
                     f"existing_type={col.type.expr}"]
            if col.comment is not None:
                up.append(f"existing_comment={q(col.comment)}")
            down.append(f"existing_comment={q(new)}")
            col.comment = new
        else:  # nullable and default together
            choices = defaults_for(col.type.kind, rng)
            if not choices or col.default is not None or not col.nullable:
                return None
            new = rng.choice(choices)
            up += [f"existing_type={col.type.expr}", "nullable=False", f"server_default={new}"]
            down += [f"existing_type={col.type.expr}", "nullable=True", "server_default=None"]
            if table.rows:
                return None
            col.nullable, col.default = False, new
        return [Call("alter_column", table, post=up)], [Call("alter_column", table, post=down)]

    def op_create_index(self, module, concurrently=False):
        rng = self.rng
        table = self.pick_table(lambda t: any(c.type.kind in ("int", "str") and not c.computed for c in t.columns))
        if not table:
            return None
        cols = [c for c in table.columns if c.type.kind in ("int", "str") and not c.computed]
        col = rng.choice(cols)
        used = [col.name]
        name = f"ix_{table.name}_{self.uniq()}"
        unique = not table.rows and rng.random() < 0.3
        name_expr = f"op.f({q(name)})" if rng.random() < 0.5 else q(name)
        if col.type.kind == "str" and rng.random() < 0.3:
            elems = f"[sa.text({q('lower(' + col.name + ')')})]"
        else:
            others = [c for c in cols if c is not col]
            chosen = [col] + (rng.sample(others, 1) if others and rng.random() < 0.3 else [])
            elems = "[" + ", ".join(q(c.name) for c in chosen) + "]"
            used += [c.name for c in chosen]
        post = [elems]
        if unique:
            post.append("unique=True")
        if rng.random() < 0.3:
            post.append(f"postgresql_where=sa.text({q(col.name + ' IS NOT NULL')})")
        if rng.random() < 0.2 and not unique and elems.count(",") == 0 and "lower" not in elems:
            post.append(f"postgresql_using={q(rng.choice(['hash', 'btree']))}")
        elif rng.random() < 0.2 and "lower" not in elems:
            inc = [c for c in table.columns if c is not col and not c.computed and c.type.kind in ("int", "str", "bool")]
            if inc:
                included = rng.choice(inc).name
                used.append(included)
                post.append(f"postgresql_include=[{q(included)}]")
        if concurrently:
            post.append("postgresql_concurrently=True")
        ix = Index(name, used, [name_expr] + [p for p in post if "concurrently" not in p])
        table.indexes.append(ix)
        drop_post = ["postgresql_concurrently=True"] if concurrently else []
        if rng.random() < 0.5 or concurrently:
            return ([Call("create_index", table, pre=[name_expr], post=post)],
                    [Call("drop_index", table, pre=[name_expr], post=drop_post, table_kw="table_name")])
        return ([Call("create_index", table, pre=[name_expr], post=post)],
                [Call("drop_index", table, pre=[name_expr], post=drop_post, table_kw="table_name")])

    def op_drop_index(self, module):
        table = self.pick_table(lambda t: any(i.droppable for i in t.indexes))
        if not table:
            return None
        ix = self.rng.choice([i for i in table.indexes if i.droppable])
        if ix.unique and table.rows:
            return None
        table.indexes.remove(ix)
        return ([Call("drop_index", table, pre=[q(ix.name)], table_kw="table_name")], [self.index_call(table, ix)])

    def op_autocommit_index(self, module):
        result = self.op_create_index(module, concurrently=True)
        if not result:
            return None
        up, down = result
        return [("autocommit", up)], [("autocommit", down)]

    def op_create_constraint(self, module):
        rng = self.rng
        kind = rng.choice(["unique", "check", "fk", "pk"])
        if kind == "fk":
            targets = [t for t in self.tables if t.int_pk()]
            sources = [t for t in self.tables if not t.rows]
            if not targets or not sources:
                return None
            target, source = rng.choice(targets), rng.choice(sources)
            col = Column(self.fresh("ref"), Type("sa.Integer()", "int"), nullable=True)
            source.columns.append(col)
            name = op_f_name(f"fk_{source.name}_{col.name}")
            fk = Fk(name, col.name, target, self.fk_options())
            source.constraints.append(fk)
            _, pre, post = fk.create_call()
            post = post_with_source_schema(post, source)
            up = [Call("add_column", source, post=[col.expr()]), raw_call("create_foreign_key", pre + [q(source.name)] + post)]
            down = [Call("drop_constraint", source, pre=[q(name)], post=["type_='foreignkey'"]),
                    Call("drop_column", source, post=[q(col.name)])]
            return up, down
        if kind == "pk":
            table = self.pick_table(lambda t: not t.rows and not any(c.pk for c in t.columns))
            if not table:
                return None
        else:
            table = self.pick_table(lambda t: not t.rows and any(
                c.type.kind in ("int", "str") and not c.computed and not c.pk for c in t.columns))
        if not table:
            return None
        cols = [c for c in table.columns if c.type.kind in ("int", "str") and not c.computed and not c.pk]
        col = rng.choice(cols) if cols else None
        if kind == "pk":
            if any(c.pk for c in table.columns):
                return None
            name = f"pk_{table.name}"
            col = Column(self.fresh("key"), Type(rng.choice(["sa.Integer()", "sa.BigInteger()"]), "int"), nullable=False)
            table.columns.append(col)
            col.pk = True
            table.constraints.append(Constraint("pk", name, [col.name], None, None, droppable=False))
            return ([Call("add_column", table, post=[col.expr(with_pk=False)]),
                     Call("create_primary_key", table, pre=[q(name)], post=[f"[{q(col.name)}]"])],
                    [Call("drop_constraint", table, pre=[q(name)], post=["type_='primary'"]),
                     Call("drop_column", table, post=[q(col.name)])])
        if kind == "unique":
            if any(c.kind in ("unique", "pk") and c.columns == [col.name] for c in table.constraints):
                return None
            name = f"uq_{table.name}_{self.uniq()}"
            name_expr = f"op.f({q(name)})" if rng.random() < 0.5 else q(name)
            post = [f"[{q(col.name)}]"]
            if rng.random() < 0.2:
                post.append("deferrable=True")
            con = Constraint("unique", name, [col.name], f"sa.UniqueConstraint({q(col.name)}, name={q(name)})",
                             ("create_unique_constraint", [name_expr], post))
            table.constraints.append(con)
            return ([Call("create_unique_constraint", table, pre=[name_expr], post=post)],
                    [Call("drop_constraint", table, pre=[name_expr], post=["type_='unique'"])])
        name = f"ck_{table.name}_{self.uniq()}"
        cond = check_condition(col)
        cond_expr = q(cond) if rng.random() < 0.6 else f"sa.text({q(cond)})"
        con = Constraint("check", name, [col.name], f"sa.CheckConstraint({q(cond)}, name={q(name)})",
                         ("create_check_constraint", [q(name)], [cond_expr]))
        table.constraints.append(con)
        return ([Call("create_check_constraint", table, pre=[q(name)], post=[cond_expr])],
                [Call("drop_constraint", table, pre=[q(name)], post=["type_='check'"])])

    def op_drop_constraint(self, module):
        referenced_names = set()
        table = self.pick_table(lambda t: any(c.droppable and c.create_call() and c.kind in ("unique", "check", "fk")
                                              for c in t.constraints))
        if not table:
            return None
        con = self.rng.choice([c for c in table.constraints if c.droppable and c.create_call() and c.kind in ("unique", "check", "fk")])
        if table.rows and con.kind in ("unique", "fk"):
            return None
        del referenced_names
        table.constraints.remove(con)
        type_ = {"unique": "unique", "check": "check", "fk": "foreignkey"}[con.kind]
        method, pre, post = con.create_call()
        if method == "create_foreign_key":
            recreate = raw_call(method, pre + [q(table.name)] + post_with_source_schema(post, table))
        else:
            recreate = Call(method, table, pre=pre, post=post)
        return [Call("drop_constraint", table, pre=[q(con.name)], post=[f"type_={q(type_)}"])], [recreate]

    def op_rename_table(self, module):
        table = self.pick_table()
        if not table:
            return None
        old, new = table.name, self.fresh("t")
        table.name = new
        kw = table.schema_kw()
        return [f"op.rename_table({q(old)}, {q(new)}{kw})"], [f"op.rename_table({q(new)}, {q(old)}{kw})"]

    def op_table_comment(self, module):
        table = self.pick_table()
        if not table:
            return None
        new = self.rng.choice(["Updated: the team's things", "v2", "rows of record"])
        old = table.comment
        table.comment = new
        kw = table.schema_kw()
        up = f"op.create_table_comment({q(table.name)}, {q(new)}"
        up += f", existing_comment={q(old)}" if old is not None else ""
        if old is None:
            down = f"op.drop_table_comment({q(table.name)}, existing_comment={q(new)}{kw})"
        else:
            down = f"op.create_table_comment({q(table.name)}, {q(old)}, existing_comment={q(new)}{kw})"
        return [up + kw + ")"], [down]

    def op_execute(self, module):
        rng = self.rng
        table = self.pick_table(lambda t: any(c.type.kind == "int" and not c.computed and not c.identity for c in t.columns))
        style = rng.choice(["string", "text", "update", "sequence"])
        if style == "sequence" or not table:
            name = self.fresh("seq")
            return ([f"op.execute({q('CREATE SEQUENCE ' + name + ' START 10')})"],
                    [f"op.execute(sa.text({q('DROP SEQUENCE ' + name)}))"])
        col = rng.choice([c for c in table.columns if c.type.kind == "int" and not c.computed and not c.identity])
        qual = table.qualified()
        if style == "string" and rng.random() < 0.4:
            sql = f"\n        UPDATE {qual}\n        SET {col.name} = {col.name}\n        WHERE {col.name} < -10\n    "
            return ([f'op.execute("""{sql}""")'], [f"op.execute({q(f'SELECT 1 FROM {qual} LIMIT 0')})"])
        if style == "string":
            return ([f"op.execute({q(f'UPDATE {qual} SET {col.name} = {col.name} WHERE {col.name} < 0')})"],
                    [f"op.execute({q(f'UPDATE {qual} SET {col.name} = {col.name} WHERE false')})"])
        if style == "text":
            return ([f"op.execute(sa.text({q(f'UPDATE {qual} SET {col.name} = {col.name} + 0 WHERE {col.name} > 100000')}))"],
                    [f"op.execute(sa.text({q(f'DELETE FROM {qual} WHERE {col.name} < -1')}))"])
        schema = f", schema={q(table.schema)}" if table.schema else ""
        tbl = f"sa.table({q(table.name)}, sa.column({q(col.name)}, sa.Integer()){schema})"
        var = f"{table.name}_{self.uniq()}_t"
        module.constants.append(f"{var} = {tbl}")
        up = f"op.execute({var}.update().where({var}.c.{col.name} == -5).values({{{q(col.name)}: -6}}))"
        down = f"op.execute({var}.update().where({var}.c.{col.name} == -6).values({col.name}=-5))"
        return [up], [down]

    def op_bulk_insert(self, module):
        rng = self.rng
        table = self.pick_table(lambda t: not t.rows and insertable(t) is not None)
        if not table:
            return None
        used = []
        unique = {n for con in table.constraints if con.kind in ("unique", "pk") for n in con.columns}
        unique |= {n for ix in table.indexes if ix.unique or (ix.args and "unique=True" in ix.args) for n in ix.columns}
        cols = insertable(table)
        if any(n not in [c.name for c in cols] for n in unique):
            return None
        for c in cols:
            required = (not c.nullable and c.default is None) or c.name in unique
            if c.fk or any(con.kind == "fk" and c.name in con.columns for con in table.constraints):
                if required:
                    return None
                continue
            if required or rng.random() < 0.7:
                used.append(c.name)
        rows = [{n: literal(table.col(n), i) for n in used} for i in range(rng.randint(1, 3))]
        if not used:
            return None
        table.rows = True
        schema = f", schema={q(table.schema)}" if table.schema else ""
        coldefs = ", ".join(f"sa.column({q(n)}, {sa_literal_type(table.col(n))})" for n in used)
        lines = [f"op.bulk_insert(", f"    sa.table({q(table.name)}, {coldefs}{schema}),", "    ["]
        for r in rows:
            lines.append("        {" + ", ".join(f"{q(k)}: {v}" for k, v in r.items()) + "},")
        lines += ["    ],", ")"]
        if rng.random() < 0.5:
            lines[-1] = "    multiinsert=False,"
            lines.append(")")
        qual = table.qualified()
        return lines, [f"op.execute({q('DELETE FROM ' + qual)})"]

    def op_enum(self, module):
        """A type made by hand, then a column of it (postgresql.ENUM(create_type=False))."""
        table = self.pick_table()
        if not table:
            return None
        name = self.fresh("e")
        values = self.rng.sample(["low", "mid", "high", "max"], 3)
        ENUMS_VALUES[name] = values
        self.enums[name] = values
        create = f"CREATE TYPE {name} AS ENUM ({', '.join(chr(39) + v + chr(39) for v in values)})"
        col = Column(self.fresh("c"), Type(enum_expr(name, values, create_type=False), "enum", enum=name), nullable=True)
        table.columns.append(col)
        return ([f"op.execute({q(create)})", Call("add_column", table, post=[col.expr()])],
                [Call("drop_column", table, post=[q(col.name)]), f"op.execute({q('DROP TYPE ' + name)})"])

    # ---------------------------------------------------------------- revisions

    def revision(self, index):
        rng = self.rng
        module = Module()
        ups, downs = [], []
        if index == 0:
            u, d = self.op_create_schema()
            ups.append(u)
            downs.append(d)
        ops = [
            (self.op_create_table, 6), (self.op_drop_table, 1), (self.op_add_column, 4),
            (self.op_drop_column, 2), (self.op_alter_column, 5), (self.op_create_index, 3),
            (self.op_drop_index, 1), (self.op_create_constraint, 3), (self.op_drop_constraint, 1),
            (self.op_rename_table, 1), (self.op_table_comment, 1), (self.op_execute, 2),
            (self.op_bulk_insert, 2), (self.op_autocommit_index, 1), (self.op_enum, 1),
        ]
        want = rng.randint(1, 4)
        tries = 0
        while len(ups) < want + (1 if index == 0 else 0) and tries < 40:
            tries += 1
            if len(self.tables) < 2:
                fn = self.op_create_table
            else:
                fn = rng.choices([f for f, _ in ops], weights=[w for _, w in ops])[0]
            result = fn(module)
            if result is None:
                continue
            ups.append(result[0])
            downs.append(result[1])
        # Batch: a revision of one op whose calls are all on one table may use batch_alter_table.
        batch = [rng.random() < 0.3 for _ in ups]
        up_body = render_body(ups, batch)
        down_body = render_body(downs[::-1], batch[::-1])
        return module, up_body, down_body


def op_f_name(name):
    return name[:60]


def post_with_source_schema(post, table):
    if table.schema and not any(p.startswith("source_schema=") for p in post):
        return post + [f"source_schema={q(table.schema)}"]
    return post


def raw_call(method, args):
    return f"op.{method}({', '.join(args)})"


def check_condition(col):
    if col.type.kind == "int":
        return f"{col.name} >= 0"
    return f"char_length({col.name}) < 1000"


def type_change(col, rng):
    """(new type, USING, USING back) for a change every value survives both ways."""
    e = col.type.expr
    if col.default is not None or col.type.enum:
        return None
    if e == "sa.Integer()":
        return rng.choice([
            (Type("sa.BigInteger()", "int"), None, None),
            (Type("sa.Numeric(12, 2)", "numeric"), None, f"{col.name}::integer"),
            (Type("sa.String(length=30)", "str", length=30), None, f"{col.name}::integer"),
        ])
    if col.type.kind == "str":
        if col.type.length:
            return (Type("sa.Text()", "str"), None, None) if rng.random() < 0.5 else (
                Type(f"sa.String(length={col.type.length + 50})", "str", length=col.type.length + 50), None, None)
        return None
    if e == "sa.Boolean()":
        return (Type("sa.Integer()", "int"), f"{col.name}::integer", f"{col.name}::boolean")
    if e == "sa.DateTime()":
        return (Type("sa.DateTime(timezone=True)", "datetimetz"), None, None)
    if e == "sa.DateTime(timezone=True)":
        return (Type("sa.DateTime()", "datetime"), None, None)
    if col.type.kind == "json":
        return (Type("postgresql.JSONB()", "jsonb"), f"{col.name}::jsonb", f"{col.name}::json")
    return None


def insertable(table):
    """Columns a literal row may give; None when a required column has no literal we write."""
    cols = []
    for c in table.columns:
        if c.computed or c.identity:
            continue
        if c.type.kind in ("int", "str", "bool") and not c.type.enum:
            cols.append(c)
        elif not c.nullable and c.default is None:
            return None
    uniques = [con for con in table.constraints if con.kind in ("unique", "pk")]
    for con in uniques:
        if any(table.col(n).type.kind == "bool" for n in con.columns if any(c.name == n for c in table.columns)):
            return None
    return cols or None


def literal(col, i):
    if col.type.kind == "int":
        return str(i + 1)
    if col.type.kind == "bool":
        return "True" if i % 2 else "False"
    return q(["one", "it's two", "three"][i])


def sa_literal_type(col):
    return {"int": "sa.Integer()", "bool": "sa.Boolean()"}.get(col.type.kind, "sa.String()")


class Module:
    def __init__(self):
        self.constants = []
        self.helpers = []


def flatten(ops):
    """Lines of code (str) and Calls, in order; autocommit groups stay as tuples."""
    for op in ops:
        for item in op:
            yield item


def render_body(ops, batch):
    """`batch`: per op, whether its calls (all on one table) go in a batch_alter_table block."""
    lines = []
    for op, in_batch in zip(ops, batch):
        calls = [i for i in op if isinstance(i, Call)]
        if in_batch and calls and len(calls) == len(op) and len({(c.name, c.schema) for c in calls}) == 1:
            c = calls[0]
            schema = f", schema={q(c.schema)}" if c.schema else ""
            lines.append(f"with op.batch_alter_table({q(c.name)}{schema}) as batch_op:")
            lines += ["    " + call.render(batch=True) for call in calls]
        else:
            lines += render_items(op)
    return lines or ["pass"]


def render_items(items):
    lines = []
    for item in items:
        if isinstance(item, Call):
            lines.append(item.render())
        elif isinstance(item, tuple):
            lines.append("with op.get_context().autocommit_block():")
            for call in item[1]:
                lines.append("    " + (call.render() if isinstance(call, Call) else call))
        else:
            lines.append(item)
    return lines


def script(rev, down, index, module, up_body, down_body, rng):
    message = f"step {index}: {rng.choice(WORDS)} {rng.choice(WORDS)}"
    head = [f'"""{message}', "", f"Revision ID: {rev}", f"Revises: {down or ''}",
            "Create Date: 2026-01-01 00:00:00.000000", "", '"""']
    imports = ["from alembic import op", "import sqlalchemy as sa", "from sqlalchemy.dialects import postgresql"]
    body = head + imports + ["", "# revision identifiers, used by Alembic.",
                             f"revision = {q(rev)}", f"down_revision = {q(down) if down else 'None'}",
                             "branch_labels = None", "depends_on = None", ""]
    if module.constants:
        body += module.constants + [""]
    for helper in module.helpers:
        body += ["", helper.rstrip()]
    body += ["", "def upgrade():"] + ["    " + line for line in up_body]
    body += ["", "", "def downgrade():"] + ["    " + line for line in down_body]
    return "\n".join(body) + "\n"


def main():
    out, seed, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    gen = Gen(seed)
    versions = os.path.join(out, "alembic", "versions")
    os.makedirs(versions, exist_ok=True)
    with open(os.path.join(out, "alembic.ini"), "w") as f:
        f.write(INI)
    with open(os.path.join(out, "alembic", "env.py"), "w") as f:
        f.write(ENV)
    down = None
    for index in range(count):
        rev = "%012x" % gen.rng.getrandbits(48)
        module, up_body, down_body = gen.revision(index)
        name = f"{index:04d}_{rev}.py"
        with open(os.path.join(versions, name), "w") as f:
            f.write(script(rev, down, index, module, up_body, down_body, gen.rng))
        print(rev, name)
        down = rev


if __name__ == "__main__":
    main()
