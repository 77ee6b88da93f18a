"""Messages to requesters: written to the outbox, sent by SMTP when configured."""

from __future__ import annotations

import smtplib
from collections.abc import Mapping
from email.message import EmailMessage
from typing import Any

from sqlalchemy import select

from portal.extensions import db
from portal.models import OutboxMessage
from portal.timeutil import utcnow

MAX_ATTEMPTS = 5


def queue_message(
    to_address: str, subject: str, body: str, kind: str, request_id: int | None = None
) -> OutboxMessage:
    """Store a message in the outbox; a job sends it once the transaction commits (one job
    per transaction, however many messages it wrote)."""
    message = OutboxMessage(
        to_address=to_address, subject=subject, body=body, kind=kind, request_id=request_id
    )
    db.session.add(message)
    db.session.flush()
    _send_after_commit()
    return message


def _send_after_commit() -> None:
    from sqlalchemy import event

    from portal.queue import enqueue_after_commit

    session = db.session()
    if session.info.get("outbox_send_queued"):
        return
    session.info["outbox_send_queued"] = True
    event.listen(
        session, "after_commit", lambda s: s.info.pop("outbox_send_queued", None), once=True
    )
    enqueue_after_commit("workers.mail.send_outbox")


def send_pending(config: Mapping[str, Any], limit: int = 100) -> int:
    """Send unsent messages by SMTP; returns how many went. Does nothing without SMTP_HOST."""
    host = config.get("SMTP_HOST")
    if not host:
        return 0
    pending = list(
        db.session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.sent_at.is_(None),
                OutboxMessage.attempts < MAX_ATTEMPTS,
                OutboxMessage.to_address != "",
            )
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
    )
    if not pending:
        return 0
    sent = 0
    with smtplib.SMTP(host, int(config.get("SMTP_PORT") or 25), timeout=30) as smtp:
        if config.get("SMTP_STARTTLS"):
            smtp.starttls()
        if config.get("SMTP_USERNAME"):
            smtp.login(config["SMTP_USERNAME"], config.get("SMTP_PASSWORD") or "")
        for message in pending:
            email = EmailMessage()
            email["From"] = config.get("MAIL_FROM") or "no-reply@council.example"
            email["To"] = message.to_address
            email["Subject"] = message.subject
            email.set_content(message.body)
            message.attempts += 1
            try:
                smtp.send_message(email)
            except smtplib.SMTPException as exc:
                # Keep the reason without the address: the outbox row already says who.
                message.last_error = type(exc).__name__
                continue
            message.sent_at = utcnow()
            message.last_error = None
            sent += 1
    db.session.flush()
    return sent
