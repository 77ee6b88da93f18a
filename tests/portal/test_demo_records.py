"""The demo export: deterministic, self-consistent, and its ground truth is in the documents."""

from __future__ import annotations

import email
import io
import json
from collections import Counter
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import docx
import fitz
import pytest

from demo.records import FORMAT, ExportSummary, generate, nhs_number_valid

CASE_TYPES = {
    "child_in_need",
    "child_protection",
    "looked_after",
    "care_leaver",
    "fostering",
    "disabilities",
    "early_help",
}
ROLES = {
    "child",
    "mother",
    "father",
    "carer",
    "stepfather",
    "stepmother",
    "sibling",
    "grandparent",
    "relative",
    "family_friend",
    "foster_carer",
    "social_worker",
    "team_manager",
    "teacher",
    "designated_safeguarding_lead",
    "health_visitor",
    "school_nurse",
    "gp",
    "police_officer",
    "independent_reviewing_officer",
    "advocate",
}
DOC_TYPES = {
    "case_note",
    "assessment",
    "cp_conference_minutes",
    "letter",
    "referral",
    "email",
    "chronology",
    "care_plan",
}
KINDS = {
    "NHS_NUMBER",
    "PHONE",
    "EMAIL",
    "POSTCODE",
    "ADDRESS",
    "DATE_OF_BIRTH",
    "NI_NUMBER",
    "SOCIAL_CARE_ID",
    "VEHICLE_REG",
    "SCHOOL",
}


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ExportSummary]:
    out = tmp_path_factory.mktemp("demo") / "a"
    return out, generate(out, children=8)


def _load(out: Path, name: str) -> Any:
    return json.loads((out / name).read_text(encoding="utf-8"))


def _pdf_text(data: bytes) -> str:
    with fitz.open(stream=data, filetype="pdf") as doc:
        return "\n".join(page.get_text() for page in doc)


def _docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    for section in document.sections:
        parts += [p.text for p in section.header.paragraphs]
    return "\n".join(parts)


def _eml_text(data: bytes) -> str:
    msg = email.message_from_bytes(data, policy=policy.default)
    assert isinstance(msg, EmailMessage)
    parts = [str(msg[h]) for h in ("From", "To", "Cc", "Subject") if msg[h]]
    for part in msg.walk():
        if part.is_multipart():
            continue
        payload = part.get_content()
        if part.get_content_type() == "text/plain":
            parts.append(payload)
        elif part.get_content_type() == "application/pdf":
            parts.append(_pdf_text(payload))
        else:
            parts.append(_docx_text(payload))
    return "\n".join(parts)


def _text(path: Path) -> str:
    readers = {".pdf": _pdf_text, ".docx": _docx_text, ".eml": _eml_text}
    return readers[path.suffix](path.read_bytes())


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_when_generated_twice_then_json_and_text_identical(
    export: tuple[Path, ExportSummary], tmp_path: Path
) -> None:
    out, _ = export
    again = tmp_path / "b"
    generate(again, children=8)
    for name in ("manifest.json", "ground_truth.json"):
        assert (out / name).read_bytes() == (again / name).read_bytes()
    truth = _load(out, "ground_truth.json")
    for doc in _load(out, "manifest.json")["documents"]:
        a, b = out / doc["file"], again / doc["file"]
        if truth[doc["id"]].get("awkward") == "encrypted":
            continue  # fresh encryption keys every save
        assert a.read_bytes() == b.read_bytes(), doc["file"]


def test_manifest_is_consistent(export: tuple[Path, ExportSummary]) -> None:
    out, summary = export
    manifest = _load(out, "manifest.json")
    assert manifest["format"] == FORMAT
    people = {p["id"]: p for p in manifest["people"]}
    cases = {c["id"]: c for c in manifest["cases"]}
    assert len(people) == summary.people and len(cases) == summary.cases
    for case in manifest["cases"]:
        assert case["type"] in CASE_TYPES
        assert all(e["person"] in people and e["role"] in ROLES for e in case["people"])
        assert any(e["role"] == "child" for e in case["people"])
    for doc in manifest["documents"]:
        assert (out / doc["file"]).is_file()
        assert doc["case"] in cases and doc["type"] in DOC_TYPES
        assert doc["people"] and all(p in people for p in doc["people"])
        if doc["author"] is not None:
            assert people[doc["author"]]["professional"]
    for person in manifest["people"]:
        if person["nhs_number"]:
            assert nhs_number_valid(person["nhs_number"]), person


