"""Messages to requesters: stored first, then sent by SMTP when it is configured."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.timeutil import utcnow


class OutboxMessage(db.Model):
    """An email to send; kept after sending as the record of what was said.

    A secret for the requester alone (a download link, a one-time code) is never in ``body``:
    the body holds a placeholder staff may read, the secret is in ``sealed_secrets``, encrypted
    (portal.services.mail), merged in by the send job only and wiped once the message is sent,
    has failed for good, or ``secrets_expire_at`` has passed (then it is never sent)."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id"), index=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    sealed_secrets: Mapped[str | None] = mapped_column(Text)
    secrets_expire_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
