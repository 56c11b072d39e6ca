use super::*;

const GENERATED: &str = r#""""add invoices

Revision ID: 4f1c2a9e7b30
Revises: 9d2e61b0c4aa
Create Date: 2026-03-02 10:15:00.123456

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '4f1c2a9e7b30'
down_revision: Union[str, Sequence[str], None] = '9d2e61b0c4aa'
branch_labels: Union[str, Sequence[str], None] = ('accounting',)
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    revision = "not this one"
    op.create_table("invoice", sa.Column("id", sa.Integer))
"#;

#[test]
fn reads_a_script_generated_by_alembic() {
    let parsed = parse_alembic_script("versions/4f1c.py", GENERATED).expect("parses");
    let revision = parsed.revision;
    assert_eq!(revision.id, "4f1c2a9e7b30");
    assert_eq!(revision.parents, ["9d2e61b0c4aa"]);
    assert_eq!(revision.branch_labels, ["accounting"]);
    assert!(revision.depends_on.is_empty());
    assert_eq!(revision.message.as_deref(), Some("add invoices"));
    assert_eq!(revision.created.as_deref(), Some("2026-03-02 10:15:00.123456"));
    assert_eq!(revision.format, RevisionFormat::AlembicPython);
    assert_eq!(revision.lines.revision, 15);
    assert!(parsed.warnings.is_empty());
}

#[test]
fn merges_lists_and_multi_line_tuples() {
    let text = "\"\"\"merge\"\"\"\nrevision = \"m1\"\ndown_revision = (\n    'a1',  # sales\n    \"b2\",\n)\ndepends_on = ['c3']\nbranch_labels = 'ops'\n";
    let revision = parse_alembic_script("m.py", text).expect("parses").revision;
    assert_eq!(revision.parents, ["a1", "b2"]);
    assert_eq!(revision.depends_on, ["c3"]);
    assert_eq!(revision.branch_labels, ["ops"]);
    assert_eq!(revision.message.as_deref(), Some("merge"));
}

#[test]
fn the_code_wins_over_the_docstring_and_says_so() {
    let text =
        GENERATED.replace("down_revision: Union[str, Sequence[str], None] = '9d2e61b0c4aa'", "down_revision = None");
    let parsed = parse_alembic_script("x.py", &text).expect("parses");
    assert!(parsed.revision.parents.is_empty());
    assert_eq!(
        parsed.warnings[0].to_string(),
        "x.py:4: the docstring says `Revises: 9d2e61b0c4aa` but `down_revision` is `None`; the code wins"
    );
}

#[test]
fn errors_name_the_file_and_line() {
    let errors = parse_alembic_script("y.py", "revision = make_id()\ndown_revision = None\n").expect_err("fails");
    assert_eq!(
        errors[0].to_string(),
        "y.py:1: `revision` must be a string, a tuple or list of strings, or None: `make_id()` is not a literal Strata can read"
    );
    let errors = parse_alembic_script("z.py", "import os\n").expect_err("fails");
    assert_eq!(
        errors[0].to_string(),
        "z.py: no `revision = \"...\"` assignment: this is not an Alembic revision script"
    );
}

#[test]
fn keeps_the_docstring_verbatim_as_python_reads_it() {
    let parsed = parse_alembic_script("versions/4f1c.py", GENERATED).expect("parses").revision;
    assert_eq!(
        parsed.doc.as_deref(),
        Some(
            "add invoices\n\nRevision ID: 4f1c2a9e7b30\nRevises: 9d2e61b0c4aa\nCreate Date: 2026-03-02 10:15:00.123456\n\n"
        )
    );
    let custom =
        "#!/usr/bin/env python\n'''A custom one.\n\n  With \\\"quotes\\\", a tab\\t and \\\\.\n'''\nrevision = 'c1'\n";
    let revision = parse_alembic_script("c.py", custom).expect("parses").revision;
    assert_eq!(revision.doc.as_deref(), Some("A custom one.\n\n  With \"quotes\", a tab\t and \\.\n"));
    assert_eq!(revision.message.as_deref(), Some("A custom one."));
    assert_eq!(revision.created, None);
    let raw = "r\"\"\"Raw \\n stays.\"\"\"\nrevision = 'r1'\n";
    assert_eq!(parse_alembic_script("r.py", raw).expect("parses").revision.doc.as_deref(), Some("Raw \\n stays."));
    let one_line = "\"Short.\"\nrevision = 's1'\n";
    assert_eq!(parse_alembic_script("s.py", one_line).expect("parses").revision.doc.as_deref(), Some("Short."));
    let none = "from alembic import op\nrevision = 'n1'\n\"\"\"not a docstring\"\"\"\n";
    let revision = parse_alembic_script("n.py", none).expect("parses").revision;
    assert_eq!((revision.doc, revision.message), (None, None));
}
