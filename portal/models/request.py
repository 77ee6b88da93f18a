"""The request aggregate: a request, its requester and data subject, evidence and clock events."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.enums import (
    Channel,
    ClockEventKind,
    ContactPreference,
    EvidenceKind,
    Relationship,
    RequestStatus,
    RequestType,
    enum_column,
)
from portal.models.user import User
from portal.timeutil import utcnow


class Requester(db.Model):
    """The person who made the request (may be the data subject, or act for them)."""

    __tablename__ = "requesters"

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    address: Mapped[str | None] = mapped_column(Text)
    postcode: Mapped[str | None] = mapped_column(String(10))
    contact_preference: Mapped[ContactPreference] = mapped_column(
        enum_column(ContactPreference), default=ContactPreference.EMAIL
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DataSubject(db.Model):
    """The person the records are about."""

    __tablename__ = "data_subjects"

    id: Mapped[int] = mapped_column(primary_key=True)
    first_names: Mapped[str] = mapped_column(String(200))
    last_name: Mapped[str] = mapped_column(String(200))
    previous_names: Mapped[list[str]] = mapped_column(JSON, default=list)
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    address: Mapped[str | None] = mapped_column(Text)
    postcode: Mapped[str | None] = mapped_column(String(10))
    social_care_number: Mapped[str | None] = mapped_column(String(40))
    nhs_number: Mapped[str | None] = mapped_column(String(12))
    other_references: Mapped[str | None] = mapped_column(Text)

    @property
    def full_name(self) -> str:
        return f"{self.first_names} {self.last_name}".strip()

    @property
    def all_names(self) -> list[str]:
        """Current name, then previous names and aliases: everything the records may use."""
        return [self.full_name, *self.previous_names, *self.aliases]


class Request(db.Model):
    """One request under Art 15, 16 or 17, for one data subject."""

    __tablename__ = "requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(24), unique=True)
    type: Mapped[RequestType] = mapped_column(enum_column(RequestType), index=True)
    channel: Mapped[Channel] = mapped_column(enum_column(Channel))
    status: Mapped[RequestStatus] = mapped_column(
        enum_column(RequestStatus), default=RequestStatus.RECEIVED, index=True
    )
    received_date: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Requests made together (a parent asking for several children) share a submission key.
    submission_key: Mapped[str] = mapped_column(String(32), index=True)

    requester_id: Mapped[int] = mapped_column(ForeignKey("requesters.id"))
    requester: Mapped[Requester] = relationship()
    subject_id: Mapped[int] = mapped_column(ForeignKey("data_subjects.id"))
    subject: Mapped[DataSubject] = relationship()
    relationship_to_subject: Mapped[Relationship] = mapped_column(
        enum_column(Relationship), default=Relationship.SELF
    )
    relationship_detail: Mapped[str | None] = mapped_column(String(200))
    subject_is_child: Mapped[bool] = mapped_column(default=False)
    child_competence_note: Mapped[str | None] = mapped_column(Text)
    child_views_note: Mapped[str | None] = mapped_column(Text)

    # What is asked for. Access: period and services; rectification: what is wrong and what it
    # should say; erasure: what and why.
    access_period: Mapped[str | None] = mapped_column(String(200))
    access_services: Mapped[list[str]] = mapped_column(JSON, default=list)
    description: Mapped[str | None] = mapped_column(Text)
    correction: Mapped[str | None] = mapped_column(Text)
    erasure_reason: Mapped[str | None] = mapped_column(Text)

    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    assigned_to: Mapped[User | None] = relationship(foreign_keys=[assigned_to_id])
    logged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    logged_by: Mapped[User | None] = relationship(foreign_keys=[logged_by_id])
    contact_notes: Mapped[str | None] = mapped_column(Text)

    # Derived from the clock events by services.clock_state; stored for sorting and filtering.
    clock_start: Mapped[date | None] = mapped_column(Date)
    due_date: Mapped[date | None] = mapped_column(Date, index=True)
    due_provisional: Mapped[bool] = mapped_column(default=True)
    refusal_reason: Mapped[str | None] = mapped_column(Text)
    # rectification and erasure: agreed | partly_agreed | refused, and why
    decision_outcome: Mapped[str | None] = mapped_column(String(20))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    evidence: Mapped[list[Evidence]] = relationship(
        back_populates="request", order_by="Evidence.id", cascade="all, delete-orphan"
    )
    clock_events: Mapped[list[ClockEvent]] = relationship(
        back_populates="request", order_by="ClockEvent.id", cascade="all, delete-orphan"
    )
    notes: Mapped[list[Note]] = relationship(
        back_populates="request", order_by="Note.id", cascade="all, delete-orphan"
    )

    @property
    def linked_requests(self) -> list[Request]:
        """Other requests made in the same submission (e.g. siblings)."""
        return [
            r
            for r in db.session.scalars(
                db.select(Request)
                .where(Request.submission_key == self.submission_key, Request.id != self.id)
                .order_by(Request.id)
            )
        ]


class Evidence(db.Model):
    """An uploaded file proving identity, address or authority to act."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    request: Mapped[Request] = relationship(back_populates="evidence")
    kind: Mapped[EvidenceKind] = mapped_column(enum_column(EvidenceKind))
    original_filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80))
    content_type: Mapped[str] = mapped_column(String(80))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_by: Mapped[User | None] = relationship()


class ClockEvent(db.Model):
    """A fact the statutory clock is computed from; never edited, only added."""

    __tablename__ = "clock_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    request: Mapped[Request] = relationship(back_populates="clock_events")
    kind: Mapped[ClockEventKind] = mapped_column(enum_column(ClockEventKind))
    event_date: Mapped[date] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(Text)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor: Mapped[User | None] = relationship()
    actor_label: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Note(db.Model):
    """A free-text note on a request by staff (e.g. a follow-up phone call)."""

    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    request: Mapped[Request] = relationship(back_populates="notes")
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    author: Mapped[User] = relationship()
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ReferenceCounter(db.Model):
    """The last number issued per reference prefix and year (SAR-2026-00042)."""

    __tablename__ = "reference_counters"
    __table_args__ = (UniqueConstraint("prefix", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    prefix: Mapped[str] = mapped_column(String(8))
    year: Mapped[int] = mapped_column(Integer)
    last_number: Mapped[int] = mapped_column(Integer, default=0)
