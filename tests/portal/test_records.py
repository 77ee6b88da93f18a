"""Case records: import (JSON and CSV, idempotent, bad rows by line), full-text search, and
gathering with scores, reasons, duplicates and parties."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import (
    Candidate,
    CaseFile,
    Document,
    RecordPerson,
    RequestParty,
    RequestStatus,
    Role,
    SearchRun,
)
from portal.services import gathering, records_import, search, workflow
from portal.services.actor import Actor


def fake_text(path: str) -> tuple[str, str]:
    """Stand-in extractor for tests of the importer: the file's bytes as text."""
    data = Path(path).read_bytes()
    if data.startswith(b"BROKEN"):
        return "", "corrupt"
    return data.decode("utf-8", "replace"), "ok"


def write_export(folder: Path, documents: dict[str, str], manifest: dict) -> Path:
    (folder / "documents").mkdir(parents=True, exist_ok=True)
    for name, body in documents.items():
        (folder / "documents" / name).write_text(body, encoding="utf-8")
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return folder


PEOPLE = [
    {
        "id": "P1",
        "first_names": "Katherine",
        "last_name": "Brown",
        "aliases": ["Katie Smith"],
        "date_of_birth": "2014-09-04",
        "social_care_number": "SC100200",
        "nhs_number": None,
        "addresses": ["12 Elm Road, Worcester, WR1 2AB"],
        "professional": False,
    },
    {"id": "P2", "first_names": "Kelly", "last_name": "Brown", "date_of_birth": "1990-04-02"},
    {
        "id": "P3",
        "first_names": "Sarah",
        "last_name": "Jones",
        "professional": True,
        "organisation": "Children's Services",
    },
    {"id": "P4", "first_names": "Katherine", "last_name": "Brown", "date_of_birth": "1950-01-01"},
]
CASES = [
    {
        "id": "C1",
        "type": "child_protection",
        "opened": "2023-01-04",
        "closed": None,
        "people": [
            {"person": "P1", "role": "child"},
            {"person": "P2", "role": "mother"},
            {"person": "P3", "role": "social_worker"},
        ],
    },
]
DOCS = {
    "d1.txt": "Home visit. Katie Brown and her mum Kelly Brown were at home. SW Sarah Jones.",
    "d2.txt": "Conference minutes about another family. Mention of Zoë Smith-Jones.",
    "d3.txt": "School letter: Katherine Brown (DOB 04/09/2014) attended well.",
    "d4.txt": "Referral mentions Katherin Browne once.",
    "d5.txt": "Home visit. Katie Brown and her mum Kelly Brown were at home. SW Sarah Jones.",
    "d6.txt": "Unrelated note about the weather and nobody in particular.",
}


def manifest(documents: list[dict] | None = None) -> dict:
    return {
        "format": "disclose-records/1",
        "people": PEOPLE,
        "cases": CASES,
        "documents": documents
        if documents is not None
        else [
            {
                "id": "D1",
                "file": "documents/d1.txt",
                "case": "C1",
                "type": "case_note",
                "date": "2024-01-02",
                "author": "P3",
                "title": "Home visit",
                "people": ["P1"],
            },
            {
                "id": "D2",
                "file": "documents/d2.txt",
                "case": None,
                "type": "minutes",
                "date": "2024-01-03",
                "title": "Minutes",
                "people": [],
            },
            {
                "id": "D3",
                "file": "documents/d3.txt",
                "case": None,
                "type": "letter",
                "date": "2024-01-04",
                "title": "Letter",
                "people": [],
            },
            {
                "id": "D4",
                "file": "documents/d4.txt",
                "case": None,
                "type": "referral",
                "date": "2024-01-05",
                "title": "Referral",
                "people": [],
            },
            {
                "id": "D5",
                "file": "documents/d5.txt",
                "case": None,
                "type": "case_note",
                "date": "2024-01-02",
                "title": "Copy",
                "people": [],
            },
            {
                "id": "D6",
                "file": "documents/d6.txt",
                "case": None,
                "type": "case_note",
                "date": "2024-01-06",
                "title": "Other",
                "people": [],
            },
        ],
    }


