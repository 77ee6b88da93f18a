"""Full-text search over case documents: SQLite FTS5, or PostgreSQL full-text search.

Text is folded the same way on both sides before it is indexed or searched (portal.textfold.fold):
lower case, accents removed, letters such as Ł, ø and ß spelt in ASCII, hyphens and other
punctuation turned into spaces. So "Zoë Smith-Jones", "ZOE SMITH JONES" and "zoe smith-jones" are
one phrase, and "Łukasz", "Søren", "Straße" are found by "Lukasz", "Soren", "Strasse".
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import DDL, event, text
from sqlalchemy.engine import Connection

from portal.extensions import db
from portal.models.records import Document
from portal.textfold import fold

# Most documents one search returns; the search log says when a search stopped there.
LIMIT = 20000

SQLITE_DDL = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS documents_fts USING fts5("
    "search_text, content='documents', content_rowid='id', tokenize='unicode61')",
    "CREATE TRIGGER IF NOT EXISTS documents_fts_ai AFTER INSERT ON documents BEGIN "
    "INSERT INTO documents_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS documents_fts_ad AFTER DELETE ON documents BEGIN "
    "INSERT INTO documents_fts(documents_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS documents_fts_au AFTER UPDATE OF search_text ON documents "
    "BEGIN INSERT INTO documents_fts(documents_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO documents_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
]
POSTGRES_DDL = [
    "ALTER TABLE documents ADD COLUMN IF NOT EXISTS search_tsv tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED",
    "CREATE INDEX IF NOT EXISTS ix_documents_search_tsv ON documents USING gin (search_tsv)",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS documents_fts_ai",
    "DROP TRIGGER IF EXISTS documents_fts_ad",
    "DROP TRIGGER IF EXISTS documents_fts_au",
    "DROP TABLE IF EXISTS documents_fts",
]


def create_index(connection: Connection) -> None:
    """Create the full-text index for the connection's database (idempotent)."""
    statements = {"sqlite": SQLITE_DDL, "postgresql": POSTGRES_DDL}.get(connection.dialect.name, [])
    for statement in statements:
        connection.execute(text(statement))


@event.listens_for(Document.__table__, "after_create")
def _after_create(target: object, connection: Connection, **kw: object) -> None:
    create_index(connection)


@event.listens_for(Document.__table__, "before_drop")
def _before_drop(target: object, connection: Connection, **kw: object) -> None:
    if connection.dialect.name == "sqlite":
        for statement in SQLITE_DROP:
            connection.execute(DDL(statement))


def phrase_search(phrase: str, limit: int = LIMIT) -> list[int]:
    """Ids of documents containing the phrase (folded), in id order."""
    words = fold(phrase).split()
    if not words:
        return []
    dialect = db.engine.dialect.name
    if dialect == "sqlite":
        query = '"' + " ".join(words) + '"'
        rows = db.session.execute(
            text(
                "SELECT rowid FROM documents_fts WHERE documents_fts MATCH :q "
                "ORDER BY rowid LIMIT :n"
            ),
            {"q": query, "n": limit},
        )
    elif dialect == "postgresql":
        rows = db.session.execute(
            text(
                "SELECT id FROM documents WHERE search_tsv @@ phraseto_tsquery('simple', :q) "
                "ORDER BY id LIMIT :n"
            ),
            {"q": " ".join(words), "n": limit},
        )
    else:  # any other database: a plain scan, correct but slow
        rows = db.session.execute(
            text(
                "SELECT id FROM documents WHERE ' ' || search_text || ' ' LIKE :q "
                "ORDER BY id LIMIT :n"
            ),
            {"q": "% " + " ".join(words) + " %", "n": limit},
        )
    return [int(r[0]) for r in rows]


def prefix_search(prefixes: Iterable[str], limit: int = LIMIT) -> list[int]:
    """Ids of documents containing a word starting with each prefix (for fuzzy name search)."""
    words = [fold(p) for p in prefixes if fold(p)]
    if not words:
        return []
    if db.engine.dialect.name == "postgresql":
        query = " & ".join(f"{w.split()[0]}:*" for w in words)
        rows = db.session.execute(
            text(
                "SELECT id FROM documents WHERE search_tsv @@ to_tsquery('simple', :q) "
                "ORDER BY id LIMIT :n"
            ),
            {"q": query, "n": limit},
        )
    else:
        query = " AND ".join(f'"{w.split()[0]}"*' for w in words)
        rows = db.session.execute(
            text(
                "SELECT rowid FROM documents_fts WHERE documents_fts MATCH :q "
                "ORDER BY rowid LIMIT :n"
            ),
            {"q": query, "n": limit},
        )
    return [int(r[0]) for r in rows]
