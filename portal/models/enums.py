"""Closed vocabularies of the domain."""

from __future__ import annotations

import enum
from typing import Any

from sqlalchemy import Enum


class RequestType(enum.StrEnum):
    ACCESS = "access"
    RECTIFICATION = "rectification"
    ERASURE = "erasure"

    @property
    def prefix(self) -> str:
        return {"access": "SAR", "rectification": "RECT", "erasure": "ERAS"}[self.value]

    @property
    def label(self) -> str:
        return {
            "access": "Subject access",
            "rectification": "Rectification",
            "erasure": "Erasure",
        }[self.value]


class Channel(enum.StrEnum):
    ONLINE = "online"
    PHONE = "phone"
    LETTER = "letter"
    EMAIL = "email"
    IN_PERSON = "in_person"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class RequestStatus(enum.StrEnum):
    RECEIVED = "received"
    AWAITING_EVIDENCE = "awaiting_evidence"
    IN_PROGRESS = "in_progress"
    CLARIFICATION_REQUESTED = "clarification_requested"
    GATHERING = "gathering"
    REVIEW = "review"
    APPROVAL = "approval"
    RELEASED = "released"
    DECISION = "decision"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"
    REFUSED = "refused"

    @property
    def label(self) -> str:
        return {
            "received": "Received",
            "awaiting_evidence": "Awaiting evidence",
            "in_progress": "In progress",
            "clarification_requested": "Clarification requested (clock stopped)",
            "gathering": "Gathering records",
            "review": "Redaction review",
            "approval": "Awaiting approval",
            "released": "Released",
            "decision": "Decision",
            "closed": "Closed",
            "withdrawn": "Withdrawn",
            "refused": "Refused",
        }[self.value]

    @property
    def is_open(self) -> bool:
        return self not in CLOSED_STATUSES

    @property
    def public_label(self) -> str:
        """What the requester is told: less internal detail than staff see."""
        return {
            "received": "Received: we are checking your request",
            "awaiting_evidence": "Waiting for proof of identity or authority from you",
            "in_progress": "In progress",
            "clarification_requested": "Waiting for you to tell us more",
            "gathering": "In progress: we are finding the records",
            "review": "In progress: we are preparing the records",
            "approval": "In progress: final checks",
            "released": "Ready: your response has been sent",
            "decision": "In progress: we are deciding",
            "closed": "Closed",
            "withdrawn": "Withdrawn",
            "refused": "Refused",
        }[self.value]


CLOSED_STATUSES = frozenset(
    {RequestStatus.CLOSED, RequestStatus.WITHDRAWN, RequestStatus.REFUSED, RequestStatus.RELEASED}
)


class Relationship(enum.StrEnum):
    SELF = "self"
    PARENT = "parent"
    CARER = "carer"
    ADVOCATE = "advocate"
    SOLICITOR = "solicitor"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "self": "Themselves",
            "parent": "Parent",
            "carer": "Carer or guardian",
            "advocate": "Advocate",
            "solicitor": "Solicitor",
            "other": "Other representative",
        }[self.value]