def test_every_ground_truth_string_is_in_its_document(export: tuple[Path, ExportSummary]) -> None:
    out, _ = export
    manifest = _load(out, "manifest.json")
    truth = _load(out, "ground_truth.json")
    assert set(truth) == {d["id"] for d in manifest["documents"]}
    checked = 0
    for doc in manifest["documents"]:
        entry = truth[doc["id"]]
        assert {p["person"] for p in entry["people"]} <= set(doc["people"])
        if entry.get("awkward"):
            continue
        text = _flat(_text(out / doc["file"]))
        for person in entry["people"]:
            for mention in person["mentions"]:
                assert _flat(mention) in text, (doc["file"], mention)
        for ident in entry["identifiers"]:
            assert ident["kind"] in KINDS
            assert _flat(ident["text"]) in text, (doc["file"], ident)
            if ident["kind"] == "NHS_NUMBER":
                assert nhs_number_valid(ident["text"])
        checked += 1
    assert checked >= len(manifest["documents"]) - 3


def test_awkward_files_are_awkward(export: tuple[Path, ExportSummary]) -> None:
    out, summary = export
    truth = _load(out, "ground_truth.json")
    awkward = {k: v["awkward"] for k, v in truth.items() if "awkward" in v}
    assert sorted(awkward.values()) == ["encrypted", "scanned", "truncated"]
    assert awkward == summary.awkward
    files = {d["id"]: out / d["file"] for d in _load(out, "manifest.json")["documents"]}
    by_kind = {kind: files[doc_id] for doc_id, kind in awkward.items()}
    with fitz.open(by_kind["encrypted"]) as doc:
        assert doc.needs_pass
        assert doc.authenticate(next(v["password"] for v in truth.values() if "password" in v))
    with fitz.open(by_kind["scanned"]) as doc:
        assert doc.page_count >= 1
        assert all(not page.get_text().strip() and page.get_images() for page in doc)
    data = by_kind["truncated"].read_bytes()
    assert data.startswith(b"%PDF") and b"%%EOF" not in data[-64:]


def test_format_and_type_mix(tmp_path: Path) -> None:
    summary = generate(tmp_path, children=12)
    total = summary.documents
    assert 6 * 12 <= total <= 14 * 12
    share = {fmt: n / total for fmt, n in summary.by_format.items()}
    assert 0.30 <= share["pdf"] <= 0.50
    assert 0.25 <= share["docx"] <= 0.45
    assert 0.15 <= share["eml"] <= 0.35
    assert {"case_note", "email", "letter", "referral", "assessment"} <= set(summary.by_type)
    manifest = _load(tmp_path, "manifest.json")
    truth = _load(tmp_path, "ground_truth.json")
    roles = Counter(e["role"] for c in manifest["cases"] for e in c["people"])
    assert roles["social_worker"] == len(manifest["cases"])
    # the same professionals work across many families
    pros = Counter(
        e["person"] for c in manifest["cases"] for e in c["people"] if e["role"] == "social_worker"
    )
    assert max(pros.values()) >= 2
    # several children named in one document, and the subject named by first name alone
    child_ids = {
        p["id"] for p in manifest["people"] if p["date_of_birth"] and p["date_of_birth"] > "2008"
    }
    assert any(len(child_ids & {p["person"] for p in e["people"]}) >= 2 for e in truth.values())
    people = {p["id"]: p for p in manifest["people"]}
    first_only = 0
    for doc in manifest["documents"]:
        case = next(c for c in manifest["cases"] if c["id"] == doc["case"])
        child = next(e["person"] for e in case["people"] if e["role"] == "child")
        mentions = next(
            (p["mentions"] for p in truth[doc["id"]]["people"] if p["person"] == child), []
        )
        last = people[child]["last_name"].lower()
        if mentions and all(last not in m.lower() for m in mentions):
            first_only += 1
    assert first_only >= 3
