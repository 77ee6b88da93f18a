"""A deterministic demo export of Children's Services records, with the ground truth of every
person and identifier each document mentions.

``generate(out_dir, children=50, seed=2026)`` writes::

    out_dir/manifest.json       people, cases (with roles) and documents ("disclose-records/1")
    out_dir/ground_truth.json   per document: every name mention and identifier, exactly as written
    out_dir/documents/          D000001.pdf | .docx | .eml

Name mentions are the strings as they stand in the text, titles and possessives included
("Kelly Brown", "KELLY", "kelly", "Ms Brown", "Kelly's", "KB", "PC 1234 Hughes"); role words
("mum", "SW") are not names. An address is listed as ADDRESS (the street line, or the whole one-line
address) and its postcode again as POSTCODE. In an email, the header display names and addresses
and the text of any attachment count as the email's text. Three PDFs are deliberately awkward
("truncated", "encrypted", "scanned"): their ground truth is what a reader of the original would
see, marked with ``"awkward"``.

Only the standard library, PyMuPDF and python-docx are used, so the generator runs anywhere. All
randomness comes from one ``random.Random(seed)`` and every date from a fixed anchor, so two runs
write byte-identical JSON and documents (the encrypted PDF's keys excepted). Phone numbers are in
Ofcom's drama ranges, NHS numbers start 999 (never issued) with a valid check digit, and email
domains are under example.org / example.com.

This module plans each case's documents and writes the export; the rest is in
``demo.people`` (names, identifiers, people, families and cases), ``demo.world`` (drawing the
professionals, families and cases), ``demo.document`` (a document being written and what it
names), ``demo.content`` (what each kind of document says) and ``demo.render`` (PDF, DOCX and
EML bytes).
"""

from __future__ import annotations

import json
import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import fitz

from demo.content import _NOTE_TITLES, _TITLES, _WRITERS, _email
from demo.document import _Doc
from demo.people import ANCHOR, _Case, _Person, nhs_number_valid
from demo.render import _docx_bytes, _eml_bytes, _pdf, _scanned
from demo.world import _World

__all__ = ["FORMAT", "ExportSummary", "generate", "nhs_number_valid"]

FORMAT = "disclose-records/1"
_ENCRYPTED_PASSWORD = "disclose-demo"


@dataclass(frozen=True)
class ExportSummary:
    """What a demo export holds."""

    out_dir: Path
    people: int
    professionals: int
    cases: int
    documents: int
    by_format: dict[str, int]
    by_type: dict[str, int]
    awkward: dict[str, str]


# -- the export ------------------------------------------------------------------------------------
def _plan(rng: random.Random, case: _Case, n: int) -> list[tuple[str, date]]:
    """Document types and dates for one case: a referral first, then notes, emails and the rest."""
    end = case.closed or ANCHOR - timedelta(days=3)
    span = max((end - case.opened).days, 10)
    types = ["referral" if case.type != "fostering" else "case_note"]
    extra = {
        "child_protection": ["cp_conference_minutes", "assessment"],
        "looked_after": ["care_plan"],
        "child_in_need": ["assessment"],
        "care_leaver": ["care_plan"],
        "disabilities": ["assessment"],
    }.get(case.type, [])
    types += extra
    while len(types) < n:
        types.append(
            rng.choices(["case_note", "email", "letter", "chronology"], weights=[46, 30, 16, 4])[0]
        )
    offsets = sorted(rng.randrange(0, span) for _ in types)
    offsets[0] = 0
    return [(t, case.opened + timedelta(days=o)) for t, o in zip(types, offsets, strict=True)]


