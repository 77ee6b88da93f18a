"""The work on one access request: what was searched, candidate documents, parties, findings,
and the background jobs doing it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.records import Document, RecordPerson
from portal.models.user import User
from portal.timeutil import utcnow


class SearchRun(db.Model):
    """One search of the records for a request: the terms used and what came back."""

    __tablename__ = "search_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # [{"how": "case link" | "full text" | "date of birth" | "reference", "term": ..., "hits": n}]
    searched: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    candidates: Mapped[int] = mapped_column(Integer, default=0)


class Candidate(db.Model):
    """A document that may be about the data subject, with why it matched and the decision."""

    __tablename__ = "candidates"
    __table_args__ = (UniqueConstraint("request_id", "document_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    document: Mapped[Document] = relationship(foreign_keys=[document_id])
    score: Mapped[float] = mapped_column(Float)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    # pending | included | excluded
    decision: Mapped[str] = mapped_column(String(12), default="pending", index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_by: Mapped[User | None] = relationship()
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Same content (hash) or an email quoted in a later one: reviewed once, under the group lead.
    group_key: Mapped[str | None] = mapped_column(String(80), index=True)
    group_note: Mapped[str | None] = mapped_column(String(200))
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))


class RequestParty(db.Model):
    """A known person for detection on this request: the subject, family, professionals."""

    __tablename__ = "request_parties"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("record_people.id"))
    person: Mapped[RecordPerson | None] = relationship()
    names: Mapped[list[str]] = mapped_column(JSON, default=list)
    role: Mapped[str] = mapped_column(String(60))
    professional: Mapped[bool] = mapped_column(default=False)
    subject: Mapped[bool] = mapped_column(default=False)
    # "records" (from the subject's cases) or "caseworker" (added or edited by hand)
    source: Mapped[str] = mapped_column(String(20), default="records")


class DocumentWork(db.Model):
    """Detection of one confirmed document for a request: status, pages, warnings."""

    __tablename__ = "document_work"
    __table_args__ = (UniqueConstraint("request_id", "document_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    document: Mapped[Document] = relationship()
    # pending | done | manual (could not be processed: the reason says why)
    status: Mapped[str] = mapped_column(String(12), default="pending", index=True)
    reason: Mapped[str | None] = mapped_column(String(300))
    pages: Mapped[int] = mapped_column(Integer, default=0)
    working_copy: Mapped[str | None] = mapped_column(String(120))
    warnings: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # review progress: unreviewed | in_review | reviewed; who is reviewing it now
    review_status: Mapped[str] = mapped_column(String(12), default="unreviewed")
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class FindingRecord(db.Model):
    """A suggested redaction (or a mention of the subject or a professional) on a page."""

    __tablename__ = "findings"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    text: Mapped[str] = mapped_column(Text)
    page: Mapped[int] = mapped_column(Integer)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    rects: Mapped[list[list[float]]] = mapped_column(JSON, default=list)
    score: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(120))
    reason: Mapped[str | None] = mapped_column(Text)
    exemption: Mapped[str | None] = mapped_column(String(20))
    party: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(60))
    # everyone a mention could be when the register cannot tell: the reviewer chooses
    candidates: Mapped[list[str] | None] = mapped_column(JSON, default=list)


class JobRecord(db.Model):
    """A background job as the database knows it: what, for which request, how far, how it
    ended. The periodic sweep compares these with what the queue holds."""

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    rq_id: Mapped[str | None] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(30), index=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id"), index=True)
    # queued | running | finished | failed
    status: Mapped[str] = mapped_column(String(12), default="queued", index=True)
    progress: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    enqueued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
