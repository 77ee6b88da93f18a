"""Marks a reviewer adds: manual rectangles, selected text, find-and-redact, handled versions of
manual-handling documents, withheld pages and documents, and the redactions in effect."""

from __future__ import annotations

import os
from typing import Any

from sqlalchemy import select

from portal.extensions import db
from portal.models import (
    DocumentWork,
    FindingRecord,
    ManualRedaction,
    WithheldPart,
)
from portal.services import audit
from portal.services.actor import Actor
from portal.services.detection import document_work
from portal.services.errors import NotFound, ServiceError
from portal.services.review.common import (
    _documents_dir,
    _editable,
    _exemption,
    _pdf_path,
)
from portal.services.review.decisions import (
    outcomes,
    parties,
)
from redaction import pages


def _check_rects(rects: Any, width: float | None = None, height: float | None = None) -> list:
    clean = []
    if not isinstance(rects, list | tuple) or not rects:
        raise ServiceError("Draw a rectangle on the page")
    for rect in rects:
        try:
            x0, y0, x1, y1 = (float(v) for v in rect)
        except (TypeError, ValueError) as exc:
            raise ServiceError("A rectangle needs four numbers") from exc
        x0, x1 = sorted((x0, x1))
        y0, y1 = sorted((y0, y1))
        if x1 - x0 < 1 or y1 - y0 < 1 or x0 < 0 or y0 < 0:
            raise ServiceError("The rectangle is too small or off the page")
        if width is not None and height is not None and (x0 > width or y0 > height):
            raise ServiceError("The rectangle is off the page")
        clean.append([round(x0, 2), round(y0, 2), round(x1, 2), round(y1, 2)])
    return clean


def add_manual(
    request_id: int,
    document_id: int,
    page: int,
    rects: list[list[float]],
    exemption: str,
    note: str | None,
    actor: Actor,
    text: str | None = None,
) -> ManualRedaction:
    """A redaction the reviewer drew (rectangles in PDF points, origin top-left) or selected."""
    _editable(request_id)
    work = document_work(request_id, document_id)
    if page < 1 or (work.pages and page > work.pages):
        raise ServiceError("That page is not in the document")
    row = ManualRedaction(
        request_id=request_id,
        document_id=document_id,
        page=page,
        rects=_check_rects(rects),
        text=text,
        exemption=_exemption(exemption),
        note=(note or "").strip() or None,
        created_by_id=actor.user_id,
    )
    db.session.add(row)
    db.session.flush()
    audit.record(
        actor,
        "manual_redaction_added",
        request_id,
        document_id=document_id,
        page=page,
        redaction_id=row.id,
        exemption=row.exemption,
    )
    return row


def _not_the_subjects_name(request_id: int, phrase: str) -> None:
    """Redacting a phrase removes it everywhere on the page: never the data subject's own name
    or a word of it (a surname the family shares). Draw a box around the one mention instead."""
    from portal.textfold import fold

    wanted = fold(phrase)
    for party in parties(request_id):
        if not party.subject:
            continue
        for name in party.names:
            folded = fold(name)
            if wanted == folded or wanted in folded.split():
                raise ServiceError(
                    f"'{phrase}' is part of the data subject's own name, so it cannot be redacted "
                    "everywhere on the page: draw a box around the third party's mention instead"
                )


def add_selected_text(
    request_id: int,
    document_id: int,
    page: int,
    text: str,
    exemption: str,
    note: str | None,
    actor: Actor,
) -> ManualRedaction:
    """Redact text the reviewer selected (or typed) on one page: every place it appears on
    that page, found on the working copy itself so the boxes cover exactly the words."""
    _editable(request_id)
    phrase = " ".join((text or "").split())
    if not phrase:
        raise ServiceError("Select or type the text to redact")
    _not_the_subjects_name(request_id, phrase)
    work = document_work(request_id, document_id)
    if page < 1 or (work.pages and page > work.pages):
        raise ServiceError("That page is not in the document")
    path = _pdf_path(work)
    if not os.path.exists(path):
        raise NotFound("The working copy of this document is not ready")
    try:
        rects = pages.phrase_rects(path, page, phrase)
    except pages.PageError as exc:
        raise ServiceError(str(exc)) from exc
    if not rects:
        raise ServiceError(f"That text was not found on page {page}")
    return add_manual(request_id, document_id, page, rects, exemption, note, actor, text=phrase)


def remove_manual(request_id: int, redaction_id: int, actor: Actor) -> None:
    """Take a manual redaction back (kept, marked removed, for the audit trail)."""
    _editable(request_id)
    row = db.session.get(ManualRedaction, redaction_id)
    if row is None or row.request_id != request_id:
        raise NotFound("No such redaction")
    row.removed = True
    db.session.flush()
    audit.record(actor, "manual_redaction_removed", request_id, redaction_id=row.id)


