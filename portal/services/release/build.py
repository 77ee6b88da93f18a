"""Building a pack: the checks before a build, redactions applied to new copies, each copy and the
whole pack verified independently, and what a failed build leaves for staff to fix."""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from typing import Any

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import (
    Document,
    DocumentWork,
    FindingRecord,
    ManualRedaction,
    PackStatus,
    ReleasePack,
    Request,
    WithheldPart,
)
from portal.services import audit, jobs, lifecycle, storage, workflow
from portal.services.actor import Actor
from portal.services.errors import InvalidTransition, NotFound, ServiceError
from portal.services.release.common import (
    IN_SCOPE,
    S,
    _DocPart,
    _label,
    _terms,
    _withheld,
    disclosed_text,
    effective_redactions,
    latest,
    pack_path,
)
from portal.services.release.front import (
    _front_matter,
    _schedule,
)
from portal.timeutil import utcnow


def _unhandled_manual(request_id: int) -> list[str]:
    """Documents still marked for manual handling and not withheld whole."""
    from portal.models import DocumentWork

    withheld = set(
        db.session.scalars(
            select(WithheldPart.document_id).where(
                WithheldPart.request_id == request_id, WithheldPart.page.is_(None)
            )
        )
    )
    return [
        work.document.external_id
        for work in db.session.scalars(
            select(DocumentWork).where(
                DocumentWork.request_id == request_id, DocumentWork.status == "manual"
            )
        )
        if work.document_id not in withheld
    ]


def _undecided_third_party(request_id: int) -> int:
    """Suggestions that would be withheld or disclosed by default without anyone deciding:
    the subject's own data and professionals need no decision (the same rule as the review
    screen, review.needs_no_decision); third parties and unattributed mentions do."""
    from portal.models import FindingRecord
    from portal.services import review

    results = review.outcomes(request_id)
    people = review.parties(request_id)
    findings = {
        f.id: f
        for f in db.session.scalars(
            select(FindingRecord).where(FindingRecord.request_id == request_id)
        )
    }
    return sum(
        1
        for finding_id, outcome in results.items()
        if outcome.decision is None
        and finding_id in findings
        and findings[finding_id].role != "professional"
        and not review.needs_no_decision(findings[finding_id], people)
    )


def start_build(request_id: int, actor: Actor) -> ReleasePack:
    """Start building a new version of the pack (a job); titles carry over from the last one."""
    request = workflow.get_request(request_id)
    if request.status is not S.REVIEW:
        raise InvalidTransition("A pack can only be built while the request is in review")
    previous = latest(request_id)
    if previous is not None and previous.status == PackStatus.BUILDING:
        raise ServiceError("A pack is already being built")
    unhandled = _unhandled_manual(request_id)
    if unhandled:
        raise ServiceError(
            "Documents marked for manual handling must be resolved (upload a handled version) "
            "or withheld first: " + ", ".join(unhandled)
        )
    undecided = _undecided_third_party(request_id)
    if undecided:
        raise ServiceError(
            f"{undecided} suggested redaction(s) of third-party data are not decided yet: "
            "accept or reject each before building the pack"
        )
    blocked = lifecycle.failing(lifecycle.BUILD_GUARDS, request, actor)
    if blocked:
        raise ServiceError(blocked[0])
    version = (
        db.session.scalar(
            select(func.max(ReleasePack.version)).where(ReleasePack.request_id == request_id)
        )
        or 0
    ) + 1
    pack = ReleasePack(
        request_id=request_id,
        version=version,
        status=PackStatus.BUILDING,
        titles=dict(previous.titles) if previous is not None else {},
        built_by_id=actor.user_id,
        verify_report={},
    )
    db.session.add(pack)
    db.session.flush()
    record = jobs.start("release", request_id)
    record.progress = {"pack_id": pack.id}
    audit.record(actor, "pack_build_started", request_id, pack_id=pack.id, version=version)
    return pack


def set_title(request_id: int, document_id: int, title: str | None, actor: Actor) -> ReleasePack:
    """Override a document's title in the index (applies from the next build)."""
    pack = latest(request_id)
    if pack is None:
        raise ServiceError("Build a pack first")
    if pack.status in (PackStatus.APPROVED, PackStatus.RELEASED, PackStatus.BUILDING):
        raise ServiceError("This pack cannot change: build a new version")
    titles = dict(pack.titles or {})
    clean = (title or "").strip()
    if clean:
        titles[str(document_id)] = clean[:300]
    else:
        titles.pop(str(document_id), None)
    pack.titles = titles
    audit.record(actor, "pack_title_set", request_id, pack_id=pack.id, document_id=document_id)
    return pack


