"""One folding for search and matching (portal.textfold.fold, with anyascii): letters without a
decomposition (Ł, ø, ß, æ, đ) are kept, in the full-text search and in gathering's name matching.
Rows written by the old folding are re-folded by migration 0007 (test_migration_0007_refold.py)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Candidate, Document, RecordPerson, RequestParty, RequestStatus, Role
from portal.services import gathering, records_import, search, workflow
from portal.services.actor import Actor
from portal.textfold import fold


@pytest.mark.parametrize(
    ("value", "folded"),
    [
        ("Łukasz Nowak", "lukasz nowak"),
        ("SØREN", "soren"),
        ("Straße", "strasse"),
        ("Æsa Đorđević", "aesa dordevic"),
        ("Þóra", "thora"),
        ("Zoë Smith-Jones", "zoe smith jones"),  # as before: accents, hyphens, case
        ("  O’Brien,\tKelly ", "o brien kelly"),
        ("e\u0301cole", "ecole"),  # a combining accent
        ("ﬁle x²", "file x2"),  # compatibility forms as before
        ("£500 — €5", "500 5"),  # symbols and dashes separate words, as before
        ("04/09/2014", "04 09 2014"),
        ("", ""),
    ],
)
def test_fold(value: str, folded: str) -> None:
    assert fold(value) == folded


def test_search_and_gathering_fold_with_the_one_function() -> None:
    from portal.services import records_import as importer

    assert search.fold is fold
    assert importer.fold is fold


# --- the full-text search, both ways -------------------------------------------------------------

PERSON_DOCS = {
    "accented.txt": "Visit to Łukasz Nowak at home. Søren was there. Office in the Straße.",
    "plain.txt": "Phone call from Lukasz Nowak. Soren called back. Letter to Strasse.",
    "other.txt": "Nothing about anybody: the weather, the bus, the school run.",
}


def _export(folder: Path, docs: dict[str, str], people: list[dict], cases: list[dict]) -> Path:
    (folder / "documents").mkdir(parents=True)
    for name, body in docs.items():
        (folder / "documents" / name).write_text(body, encoding="utf-8")
    documents = [
        {
            "id": f"D{i}",
            "file": f"documents/{name}",
            "case": cases[0]["id"] if cases and i == 1 else None,
            "type": "case_note",
            "date": "2024-03-01",
            "title": name.removesuffix(".txt").capitalize(),
            "people": [],
        }
        for i, name in enumerate(docs, start=1)
    ]
    manifest = {
        "format": "disclose-records/1",
        "people": people,
        "cases": cases,
        "documents": documents,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


def _read(path: str) -> tuple[str, str]:
    return Path(path).read_text(encoding="utf-8"), "ok"


@pytest.fixture()
def letters_imported(app, tmp_path):
    folder = _export(tmp_path / "export", PERSON_DOCS, [], [])
    report = records_import.import_export(folder, tmp_path / "store", _read)
    db.session.commit()
    assert report.errors == []
    return {d.external_id: d.id for d in db.session.scalars(select(Document))}


@pytest.mark.parametrize(
    "phrase",
    ["Lukasz", "lukasz nowak", "Łukasz", "ŁUKASZ NOWAK", "soren", "Søren", "strasse", "Straße"],
)
def test_search_finds_letters_without_a_decomposition_both_ways(letters_imported, phrase) -> None:
    ids = search.phrase_search(phrase)
    assert ids == sorted([letters_imported["D1"], letters_imported["D2"]])


def test_prefix_search_with_such_letters(letters_imported) -> None:
    both = sorted([letters_imported["D1"], letters_imported["D2"]])
    assert search.prefix_search(["Łuk", "Now"]) == both
    assert search.prefix_search(["Sør"]) == both


def test_stored_search_text_keeps_the_letters(letters_imported) -> None:
    doc = db.session.get(Document, letters_imported["D1"])
    assert "lukasz nowak" in doc.search_text
    assert "soren" in doc.search_text
    assert "strasse" in doc.search_text


# --- gathering's name matching -------------------------------------------------------------------

BORN = date(2015, 6, 1)


def _gather_for(tmp_path: Path, make_request, make_user, recorded: dict, asked: tuple[str, str]):
    people = [dict(recorded, id="P1", date_of_birth=BORN.isoformat())]
    cases = [
        {
            "id": "C1",
            "type": "child_in_need",
            "opened": "2024-01-01",
            "closed": None,
            "people": [{"person": "P1", "role": "child"}],
        }
    ]
    docs = {"case.txt": "Case note with no names in it.", "other.txt": "Unrelated note."}
    folder = _export(tmp_path / "export", docs, people, cases)
    report = records_import.import_export(folder, tmp_path / "store", _read)
    db.session.commit()
    assert report.errors == []
    worker = Actor.staff(make_user(Role.CASEWORKER))
    request = make_request(first_names=asked[0], last_name=asked[1])
    request.subject.date_of_birth = BORN
    workflow.verify(request.id, worker)
    workflow.move(request, RequestStatus.GATHERING, worker)
    db.session.commit()
    gathering.gather(request.id, worker)
    db.session.commit()
    found = {
        c.document.external_id: c
        for c in db.session.scalars(select(Candidate).where(Candidate.request_id == request.id))
    }
    subject_parties = db.session.scalars(
        select(RequestParty).where(RequestParty.request_id == request.id, RequestParty.subject)
    ).all()
    return found, subject_parties


@pytest.mark.parametrize(
    ("recorded", "asked"),
    [
        ({"first_names": "Łukasz", "last_name": "Nowak"}, ("Lukasz", "Nowak")),
        ({"first_names": "Lukasz", "last_name": "Nowak"}, ("Łukasz", "Nowak")),
        ({"first_names": "Søren", "last_name": "Østergård"}, ("Soren", "Ostergard")),
        ({"first_names": "Anna", "last_name": "Straße"}, ("Anna", "Strasse")),
    ],
)
def test_gathering_finds_the_subject_whatever_the_spelling_of_such_letters(
    app, tmp_path, make_request, make_user, recorded, asked
) -> None:
    found, subject_parties = _gather_for(tmp_path, make_request, make_user, recorded, asked)
    assert set(found) == {"D1"}
    assert any("case C1" in r for r in found["D1"].reasons)
    person = db.session.scalars(select(RecordPerson)).one()
    [party] = subject_parties  # the subject's names as the records spell them too
    assert person.full_name in party.names


def test_person_search_names_keep_the_letters(app) -> None:
    person = RecordPerson(
        external_id="P1", first_names="Łukasz", last_name="Nowak", aliases=["Søren Straße"]
    )
    db.session.add(person)
    db.session.flush()
    assert person.search_names == " lukasz nowak | soren strasse "
