"""Delivery: the download link (hash kept), one-time codes by email or read out by phone, the
download itself, a posted print copy, and the staff preview of exactly the requester's file."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from portal.extensions import db
from portal.models import (
    DeliveryLink,
    PackStatus,
    ReleasePack,
    Request,
    Role,
)
from portal.services import audit, letters, lifecycle, workflow
from portal.services.actor import Actor
from portal.services.errors import NotFound, ServiceError
from portal.services.release.common import (
    CODE_LABEL,
    CODE_MINUTES,
    CODE_TRIES,
    IDENTITY_CHECK_CHARS,
    LINK_LABEL,
    CodeRefused,
    LinkExpired,
    S,
    check_integrity,
    get_pack,
    packs,
)
from portal.timeutil import COUNCIL_TZ, as_utc, utcnow


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