def build(pack_id: int) -> ReleasePack:
    """Build the pack's PDF; on any leak the pack fails with where it was found (never what)."""
    from redaction.errors import RedactionError
    from redaction.findings import Finding
    from redaction.limited import apply_limited, verify_limited

    pack = db.session.get(ReleasePack, pack_id)
    if pack is None:
        raise NotFound("No such release pack")
    request = workflow.get_request(pack.request_id)
    works = list(
        db.session.scalars(
            select(DocumentWork)
            .where(DocumentWork.request_id == request.id, DocumentWork.status.in_(IN_SCOPE))
            .order_by(DocumentWork.document_id)
        )
    )
    parts: list[_DocPart] = []
    all_terms: set[str] = set()
    problems: list[dict[str, Any]] = []
    failed_files: list[dict[str, Any]] = []  # redacted copies that failed, for the staff screen
    for work in works:
        items = effective_redactions(request.id, work.document_id)
        whole = [i for i in items if i["page"] is None]
        part = _DocPart(work.document, work, None, [], [], None, Counter())
        parts.append(part)
        if whole:
            part.withheld_code = whole[0]["exemption"]
            continue
        withheld = {int(i["page"]): i["exemption"] for i in items if _withheld(i)}
        part.withheld_pages = sorted(withheld.items())
        if not work.working_copy:
            problems.append(
                {
                    "document": _label(work.document),
                    "page": None,
                    "where": "no working copy (process the document first)",
                }
            )
            continue
        copy_path = os.path.join(
            os.path.dirname(storage.working_copy(request.id, work.document_id)),
            os.path.basename(work.working_copy),
        )
        with open(copy_path, "rb") as fh:
            original = fh.read()
        from redaction.pack import page_count, select_pages

        total = page_count(original)
        part.kept = [p for p in range(1, total + 1) if p not in withheld]
        if not part.kept:
            part.withheld_code = part.withheld_pages[0][1] if part.withheld_pages else None
            continue
        new_number = {old: new for new, old in enumerate(part.kept, start=1)}
        findings = []
        for item in items:
            if _withheld(item) or item["page"] not in new_number:
                continue
            rects = tuple(tuple(float(v) for v in r) for r in item["rects"] or [])
            if not rects:
                continue
            findings.append(
                Finding(
                    # a reviewer's rectangle is redacted as drawn; a finding's boxes are
                    # resolved to its own characters (never a neighbouring line's)
                    kind="MANUAL" if item["source"] == "manual" else "TEXT",
                    text="",
                    page=new_number[item["page"]],
                    start=0,
                    end=0,
                    rects=rects,  # type: ignore[arg-type]
                    exemption=item["exemption"],
                )
            )
            part.schedule[(int(item["page"]), item["exemption"] or "")] += 1
        terms = _terms(request.id, work.document_id, items)
        all_terms |= terms
        allowed = [
            (new_number[page], text)
            for page, text in disclosed_text(request.id, work.document_id, items)
            if page in new_number
        ]
        part.allowed = allowed
        try:
            copy, _report = apply_limited(select_pages(original, part.kept), findings)
            result = verify_limited(copy, sorted(terms), allowed=allowed)
        except RedactionError as exc:  # over the time or memory limit, or damaged
            problems.append(
                {"document": _label(work.document), "page": None, "where": f"not redacted: {exc}"}
            )
            continue
        for leak in result.leaks:
            page = part.kept[leak.page - 1] if 0 < leak.page <= len(part.kept) else None
            problems.append(
                {
                    "document": _label(work.document),
                    "document_id": work.document_id,
                    "page": page,
                    "where": leak.where,
                }
            )
        if result.leaks:
            failed_files.append(
                _keep_failed(pack, f"{work.document_id}", copy)
                | {"parts": [[1, work.document_id, part.kept]]}
            )
        part.pdf = copy
    report: dict[str, Any] = {"documents": len(parts), "terms": len(all_terms)}
    if problems:
        return _fail(pack, {**report, "failed_files": failed_files}, problems)

    from redaction.pack import assemble, page_count

    body = [p.pdf for p in parts if p.pdf is not None]
    front_pages = 1
    for _ in range(5):  # the front matter's length decides the page numbers it prints
        _number_parts(parts, front_pages)
        front = _front_matter(request, pack, parts)
        if page_count(front) == front_pages:
            break
        front_pages = page_count(front)
    back = _schedule(request, parts)
    data = assemble([front, *body, back], request.reference)
    # the same allowance in the assembled pack, at each document's pages there
    pack_allowed = [
        (p.start + page - 1, text) for p in parts if p.pdf is not None for page, text in p.allowed
    ]
    # the cover letter names the requester and lists what was searched: the data subject's
    # own names and dates ("Tyrone Andre Thompson" holds the father's "Andre")
    pack_allowed += [
        (page, text) for page in range(1, front_pages + 1) for text in _own_words(request)
    ]
    result = verify_limited(data, sorted(all_terms), allowed=pack_allowed)
    result.leaks += _ligature_leaks(data, sorted(all_terms), pack_allowed)
    report["extractors"] = result.extractors
    if result.leaks:
        layout = [[p.start, p.work.document_id, p.kept] for p in parts if p.pdf is not None]
        failed_files.append(_keep_failed(pack, "pack", data) | {"parts": layout})
        return _fail(
            pack,
            {**report, "failed_files": failed_files},
            [
                {
                    "document": _where_in_pack(parts, leak.page, front_pages),
                    "document_id": own[0] if (own := _own_page(layout, leak.page)) else None,
                    "page": own[1] if own else leak.page or None,
                    "where": leak.where,
                }
                for leak in result.leaks
            ],
        )
    storage.folder("packs")
    pack.file_name = f"{request.reference}-v{pack.version}.pdf"
    path = pack_path(pack)
    with open(path, "wb") as fh:
        fh.write(data)
    pack.sha256 = hashlib.sha256(data).hexdigest()
    pack.pages = page_count(data)
    lifecycle.fire_pack(pack, "built", Actor.system("release job"))
    pack.built_at = utcnow()
    pack.verify_report = {**report, "ok": True, "leaks": []}
    audit.record(
        Actor.system("release job"),
        "pack_built",
        request.id,
        pack_id=pack.id,
        version=pack.version,
        pages=pack.pages,
    )
    return pack


