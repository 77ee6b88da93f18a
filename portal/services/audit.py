"""Writing the audit log."""

from __future__ import annotations

from typing import Any

from portal.extensions import db
from portal.models import AuditEvent
from portal.services.actor import Actor


def record(actor: Actor, action: str, request_id: int | None = None, **detail: Any) -> AuditEvent:
    """Append one audit event (no personal data beyond ids and short reasons in detail)."""
    event = AuditEvent(
        actor_id=actor.user_id,
        actor_label=actor.label,
        request_id=request_id,
        action=action,
        detail={k: v for k, v in detail.items() if v is not None},
    )
    db.session.add(event)
    return event
