"""The one way to write to a requester: ``send(request, kind, **fields)``.

Each kind is a template in ``templates/letters/<kind>.txt`` (text; the HTML version of an email
is made from it at send time by ``html_version``) with merge fields: the request, the requester,
the council and the data protection team's contact details, and what the caller passes. The
letter is stored on the case (its outbox row, shown in the case page's correspondence) and sent
after the transaction commits, with retries (``services/mail.py``): by email when the requester
gave an address, else it waits in the "print and post" list as a printable PDF
(``printable_pdf``) until staff record it as posted. Failures stay on the row and show on the
case page and the print list; nothing is lost. ``render`` is the same letter without storing
it, for staff to preview before it goes.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app, has_app_context, render_template

from portal.extensions import db
from portal.models import OutboxMessage, Request
from portal.services import audit, mail, settings
from portal.services.actor import Actor
from portal.services.errors import NotFound, ServiceError
from portal.timeutil import council_today, utcnow

# kind -> the subject line (merge fields allowed) and what staff call it
KINDS: dict[str, tuple[str, str]] = {
    "acknowledgement": ("Your request {reference}", "Acknowledgement"),
    "evidence_request": (
        "We need more information for request {reference}",
        "Identity or authority evidence needed",
    ),
    "clock_started": ("We have what we need for request {reference}", "Evidence received"),
    "clarification_request": (
        "Please tell us more about request {reference}",
        "Clarification needed (clock stopped)",
    ),
    "extension": ("We need more time for request {reference}", "Extension, with reasons"),
    "refusal": ("Your request {reference}", "Refusal, with reasons and the right to complain"),
    "closed_unanswered": ("We have closed request {reference}", "Closed: no reply"),
    "decision": ("Our decision on request {reference}", "Rectification or erasure decision"),
    "pack_released": ("Your information is ready: {reference}", "Download link"),
    "download_code": ("Your code for {reference}", "Download code"),
    "response_cover": ("Our response to request {reference}", "Response covering letter"),
}
LINK_LABEL = "download link"
CODE_LABEL = "one-time code"


@dataclass(frozen=True)
class Letter:
    """A rendered letter: where it goes (empty: by post), its subject and text."""

    to_address: str
    subject: str
    text: str


def _status_url() -> str:
    # configuration, not the HTTP request: a worker writes the same text as the web process
    base = current_app.config.get("PUBLIC_BASE_URL", "") if has_app_context() else ""
    return f"{str(base).rstrip('/')}/status"


def merge_fields(request: Request, **fields: Any) -> dict[str, Any]:
    """Every letter's merge fields, with the caller's on top."""
    return {
        "request": request,
        "requester": request.requester,
        "requests": [request],
        "council": settings.get("council_name"),
        "dpo_email": settings.get("dpo_email"),
        "dpo_phone": settings.get("dpo_phone"),
        "status_url": _status_url(),
        "today": council_today(),
        **fields,
    }


def render(request: Request, kind: str, **fields: Any) -> Letter:
    """The letter as it would go, without storing or sending it."""
    if kind not in KINDS:
        raise NotFound(f"No letter called {kind}")
    values = merge_fields(request, **fields)
    text = render_template(f"letters/{kind}.txt", **values).strip() + "\n"
    subject = KINDS[kind][0].format(reference=request.reference)
    return Letter(request.requester.email or "", subject, text)


def send(
    request: Request,
    kind: str,
    *,
    secrets: dict[str, str] | None = None,
    secrets_expire_at: datetime | None = None,
    **fields: Any,
) -> OutboxMessage:
    """Render, store on the case and schedule sending after commit. A secret (download link,
    code) is merged in only by the send job: the stored text holds its placeholder."""
    for label in secrets or {}:
        fields.setdefault("link" if label == LINK_LABEL else "code", mail.placeholder(label))
    letter = render(request, kind, **fields)
    return mail.queue_message(
        letter.to_address,
        letter.subject,
        letter.text,
        kind,
        request.id,
        secrets=secrets,
        secrets_expire_at=secrets_expire_at,
    )


def html_version(subject: str, text: str) -> str:
    """The HTML alternative of an email: the same words, paragraphs and links."""
    paragraphs = [p.split("\n") for p in text.strip().split("\n\n")]
    return render_template(
        "letters/_email.html",
        subject=subject,
        paragraphs=paragraphs,
        council=settings.get("council_name"),
    )


def postal(request_id: int | None = None) -> list[OutboxMessage]:
    """Letters waiting to be printed and posted (oldest first)."""
    from sqlalchemy import select

    query = select(OutboxMessage).where(
        OutboxMessage.to_address == "", OutboxMessage.sent_at.is_(None)
    )
    if request_id is not None:
        query = query.where(OutboxMessage.request_id == request_id)
    return list(db.session.scalars(query.order_by(OutboxMessage.id)))


def _postal_message(message_id: int) -> OutboxMessage:
    message = db.session.get(OutboxMessage, message_id)
    if message is None or message.to_address:
        raise NotFound("No such letter to post")
    return message


def printable_pdf(message_id: int) -> bytes:
    """A4 PDF of a postal letter: the council, the date, the requester's name and address,
    then the letter."""
    import pymupdf

    message = _postal_message(message_id)
    request = db.session.get(Request, message.request_id) if message.request_id else None
    if message.sealed_secrets:
        raise ServiceError("A letter carrying a secret is never printed")
    lines: list[str] = [str(settings.get("council_name")), ""]
    lines.append(f"{(message.created_at or utcnow()):%-d %B %Y}")
    lines.append("")
    if request is not None:
        lines.append(request.requester.full_name)
        lines.extend((request.requester.address or "").splitlines())
        if request.requester.postcode:
            lines.append(request.requester.postcode)
        lines.append("")
    lines.append(message.subject)
    lines.append("")
    for para in message.body.split("\n"):
        lines.extend(textwrap.wrap(para, 88) or [""])
    doc = pymupdf.open()
    per_page = 56
    for start in range(0, len(lines), per_page):
        page = doc.new_page(width=595, height=842)
        y = 60.0
        for line in lines[start : start + per_page]:
            page.insert_text((60, y), line, fontname="helv", fontsize=10)
            y += 13
    data = doc.tobytes(garbage=3, deflate=True)
    doc.close()
    return bytes(data)


def mark_posted(message_id: int, actor: Actor) -> OutboxMessage:
    """Staff printed and posted the letter."""
    message = _postal_message(message_id)
    if message.sent_at is not None:
        raise ServiceError("This letter was already posted")
    message.sent_at = utcnow()
    message.last_error = None
    audit.record(actor, "letter_posted", message.request_id, message_id=message.id)
    return message
