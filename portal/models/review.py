"""Redaction review and release: decisions on findings and people, manual redactions, withheld
parts, harm opinions, release packs and their delivery."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.user import User
from portal.timeutil import utcnow


class FindingDecision(db.Model):
    """A reviewer's decision on one finding (one per finding; `version` guards against two
    reviewers overwriting each other silently)."""

    __tablename__ = "finding_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("findings.id"), unique=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    # accepted (redact) | rejected (disclose)
    decision: Mapped[str] = mapped_column(String(12))
    exemption: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    # for a mention the register could not attribute: the person the reviewer chose
    who: Mapped[str | None] = mapped_column(String(200))
    # "mention" (this finding alone) or "person" (from a per-person decision)
    scope: Mapped[str] = mapped_column(String(10), default="mention")
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_by: Mapped[User] = relationship()
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class PersonDecision(db.Model):
    """Withhold or disclose every mention of a person across the whole request."""

    __tablename__ = "person_decisions"
    __table_args__ = (UniqueConstraint("request_id", "party_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("request_parties.id"), index=True)
    # withhold | disclose
    decision: Mapped[str] = mapped_column(String(10))
    # consent | reasonable_without_consent | none  (DPA 2018 Sch 2 para 16(3))
    basis: Mapped[str] = mapped_column(String(30), default="none")
    factors: Mapped[str | None] = mapped_column(Text)
    exemption: Mapped[str | None] = mapped_column(String(20))
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_by: Mapped[User] = relationship()
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class ManualRedaction(db.Model):
    """A redaction a reviewer added: selected text or a rectangle drawn on the page image."""

    __tablename__ = "manual_redactions"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    page: Mapped[int] = mapped_column(Integer)
    rects: Mapped[list[list[float]]] = mapped_column(JSON, default=list)
    text: Mapped[str | None] = mapped_column(Text)
    exemption: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    removed: Mapped[bool] = mapped_column(default=False)


class WithheldPart(db.Model):
    """A whole document (page None) or one page withheld, with the reason."""

    __tablename__ = "withheld_parts"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    page: Mapped[int | None] = mapped_column(Integer)
    exemption: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class HarmOpinion(db.Model):
    """The opinion of the social worker or health professional on a harm-based exemption."""

    __tablename__ = "harm_opinions"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    exemption: Mapped[str] = mapped_column(String(20))
    asked_of: Mapped[str] = mapped_column(String(200))
    asked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    asked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    opinion: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class ReleasePack(db.Model):
    """One built version of the response: the redacted documents bound with the cover letter,
    index and schedule. Approved packs are immutable (their checksum is recorded)."""

    __tablename__ = "release_packs"
    __table_args__ = (UniqueConstraint("request_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    # building | built | failed | approved | sent_back | released
    status: Mapped[str] = mapped_column(String(12), default="building")
    file_name: Mapped[str | None] = mapped_column(String(120))
    sha256: Mapped[str | None] = mapped_column(String(64))
    pages: Mapped[int] = mapped_column(Integer, default=0)
    verify_report: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # per-document index titles replacing ones that would reveal withheld information
    titles: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    built_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    built_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    comment: Mapped[str | None] = mapped_column(Text)
    late: Mapped[bool] = mapped_column(default=False)


class DeliveryLink(db.Model):
    """The requester's download: a link (only its hash kept) plus a one-time code."""

    __tablename__ = "delivery_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    pack_id: Mapped[int] = mapped_column(ForeignKey("release_packs.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    code_hash: Mapped[str | None] = mapped_column(String(256))
    code_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    code_tries: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    posted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
