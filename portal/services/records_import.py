"""Importing an export from a social care system: documents plus a manifest.

Formats (see README, "Case records export"): a folder with `manifest.json`
({"format": "disclose-records/1", "people": [...], "cases": [...], "documents": [...]}), or with
`people.csv`, `cases.csv`, `case_people.csv` and `documents.csv`. Records are matched on their
ids in the export, so importing the same export again changes nothing; a bad row is reported
with its file and line and skipped, and the rest is imported.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from portal.extensions import db
from portal.models import (
    CaseFile,
    CaseMember,
    CaseType,
    Document,
    DocumentPerson,
    RecordPerson,
)
from portal.models.records import PROFESSIONAL_ROLES
from portal.services.search import fold

FORMAT = "disclose-records/1"
DOC_SUFFIXES = {".pdf", ".docx", ".eml", ".txt"}


class ExportError(Exception):
    """The export as a whole cannot be read (no manifest, wrong format)."""


@dataclass
class Row:
    """One record of the export and where it stands in its file."""

    data: dict[str, Any]
    file: str
    line: int


@dataclass
class ImportReport:
    """What an import did."""

    created: dict[str, int] = field(
        default_factory=lambda: {"people": 0, "cases": 0, "documents": 0}
    )
    updated: dict[str, int] = field(
        default_factory=lambda: {"people": 0, "cases": 0, "documents": 0}
    )
    unchanged: dict[str, int] = field(
        default_factory=lambda: {"people": 0, "cases": 0, "documents": 0}
    )
    errors: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)

    def error(self, row: Row, message: str) -> None:
        self.errors.append(f"{row.file} line {row.line}: {message}")


# ---- reading the manifest ----------------------------------------------------------------


def _json_rows(path: Path) -> dict[str, list[Row]]:
    raw = path.read_text(encoding="utf-8")
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ExportError(f"{path.name} is not valid JSON (line {exc.lineno}): {exc.msg}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ExportError(f'{path.name} must have "format": "{FORMAT}"')
    lines = raw.splitlines()
    found: dict[str, list[Row]] = {}
    for section in ("people", "cases", "documents"):
        items = data.get(section) or []
        if not isinstance(items, list):
            raise ExportError(f'{path.name}: "{section}" must be a list')
        cursor = 0
        rows = []
        for item in items:
            # The line of a record is the line of its "id" (JSON has no row numbers of its own).
            ident = item.get("id") if isinstance(item, dict) else None
            line = cursor
            if ident is not None:
                needle = json.dumps(str(ident))
                for n in range(cursor, len(lines)):
                    if needle in lines[n] and '"id"' in lines[n]:
                        line = n
                        break
            cursor = line + 1
            rows.append(Row(item if isinstance(item, dict) else {}, path.name, line + 1))
        found[section] = rows
    return found


def _csv_rows(folder: Path) -> dict[str, list[Row]]:
    def read(name: str) -> list[Row]:
        path = folder / name
        if not path.exists():
            return []
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            return [Row(dict(r), name, reader.line_num) for r in reader]

    people = read("people.csv")
    for row in people:
        for key in ("aliases", "addresses"):
            row.data[key] = [v.strip() for v in (row.data.get(key) or "").split(";") if v.strip()]
        row.data["professional"] = (row.data.get("professional") or "").lower() in {
            "1",
            "true",
            "yes",
            "y",
        }
    cases = read("cases.csv")
    members: dict[str, list[dict[str, str]]] = {}
    for row in read("case_people.csv"):
        members.setdefault(row.data.get("case", ""), []).append(
            {"person": row.data.get("person", ""), "role": row.data.get("role", "")}
        )
    for row in cases:
        row.data["people"] = members.get(row.data.get("id", ""), [])
    documents = read("documents.csv")
    for row in documents:
        row.data["people"] = [
            v.strip() for v in (row.data.get("people") or "").split(";") if v.strip()
        ]
    if not (people or cases or documents):
        raise ExportError(f"{folder} has no manifest.json and no people/cases/documents CSV")
    return {"people": people, "cases": cases, "documents": documents}


def read_manifest(folder: Path) -> dict[str, list[Row]]:
    """The export's records, from manifest.json or the CSV files."""
    if not folder.is_dir():
        raise ExportError(f"{folder} is not a folder")
    manifest = folder / "manifest.json"
    return _json_rows(manifest) if manifest.exists() else _csv_rows(folder)


