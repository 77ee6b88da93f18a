"""Harm opinions, claims on documents, review progress and the page images of the screen."""

from __future__ import annotations

import os
from typing import Any

from sqlalchemy import select

from portal.extensions import db
from portal.models import (
    DocumentWork,
    FindingRecord,
    HarmOpinion,
    RequestParty,
)
from portal.services import audit, storage, workflow
from portal.services.actor import Actor
from portal.services.detection import document_work
from portal.services.errors import NotFound, ServiceError
from portal.services.review.common import (
    HARM_BASED,
    _editable,
    _exemption,
    _pdf_path,
    _user_name,
)
from portal.services.review.decisions import (
    is_subject_finding,
    outcomes,
    parties,
    person_decisions,
)
from portal.services.review.marks import (
    manual_redactions,
    withheld_parts,
)
from portal.timeutil import utcnow
from redaction import pages


def request_harm_opinion(
    request_id: int, exemption: str, asked_of: str, actor: Actor
) -> HarmOpinion:
    """Ask the allocated social worker or appropriate health professional for their opinion."""
    _editable(request_id)
    workflow.get_request(request_id)
    code = _exemption(exemption)
    if code not in HARM_BASED:
        raise ServiceError(f"{code} is not a harm-based exemption")
    asked_of = (asked_of or "").strip()
    if not asked_of:
        raise ServiceError("Say who the opinion is asked of")
    row = HarmOpinion(
        request_id=request_id, exemption=code, asked_of=asked_of[:200], asked_by_id=actor.user_id
    )
    db.session.add(row)
    db.session.flush()
    audit.record(actor, "harm_opinion_requested", request_id, exemption=code, opinion_id=row.id)
    return row


def record_harm_opinion(
    request_id: int, opinion_id: int, opinion: str, actor: Actor
) -> HarmOpinion:
    """Record the opinion received."""
    _editable(request_id)
    row = db.session.get(HarmOpinion, opinion_id)
    if row is None or row.request_id != request_id:
        raise NotFound("No such opinion request")
    opinion = (opinion or "").strip()
    if not opinion:
        raise ServiceError("Enter the opinion given")
    row.opinion, row.recorded_at, row.recorded_by_id = opinion, utcnow(), actor.user_id
    db.session.flush()
    audit.record(
        actor, "harm_opinion_recorded", request_id, exemption=row.exemption, opinion_id=row.id
    )
    return row


def harm_opinions(request_id: int) -> list[HarmOpinion]:
    """Opinions asked for and recorded."""
    return list(
        db.session.scalars(
            select(HarmOpinion).where(HarmOpinion.request_id == request_id).order_by(HarmOpinion.id)
        )
    )


def exemptions_used(request_id: int) -> set[str]:
    """Every exemption code in force on the request."""
    used = {o.exemption for o in outcomes(request_id).values() if o.decision == "accepted"}
    used |= {m.exemption for m in manual_redactions(request_id)}
    used |= {w.exemption for w in withheld_parts(request_id)}
    used |= {d.exemption for d in person_decisions(request_id).values() if d.decision == "withhold"}
    return {c for c in used if c}


def harm_opinions_missing(request_id: int) -> list[str]:
    """Harm-based exemptions in use without a recorded opinion: the pack cannot be approved."""
    recorded = {o.exemption for o in harm_opinions(request_id) if o.opinion}
    return sorted((exemptions_used(request_id) & HARM_BASED) - recorded)


# -- claims and progress ------------------------------------------------------------------


def needs_no_decision(finding: FindingRecord, people: list[RequestParty]) -> bool:
    """The data subject's own data needs no decision: it is never redacted as third-party data,
    so it is disclosed without asking. A mention that could be someone else (candidates, no
    party yet) still waits for the reviewer to say who it is."""
    if finding.candidates and not finding.party:
        return False
    return is_subject_finding(finding, people)


def claim_document(request_id: int, document_id: int, actor: Actor) -> DocumentWork:
    """Take a document to review, so several caseworkers can work on different documents."""
    _editable(request_id)
    work = document_work(request_id, document_id)
    if work.reviewer_id is not None and work.reviewer_id != actor.user_id:
        raise ServiceError(
            f"{_user_name(work.reviewer_id)} is reviewing this document; "
            "they must stop reviewing it first"
        )
    if work.reviewer_id == actor.user_id:
        return work
    work.reviewer_id = actor.user_id
    if work.review_status == "unreviewed":
        work.review_status = "in_review"
    db.session.flush()
    audit.record(actor, "document_claimed", request_id, document_id=document_id)
    return work