def _own_words(request: Request) -> list[str]:
    """What the cover letter prints of the requester and the data subject: their names and
    every search term of the last records search (the subject's name forms and dates)."""
    from portal.models import SearchRun

    run = db.session.scalar(
        select(SearchRun)
        .where(SearchRun.request_id == request.id)
        .order_by(SearchRun.id.desc())
        .limit(1)
    )
    words = [request.requester.full_name, request.subject.full_name]
    words += [str(item.get("term", "")) for item in (run.searched if run is not None else [])]
    return [w for w in words if w.strip()]


def _ligature_leaks(
    data: bytes, terms: list[str], allowed: list[tuple[int, str]] | None = None
) -> list[Any]:
    """The pack's letter, index and schedule are typeset with ligatures ("ﬁ"), which the
    verifier's normalising does not undo: check the text again after NFKC folding."""
    import subprocess
    import unicodedata

    from redaction.verify import _Checker

    proc = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"],
        input=data,
        capture_output=True,
        timeout=300,
        check=False,
    )
    if proc.returncode != 0:
        raise ServiceError("pdftotext could not read the pack")
    checker = _Checker(terms, allowed or [])
    pages = proc.stdout.decode("utf-8", "replace").split("\f")
    for number, text in enumerate(pages, start=1):
        checker.check(unicodedata.normalize("NFKC", text), number, "text (pdftotext, NFKC)")
    return list(checker.leaks)


def _fail(pack: ReleasePack, report: dict[str, Any], leaks: list[dict[str, Any]]) -> ReleasePack:
    lifecycle.fire_pack(pack, "failed", Actor.system("release job"))
    pack.built_at = utcnow()
    pack.verify_report = {**report, "ok": False, "leaks": leaks}
    audit.record(
        Actor.system("release job"),
        "pack_failed",
        pack.request_id,
        pack_id=pack.id,
        leaks=len(leaks),
    )
    return pack


def _number_parts(parts: list[_DocPart], front_pages: int) -> None:
    page = front_pages + 1
    for part in parts:
        if part.pdf is None:
            continue
        part.start = page
        page += len(part.kept)


def _keep_failed(pack: ReleasePack, what: str, data: bytes) -> dict[str, Any]:
    """Keep a copy that failed verification (beside the working copies, never in a row or a
    log), so that the staff screen can show what could still be read."""
    storage.folder("failed")
    name = f"pack{pack.id}-{what}.pdf"
    with open(storage.failed_copy(name), "wb") as fh:
        fh.write(data)
    return {"file": name}