@pytest.fixture()
def imported(app, tmp_path) -> records_import.ImportReport:
    folder = write_export(tmp_path / "export", DOCS, manifest())
    report = records_import.import_export(folder, tmp_path / "store", fake_text)
    db.session.commit()
    return report


def test_import_creates_people_cases_documents(imported) -> None:
    assert imported.errors == []
    assert imported.created == {"people": 4, "cases": 1, "documents": 6}
    case = db.session.scalars(select(CaseFile)).one()
    assert sorted(m.role for m in case.members) == ["child", "mother", "social_worker"]
    assert (
        db.session.scalars(select(RecordPerson).where(RecordPerson.external_id == "P3"))
        .one()
        .professional
    )


def test_reimport_changes_nothing(app, tmp_path, imported) -> None:
    again = records_import.import_export(tmp_path / "export", tmp_path / "store", fake_text)
    db.session.commit()
    assert again.created == {"people": 0, "cases": 0, "documents": 0}
    assert again.updated == {"people": 0, "cases": 0, "documents": 0}
    assert again.unchanged == {"people": 4, "cases": 1, "documents": 6}
    assert db.session.scalar(select(func.count()).select_from(Document)) == 6


def test_changed_file_is_reindexed(app, tmp_path, imported) -> None:
    (tmp_path / "export" / "documents" / "d6.txt").write_text("Now about Kelly Brown.")
    report = records_import.import_export(tmp_path / "export", tmp_path / "store", fake_text)
    db.session.commit()
    assert report.updated["documents"] == 1
    assert search.phrase_search("kelly brown") == sorted(
        d.id for d in db.session.scalars(select(Document)) if "Kelly Brown" in d.body_text
    )


def test_bad_rows_are_reported_with_line_numbers_and_the_rest_imported(app, tmp_path) -> None:
    docs = manifest()["documents"]
    docs[1] = {"id": "D2", "file": "documents/missing.txt", "type": "minutes"}
    docs[2] = {"id": "D3", "file": "../../etc/passwd", "type": "letter"}
    docs[3] = {"id": "D4", "file": "documents/d4.txt", "type": "referral", "date": "31/01/2024"}
    data = manifest(docs)
    data["people"] = [*PEOPLE, {"id": "P9", "last_name": "No First Name"}]
    folder = write_export(tmp_path / "export", DOCS, data)
    report = records_import.import_export(folder, tmp_path / "store", fake_text)
    db.session.commit()
    assert report.created["documents"] == 3
    assert len(report.errors) == 4
    raw = (folder / "manifest.json").read_text().splitlines()
    for error, ident in zip(report.errors, ["P9", "D2", "D3", "D4"], strict=True):
        line = int(error.split(" line ")[1].split(":")[0])
        assert f'"{ident}"' in raw[line - 1], error
    assert any("must be a date" in e for e in report.errors)
    assert any("missing or outside the export" in e for e in report.errors)


def test_unreadable_document_is_kept_and_reported(app, tmp_path) -> None:
    docs = dict(DOCS, **{"d6.txt": "BROKEN bytes"})
    folder = write_export(tmp_path / "export", docs, manifest())
    report = records_import.import_export(folder, tmp_path / "store", fake_text)
    db.session.commit()
    assert report.unreadable and "corrupt" in report.unreadable[0]
    doc = db.session.scalars(select(Document).where(Document.external_id == "D6")).one()
    assert doc.text_status == "corrupt"