# ---- checking values ---------------------------------------------------------------------


def _text(row: Row, key: str, *, required: bool = False, max_len: int = 200) -> str | None:
    value = row.data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValueError(f'"{key}" is required')
        return None
    if not isinstance(value, str):
        raise ValueError(f'"{key}" must be text')
    value = " ".join(value.split())
    if len(value) > max_len or "\x00" in value:
        raise ValueError(f'"{key}" is too long or has control characters')
    return value


def _date(row: Row, key: str) -> date | None:
    value = _text(row, key)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f'"{key}" must be a date like 2024-02-01, not {value!r}') from None


def _list(row: Row, key: str) -> list[str]:
    value = row.data.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f'"{key}" must be a list of text')
    return [" ".join(v.split()) for v in value if v.strip()]


# ---- importing ---------------------------------------------------------------------------


def _set(obj: Any, values: dict[str, Any]) -> bool:
    changed = False
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    return changed


def _upsert(
    model: Any, external_id: str, values: dict[str, Any], kind: str, report: ImportReport
) -> Any:
    obj = db.session.scalar(select(model).where(model.external_id == external_id))
    if obj is None:
        obj = model(external_id=external_id, **values)
        db.session.add(obj)
        report.created[kind] += 1
    elif _set(obj, values):
        report.updated[kind] += 1
    else:
        report.unchanged[kind] += 1
    return obj


def _people(rows: list[Row], report: ImportReport) -> dict[str, RecordPerson]:
    known: dict[str, RecordPerson] = {}
    for row in rows:
        try:
            ident = _text(row, "id", required=True, max_len=64)
            assert ident is not None
            nhs = _text(row, "nhs_number", max_len=14)
            values = {
                "first_names": _text(row, "first_names", required=True),
                "last_name": _text(row, "last_name", required=True),
                "aliases": _list(row, "aliases"),
                "date_of_birth": _date(row, "date_of_birth"),
                "social_care_number": _text(row, "social_care_number", max_len=40),
                "nhs_number": re.sub(r"\D", "", nhs) if nhs else None,
                "addresses": _list(row, "addresses"),
                "professional": bool(row.data.get("professional")),
                "organisation": _text(row, "organisation"),
            }
        except ValueError as exc:
            report.error(row, str(exc))
            continue
        known[ident] = _upsert(RecordPerson, ident, values, "people", report)
    db.session.flush()
    return known


def _cases(
    rows: list[Row], people: dict[str, RecordPerson], report: ImportReport
) -> dict[str, CaseFile]:
    known: dict[str, CaseFile] = {}
    for row in rows:
        try:
            ident = _text(row, "id", required=True, max_len=64)
            assert ident is not None
            kind = _text(row, "type", required=True)
            if kind not in {c.value for c in CaseType}:
                raise ValueError(f'"type" must be one of {", ".join(c.value for c in CaseType)}')
            members = []
            for member in row.data.get("people") or []:
                person = people.get(str(member.get("person")))
                role = " ".join(str(member.get("role") or "").split()).lower().replace(" ", "_")
                if person is None or not role:
                    raise ValueError(
                        f"case member {member.get('person')!r} is unknown or has no role"
                    )
                members.append((person, role))
            values = {
                "case_type": CaseType(kind),
                "opened": _date(row, "opened"),
                "closed": _date(row, "closed"),
            }
        except (ValueError, AttributeError) as exc:
            report.error(row, str(exc))
            continue
        case = _upsert(CaseFile, ident, values, "cases", report)
        db.session.flush()
        existing = {(m.person_id, m.role) for m in case.members}
        wanted = {(p.id, r) for p, r in members}
        for member in list(case.members):
            if (member.person_id, member.role) not in wanted:
                case.members.remove(member)
        for person, role in members:
            if (person.id, role) not in existing:
                case.members.append(CaseMember(person=person, role=role))
                existing.add((person.id, role))
            if role in PROFESSIONAL_ROLES and not person.professional:
                person.professional = True
        known[ident] = case
    db.session.flush()
    return known


ExtractText = Callable[[str], tuple[str, str]]