def find_and_redact(
    request_id: int, phrase: str, exemption: str, actor: Actor
) -> list[ManualRedaction]:
    """Redact every occurrence of a phrase (case-insensitive, any run of whitespace between
    words) on every page of every working copy of the request."""
    _editable(request_id)
    words = phrase.split()
    if not words or len(" ".join(words)) < 2:
        raise ServiceError("Enter the words to find")
    _not_the_subjects_name(request_id, " ".join(words))
    code = _exemption(exemption)
    wanted = " ".join(words)
    added: list[ManualRedaction] = []
    documents = 0
    for work in db.session.scalars(
        select(DocumentWork)
        .where(DocumentWork.request_id == request_id)
        .order_by(DocumentWork.document_id)
    ):
        path = _pdf_path(work)
        if not os.path.exists(path):
            continue
        before = len(added)
        for number, rect in pages.find_everywhere(path, words):
            row = ManualRedaction(
                request_id=request_id,
                document_id=work.document_id,
                page=number,
                rects=[rect],
                text=wanted,
                exemption=code,
                note="find and redact",
                created_by_id=actor.user_id,
            )
            db.session.add(row)
            added.append(row)
        documents += len(added) > before
    db.session.flush()
    # the phrase itself is personal data: the audit keeps counts and ids only
    audit.record(
        actor,
        "find_and_redact",
        request_id,
        exemption=code,
        occurrences=len(added),
        documents=documents,
    )
    return added


def resolve_manual(request_id: int, document_id: int, pdf: bytes, actor: Actor) -> DocumentWork:
    """A document marked for manual handling (corrupt, encrypted, scanned) is resolved by an
    officer uploading a handled version: a readable PDF that becomes its working copy."""
    _editable(request_id)
    work = document_work(request_id, document_id)
    if work.status != "manual":
        raise ServiceError("Only a document marked for manual handling takes a handled version")
    try:
        count = pages.usable_pdf(pdf)
    except pages.PageError as exc:
        raise ServiceError(str(exc)) from exc
    from portal.services import detection

    path = detection.working_copy_path(_documents_dir(), request_id, document_id)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(pdf)
    # Suggestions found on the original no longer match the handled version's pages.
    detection.store_findings(request_id, document_id, [], count, [], os.path.basename(path))
    work.reason = f"handled version uploaded ({count} pages); review it and add redactions"
    audit.record(actor, "manual_resolved", request_id, document_id=document_id, pages=count)
    db.session.flush()
    return work


def withhold(
    request_id: int,
    document_id: int,
    page: int | None,
    exemption: str,
    reason: str,
    actor: Actor,
) -> WithheldPart:
    """Withhold a whole document (page None) or one page, with the reason."""
    _editable(request_id)
    work = document_work(request_id, document_id)
    if page is not None and (page < 1 or (work.pages and page > work.pages)):
        raise ServiceError("That page is not in the document")
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("Give the reason for withholding")
    row = WithheldPart(
        request_id=request_id,
        document_id=document_id,
        page=page,
        exemption=_exemption(exemption),
        reason=reason[:2000],
        created_by_id=actor.user_id,
    )
    db.session.add(row)
    db.session.flush()
    audit.record(
        actor,
        "withheld",
        request_id,
        document_id=document_id,
        page=page,
        exemption=row.exemption,
        withheld_id=row.id,
    )
    return row


def unwithhold(request_id: int, withheld_id: int, actor: Actor) -> None:
    """Release a withheld page or document back into the response."""
    _editable(request_id)
    row = db.session.get(WithheldPart, withheld_id)
    if row is None or row.request_id != request_id:
        raise NotFound("No such withheld part")
    audit.record(actor, "withheld_released", request_id, document_id=row.document_id, page=row.page)
    db.session.delete(row)
    db.session.flush()


def withheld_parts(request_id: int, document_id: int | None = None) -> list[WithheldPart]:
    """Withheld documents and pages."""
    query = select(WithheldPart).where(WithheldPart.request_id == request_id)
    if document_id is not None:
        query = query.where(WithheldPart.document_id == document_id)
    return list(db.session.scalars(query.order_by(WithheldPart.document_id, WithheldPart.page)))


def manual_redactions(request_id: int, document_id: int | None = None) -> list[ManualRedaction]:
    """Manual redactions still in force."""
    query = select(ManualRedaction).where(
        ManualRedaction.request_id == request_id, ManualRedaction.removed.is_(False)
    )
    if document_id is not None:
        query = query.where(ManualRedaction.document_id == document_id)
    return list(db.session.scalars(query.order_by(ManualRedaction.page, ManualRedaction.id)))


def effective_redactions(request_id: int, document_id: int) -> list[dict[str, Any]]:
    """Everything to redact in one document: accepted findings (per mention or per person),
    manual redactions, withheld pages (rects [] = the whole page) and a withheld document
    (page None). Each item: {"page", "rects", "exemption", "source"}."""
    result: list[dict[str, Any]] = []
    for part in withheld_parts(request_id, document_id):
        source = "withheld document" if part.page is None else "withheld page"
        result.append(
            {"page": part.page, "rects": [], "exemption": part.exemption, "source": source}
        )
    found = {
        f.id: f
        for f in db.session.scalars(
            select(FindingRecord).where(
                FindingRecord.request_id == request_id, FindingRecord.document_id == document_id
            )
        )
    }
    for finding_id, outcome in sorted(
        outcomes(request_id, document_id).items(), key=lambda kv: (found[kv[0]].page, kv[0])
    ):
        if outcome.decision != "accepted":
            continue
        f = found[finding_id]
        result.append(
            {
                "page": f.page,
                "rects": [list(r) for r in f.rects],
                "exemption": outcome.exemption or f.exemption or "TP",
                "source": f"finding ({outcome.scope})",
            }
        )
    for m in manual_redactions(request_id, document_id):
        result.append(
            {
                "page": m.page,
                "rects": [list(r) for r in m.rects],
                "exemption": m.exemption,
                "source": "manual",
            }
        )
    return result


# -- harm opinions ------------------------------------------------------------------------
