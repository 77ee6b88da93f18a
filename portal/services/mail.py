"""Messages to requesters: written to the outbox, sent by SMTP when configured.

A secret meant for the requester alone (a download link, a one-time code) never sits in the
outbox in readable form. The stored body, which staff read on the case page, says
``[download link: sent to the requester, not shown to staff]`` where the secret goes; the
secret itself is kept encrypted (Fernet, with a key derived from SECRET_KEY) beside it. Only the
send job decrypts it, merges it into the email it hands to the SMTP server, and wipes it from the
row once the message is sent, has failed for good, or has expired (an expired secret is never
sent). The worker therefore needs the web process's SECRET_KEY."""

from __future__ import annotations

import base64
import json
import smtplib
from collections.abc import Mapping
from datetime import datetime
from email.message import EmailMessage
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app, has_app_context
from sqlalchemy import or_, select

from portal.extensions import db
from portal.models import OutboxMessage
from portal.timeutil import as_utc, utcnow

MAX_ATTEMPTS = 5
# Names the key's purpose, so the key derived from SECRET_KEY is used for nothing else.
_KEY_INFO = b"disclose outbox secrets v1"


def placeholder(label: str) -> str:
    """What the stored body says where the secret called ``label`` goes."""
    return f"[{label}: sent to the requester, not shown to staff]"


def queue_message(
    to_address: str,
    subject: str,
    body: str,
    kind: str,
    request_id: int | None = None,
    *,
    secrets: Mapping[str, str] | None = None,
    secrets_expire_at: datetime | None = None,
) -> OutboxMessage:
    """Store a message in the outbox; a job sends it once the transaction commits (one job
    per transaction, however many messages it wrote).

    ``secrets`` maps a label to a value for the requester's eyes only: ``body`` carries
    ``placeholder(label)`` where it goes, and the value is stored only encrypted, until it is
    sent or ``secrets_expire_at`` (required with secrets) passes."""
    message = OutboxMessage(
        to_address=to_address, subject=subject, body=body, kind=kind, request_id=request_id
    )
    if secrets:
        if not to_address:
            raise ValueError("A secret can only be sent by email, never in a printed letter")
        if secrets_expire_at is None:
            raise ValueError("A secret in the outbox needs an expiry")
        for label, value in secrets.items():
            if not value or placeholder(label) not in body:
                raise ValueError(f"The body has no placeholder for the {label}")
            if value in body or value in subject:
                raise ValueError(f"The {label} must not be in the text itself")
        message.sealed_secrets = seal(secrets)
        message.secrets_expire_at = secrets_expire_at
    db.session.add(message)
    db.session.flush()
    _send_after_commit()
    return message


def _fernet(secret_key: str | bytes | None) -> Fernet:
    if not secret_key:
        raise RuntimeError("SECRET_KEY is not set: secrets in the outbox cannot be sealed")
    raw = secret_key.encode() if isinstance(secret_key, str) else secret_key
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_KEY_INFO).derive(raw)
    return Fernet(base64.urlsafe_b64encode(key))


def seal(values: Mapping[str, str], secret_key: str | bytes | None = None) -> str:
    """The values encrypted and authenticated (SECRET_KEY of the current app by default)."""
    key = secret_key if secret_key is not None else current_app.config.get("SECRET_KEY")
    return _fernet(key).encrypt(json.dumps(dict(values)).encode()).decode("ascii")


def unseal(sealed: str, secret_key: str | bytes | None = None) -> dict[str, str]:
    """The values of ``seal``; cryptography's InvalidToken when the key differs or the text
    was changed."""
    key = secret_key if secret_key is not None else current_app.config.get("SECRET_KEY")
    values = json.loads(_fernet(key).decrypt(sealed.encode("ascii")))
    return {str(k): str(v) for k, v in values.items()}


def _text_to_send(message: OutboxMessage, secret_key: str | bytes | None) -> str:
    """The body the requester gets: the stored body with its secrets merged in."""
    body = message.body
    if message.sealed_secrets:
        for label, value in unseal(message.sealed_secrets, secret_key).items():
            body = body.replace(placeholder(label), value)
    return body


def _wipe(message: OutboxMessage, reason: str | None = None) -> None:
    message.sealed_secrets = None
    if reason:
        message.last_error = reason


def wipe_expired_secrets(now: datetime | None = None) -> int:
    """Forget the secrets of unsent messages that expired or can no longer be sent."""
    now = now or utcnow()
    rows = db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.sealed_secrets.is_not(None),
            or_(
                OutboxMessage.secrets_expire_at <= now,
                OutboxMessage.attempts >= MAX_ATTEMPTS,
                OutboxMessage.sent_at.is_not(None),
            ),
        )
    )
    wiped = 0
    for message in rows:
        expired = (
            message.sent_at is None
            and message.secrets_expire_at is not None
            and as_utc(message.secrets_expire_at) <= now
        )
        _wipe(message, "Expired before it could be sent" if expired else None)
        wiped += 1
    db.session.flush()
    return wiped


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
    now = utcnow()
    wipe_expired_secrets(now)
    pending = list(
        db.session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.sent_at.is_(None),
                OutboxMessage.attempts < MAX_ATTEMPTS,
                OutboxMessage.to_address != "",
                # a message whose secret was wiped is never sent with the placeholder
                or_(
                    OutboxMessage.secrets_expire_at.is_(None),
                    OutboxMessage.sealed_secrets.is_not(None),
                ),
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
            message.attempts += 1
            try:
                text = _text_to_send(message, config.get("SECRET_KEY"))
            except (InvalidToken, ValueError):
                # sealed under another SECRET_KEY (the worker's must be the web process's)
                message.last_error = "Secret unreadable: is SECRET_KEY the same everywhere?"
                if message.attempts >= MAX_ATTEMPTS:
                    _wipe(message)
                continue
            email = EmailMessage()
            email["From"] = config.get("MAIL_FROM") or "no-reply@council.example"
            email["To"] = message.to_address
            email["Subject"] = message.subject
            email.set_content(text)
            if has_app_context():  # the HTML alternative: the same words, paragraphs and links
                from portal.services.letters import html_version

                email.add_alternative(html_version(message.subject, text), subtype="html")
            try:
                smtp.send_message(email)
            except smtplib.SMTPException as exc:
                # Keep the reason without the address: the outbox row already says who.
                message.last_error = type(exc).__name__
                if message.attempts >= MAX_ATTEMPTS:
                    _wipe(message)
                continue
            message.sent_at = utcnow()
            message.last_error = None
            _wipe(message)
            sent += 1
    db.session.flush()
    return sent