def test_csv_manifest(app, tmp_path) -> None:
    folder = tmp_path / "csv"
    (folder / "docs").mkdir(parents=True)
    (folder / "docs" / "a.txt").write_text("Note about Jo Bloggs.")
    (folder / "people.csv").write_text(
        "id,first_names,last_name,aliases,date_of_birth,professional\n"
        "P1,Jo,Bloggs,Joanne Bloggs;Jo B,2015-02-03,no\n"
        "P2,,Nameless,,,no\n"
    )
    (folder / "cases.csv").write_text("id,type,opened,closed\nC1,early_help,2024-01-01,\n")
    (folder / "case_people.csv").write_text("case,person,role\nC1,P1,child\n")
    (folder / "documents.csv").write_text(
        "id,file,case,type,date,title,people\nD1,docs/a.txt,C1,case_note,2024-02-01,Note,P1\n"
    )
    report = records_import.import_export(folder, tmp_path / "store", fake_text)
    db.session.commit()
    assert report.created == {"people": 1, "cases": 1, "documents": 1}
    assert report.errors == ['people.csv line 3: "first_names" is required']
    person = db.session.scalars(select(RecordPerson)).one()
    assert person.aliases == ["Joanne Bloggs", "Jo B"]


def test_export_errors_are_clear(app, tmp_path) -> None:
    with pytest.raises(records_import.ExportError, match="not a folder"):
        records_import.read_manifest(tmp_path / "nope")
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "manifest.json").write_text('{"format": "other"}')
    with pytest.raises(records_import.ExportError, match="disclose-records/1"):
        records_import.read_manifest(tmp_path / "x")


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("Kelly Brown", {"D1", "D5"}),
        ("KELLY BROWN", {"D1", "D5"}),
        ("zoe smith jones", {"D2"}),  # accents and hyphens folded
        ("Zoë Smith-Jones", {"D2"}),
        ("04/09/2014", {"D3"}),
        ("Brown Kelly", set()),  # a phrase, not a bag of words
    ],
)
def test_full_text_search(imported, phrase, expected) -> None:
    ids = search.phrase_search(phrase)
    found = {db.session.get(Document, i).external_id for i in ids}
    assert found == expected


@pytest.fixture()
def katie_request(imported, make_request, make_user):
    worker = Actor.staff(make_user(Role.CASEWORKER))
    request = make_request(first_names="Katie", last_name="Brown")
    request.subject.date_of_birth = date(2014, 9, 4)
    workflow.verify(request.id, worker)
    workflow.move(request, RequestStatus.GATHERING, worker)
    db.session.commit()
    return request, worker


def _candidates(request_id: int) -> dict[str, Candidate]:
    return {
        c.document.external_id: c
        for c in db.session.scalars(select(Candidate).where(Candidate.request_id == request_id))
    }


def test_gathering_finds_case_documents_names_dob_and_misspellings(katie_request) -> None:
    request, worker = katie_request
    run = gathering.gather(request.id, worker)
    db.session.commit()
    found = _candidates(request.id)
    assert set(found) == {"D1", "D3", "D4", "D5"}
    assert found["D1"].score >= 0.95
    assert any("case C1" in r for r in found["D1"].reasons)
    assert any("date of birth" in r for r in found["D3"].reasons)
    assert any("Katherine Brown" in r for r in found["D3"].reasons)  # Katie -> Katherine
    assert any("misspelling" in r for r in found["D4"].reasons)
    assert found["D4"].score < found["D3"].score
    hows = {s["how"] for s in run.searched}
    assert {"full text", "person by name and date of birth"} <= hows
    # the other Katherine Brown (born 1950) is someone else: no case link from her
    assert all("P4" not in r for c in found.values() for r in c.reasons)


def test_exact_duplicates_are_grouped(katie_request) -> None:
    request, worker = katie_request
    gathering.gather(request.id, worker)
    found = _candidates(request.id)
    assert found["D5"].duplicate_of_id == found["D1"].document_id
    assert found["D5"].group_key == found["D1"].group_key


def test_party_list_from_the_subjects_cases(katie_request) -> None:
    request, worker = katie_request
    gathering.gather(request.id, worker)
    parties = {
        p.role: p
        for p in db.session.scalars(
            select(RequestParty).where(RequestParty.request_id == request.id)
        )
    }
    assert parties["data subject"].subject
    assert "Katie Smith" in parties["data subject"].names  # alias from the records
    assert parties["mother"].names == ["Kelly Brown"] and not parties["mother"].professional
    assert parties["social worker"].professional


