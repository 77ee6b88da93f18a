"""re-fold the stored search text with anyascii: letters such as Ł, ø, ß no longer lost

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-08 10:00:00

Two columns are stored folded: documents.search_text (the title and the body, which the full-text
index is built over) and record_people.search_names (every name of a person of the records). They
were folded by decomposing and dropping the combining marks, which loses letters that have no
decomposition: "Łukasz" was stored as "ukasz", "Søren" as "s ren", "Straße" as "stra e". This
revision folds them again, from the columns they are made of, with the folding of
portal/textfold.py as it was when this revision was written (copied here, so that a later change
to the live function does not change what this revision does). Rows are read and written in
batches of BATCH, and only rows whose folded text changes are written.

The full-text index follows on its own: on PostgreSQL the tsvector is a generated column over
search_text; on SQLite the documents_fts_au trigger re-indexes each updated row. The FTS5 index is
rebuilt from the table only if that trigger is missing (then the index would not have followed).

The downgrade folds the same columns with the function of revision 0006 again.
"""
import re
import unicodedata

from alembic import op
import sqlalchemy as sa
from anyascii import anyascii


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

BATCH = 200

_NON_WORD = re.compile(r"[^0-9a-z]+")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _ascii(char):
    category = unicodedata.category(char)
    if category[0] == "M":
        return ""
    if category[0] in "LN":
        return anyascii(char) or " "
    return " "


def fold(value):
    """portal.textfold.fold as of this revision."""
    text = value or ""
    if not text.isascii():
        text = _NON_ASCII.sub(
            lambda m: "".join(_ascii(c) for c in m.group()), unicodedata.normalize("NFKD", text)
        )
    return _NON_WORD.sub(" ", text.lower()).strip()


def fold_0006(value):
    """portal.textfold.fold before this revision (for the downgrade)."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return _NON_WORD.sub(" ", plain).strip()


documents = sa.table(
    "documents",
    sa.column("id", sa.Integer),
    sa.column("title", sa.String),
    sa.column("body_text", sa.Text),
    sa.column("search_text", sa.Text),
)
people = sa.table(
    "record_people",
    sa.column("id", sa.Integer),
    sa.column("first_names", sa.String),
    sa.column("last_name", sa.String),
    sa.column("aliases", sa.JSON),
    sa.column("search_names", sa.Text),
)


def _document_text(row, folder):
    # as portal/services/records_import.py writes it
    return folder(f"{row.title} {row.body_text}")


def _person_names(row, folder):
    # as portal/models/records.py (_fold_names) writes it
    names = [f"{row.first_names} {row.last_name}".strip(), *(row.aliases or [])]
    return " " + " | ".join(folder(n) for n in names) + " "


def _refold(bind, table, column, made_from, folder):
    """Fold column again from what it is made of, BATCH rows at a time; the rows changed."""
    update = (
        table.update()
        .where(table.c.id == sa.bindparam("row_id"))
        .values({column: sa.bindparam("folded")})
    )
    changed, last = 0, None
    while True:
        query = sa.select(table).order_by(table.c.id).limit(BATCH)
        if last is not None:
            query = query.where(table.c.id > last)
        rows = bind.execute(query).all()
        if not rows:
            return changed
        last = rows[-1].id
        writes = []
        for row in rows:
            folded = made_from(row, folder)
            if folded != row._mapping[column]:
                writes.append({"row_id": row.id, "folded": folded})
        if writes:
            bind.execute(update, writes)
            changed += len(writes)


def _sqlite_index_follows(bind):
    query = "SELECT name FROM sqlite_master WHERE name IN ('documents_fts', 'documents_fts_au')"
    names = {r[0] for r in bind.execute(sa.text(query))}
    return "documents_fts" not in names or "documents_fts_au" in names


def _run(folder):
    bind = op.get_bind()
    _refold(bind, people, "search_names", _person_names, folder)
    follows = bind.dialect.name != "sqlite" or _sqlite_index_follows(bind)
    _refold(bind, documents, "search_text", _document_text, folder)
    if not follows:
        op.execute("INSERT INTO documents_fts(documents_fts) VALUES ('rebuild')")


def upgrade():
    _run(fold)


def downgrade():
    _run(fold_0006)
