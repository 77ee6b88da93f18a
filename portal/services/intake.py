"""Taking in a request, online or logged by staff, and acknowledging it."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta

from portal.extensions import db
from portal.models import (
    Channel,
    ClockEvent,
    ClockEventKind,
    ContactPreference,
    DataSubject,
    EvidenceKind,
    Relationship,
    Request,
    Requester,
    RequestStatus,
    RequestType,
)
from portal.services import audit, deadlines, evidence, letters
from portal.services.actor import Actor
from portal.services.errors import ServiceError
from portal.services.references import next_reference
from portal.timeutil import council_today

# Staff may log a letter that sat unopened, but not one from years ago by mistake.
MAX_BACKDATE_DAYS = 366


@dataclass
class SubjectDetails:
    """The data subject as the requester describes them."""

    first_names: str
    last_name: str
    previous_names: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    date_of_birth: date | None = None
    address: str | None = None
    postcode: str | None = None
    social_care_number: str | None = None
    nhs_number: str | None = None
    other_references: str | None = None
    is_child: bool = False


@dataclass
class RequesterDetails:
    """The person asking, and how to reach them."""

    full_name: str
    email: str | None = None
    phone: str | None = None
    address: str | None = None
    postcode: str | None = None
    contact_preference: ContactPreference = ContactPreference.EMAIL


@dataclass
class NewRequest:
    """One submission: a requester asking about one or more data subjects."""

    type: RequestType
    channel: Channel
    received_date: date
    requester: RequesterDetails
    subjects: list[SubjectDetails]
    relationship: Relationship = Relationship.SELF
    relationship_detail: str | None = None
    access_period: str | None = None
    access_services: list[str] = field(default_factory=list)
    description: str | None = None
    correction: str | None = None
    erasure_reason: str | None = None
    contact_notes: str | None = None
    uploads: list[tuple[EvidenceKind, evidence.CheckedUpload]] = field(default_factory=list)


def _check(new: NewRequest, today: date) -> None:
    if not new.subjects:
        raise ServiceError("A request needs at least one person it is about")
    if new.received_date > today:
        raise ServiceError("The date received cannot be in the future")
    if new.received_date < today - timedelta(days=MAX_BACKDATE_DAYS):
        raise ServiceError("The date received must be within the last year")
    if new.relationship is Relationship.SELF and len(new.subjects) > 1:
        raise ServiceError("A request about yourself is about one person")
    prefers = new.requester.contact_preference
    if prefers is ContactPreference.EMAIL and not new.requester.email:
        raise ServiceError("An email address is needed to reply by email")
    if prefers is ContactPreference.PHONE and not new.requester.phone:
        raise ServiceError("A phone number is needed to reply by phone")
    if prefers is ContactPreference.POST and not new.requester.address:
        raise ServiceError("A postal address is needed to reply by post")


def create_requests(new: NewRequest, actor: Actor) -> list[Request]:
    """Create one request per data subject, start their clocks and queue the acknowledgement."""
    today = council_today()
    _check(new, today)
    requester = Requester(
        full_name=new.requester.full_name,
        email=(new.requester.email or "").strip().lower() or None,
        phone=new.requester.phone,
        address=new.requester.address,
        postcode=new.requester.postcode,
        contact_preference=new.requester.contact_preference,
    )
    db.session.add(requester)
    submission_key = secrets.token_hex(8)
    created: list[Request] = []
    for details in new.subjects:
        subject = DataSubject(
            first_names=details.first_names,
            last_name=details.last_name,
            previous_names=details.previous_names,
            aliases=details.aliases,
            date_of_birth=details.date_of_birth,
            address=details.address,
            postcode=details.postcode,
            social_care_number=details.social_care_number,
            nhs_number=details.nhs_number,
            other_references=details.other_references,
        )
        request = Request(
            reference=next_reference(new.type, new.received_date.year),
            type=new.type,
            channel=new.channel,
            status=RequestStatus.RECEIVED,
            received_date=new.received_date,
            submission_key=submission_key,
            requester=requester,
            subject=subject,
            relationship_to_subject=new.relationship,
            relationship_detail=new.relationship_detail,
            subject_is_child=details.is_child,
            access_period=new.access_period,
            access_services=list(new.access_services),
            description=new.description,
            correction=new.correction,
            erasure_reason=new.erasure_reason,
            logged_by_id=actor.user_id,
            contact_notes=new.contact_notes,
        )
        db.session.add(request)
        request.clock_events.append(
            ClockEvent(
                kind=ClockEventKind.RECEIVED,
                event_date=new.received_date,
                actor_id=actor.user_id,
                actor_label=actor.label,
                reason="Made online"
                if new.channel is Channel.ONLINE
                else f"Received by {new.channel.label.lower()}",
            )
        )
        db.session.flush()
        deadlines.refresh(request)
        audit.record(
            actor,
            "request_created",
            request.id,
            reference=request.reference,
            channel=new.channel.value,
            type=new.type.value,
        )
        for kind, upload in new.uploads:
            evidence.attach(request, upload, kind, actor)
        created.append(request)
    db.session.flush()
    acknowledge(created)
    return created


def acknowledge(requests: list[Request]) -> None:
    """Queue the acknowledgement: the references, what happens next and the due dates (by
    email, or a letter to print and post when the requester gave no email address)."""
    first = requests[0]
    letter = letters.send(first, "acknowledgement", requests=requests)
    if len(requests) > 1:
        letter.subject += " and others"