def test_searching_again_keeps_decisions(katie_request) -> None:
    request, worker = katie_request
    gathering.gather(request.id, worker)
    found = _candidates(request.id)
    gathering.decide(request.id, [found["D4"].id], "excluded", worker)
    gathering.gather(request.id, worker)
    db.session.commit()
    assert _candidates(request.id)["D4"].decision == "excluded"
    assert db.session.scalar(select(func.count()).select_from(SearchRun)) == 2


def test_scope_confirmation_needs_every_decision(katie_request) -> None:
    from portal.models import DocumentWork
    from portal.services import detection
    from portal.services.errors import ServiceError

    request, worker = katie_request
    gathering.gather(request.id, worker)
    with pytest.raises(ServiceError, match="Decide on every candidate"):
        detection.confirm_scope(request.id, worker)
    found = _candidates(request.id)
    gathering.decide(request.id, [c.id for c in found.values()], "included", worker)
    gathering.decide(request.id, [found["D4"].id], "excluded", worker)
    works = detection.confirm_scope(request.id, worker)
    # D5 duplicates D1: reviewed once
    assert sorted(w.document.external_id for w in works) == ["D1", "D3"]
    assert request.status is RequestStatus.REVIEW
    assert db.session.scalar(select(func.count()).select_from(DocumentWork)) == 2
    payload = detection.parties_json(request.id)
    assert "Katie Brown" in payload["subject"]["names"]
    sarah = next(p for p in payload["parties"] if p["names"] == ["Sarah Jones"])
    assert sarah["role"] == "social worker" and sarah["professional"] is True
    # the register carries what the records hold about each person
    kelly = next(p for p in payload["parties"] if p["names"][0] == "Kelly Brown")
    assert kelly["date_of_birth"] == "1990-04-02" and kelly["role"] == "mother"
    # the subject's own identifiers from her record, not only what the requester typed: her
    # home address is never suggested as the mother's
    assert "12 Elm Road, Worcester, WR1 2AB" in payload["subject"]["addresses"]
    assert payload["subject"]["social_care_number"] == "SC100200"


def test_scope_pages(katie_request, auth) -> None:
    from portal.models import User

    request, worker = katie_request
    auth.login(db.session.get(User, worker.user_id))
    gathering.gather(request.id, worker)
    db.session.commit()
    page = auth.client.get(f"/staff/requests/{request.id}/scope").get_data(as_text=True)
    assert "What was searched" in page and "D1" in page and "misspelling" in page
    response = auth.client.post(
        f"/staff/requests/{request.id}/scope", data={"decision": "included", "min_score": "0.8"}
    )
    assert response.status_code == 302
    decided = _candidates(request.id)
    assert decided["D1"].decision == "included" and decided["D4"].decision == "pending"
    auth.client.post(
        f"/staff/requests/{request.id}/scope",
        data={"decision": "excluded", "candidate": [str(decided["D4"].id)]},
    )
    assert _candidates(request.id)["D4"].decision == "excluded"
    progress = auth.client.get(f"/staff/requests/{request.id}/progress.json").get_json()
    assert set(progress) == {"gather", "detect", "documents"}
    parties = auth.client.get(f"/staff/requests/{request.id}/parties").get_data(as_text=True)
    assert "Kelly Brown" in parties
    auth.client.post(
        f"/staff/requests/{request.id}/parties",
        data={"names": "Uncle Bob\nRobert Brown", "role": "uncle"},
    )
    added = db.session.scalars(select(RequestParty).where(RequestParty.role == "uncle")).one()
    assert added.names == ["Uncle Bob", "Robert Brown"] and added.source == "caseworker"


def test_a_gather_job_in_flight_is_not_started_twice(katie_request) -> None:
    from portal.services import jobs
    from portal.services.errors import ServiceError

    request, _ = katie_request
    jobs.start("gather", request.id)
    with pytest.raises(ServiceError, match="already under way"):
        jobs.start("gather", request.id)
    db.session.rollback()
