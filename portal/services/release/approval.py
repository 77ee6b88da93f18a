"""Approval of a built pack by an approving officer who did not review it, or sending it back."""

from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from portal.models import (
    FindingDecision,
    ManualRedaction,
    PackStatus,
    PersonDecision,
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