def generate(out_dir: str | Path, *, children: int = 50, seed: int = 2026) -> ExportSummary:
    """Write a deterministic demo export of ``children`` children's records to ``out_dir``."""
    rng = random.Random(seed)
    out = Path(out_dir)
    (out / "documents").mkdir(parents=True, exist_ok=True)
    world = _World(rng)
    world.build_professionals(children)
    subjects: list[tuple[_Person, list[_Case]]] = []
    while len(subjects) < children:
        n_case_children = 2 if children - len(subjects) >= 2 and rng.random() < 0.2 else 1
        fam = world.family(n_case_children)
        for child in rng.sample(fam.children, k=n_case_children):
            cases = world.cases_for(fam, child)
            subjects.append((child, cases))
            lac = next((c for c in cases if c.type == "looked_after"), None)
            if lac and rng.random() < 0.5:
                fc = world.fostering_case(lac)
                if fc:
                    cases.append(fc)

    docs: list[_Doc] = []
    by_case: dict[str, list[_Doc]] = {}
    for _child, cases in subjects:
        total = rng.randrange(6, 13)
        for k, case in enumerate(cases):
            share = max(2, total // len(cases) + (1 if k == len(cases) - 1 else 0))
            for dtype, when in _plan(rng, case, share):
                doc_id = f"D{len(docs) + 1:06d}"
                fmt = "eml" if dtype == "email" else rng.choices(["pdf", "docx"], [40, 35])[0]
                title = rng.choice(_NOTE_TITLES) if dtype == "case_note" else _TITLES.get(dtype, "")
                if title == "School visit" and not case.child.school:
                    title = "Home visit"
                sw = case.get("social_worker")
                d = _Doc(doc_id, case, dtype, when, title, fmt, rng, author=sw)
                if (
                    dtype in ("case_note", "email")
                    and rng.random() < 0.3
                    or case.type == "fostering"
                ):
                    d.first_only.add(case.child.id)
                if dtype == "email":
                    _email(d, case, by_case)
                    d.title = d.subject
                else:
                    _WRITERS[dtype](d, case)
                docs.append(d)
                by_case.setdefault(case.id, []).append(d)

    # three deliberately awkward PDFs, spread through the export
    pdfs = [d for d in docs if d.fmt == "pdf"]
    if len(pdfs) < 3:
        for d in [d for d in docs if d.fmt == "docx"][: 3 - len(pdfs)]:
            d.fmt = "pdf"
        pdfs = [d for d in docs if d.fmt == "pdf"]
    awkward_docs = rng.sample(pdfs, 3)
    for d, kind in zip(awkward_docs, ["truncated", "encrypted", "scanned"], strict=True):
        d.awkward = kind

    manifest_docs: list[dict[str, Any]] = []
    truth: dict[str, Any] = {}
    for d in docs:
        path = out / "documents" / f"{d.id}.{d.fmt}"
        if d.fmt == "pdf":
            footer = f"{d.case.id} - OFFICIAL-SENSITIVE" if rng.random() < 0.6 else ""
            doc = _pdf(d.blocks, d.header, footer, d.title)
            if d.awkward == "scanned":
                data = _scanned(doc)
            elif d.awkward == "encrypted":
                data = doc.tobytes(
                    encryption=fitz.PDF_ENCRYPT_AES_256,
                    owner_pw=_ENCRYPTED_PASSWORD + "-owner",
                    user_pw=_ENCRYPTED_PASSWORD,
                )
            else:
                data = doc.tobytes(garbage=3, deflate=True, no_new_id=True)
                if d.awkward == "truncated":
                    data = data[: max(200, len(data) * 55 // 100)]
            doc.close()
        elif d.fmt == "docx":
            data = _docx_bytes(d.blocks, d.header, d.title)
        else:
            data = _eml_bytes(d)
        path.write_bytes(data)
        people = list(d.mentions)
        if d.author and d.author.id not in people:
            people.append(d.author.id)
        manifest_docs.append(
            {
                "id": d.id,
                "file": f"documents/{d.id}.{d.fmt}",
                "case": d.case.id,
                "type": d.type,
                "date": d.date.isoformat(),
                "author": d.author.id if d.author else None,
                "title": d.title,
                "people": people,
            }
        )
        entry: dict[str, Any] = {
            "people": [{"person": pid, "mentions": ms} for pid, ms in d.mentions.items()],
            "identifiers": [{"kind": k, "text": t} for k, t in d.identifiers if t],
        }
        if d.awkward:
            entry["awkward"] = d.awkward
            if d.awkward == "encrypted":
                entry["password"] = _ENCRYPTED_PASSWORD
        truth[d.id] = entry

    manifest = {
        "format": FORMAT,
        "people": [_person_json(p) for p in world.people],
        "cases": [
            {
                "id": c.id,
                "type": c.type,
                "opened": c.opened.isoformat(),
                "closed": c.closed.isoformat() if c.closed else None,
                "people": [{"person": p.id, "role": role} for p, role in c.roles],
            }
            for c in world.cases
        ],
        "documents": manifest_docs,
    }
    _write_json(out / "manifest.json", manifest)
    _write_json(out / "ground_truth.json", truth)
    return ExportSummary(
        out_dir=out,
        people=len(world.people),
        professionals=sum(1 for p in world.people if p.professional),
        cases=len(world.cases),
        documents=len(docs),
        by_format=dict(sorted(Counter(d.fmt for d in docs).items())),
        by_type=dict(sorted(Counter(d.type for d in docs).items())),
        awkward={d.id: d.awkward for d in awkward_docs if d.awkward},
    )


def _person_json(p: _Person) -> dict[str, Any]:
    addresses = [f"{a[0]}, {a[1]}, {a[2]}" for a in (p.address, p.old_address) if a]
    return {
        "id": p.id,
        "first_names": p.first_names,
        "last_name": p.last_name,
        "aliases": p.aliases,
        "date_of_birth": p.dob.isoformat() if p.dob and not p.professional else None,
        "social_care_number": p.sc_number,
        "nhs_number": p.nhs,
        "addresses": [] if p.professional else addresses,
        "professional": p.professional,
        "organisation": p.organisation,
    }


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
