"""The requester's own view of a request: look-up by reference and email, or a one-time link."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import timedelta

from sqlalchemy import delete, func, select

from portal.extensions import db
from portal.models import Request, StatusLink, StatusLookupFailure
from portal.timeutil import as_utc, utcnow

REFERENCE_PATTERN = re.compile(r"^(SAR|RECT|ERAS)-\d{4}-\d{5}$")


class TooManyAttempts(Exception):
    """The client has failed too many look-ups recently."""


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def normalise_reference(value: str) -> str:
    """SAR-2026-00042 from ' sar-2026-00042 ' and similar."""
    return re.sub(r"\s+", "", value or "").upper()


def recent_failures(client_key: str, window_minutes: int) -> int:
    """How many look-ups this client got wrong in the window."""
    since = utcnow() - timedelta(minutes=window_minutes)
    return (
        db.session.scalar(
            select(func.count())
            .select_from(StatusLookupFailure)
            .where(StatusLookupFailure.client_key == client_key, StatusLookupFailure.at >= since)
        )
        or 0
    )


def lookup(
    reference: str, email: str, client: str, max_failures: int, window_minutes: int
) -> Request | None:
    """The request when reference and email both match; None otherwise, the same either way."""
    client_key = _digest(client)
    if recent_failures(client_key, window_minutes) >= max_failures:
        raise TooManyAttempts
    found = None
    ref = normalise_reference(reference)
    if REFERENCE_PATTERN.match(ref):
        request = db.session.scalar(select(Request).where(Request.reference == ref))
        given = (email or "").strip().lower().encode()
        # Compare even when there is no request, so timing does not tell which part was wrong.
        stored = (request.requester.email or "").encode() if request is not None else b"\x00"
        if hmac.compare_digest(given, stored) and request is not None and given:
            found = request
    if found is None:
        db.session.add(StatusLookupFailure(client_key=client_key))
        db.session.flush()
    return found


def issue_link(request_id: int, hours: int) -> str:
    """A one-time token for a status link (the caller sends it; only its hash is kept)."""
    token = secrets.token_urlsafe(32)
    db.session.add(
        StatusLink(
            token_hash=_digest(token),
            request_id=request_id,
            expires_at=utcnow() + timedelta(hours=hours),
        )
    )
    db.session.flush()
    return token


def redeem_link(token: str) -> Request | None:
    """The request a link is for, once; None when unknown, used or expired."""
    link = db.session.scalar(select(StatusLink).where(StatusLink.token_hash == _digest(token)))
    if link is None or link.used_at is not None or as_utc(link.expires_at) < utcnow():
        return None
    link.used_at = utcnow()
    db.session.flush()
    return db.session.get(Request, link.request_id)


def purge_old_failures(window_minutes: int) -> None:
    """Forget failed look-ups older than the window."""
    since = utcnow() - timedelta(minutes=window_minutes)
    db.session.execute(delete(StatusLookupFailure).where(StatusLookupFailure.at < since))