class ContactPreference(enum.StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    POST = "post"


class EvidenceKind(enum.StrEnum):
    IDENTITY = "identity"
    ADDRESS = "address"
    AUTHORITY = "authority"

    @property
    def label(self) -> str:
        return {
            "identity": "Proof of identity",
            "address": "Proof of address",
            "authority": "Proof of authority to act",
        }[self.value]


class ClockEventKind(enum.StrEnum):
    RECEIVED = "received"
    EVIDENCE_REQUESTED = "evidence_requested"
    EVIDENCE_RECEIVED = "evidence_received"
    CLOCK_STOPPED = "clock_stopped"
    CLOCK_RESTARTED = "clock_restarted"
    EXTENDED = "extended"

    @property
    def label(self) -> str:
        return {
            "received": "Request received",
            "evidence_requested": "Evidence asked for",
            "evidence_received": "Evidence received",
            "clock_stopped": "Clock stopped for clarification",
            "clock_restarted": "Clock restarted",
            "extended": "Deadline extended",
        }[self.value]


class Role(enum.StrEnum):
    PHONE_STAFF = "phone_staff"
    CASEWORKER = "caseworker"
    APPROVER = "approver"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return {
            "phone_staff": "Phone staff",
            "caseworker": "DPO team caseworker",
            "approver": "Approving officer",
            "admin": "Administrator",
        }[self.value]


def enum_column(enum_cls: type[enum.Enum]) -> Any:
    """A portable VARCHAR column type holding an enum's values (no native PG enum to migrate)."""
    return Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class PackStatus(enum.StrEnum):
    """A release pack's own life (``portal.services.lifecycle.PACK_EVENTS``)."""

    BUILDING = "building"
    BUILT = "built"
    FAILED = "failed"
    APPROVED = "approved"
    SENT_BACK = "sent_back"
    RELEASED = "released"

    @property
    def label(self) -> str:
        return {
            "building": "Being built",
            "built": "Built and verified",
            "failed": "Failed verification",
            "approved": "Approved",
            "sent_back": "Sent back",
            "released": "Released",
        }[self.value]


class _Labelled(enum.StrEnum):
    """A closed vocabulary stored as text, with the words staff see for each value."""

    @property
    def label(self) -> str:
        return self._labels()[self.value]  # type: ignore[no-any-return]

    @classmethod
    def _labels(cls) -> dict[str, str]:
        raise NotImplementedError


class JobStatus(_Labelled):
    QUEUED = "queued"
    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"

    @classmethod
    def _labels(cls) -> dict[str, str]:
        return {
            "queued": "Waiting to start",
            "running": "Running",
            "finished": "Finished",
            "failed": "Failed",
        }


class WorkStatus(_Labelled):
    """A document in scope: detection to run, done, or needing a person."""

    PENDING = "pending"
    DONE = "done"
    MANUAL = "manual"

    @classmethod
    def _labels(cls) -> dict[str, str]:
        return {
            "pending": "Waiting for detection",
            "done": "Detection done",
            "manual": "Needs manual handling",
        }


class ReviewStatus(_Labelled):
    UNREVIEWED = "unreviewed"
    IN_REVIEW = "in_review"
    REVIEWED = "reviewed"

    @classmethod
    def _labels(cls) -> dict[str, str]:
        return {"unreviewed": "Not reviewed", "in_review": "Being reviewed", "reviewed": "Reviewed"}


class CandidateDecision(_Labelled):
    PENDING = "pending"
    INCLUDED = "included"
    EXCLUDED = "excluded"

    @classmethod
    def _labels(cls) -> dict[str, str]:
        return {"pending": "To decide", "included": "In scope", "excluded": "Not in scope"}


class FindingChoice(_Labelled):
    """A reviewer's decision on one suggested redaction."""

    ACCEPTED = "accepted"
    REJECTED = "rejected"

    @classmethod
    def _labels(cls) -> dict[str, str]:
        return {"accepted": "Redact", "rejected": "Disclose"}


class PersonChoice(_Labelled):
    """A reviewer's decision on every mention of one person."""

    WITHHOLD = "withhold"
    DISCLOSE = "disclose"

    @classmethod
    def _labels(cls) -> dict[str, str]:
        return {"withhold": "Withhold every mention", "disclose": "Disclose"}


class DisclosureBasis(_Labelled):
    """Why a third party's data may be disclosed (DPA 2018 Sch 2 para 16)."""

    CONSENT = "consent"
    REASONABLE = "reasonable_without_consent"
    NONE = "none"

    @classmethod
    def _labels(cls) -> dict[str, str]:
        return {
            "consent": "with their consent",
            "reasonable_without_consent": "reasonable without their consent",
            "none": "no basis recorded",
        }


class FindingKind(_Labelled):
    """What a suggested redaction is (the redaction engine's kinds)."""

    PERSON = "PERSON"
    PHONE = "PHONE"
    EMAIL = "EMAIL"
    POSTCODE = "POSTCODE"
    ADDRESS = "ADDRESS"
    DATE_OF_BIRTH = "DATE_OF_BIRTH"
    NHS_NUMBER = "NHS_NUMBER"
    NI_NUMBER = "NI_NUMBER"
    SOCIAL_CARE_ID = "SOCIAL_CARE_ID"
    UPN = "UPN"
    ULN = "ULN"
    VEHICLE_REG = "VEHICLE_REG"
    BANK = "BANK"
    SCHOOL = "SCHOOL"
    GP_PRACTICE = "GP_PRACTICE"
    TEXT = "TEXT"
    MANUAL = "MANUAL"

    @classmethod
    def _labels(cls) -> dict[str, str]:
        return {
            "PERSON": "Name",
            "PHONE": "Phone number",
            "EMAIL": "Email address",
            "POSTCODE": "Postcode",
            "ADDRESS": "Address",
            "DATE_OF_BIRTH": "Date of birth",
            "NHS_NUMBER": "NHS number",
            "NI_NUMBER": "National Insurance number",
            "SOCIAL_CARE_ID": "Social care number",
            "UPN": "Unique pupil number",
            "ULN": "Unique learner number",
            "VEHICLE_REG": "Vehicle registration",
            "BANK": "Bank details",
            "SCHOOL": "School",
            "GP_PRACTICE": "GP practice",
            "TEXT": "Text",
            "MANUAL": "Drawn by a reviewer",
        }


# every closed vocabulary by name, for the templates' `label` filter
VOCABULARIES: dict[str, type[enum.StrEnum]] = {
    "PackStatus": PackStatus,
    "JobStatus": JobStatus,
    "WorkStatus": WorkStatus,
    "ReviewStatus": ReviewStatus,
    "CandidateDecision": CandidateDecision,
    "FindingChoice": FindingChoice,
    "PersonChoice": PersonChoice,
    "DisclosureBasis": DisclosureBasis,
    "FindingKind": FindingKind,
}
