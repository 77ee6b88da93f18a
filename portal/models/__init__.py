"""Typed SQLAlchemy models, one module per aggregate."""

from __future__ import annotations

from portal.models.audit import AuditEvent
from portal.models.enums import (
    Channel,
    ClockEventKind,
    ContactPreference,
    EvidenceKind,
    PackStatus,
    Relationship,
    RequestStatus,
    RequestType,
    Role,
)
from portal.models.gathering import (
    Candidate,
    DocumentWork,
    FindingRecord,
    JobRecord,
    RequestParty,
    SearchRun,
)
from portal.models.intake import IntakeDraft, StatusLink, StatusLookupFailure
from portal.models.outbox import OutboxMessage
from portal.models.records import (
    CaseFile,
    CaseMember,
    CaseType,
    Document,
    DocumentPerson,
    RecordPerson,
)
from portal.models.request import (
    ClockEvent,
    DataSubject,
    Evidence,
    Note,
    ReferenceCounter,
    Request,
    Requester,
)
from portal.models.review import (
    DeliveryLink,
    FindingDecision,
    HarmOpinion,
    ManualRedaction,
    PersonDecision,
    ReleasePack,
    WithheldPart,
)
from portal.models.settings import Setting
from portal.models.user import User

__all__ = [
    "PackStatus",
    "WithheldPart",
    "ReleasePack",
    "PersonDecision",
    "ManualRedaction",
    "HarmOpinion",
    "FindingDecision",
    "DeliveryLink",
    "RecordPerson",
    "DocumentPerson",
    "Document",
    "CaseType",
    "CaseMember",
    "CaseFile",
    "SearchRun",
    "RequestParty",
    "JobRecord",
    "FindingRecord",
    "DocumentWork",
    "Candidate",
    "AuditEvent",
    "Channel",
    "ClockEvent",
    "ClockEventKind",
    "ContactPreference",
    "DataSubject",
    "Evidence",
    "EvidenceKind",
    "IntakeDraft",
    "Note",
    "OutboxMessage",
    "ReferenceCounter",
    "Relationship",
    "Request",
    "RequestStatus",
    "RequestType",
    "Requester",
    "Role",
    "Setting",
    "StatusLink",
    "StatusLookupFailure",
    "User",
]
