"""The release pack: building it (redactions applied to new copies, each copy and the whole pack
verified independently), approval by someone who did not review it, immutability of an approved
pack, and delivery through an expiring link plus a one-time code, or a posted print copy."""

from __future__ import annotations

import hashlib
import html
import os
import secrets
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from portal.extensions import db
from portal.models import (
    DeliveryLink,
    Document,
    DocumentWork,
    FindingDecision,
    FindingRecord,
    HarmOpinion,
    ManualRedaction,
    PackStatus,
    PersonDecision,
    ReleasePack,
    Request,
    RequestStatus,
    Role,
    SearchRun,
    WithheldPart,
)
from portal.services import audit, jobs, letters, lifecycle, notice, settings, workflow
from portal.services.actor import Actor
from portal.services.detection import working_copy_path
from portal.services.errors import InvalidTransition, NotFound, ServiceError
from portal.timeutil import COUNCIL_TZ, as_utc, council_today, utcnow

S = RequestStatus
IN_SCOPE = ("done", "manual")
CODE_MINUTES = 15
CODE_TRIES = 5
# what the outbox (and so the staff's correspondence panel) says in place of the secrets
LINK_LABEL = letters.LINK_LABEL
CODE_LABEL = letters.CODE_LABEL
IDENTITY_CHECK_CHARS = 300


class PackChanged(ServiceError):
    """The pack file no longer matches the checksum recorded when it was built."""


class LinkExpired(ServiceError):
    """The download link is unknown or past its expiry."""


class CodeRefused(ServiceError):
    """The one-time code is wrong, expired or has had too many tries."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


# --- what to redact ----------------------------------------------------------------------------


def effective_redactions(request_id: int, document_id: int) -> list[dict[str, Any]]:
    """The redactions for one document, from the review service (own fallback until it lands)."""
    try:
        from portal.services import review
    except ImportError:
        review = None  # type: ignore[assignment]
    if review is not None and hasattr(review, "effective_redactions"):
        return list(review.effective_redactions(request_id, document_id))
    return _effective_fallback(request_id, document_id)


def harm_opinions_missing(request_id: int) -> list[str]:
    """Harm-based exemptions still waiting for the professional's opinion."""
    try:
        from portal.services import review
    except ImportError:
        review = None  # type: ignore[assignment]
    if review is not None and hasattr(review, "harm_opinions_missing"):
        return list(review.harm_opinions_missing(request_id))
    rows = db.session.scalars(
        select(HarmOpinion).where(
            HarmOpinion.request_id == request_id, HarmOpinion.opinion.is_(None)
        )
    )
    return sorted({r.exemption for r in rows})


def _effective_fallback(request_id: int, document_id: int) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for finding, decision in db.session.execute(
        select(FindingRecord, FindingDecision)
        .join(FindingDecision, FindingDecision.finding_id == FindingRecord.id)
        .where(
            FindingRecord.request_id == request_id,
            FindingRecord.document_id == document_id,
            FindingDecision.decision == "accepted",
        )
    ):
        out.append(
            {
                "page": finding.page,
                "rects": finding.rects,
                "exemption": decision.exemption or finding.exemption,
                "source": "finding",
            }
        )
    for manual in db.session.scalars(
        select(ManualRedaction).where(
            ManualRedaction.request_id == request_id,
            ManualRedaction.document_id == document_id,
            ManualRedaction.removed.is_(False),
        )
    ):
        out.append(
            {
                "page": manual.page,
                "rects": manual.rects,
                "exemption": manual.exemption,
                "source": "manual",
            }
        )
    for part in db.session.scalars(
        select(WithheldPart).where(
            WithheldPart.request_id == request_id, WithheldPart.document_id == document_id
        )
    ):
        source = "withheld document" if part.page is None else "withheld page"
        out.append({"page": part.page, "rects": [], "exemption": part.exemption, "source": source})
    return out


