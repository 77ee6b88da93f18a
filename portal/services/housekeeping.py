"""Forgetting what is no longer needed: abandoned online forms, old failed look-ups, expired
links, and the sealed secrets of messages that expired before they could be sent."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from portal.extensions import db
from portal.models import IntakeDraft, StatusLink
from portal.services import evidence, mail, status
from portal.timeutil import utcnow


def purge_expired(upload_dir: str, draft_hours: int, lookup_window_minutes: int) -> dict[str, int]:
    """Delete drafts (and their uploaded files) older than draft_hours, stale look-up failures,
    expired status links and the outbox's expired secrets. Returns counts of what went."""
    cutoff = utcnow() - timedelta(hours=draft_hours)
    drafts = list(db.session.scalars(select(IntakeDraft).where(IntakeDraft.updated_at < cutoff)))
    files = 0
    for draft in drafts:
        for upload in draft.uploads or []:
            evidence.discard(upload_dir, upload["stored_name"])
            files += 1
        db.session.delete(draft)
    status.purge_old_failures(lookup_window_minutes)
    links = list(db.session.scalars(select(StatusLink).where(StatusLink.expires_at < utcnow())))
    for link in links:
        db.session.delete(link)
    secrets = mail.wipe_expired_secrets()
    db.session.flush()
    return {"drafts": len(drafts), "files": files, "links": len(links), "secrets": secrets}
