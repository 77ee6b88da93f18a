"""The council's case records: people, case files, their links, and documents."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.enums import enum_column
from portal.textfold import fold
from portal.timeutil import utcnow


class CaseType(enum.StrEnum):
    CHILD_IN_NEED = "child_in_need"
    CHILD_PROTECTION = "child_protection"
    LOOKED_AFTER = "looked_after"
    CARE_LEAVER = "care_leaver"
    FOSTERING = "fostering"
    DISABILITIES = "disabilities"
    EARLY_HELP = "early_help"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


# Roles of people acting in a professional capacity: not withheld as third parties by default.
PROFESSIONAL_ROLES = frozenset(
    {
        "social_worker",
        "team_manager",
        "teacher",
        "designated_safeguarding_lead",
        "health_visitor",
        "school_nurse",
        "gp",
        "police_officer",
        "independent_reviewing_officer",
        "advocate",
        "family_support_worker",
        "solicitor",
        "nurse",
        "doctor",
        "paediatrician",
        "midwife",
        "camhs_worker",
        "youth_worker",
    }
)


class RecordPerson(db.Model):
    """A person known to the case records."""

    __tablename__ = "record_people"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), unique=True)
    first_names: Mapped[str] = mapped_column(String(200))
    last_name: Mapped[str] = mapped_column(String(200), index=True)
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    date_of_birth: Mapped[date | None] = mapped_column(Date, index=True)
    social_care_number: Mapped[str | None] = mapped_column(String(40), index=True)
    nhs_number: Mapped[str | None] = mapped_column(String(12), index=True)
    addresses: Mapped[list[str]] = mapped_column(JSON, default=list)
    professional: Mapped[bool] = mapped_column(default=False)
    organisation: Mapped[str | None] = mapped_column(String(200))
    # every name folded for searching, space-padded: " kelly brown | kel brown "
    search_names: Mapped[str] = mapped_column(Text, default="")

    @property
    def full_name(self) -> str:
        return f"{self.first_names} {self.last_name}".strip()

    @property
    def all_names(self) -> list[str]:
        return [self.full_name, *self.aliases]


@event.listens_for(RecordPerson, "before_insert")
@event.listens_for(RecordPerson, "before_update")
def _fold_names(mapper: Any, connection: Any, person: RecordPerson) -> None:
    """Keep the searchable names in step with the names, however the row was written."""
    names = [person.full_name, *(person.aliases or [])]
    person.search_names = " " + " | ".join(fold(n) for n in names) + " "


class CaseFile(db.Model):
    """A case of Children's Services (child in need, child protection, looked after, ...)."""

    __tablename__ = "case_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), unique=True)
    case_type: Mapped[CaseType] = mapped_column(enum_column(CaseType))
    opened: Mapped[date | None] = mapped_column(Date)
    closed: Mapped[date | None] = mapped_column(Date)
    members: Mapped[list[CaseMember]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseMember.id"
    )


class CaseMember(db.Model):
    """A person's role in a case (the child, mother, social worker, ...)."""

    __tablename__ = "case_members"
    __table_args__ = (UniqueConstraint("case_id", "person_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_files.id"), index=True)
    case: Mapped[CaseFile] = relationship(back_populates="members")
    person_id: Mapped[int] = mapped_column(ForeignKey("record_people.id"), index=True)
    person: Mapped[RecordPerson] = relationship()
    role: Mapped[str] = mapped_column(String(60))


class Document(db.Model):
    """A file of the case records, with its extracted text for searching."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), unique=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_files.id"), index=True)
    case: Mapped[CaseFile | None] = relationship()
    doc_type: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    doc_date: Mapped[date | None] = mapped_column(Date)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("record_people.id"))
    author: Mapped[RecordPerson | None] = relationship()
    filename: Mapped[str] = mapped_column(String(300))
    stored_name: Mapped[str] = mapped_column(String(120))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    body_text: Mapped[str] = mapped_column(Text, default="")
    # body and title folded for searching (lower case, no accents, hyphens as spaces); the
    # full-text index (SQLite FTS5 or a PostgreSQL tsvector) is built over this column.
    search_text: Mapped[str] = mapped_column(Text, default="")
    # "ok", or why the text could not be read ("encrypted", "corrupt", "scanned", ...)
    text_status: Mapped[str] = mapped_column(String(40), default="ok")
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    people: Mapped[list[DocumentPerson]] = relationship(
        back_populates="document", cascade="all, delete-orphan"
    )


class DocumentPerson(db.Model):
    """A person a document is about or mentions (from the export's manifest)."""

    __tablename__ = "document_people"
    __table_args__ = (UniqueConstraint("document_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    document: Mapped[Document] = relationship(back_populates="people")
    person_id: Mapped[int] = mapped_column(ForeignKey("record_people.id"), index=True)
    person: Mapped[RecordPerson] = relationship()


def as_dict(person: RecordPerson) -> dict[str, Any]:
    """A person as plain data (for party lists and job reports)."""
    return {"id": person.id, "name": person.full_name, "aliases": list(person.aliases)}