def _withheld(item: dict[str, Any]) -> bool:
    """A withheld page or document: no rectangles (the whole of it), or said so."""
    return not item.get("rects") or str(item.get("source", "")).startswith("withheld")


def _terms(request_id: int, document_id: int, items: list[dict[str, Any]]) -> set[str]:
    """The strings that must not be recoverable: texts of the findings redacted (matched by
    page and rectangles, however the review decided them) and the text of manual redactions."""
    boxes = {(i["page"], _rect_key(i["rects"])) for i in items if i["page"] is not None}
    terms: set[str] = set()
    for finding in db.session.scalars(
        select(FindingRecord).where(
            FindingRecord.request_id == request_id, FindingRecord.document_id == document_id
        )
    ):
        if (finding.page, _rect_key(finding.rects)) in boxes:
            terms.add(finding.text)
    for decision_text in db.session.scalars(
        select(FindingRecord.text)
        .join(FindingDecision, FindingDecision.finding_id == FindingRecord.id)
        .where(
            FindingRecord.request_id == request_id,
            FindingRecord.document_id == document_id,
            FindingDecision.decision == "accepted",
        )
    ):
        terms.add(decision_text)
    for text in db.session.scalars(
        select(ManualRedaction.text).where(
            ManualRedaction.request_id == request_id,
            ManualRedaction.document_id == document_id,
            ManualRedaction.removed.is_(False),
        )
    ):
        if text:
            terms.add(text)
    return {t.strip() for t in terms if t and len(t.strip()) > 1}


def _rect_key(rects: Any) -> tuple[tuple[float, ...], ...]:
    return tuple(tuple(round(float(v), 1) for v in r) for r in (rects or []))


# --- the pack's lifecycle ----------------------------------------------------------------------


def packs(request_id: int) -> list[ReleasePack]:
    """Every version of the pack, newest first."""
    return list(
        db.session.scalars(
            select(ReleasePack)
            .where(ReleasePack.request_id == request_id)
            .order_by(ReleasePack.version.desc())
        )
    )


def latest(request_id: int) -> ReleasePack | None:
    """The newest version of the pack, if any."""
    found = packs(request_id)
    return found[0] if found else None


def get_pack(request_id: int, pack_id: int) -> ReleasePack:
    """The pack of this request, or NotFound."""
    pack = db.session.get(ReleasePack, pack_id)
    if pack is None or pack.request_id != request_id:
        raise NotFound("No such release pack")
    return pack