def release_document(request_id: int, document_id: int, actor: Actor) -> DocumentWork:
    """Give a claimed document back (its reviewer only)."""
    _editable(request_id)
    work = document_work(request_id, document_id)
    if work.reviewer_id is None:
        return work
    if work.reviewer_id != actor.user_id:
        raise ServiceError(f"Only {_user_name(work.reviewer_id)} can give this document back")
    work.reviewer_id = None
    db.session.flush()
    audit.record(actor, "document_released", request_id, document_id=document_id)
    return work


def finish_document(request_id: int, document_id: int, actor: Actor) -> DocumentWork:
    """Mark a document reviewed once every suggestion on it is decided."""
    _editable(request_id)
    work = document_work(request_id, document_id)
    if work.reviewer_id not in (None, actor.user_id):
        raise ServiceError(f"{_user_name(work.reviewer_id)} is reviewing this document")
    people = parties(request_id)
    findings = db.session.scalars(
        select(FindingRecord).where(
            FindingRecord.request_id == request_id, FindingRecord.document_id == document_id
        )
    )
    results = outcomes(request_id, document_id)
    left = sum(
        results[f.id].decision is None and not needs_no_decision(f, people) for f in findings
    )
    if left:
        raise ServiceError(f"Decide every suggestion first ({left} still to decide)")
    work.review_status, work.reviewer_id = "reviewed", None
    db.session.flush()
    audit.record(actor, "document_reviewed", request_id, document_id=document_id)
    return work


def progress(request_id: int) -> dict[str, Any]:
    """Findings decided of total, per document and for the whole request; ``subject``: the data
    subject's own findings left undecided (disclosed, no decision needed); ``left``: still to
    decide before the document can be marked reviewed."""
    results = outcomes(request_id)
    people = parties(request_id)
    empty = {"decided": 0, "total": 0, "subject": 0, "left": 0}
    per_doc: dict[int, dict[str, int]] = {}
    for finding in db.session.scalars(
        select(FindingRecord).where(FindingRecord.request_id == request_id)
    ):
        counts = per_doc.setdefault(finding.document_id, dict(empty))
        counts["total"] += 1
        if results[finding.id].decision is not None:
            counts["decided"] += 1
        elif needs_no_decision(finding, people):
            counts["subject"] += 1
        else:
            counts["left"] += 1
    documents = []
    for work in db.session.scalars(
        select(DocumentWork)
        .where(DocumentWork.request_id == request_id)
        .order_by(DocumentWork.document_id)
    ):
        counts = per_doc.get(work.document_id, empty)
        documents.append(
            {
                "document_id": work.document_id,
                "title": f"{work.document.external_id}: {work.document.title}",
                "pages": work.pages,
                "status": work.status,
                "review_status": work.review_status,
                "reviewer_id": work.reviewer_id,
                "reviewer": _user_name(work.reviewer_id) if work.reviewer_id else None,
                **counts,
            }
        )
    return {
        "documents": documents,
        "decided": sum(d["decided"] for d in documents),
        "total": sum(d["total"] for d in documents),
        "subject": sum(d["subject"] for d in documents),
        "left": sum(d["left"] for d in documents),
        "reviewed": sum(d["review_status"] == "reviewed" for d in documents),
    }


# -- page images and text -----------------------------------------------------------------

# 2 pixels a point: 1190 px across an A4 page, sharp at the screen's "fit width" and up to
# about 200% zoom on the review screen (review.js scales the image, the overlay follows).
ZOOM = 2.0


def page_image(request_id: int, document_id: int, page: int) -> str:
    """The path of a PNG of one page of the working copy, rendered once and cached on disk
    (re-rendered when the working copy is newer)."""
    work = document_work(request_id, document_id)
    source = _pdf_path(work)
    if not os.path.exists(source):
        raise NotFound("The working copy of this document is not ready")
    target = storage.page_image(request_id, document_id, page, ZOOM)
    try:
        return pages.render_png(source, page, target, ZOOM)
    except pages.PageError as exc:
        raise NotFound(str(exc)) from exc


def page_texts(request_id: int, document_id: int) -> list[dict[str, Any]]:
    """Each page's size in points and extracted text, for the review screen."""
    work = document_work(request_id, document_id)
    source = _pdf_path(work)
    if not os.path.exists(source):
        return []
    return [
        {"number": p.number, "width": p.width, "height": p.height, "text": p.text}
        for p in pages.page_texts(source)
    ]
