"""Approval of a built pack by an approving officer who did not review it, or sending it back."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import select

from portal.extensions import db
from portal.models import (
    Document,
    DocumentWork,
    FindingDecision,
    ManualRedaction,
    PackStatus,
    PersonDecision,
    Relationship,
    ReleasePack,
    Request,
    Role,
    WithheldPart,
)
from portal.services import audit, lifecycle, workflow
from portal.services.actor import Actor
from portal.services.errors import InvalidTransition, ServiceError
from portal.services.release.common import (
    S,
    by_page_and_code,
    check_integrity,
    get_pack,
    latest,
)
from portal.timeutil import council_today, utcnow


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


def approval_summary(request_id: int) -> dict[str, Any]:
    """What an approving officer signs: redactions by code, what is withheld, the harm
    opinions, the child's competence and views, and how many documents were reviewed."""
    from portal.services import exemptions, review

    request = workflow.get_request(request_id)
    codes: Counter[str] = Counter()
    for counts in by_page_and_code(request_id).values():
        for (_page, code), n in counts.items():
            codes[code] += n
    withheld_documents, withheld_pages = [], []
    for part in review.withheld_parts(request_id):
        document = db.session.get(Document, part.document_id)
        title = document.title if document is not None else f"document {part.document_id}"
        if part.page is None:
            withheld_documents.append((title, part.exemption))
        else:
            withheld_pages.append((title, part.page, part.exemption))
    works = list(
        db.session.scalars(select(DocumentWork).where(DocumentWork.request_id == request_id))
    )
    child = None
    if request.subject_is_child and request.relationship_to_subject is not Relationship.SELF:
        child = {
            "age": lifecycle.child_age(request),
            "competence": request.child_competence_note,
            "views": request.child_views_note,
        }
    return {
        "codes": [
            (code, exemptions.LABELS.get(code, code), n) for code, n in sorted(codes.items())
        ],
        "withheld_documents": withheld_documents,
        "withheld_pages": withheld_pages,
        "harm": review.harm_opinions(request_id),
        "child": child,
        "reviewed": sum(w.review_status == "reviewed" for w in works),
        "documents": len(works),
    }