def _unhandled_manual(request_id: int) -> list[str]:
    """Documents still marked for manual handling and not withheld whole."""
    from portal.models import DocumentWork, WithheldPart

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
    the subject's own data and professionals need no decision; third parties do."""
    from portal.models import FindingRecord
    from portal.services import review

    results = review.outcomes(request_id)
    roles = dict(
        db.session.execute(
            select(FindingRecord.id, FindingRecord.role).where(
                FindingRecord.request_id == request_id
            )
        ).all()
    )
    return sum(
        1
        for finding_id, outcome in results.items()
        if outcome.decision is None and roles.get(finding_id) not in ("subject", "professional")
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


def pack_path(pack: ReleasePack) -> str:
    """Where a pack's PDF is kept."""
    return os.path.join(current_app.config["DOCUMENTS_DIR"], "packs", pack.file_name or "")


def sha256_file(path: str) -> str:
    """The file's SHA-256 in hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def check_integrity(pack: ReleasePack, actor: Actor) -> str:
    """The pack file's path when it still matches its recorded checksum; PackChanged if not."""
    path = pack_path(pack)
    if not pack.file_name or not pack.sha256:
        raise ServiceError("This pack has no file")
    actual = sha256_file(path) if os.path.exists(path) else None
    if actual != pack.sha256:
        audit.record(actor, "pack_changed", pack.request_id, pack_id=pack.id)
        raise PackChanged(
            f"The file of pack version {pack.version} has changed since it was built. "
            "Build a new version."
        )
    return path


# --- building ---------------------------------------------------------------------------------


@dataclass
class _DocPart:
    document: Document
    work: DocumentWork
    pdf: bytes | None  # None: withheld in full
    kept: list[int]  # original page numbers kept, in order
    withheld_pages: list[tuple[int, str]]
    withheld_code: str | None
    schedule: Counter[tuple[int, str]]  # (original page, code) -> redactions
    start: int = 0  # first pack page of this document


def build(pack_id: int) -> ReleasePack:
    """Build the pack's PDF; on any leak the pack fails with where it was found (never what)."""
    from redaction.errors import RedactionError
    from redaction.findings import Finding
    from redaction.limited import apply_limited, verify_limited

    pack = db.session.get(ReleasePack, pack_id)
    if pack is None:
        raise NotFound("No such release pack")
    request = workflow.get_request(pack.request_id)
    docs_dir = current_app.config["DOCUMENTS_DIR"]
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
        with open(
            os.path.join(
                os.path.dirname(working_copy_path(docs_dir, request.id, work.document_id)),
                work.working_copy,
            ),
            "rb",
        ) as fh:
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
        try:
            copy, _report = apply_limited(select_pages(original, part.kept), findings)
            result = verify_limited(copy, sorted(terms))
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
    result = verify_limited(data, sorted(all_terms))
    result.leaks += _ligature_leaks(data, sorted(all_terms))
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
    os.makedirs(os.path.join(docs_dir, "packs"), exist_ok=True)
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


def _ligature_leaks(data: bytes, terms: list[str]) -> list[Any]:
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
    checker = _Checker(terms)
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


def _label(document: Document) -> str:
    return document.external_id


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
    folder = os.path.join(current_app.config["DOCUMENTS_DIR"], "failed")
    os.makedirs(folder, exist_ok=True)
    name = f"pack{pack.id}-{what}.pdf"
    with open(os.path.join(folder, name), "wb") as fh:
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
    folder = os.path.join(current_app.config["DOCUMENTS_DIR"], "failed")
    out: list[dict[str, Any]] = []
    seen: set[tuple[int, int, str]] = set()
    for entry in (pack.verify_report or {}).get("failed_files", []):
        path = os.path.join(folder, os.path.basename(str(entry.get("file", ""))))
        if not os.path.exists(path):
            continue
        layout = entry.get("parts") or []
        doc_ids = [int(p[1]) for p in layout]
        terms: set[str] = set()
        for document_id in doc_ids:
            terms |= _terms(
                pack.request_id, document_id, effective_redactions(pack.request_id, document_id)
            )
        with open(path, "rb") as fh:
            data = fh.read()
        try:
            leaks = verify_limited(data, sorted(terms)).leaks
        except RedactionError:
            continue
        for leak in leaks:
            own = _own_page(layout, leak.page) if leak.page else None
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
            out.append(
                {
                    "document_id": document_id,
                    "document": _label(document) if document else str(document_id),
                    "page": page,
                    "text": leak.term,
                    "whose": whose,
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


def _title(pack: ReleasePack, document: Document) -> str:
    return (pack.titles or {}).get(str(document.id)) or document.title


def _e(value: Any) -> str:
    return html.escape(str(value))


def _front_matter(request: Request, pack: ReleasePack, parts: list[_DocPart]) -> bytes:
    from redaction.pack import html_pages

    council = settings.get("council_name")
    requester = request.requester
    run = db.session.scalar(
        select(SearchRun)
        .where(SearchRun.request_id == request.id)
        .order_by(SearchRun.id.desc())
        .limit(1)
    )
    out = [
        f"<p>{_e(council)}<br>{_e(settings.get('council_address'))}</p>",
        f"<p>{council_today():%-d %B %Y}</p>",
        f"<p>{_e(requester.full_name)}",
    ]
    if requester.address:
        out.append("<br>" + "<br>".join(_e(x) for x in requester.address.splitlines()))
    out.append("</p>")
    out.append(f"<h1>Your request for information: {_e(request.reference)}</h1>")
    out.append(f"<p>Dear {_e(requester.full_name)},</p>")
    out.append(
        f"<p>This is our response to your subject access request received on "
        f"{request.received_date:%-d %B %Y}, reference {_e(request.reference)}. It contains a copy "
        "of the personal information we hold, the information the law says we must give you "
        "with it, an index of the documents and a schedule of any information we have removed."
        "</p>"
    )
    out.append("<h2>What we searched</h2>")
    searched = run.searched if run is not None else []
    if searched:
        out.append("<ul>")
        for item in searched:
            out.append(
                f"<li>{_e(item.get('how', 'search'))}: {_e(item.get('term', ''))} "
                f"({_e(item.get('hits', 0))} result(s))</li>"
            )
        out.append("</ul>")
    else:
        out.append("<p>The case records held by Children's Services.</p>")
    out.append("<h2>Information we have removed</h2>")
    out.append(
        "<p>Some information has been removed because the law allows or requires us to withhold "
        "it, for example where it is about another person. Each removal is shown as a black box "
        "marked with a code. The schedule at the end of this pack lists every removal by "
        "document, page and code, and the law each code refers to. Pages or documents withheld "
        "in full are shown in the index.</p>"
    )
    for heading, lines in notice.sections():
        if heading:
            out.append(f"<h2>{_e(heading)}</h2>")
        items = [ln[2:] for ln in lines if ln.startswith("- ")]
        for line in lines:
            if not line.startswith("- "):
                out.append(f"<p>{_e(line)}</p>")
        if items:
            out.append("<ul>" + "".join(f"<li>{_e(i)}</li>" for i in items) + "</ul>")
    out.append(
        f"<p>Yours sincerely,</p><p>Data protection team, {_e(council)}<br>"
        f"{_e(settings.get('dpo_email'))}, {_e(settings.get('dpo_phone'))}</p>"
    )
    out.append('<h1 style="page-break-before: always">Index of documents</h1>')
    out.append(
        "<table><tr><th>No.</th><th>Document</th><th>Date</th><th>Pages in this pack</th>"
        "<th>Released</th></tr>"
    )
    for number, part in enumerate(parts, start=1):
        date = f"{part.document.doc_date:%-d %B %Y}" if part.document.doc_date else ""
        if part.pdf is None:
            pages, status = "-", f"Withheld in full ({_e(part.withheld_code or '')})"
        else:
            end = part.start + len(part.kept) - 1
            pages = f"{part.start}-{end}" if end > part.start else str(part.start)
            status = "Yes"
            if part.withheld_pages:
                status += f", {len(part.withheld_pages)} page(s) withheld"
            if part.schedule:
                status += ", with redactions"
        out.append(
            f"<tr><td>{number}</td><td>{_e(_title(pack, part.document))}</td>"
            f"<td>{date}</td><td>{pages}</td><td>{status}</td></tr>"
        )
    out.append("</table>")
    return html_pages("\n".join(out))


def schedule_rows(parts: list[_DocPart]) -> list[dict[str, Any]]:
    """One row per document, page and code: how many redactions, and the citation."""
    cites = notice.citations()
    rows: list[dict[str, Any]] = []
    for number, part in enumerate(parts, start=1):
        if part.pdf is None:
            rows.append(
                {
                    "document": number,
                    "page": "all",
                    "pack_page": "-",
                    "code": part.withheld_code or "",
                    "count": "withheld in full",
                    "citation": cites.get(part.withheld_code or "", part.withheld_code),
                }
            )
            continue
        for page, code in part.withheld_pages:
            rows.append(
                {
                    "document": number,
                    "page": page,
                    "pack_page": "-",
                    "code": code,
                    "count": "page withheld",
                    "citation": cites.get(code, code),
                }
            )
        for (page, code), count in sorted(part.schedule.items()):
            pack_page = part.start + part.kept.index(page)
            rows.append(
                {
                    "document": number,
                    "page": page,
                    "pack_page": pack_page,
                    "code": code,
                    "count": count,
                    "citation": cites.get(code, code),
                }
            )
    return rows


def _schedule(request: Request, parts: list[_DocPart]) -> bytes:
    from redaction.pack import html_pages

    out = [
        "<h1>Schedule of redactions</h1>",
        "<p>Each row gives a document (its number in the index), a page, the code marked on "
        "the black boxes, how many pieces of information were removed there, and the law that "
        "allows it.</p>",
        "<table><tr><th>Document</th><th>Page of document</th><th>Page of pack</th>"
        "<th>Code</th><th>Redactions</th><th>Reason</th></tr>",
    ]
    rows = schedule_rows(parts)
    for row in rows:
        out.append(
            "<tr>"
            + "".join(
                f'<td style="white-space: nowrap">{_e(row[k])}</td>'
                if k == "code"
                else f"<td>{_e(row[k])}</td>"
                for k in ("document", "page", "pack_page", "code", "count", "citation")
            )
            + "</tr>"
        )
    out.append("</table>")
    if not rows:
        out.append("<p>No information has been removed.</p>")
    return html_pages("\n".join(out))


# --- approval ---------------------------------------------------------------------------------


def reviewers(request_id: int) -> set[int]:
    """Everyone who took a redaction decision on this request."""
    found: set[int] = set()
    for column, where in (
        (FindingDecision.decided_by_id, FindingDecision.request_id),
        (ManualRedaction.created_by_id, ManualRedaction.request_id),
        (PersonDecision.decided_by_id, PersonDecision.request_id),
        (WithheldPart.created_by_id, WithheldPart.request_id),
    ):
        found.update(x for x in db.session.scalars(select(column).where(where == request_id)) if x)
    return found


def request_approval(request_id: int, actor: Actor) -> ReleasePack:
    """Send the newest built pack to an approving officer (review -> approval)."""
    request = workflow.get_request(request_id)
    pack = latest(request_id)
    if pack is None or pack.status != PackStatus.BUILT:
        raise ServiceError("Build a pack that passes verification first")
    check_integrity(pack, actor)
    lifecycle.fire(request, "submit_for_approval", actor, f"pack version {pack.version}")
    audit.record(actor, "pack_submitted", request_id, pack_id=pack.id, version=pack.version)
    return pack


def _independent(request_id: int, pack: ReleasePack, actor: Actor) -> None:
    if Role.APPROVER not in actor.roles:
        raise ServiceError("Only an approving officer can decide on a pack")
    if actor.user_id is None or actor.user_id == pack.built_by_id:
        raise ServiceError("You built this pack, so someone else must approve it")
    if actor.user_id in reviewers(request_id):
        raise ServiceError(
            "You reviewed documents in this request, so someone else must approve it"
        )


def _awaiting(request_id: int, pack_id: int) -> tuple[Request, ReleasePack]:
    request = workflow.get_request(request_id)
    pack = get_pack(request_id, pack_id)
    newest = latest(request_id)
    if request.status is not S.APPROVAL or pack.status != PackStatus.BUILT or newest is not pack:
        raise InvalidTransition("This pack is not waiting for approval")
    return request, pack


def approve(request_id: int, pack_id: int, actor: Actor, comment: str | None = None) -> ReleasePack:
    """Approve the pack (recorded late when past the due date); it is immutable from now on."""
    request, pack = _awaiting(request_id, pack_id)
    _independent(request_id, pack, actor)
    check_integrity(pack, actor)
    lifecycle.fire_pack(pack, "approve", actor, request)
    pack.decided_by_id = actor.user_id
    pack.decided_at = utcnow()
    pack.comment = (comment or "").strip() or None
    pack.late = request.due_date is not None and council_today() > request.due_date
    audit.record(
        actor, "pack_approved", request_id, pack_id=pack.id, version=pack.version, late=pack.late
    )
    return pack


def send_back(request_id: int, pack_id: int, actor: Actor, comment: str) -> ReleasePack:
    """Send the pack back to review with a comment (approval -> review)."""
    request, pack = _awaiting(request_id, pack_id)
    _independent(request_id, pack, actor)
    text = (comment or "").strip()
    if not text:
        raise ServiceError("Say what needs to change")
    lifecycle.fire_pack(pack, "send_back", actor, request)
    pack.decided_by_id = actor.user_id
    pack.decided_at = utcnow()
    pack.comment = text
    lifecycle.fire(request, "send_back", actor, text)
    audit.record(actor, "pack_sent_back", request_id, pack_id=pack.id, version=pack.version)
    return pack


# --- delivery ---------------------------------------------------------------------------------


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def release(request_id: int, pack_id: int, actor: Actor) -> tuple[DeliveryLink, str]:
    """Release an approved pack: a download link (only its hash kept), emailed to the requester."""
    request = workflow.get_request(request_id)
    pack = get_pack(request_id, pack_id)
    if pack.status != PackStatus.APPROVED:
        raise ServiceError("Only an approved pack can be released")
    check_integrity(pack, actor)
    token = secrets.token_urlsafe(32)
    days = int(current_app.config.get("DELIVERY_LINK_DAYS") or 28)
    link = DeliveryLink(
        pack_id=pack.id,
        token_hash=_digest(token),
        expires_at=utcnow() + timedelta(days=days),
        code_tries=0,
    )
    db.session.add(link)
    lifecycle.fire(request, "release", actor, f"pack version {pack.version}")
    lifecycle.fire_pack(pack, "release", actor, request)
    db.session.flush()
    audit.record(actor, "pack_released", request_id, pack_id=pack.id, link_id=link.id)
    if request.requester.email:
        base = str(current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
        expires = as_utc(link.expires_at).astimezone(COUNCIL_TZ)
        # The link is merged in by the send job only: staff read the placeholder.
        letters.send(
            request,
            "pack_released",
            expires=expires.date(),
            code_minutes=CODE_MINUTES,
            secrets={LINK_LABEL: f"{base}/download/{token}"},
            secrets_expire_at=link.expires_at,
        )
    else:
        # no email address: a covering letter to print and post with the pack
        letters.send(request, "response_cover")
    return link, token


def find_link(token: str) -> DeliveryLink | None:
    """The delivery link for a token (None when unknown)."""
    return db.session.scalar(
        select(DeliveryLink).where(DeliveryLink.token_hash == _digest(token or ""))
    )


def usable_link(token: str) -> DeliveryLink:
    """The link, if known and not expired; LinkExpired otherwise."""
    link = find_link(token)
    if link is None or as_utc(link.expires_at) < utcnow():
        raise LinkExpired("This download link has expired or is not valid")
    return link


def _new_code(link: DeliveryLink) -> str:
    code = f"{secrets.randbelow(1_000_000):06d}"
    link.code_hash = generate_password_hash(code)
    link.code_expires_at = utcnow() + timedelta(minutes=CODE_MINUTES)
    link.code_tries = 0
    db.session.flush()
    return code


def _pack_request(link: DeliveryLink) -> tuple[ReleasePack, Request]:
    pack = db.session.get(ReleasePack, link.pack_id)
    if pack is None:
        raise NotFound("No such pack")
    return pack, workflow.get_request(pack.request_id)


def email_code(token: str) -> None:
    """Send a fresh one-time code to the requester's email address (merged in by the send job
    only: staff read a placeholder)."""
    link = usable_link(token)
    pack, request = _pack_request(link)
    if not request.requester.email:
        raise ServiceError("There is no email address to send a code to: call us for one")
    code = _new_code(link)
    audit.record(Actor.requester(), "download_code_sent", request.id, link_id=link.id)
    letters.send(
        request,
        "download_code",
        code_minutes=CODE_MINUTES,
        secrets={CODE_LABEL: code},
        secrets_expire_at=link.code_expires_at,
    )


def staff_code(request_id: int, actor: Actor, identity_check: str) -> str:
    """A fresh one-time code for staff to read out by phone (the latest released link), once
    they have checked the caller is the requester and said how. The code is shown to them
    once; the audit records who issued it and the check, never the code."""
    if not actor.roles & {Role.CASEWORKER, Role.PHONE_STAFF}:
        raise ServiceError("Only caseworkers and phone staff can issue a code by phone")
    check = " ".join((identity_check or "").split())
    if not check:
        raise ServiceError("Say how you checked the caller is the requester")
    link = db.session.scalar(
        select(DeliveryLink)
        .join(ReleasePack, ReleasePack.id == DeliveryLink.pack_id)
        .where(ReleasePack.request_id == request_id)
        .order_by(DeliveryLink.id.desc())
        .limit(1)
    )
    if link is None or as_utc(link.expires_at) < utcnow():
        raise ServiceError("There is no current download link for this request")
    code = _new_code(link)
    audit.record(
        actor,
        "download_code_issued",
        request_id,
        link_id=link.id,
        identity_checked=check[:IDENTITY_CHECK_CHARS],
    )
    return code


def redeem_code(token: str, code: str) -> tuple[ReleasePack, str]:
    """Check the code (5 tries, 15 minutes); the pack and its verified file path to send."""
    link = usable_link(token)
    if (
        link.code_hash is None
        or link.code_expires_at is None
        or as_utc(link.code_expires_at) < utcnow()
    ):
        raise CodeRefused("The code has expired. Ask for a new code.", "expired")
    if link.code_tries >= CODE_TRIES:
        raise CodeRefused("Too many wrong codes. Ask for a new code.", "tries")
    link.code_tries += 1
    db.session.flush()
    if not check_password_hash(link.code_hash, (code or "").strip()):
        left = CODE_TRIES - link.code_tries
        if left <= 0:
            raise CodeRefused("Too many wrong codes. Ask for a new code.", "tries")
        raise CodeRefused(f"The code is not right. You have {left} more tries.", "wrong")
    link.code_hash = None  # one-time
    link.code_expires_at = None
    pack, request = _pack_request(link)
    path = check_integrity(pack, Actor.requester())
    audit.record(Actor.requester(), "pack_downloaded", request.id, pack_id=pack.id, link_id=link.id)
    if request.status is S.RELEASED:
        lifecycle.fire(request, "delivered", Actor.requester(), "pack downloaded")
    return pack, path


def mark_posted(request_id: int, actor: Actor) -> ReleasePack:
    """A print copy of the released pack was posted: recorded, and the request closed."""
    request = workflow.get_request(request_id)
    pack = next((p for p in packs(request_id) if p.status == PackStatus.RELEASED), None)
    if pack is None:
        raise ServiceError("Release the approved pack first")
    check_integrity(pack, actor)
    for link in db.session.scalars(select(DeliveryLink).where(DeliveryLink.pack_id == pack.id)):
        link.posted_at = link.posted_at or utcnow()
    audit.record(actor, "pack_posted", request_id, pack_id=pack.id)
    if request.status is S.RELEASED:
        lifecycle.fire(request, "delivered", actor, "print copy posted")
    return pack


def preview(request_id: int, pack_id: int, actor: Actor) -> str:
    """The file staff may open: exactly the requester's PDF (checked, audited)."""
    pack = get_pack(request_id, pack_id)
    path = check_integrity(pack, actor)
    audit.record(actor, "pack_previewed", request_id, pack_id=pack.id)
    return path


def by_page_and_code(request_id: int) -> dict[int, Counter[tuple[int, str]]]:
    """Redactions per document, page and code (the schedule's source), for checks and pages."""
    out: dict[int, Counter[tuple[int, str]]] = defaultdict(Counter)
    for work in db.session.scalars(
        select(DocumentWork).where(DocumentWork.request_id == request_id)
    ):
        for item in effective_redactions(request_id, work.document_id):
            if item["page"] is not None and not _withheld(item):
                out[work.document_id][(int(item["page"]), item["exemption"] or "")] += 1
    return out