def _documents(
    rows: list[Row],
    folder: Path,
    store: Path,
    people: dict[str, RecordPerson],
    cases: dict[str, CaseFile],
    report: ImportReport,
    extract_text: ExtractText,
) -> None:
    prepared = []
    for row in rows:
        try:
            ident = _text(row, "id", required=True, max_len=64)
            file_name = _text(row, "file", required=True, max_len=300)
            assert ident is not None and file_name is not None
            source = (folder / file_name).resolve()
            if folder.resolve() not in source.parents or not source.is_file():
                raise ValueError(f"file {file_name!r} is missing or outside the export")
            if source.suffix.lower() not in DOC_SUFFIXES:
                raise ValueError(f"file {file_name!r} is not PDF, DOCX, EML or TXT")
            case_id = _text(row, "case", max_len=64)
            case = cases.get(case_id) if case_id else None
            if case_id and case is None:
                raise ValueError(f"case {case_id!r} is unknown")
            author_id = _text(row, "author", max_len=64)
            linked = [people[p] for p in _list(row, "people") if p in people]
            unknown = [p for p in _list(row, "people") if p not in people]
            if unknown:
                raise ValueError(f"people {', '.join(unknown)} are unknown")
            values = {
                "case_id": case.id if case else None,
                "doc_type": _text(row, "type", required=True, max_len=40),
                "title": _text(row, "title", max_len=300) or source.name,
                "doc_date": _date(row, "date"),
                "author_id": people[author_id].id if author_id in people else None,
                "filename": source.name,
            }
        except ValueError as exc:
            report.error(row, str(exc))
            continue
        prepared.append((ident, source, values, linked))

    def digest(item: tuple[str, Path, dict[str, Any], list[RecordPerson]]) -> str:
        return hashlib.sha256(item[1].read_bytes()).hexdigest()

    hashes = [digest(p) for p in prepared]
    existing = {
        d.external_id: d
        for d in db.session.scalars(
            select(Document).where(Document.external_id.in_([p[0] for p in prepared]))
        )
    }
    # Text is read only for new or changed files, several at a time (each in a child process).
    to_read = [
        (i, p)
        for i, p in enumerate(prepared)
        if p[0] not in existing or existing[p[0]].sha256 != hashes[i]
    ]
    workers = max(1, min(4, os.cpu_count() or 1))
    with ThreadPoolExecutor(workers) as pool:
        texts = dict(
            zip(
                [i for i, _ in to_read],
                pool.map(lambda ip: extract_text(str(ip[1][1])), to_read),
                strict=True,
            )
        )
    store.mkdir(parents=True, exist_ok=True)
    for i, (ident, source, values, linked) in enumerate(prepared):
        sha = hashes[i]
        stored = f"{sha}{source.suffix.lower()}"
        if not (store / stored).exists():
            shutil.copyfile(source, store / stored)
        values = dict(values, sha256=sha, stored_name=stored, size=source.stat().st_size)
        if i in texts:
            body, status = texts[i]
            values.update(
                body_text=body, text_status=status, search_text=fold(f"{values['title']} {body}")
            )
        doc = _upsert(Document, ident, values, "documents", report)
        if i in texts and status != "ok":
            report.unreadable.append(f"{ident} ({source.name}): {status}")
        db.session.flush()
        have = {dp.person_id for dp in doc.people}
        for person in linked:
            if person.id not in have:
                doc.people.append(DocumentPerson(person=person))
                have.add(person.id)
    db.session.flush()


def import_export(folder: str | Path, store: str | Path, extract_text: ExtractText) -> ImportReport:
    """Import an export into the records; the caller commits."""
    folder = Path(folder)
    rows = read_manifest(folder)
    report = ImportReport()
    people = _people(rows["people"], report)
    # Records already imported may be referred to by a later, partial export.
    for person in db.session.scalars(select(RecordPerson)):
        people.setdefault(person.external_id, person)
    cases = _cases(rows["cases"], people, report)
    for case in db.session.scalars(select(CaseFile)):
        cases.setdefault(case.external_id, case)
    _documents(rows["documents"], folder, Path(store), people, cases, report, extract_text)
    return report


def iter_errors(report: ImportReport) -> Iterator[str]:
    """Every problem, for printing."""
    yield from report.errors
    yield from (f"unreadable, marked for manual handling: {u}" for u in report.unreadable)
