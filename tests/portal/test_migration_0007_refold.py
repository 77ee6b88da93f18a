"""Migration 0007 re-folds the stored search text written by the old folding (decomposition,
combining marks dropped), on SQLite and PostgreSQL, in batches; the full-text index follows."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from portal.extensions import db
from portal.textfold import fold

ROOT = Path(__file__).resolve().parents[2]

_NON_WORD = re.compile(r"[^0-9a-z]+")
# rank 1: the index is checked against the content of the table too (a mismatch is an error)
INTEGRITY_CHECK = "INSERT INTO documents_fts(documents_fts, rank) VALUES ('integrity-check', 1)"


def old_fold(value: str) -> str:
    """The folding before migration 0007: decomposition, combining marks dropped."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return _NON_WORD.sub(" ", plain).strip()


OLD_DOCS = [
    ("Visit", "Łukasz Nowak met Søren at the Straße office."),
    ("Note", "Nothing to change: Katie Brown, Zoë Smith-Jones."),
    ("Call", "Phone call about Đorđe and Æsa."),
    ("Empty", ""),
    ("Letter", "Plain text only."),
]


def _migration_scripts():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config(str(ROOT / "migrations" / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    script = ScriptDirectory.from_config(cfg)
    return {r.revision: r.module for r in script.walk_revisions("base", "heads")}


def _run(conn, step) -> None:
    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    with Operations.context(MigrationContext.configure(conn)):
        step()


def _phrase(conn, phrase: str) -> list[int]:
    if conn.dialect.name == "postgresql":
        sql = "SELECT id FROM documents WHERE search_tsv @@ phraseto_tsquery('simple', :q)"
        rows = conn.execute(text(sql + " ORDER BY id"), {"q": phrase})
    else:
        sql = "SELECT rowid FROM documents_fts WHERE documents_fts MATCH :q ORDER BY rowid"
        rows = conn.execute(text(sql), {"q": f'"{phrase}"'})
    return [r[0] for r in rows]


@pytest.fixture()
def old_database(app, tmp_path):
    """A database of its own at revision 0006 (a PostgreSQL schema when the tests run there)."""
    engine = db.engine
    schema = "refold_probe"
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        probe = create_engine(
            engine.url.render_as_string(hide_password=False),
            connect_args={"options": f"-csearch_path={schema}"},
        )
    else:
        probe = create_engine("sqlite:///" + str(tmp_path / "old.sqlite3"))
    modules = _migration_scripts()
    with probe.begin() as conn:
        for revision in ["0001", "0002", "0003", "0004", "0005", "0006"]:
            _run(conn, modules[revision].upgrade)
    yield probe, modules["0007"]
    probe.dispose()
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))


def _write_the_old_way(conn) -> dict[str, int]:
    ids = {}
    for i, (title, body) in enumerate(OLD_DOCS, start=1):
        ids[title] = conn.execute(
            text(
                "INSERT INTO documents (external_id, doc_type, title, filename, stored_name, "
                "sha256, size, body_text, search_text, text_status, imported_at) VALUES "
                "(:e, 'case_note', :t, :f, :s, :h, 1, :b, :st, 'ok', CURRENT_TIMESTAMP) "
                "RETURNING id"
            ),
            {
                "e": f"D{i}",
                "t": title,
                "f": f"d{i}.txt",
                "s": f"{i:064d}.txt",
                "h": f"{i:064d}",
                "b": body,
                "st": old_fold(f"{title} {body}"),
            },
        ).scalar_one()
    for i, (first, last, aliases) in enumerate(
        [("Łukasz", "Nowak", ["Łukasz Nowak-Sørensen"]), ("Katie", "Brown", [])], start=1
    ):
        names = [f"{first} {last}", *aliases]
        conn.execute(
            text(
                "INSERT INTO record_people (external_id, first_names, last_name, aliases, "
                "addresses, professional, search_names) VALUES (:e, :f, :l, :a, '[]', false, :n)"
            ),
            {
                "e": f"P{i}",
                "f": first,
                "l": last,
                "a": json.dumps(aliases),
                "n": " " + " | ".join(old_fold(n) for n in names) + " ",
            },
        )
    return ids


def test_migration_0007_refolds_rows_written_by_the_old_folding(old_database) -> None:
    probe, refold = old_database
    refold.BATCH = 2  # several batches over five documents
    with probe.begin() as conn:
        ids = _write_the_old_way(conn)
        assert _phrase(conn, "lukasz nowak") == []  # the old folding lost the Ł
        assert _phrase(conn, "soren") == []
        assert _phrase(conn, "zoe smith jones") == [ids["Note"]]
    with probe.begin() as conn:
        _run(conn, refold.upgrade)
    with probe.begin() as conn:
        assert _phrase(conn, "lukasz nowak") == [ids["Visit"]]
        assert _phrase(conn, "soren") == [ids["Visit"]]
        assert _phrase(conn, "strasse office") == [ids["Visit"]]
        assert _phrase(conn, "dorde and aesa") == [ids["Call"]]
        assert _phrase(conn, "zoe smith jones") == [ids["Note"]]  # unchanged rows still found
        assert _phrase(conn, "plain text only") == [ids["Letter"]]
        texts = dict(conn.execute(text("SELECT title, search_text FROM documents")).all())
        assert texts == {title: fold(f"{title} {body}") for title, body in OLD_DOCS}
        people = text("SELECT external_id, search_names FROM record_people")
        names = dict(conn.execute(people).all())
        assert names == {
            "P1": " lukasz nowak | lukasz nowak sorensen ",
            "P2": " katie brown ",
        }
        if conn.dialect.name == "sqlite":  # the FTS5 index agrees with its table
            conn.execute(text(INTEGRITY_CHECK))
    with probe.begin() as conn:
        _run(conn, refold.downgrade)
    with probe.begin() as conn:
        texts = dict(conn.execute(text("SELECT title, search_text FROM documents")).all())
        assert texts == {title: old_fold(f"{title} {body}") for title, body in OLD_DOCS}
        assert _phrase(conn, "lukasz nowak") == []


def test_migration_0007_rebuilds_the_sqlite_index_when_no_trigger_keeps_it(old_database) -> None:
    probe, refold = old_database
    if probe.dialect.name != "sqlite":
        pytest.skip("the FTS5 index is SQLite's")
    with probe.begin() as conn:
        ids = _write_the_old_way(conn)
        conn.execute(text("DROP TRIGGER documents_fts_au"))
    with probe.begin() as conn:
        _run(conn, refold.upgrade)
    with probe.begin() as conn:
        assert _phrase(conn, "lukasz nowak") == [ids["Visit"]]
        conn.execute(text(INTEGRITY_CHECK))


def test_migration_0007_folds_as_the_live_function_does_today() -> None:
    """The migration keeps its own copy, which agrees with portal.textfold. When the live function
    changes, the change comes with a migration of its own that re-folds: compare with that one."""
    refold = _migration_scripts()["0007"]
    samples = [body for _, body in OLD_DOCS] + [
        "Straße, Søren, Łódź, Þóra, İstanbul, ﬁle x², £5 — «quoted»",
        "Москва Αθήνα 北京 e\u0301cole",
    ]
    for sample in samples:
        assert refold.fold(sample) == fold(sample)