def _own_page(layout: list[list[Any]], page: int) -> tuple[int, int] | None:
    """(document id, that document's own page) for a page of a file laid out as
    ``[[first page in the file, document id, kept original pages], ...]``."""
    for start, document_id, kept in layout:
        if start <= page < start + len(kept):
            return int(document_id), int(kept[page - start])
    return None


def leak_details(pack_id: int) -> list[dict[str, Any]]:
    """For a pack that failed verification: each text still readable, whose it is, in which
    document and on that document's own page. Computed when a caseworker opens the screen,
    so the text is never stored in the pack, a job row, the audit log or a log."""
    from redaction.errors import RedactionError
    from redaction.limited import verify_limited

    pack = db.session.get(ReleasePack, pack_id)
    if pack is None or pack.status != PackStatus.FAILED:
        return []
    out: list[dict[str, Any]] = []
    seen: set[tuple[int, int, str]] = set()
    for entry in (pack.verify_report or {}).get("failed_files", []):
        path = storage.failed_copy(str(entry.get("file", "")))
        if not os.path.exists(path):
            continue
        layout = entry.get("parts") or []
        terms: set[str] = set()
        allowed: list[tuple[int, str]] = []
        for start, document_id, kept in layout:
            items = effective_redactions(pack.request_id, int(document_id))
            terms |= _terms(pack.request_id, int(document_id), items)
            at = {int(old): int(start) + i for i, old in enumerate(kept)}
            allowed += [
                (at[page], text)
                for page, text in disclosed_text(pack.request_id, int(document_id), items)
                if page in at
            ]
        first_body = min((int(p[0]) for p in layout), default=0)
        request = db.session.get(Request, pack.request_id)
        if request is not None:
            allowed += [(pg, w) for pg in range(1, first_body) for w in _own_words(request)]
        with open(path, "rb") as fh:
            data = fh.read()
        try:
            leaks = verify_limited(data, sorted(terms), allowed=allowed).leaks
        except RedactionError:
            continue
        for leak in leaks:
            own = _own_page(layout, leak.page) if leak.page else None
            if own is None and leak.page and leak.page < first_body:
                # the cover letter or the index: a document's title usually (change it below)
                key = (0, int(leak.page), leak.term)
                if key not in seen:
                    seen.add(key)
                    out.append(
                        {
                            "document_id": None,
                            "document": "Cover letter or index",
                            "page": leak.page,
                            "text": leak.term,
                            "whose": "a title in the index? Change it under Titles in the index",
                            "fixed": False,
                        }
                    )
                continue
            if own is None:
                continue  # found only in the file's streams: the document and page list says where
            document_id, page = own
            if (document_id, page, leak.term) in seen:
                continue
            seen.add((document_id, page, leak.term))
            finding = db.session.scalars(
                select(FindingRecord).where(
                    FindingRecord.request_id == pack.request_id,
                    FindingRecord.document_id == document_id,
                    FindingRecord.text == leak.term,
                )
            ).first()
            whose = "added by hand"
            if finding is not None:
                whose = finding.party or " or ".join(finding.candidates or []) or "unknown person"
            document = db.session.get(Document, document_id)
            # redacted by hand since this build: the next build will tell
            fixed = db.session.scalar(
                select(ManualRedaction.id).where(
                    ManualRedaction.request_id == pack.request_id,
                    ManualRedaction.document_id == document_id,
                    ManualRedaction.page == page,
                    ManualRedaction.text == leak.term,
                    ManualRedaction.removed.is_(False),
                    ManualRedaction.created_at > (pack.built_at or utcnow()),
                )
            )
            out.append(
                {
                    "document_id": document_id,
                    "document": _label(document) if document else str(document_id),
                    "page": page,
                    "text": leak.term,
                    "whose": whose,
                    "fixed": fixed is not None,
                }
            )
    return sorted(out, key=lambda d: (d["document"], d["page"], d["text"]))


def _where_in_pack(parts: list[_DocPart], page: int, front_pages: int) -> str:
    if page <= 0:
        return "pack file"
    if page <= front_pages:
        return "cover letter or index"
    for part in parts:
        if part.pdf is not None and part.start <= page < part.start + len(part.kept):
            return _label(part.document)
    return "schedule of redactions"
