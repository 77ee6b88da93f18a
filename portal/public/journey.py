"""The online form's journey: the draft kept server-side and the order of its questions.

The answers live in an IntakeDraft row; the browser holds only a random token in the session
(the row keeps its sha256). Every page asks `first_unanswered` before it shows itself, so a page
reached out of order sends the requester back to the first question they have not answered.
"""

from __future__ import annotations

import copy
import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask import current_app, session, url_for
from sqlalchemy import select
from sqlalchemy.orm.attributes import flag_modified

from portal.extensions import db
from portal.models import (
    Channel,
    ContactPreference,
    EvidenceKind,
    IntakeDraft,
    Relationship,
    RequestType,
)
from portal.services import evidence
from portal.services.intake import NewRequest, RequesterDetails, SubjectDetails
from portal.timeutil import as_utc, council_today, utcnow

SESSION_KEY = "intake_draft"
MAX_CHILDREN = 10
PERSON_STEPS = ("name", "dob", "address", "references")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def load_draft() -> IntakeDraft | None:
    """This browser's draft, unless it is missing or older than INTAKE_DRAFT_HOURS."""
    token = session.get(SESSION_KEY)
    if not isinstance(token, str) or not token:
        return None
    draft = db.session.scalar(select(IntakeDraft).where(IntakeDraft.token_hash == _digest(token)))
    if draft is None:
        session.pop(SESSION_KEY, None)
        return None
    hours = current_app.config["INTAKE_DRAFT_HOURS"]
    if as_utc(draft.updated_at) < utcnow() - timedelta(hours=hours):
        discard_draft(draft)
        db.session.commit()
        return None
    return draft


def new_draft() -> IntakeDraft:
    """Start a draft for this browser (the caller commits)."""
    token = secrets.token_urlsafe(32)
    draft = IntakeDraft(token_hash=_digest(token), answers={}, uploads=[])
    db.session.add(draft)
    session[SESSION_KEY] = token
    return draft


def discard_draft(draft: IntakeDraft, *, keep_files: bool = False) -> None:
    """Forget a draft and (unless submitted) the files uploaded with it."""
    if not keep_files:
        for upload in draft.uploads or []:
            evidence.discard(current_app.config["UPLOAD_DIR"], upload["stored_name"])
    db.session.delete(draft)
    session.pop(SESSION_KEY, None)


def save(draft: IntakeDraft, answers: dict[str, Any]) -> None:
    """Store the answers (a fresh copy, so the JSON column sees the change)."""
    draft.answers = copy.deepcopy(answers)
    draft.updated_at = utcnow()
    flag_modified(draft, "answers")


def save_uploads(draft: IntakeDraft, uploads: list[dict[str, Any]]) -> None:
    """Store the list of uploaded files waiting for submission."""
    draft.uploads = copy.deepcopy(uploads)
    draft.updated_at = utcnow()
    flag_modified(draft, "uploads")


@dataclass(frozen=True)
class Step:
    """One question page: where it is and whether it has been answered."""

    key: str
    url: str
    answered: bool


def steps(answers: dict[str, Any]) -> list[Step]:
    """The questions that apply to these answers, in order."""
    who = answers.get("who")
    out = [
        Step("type", url_for("public.request_type"), "request_type" in answers),
        Step("who", url_for("public.who"), "who" in answers),
    ]
    if who in ("child", "other"):
        out.append(Step("relationship", url_for("public.relationship"), "relationship" in answers))
        out.append(Step("your-name", url_for("public.your_name"), "requester_name" in answers))
    subjects = answers.get("subjects") or [{}]
    for i, subject in enumerate(subjects):
        done = subject.get("done", [])
        for part in PERSON_STEPS:
            out.append(
                Step(f"person-{i}-{part}", url_for(f"public.person_{part}", i=i), part in done)
            )
    if who == "child":
        out.append(
            Step("add-another", url_for("public.add_another"), answers.get("more_children") == "no")
        )
    out.append(Step("contact", url_for("public.contact"), "contact" in answers))
    kind = answers.get("request_type")
    out.append(Step("details", url_for("public.details"), f"details_{kind}" in answers))
    out.append(
        Step("evidence", url_for("public.evidence_page"), bool(answers.get("evidence_done")))
    )
    return out


def first_unanswered(answers: dict[str, Any]) -> str | None:
    """The URL of the first question not yet answered, or None when all are."""
    for step in steps(answers):
        if not step.answered:
            return step.url
    return None


def gate(answers: dict[str, Any], key: str) -> str | None:
    """Where to send someone who opened `key` too early (None: they may see it)."""
    for step in steps(answers):
        if step.key == key:
            return None
        if not step.answered:
            return step.url
    # Not a question these answers call for: on to whatever is next.
    return first_unanswered(answers) or url_for("public.check")


def previous(answers: dict[str, Any], key: str) -> str:
    """The page before `key` (the back link)."""
    before = url_for("public.start")
    for step in steps(answers):
        if step.key == key:
            return before
        before = step.url
    return before


def next_page(answers: dict[str, Any]) -> str:
    """After an answer: the first question still open, else check your answers."""
    return first_unanswered(answers) or url_for("public.check")


def request_type(answers: dict[str, Any]) -> RequestType:
    """The type of request chosen."""
    return RequestType(answers["request_type"])


def subject_details(answers: dict[str, Any]) -> list[SubjectDetails]:
    """The people the request is about, as the intake service takes them."""
    is_child = answers.get("who") == "child"
    out = []
    for s in answers.get("subjects") or []:
        out.append(
            SubjectDetails(
                first_names=s["first_names"],
                last_name=s["last_name"],
                previous_names=list(s.get("previous_names") or []),
                aliases=list(s.get("aliases") or []),
                date_of_birth=date.fromisoformat(s["date_of_birth"]),
                address=s.get("address") or None,
                postcode=s.get("postcode") or None,
                social_care_number=s.get("social_care_number") or None,
                nhs_number=s.get("nhs_number") or None,
                other_references=s.get("other_references") or None,
                is_child=is_child,
            )
        )
    return out


def requester_name(answers: dict[str, Any]) -> str:
    """The requester's name: their own, or the subject's when asking about themselves."""
    if answers.get("who") == "self":
        s = answers["subjects"][0]
        return f"{s['first_names']} {s['last_name']}"
    return str(answers["requester_name"])


def build_new_request(answers: dict[str, Any], uploads: list[dict[str, Any]]) -> NewRequest:
    """The submission the intake service takes, from a complete draft."""
    kind = request_type(answers)
    contact = answers["contact"]
    details = answers[f"details_{kind.value}"]
    who = answers["who"]
    relationship = Relationship.SELF if who == "self" else Relationship(answers["relationship"])
    return NewRequest(
        type=kind,
        channel=Channel.ONLINE,
        received_date=council_today(),
        requester=RequesterDetails(
            full_name=requester_name(answers),
            email=contact.get("email") or None,
            phone=contact.get("phone") or None,
            address=contact.get("address") or None,
            postcode=contact.get("postcode") or None,
            contact_preference=ContactPreference(contact["contact_preference"]),
        ),
        subjects=subject_details(answers),
        relationship=relationship,
        relationship_detail=(answers.get("relationship_detail") or None) if who != "self" else None,
        access_period=details.get("access_period") or None,
        access_services=list(details.get("services") or []),
        description=details.get("description") or None,
        correction=details.get("correction") or None,
        erasure_reason=details.get("erasure_reason") or None,
        uploads=[
            (
                EvidenceKind(u["kind"]),
                evidence.CheckedUpload(
                    stored_name=u["stored_name"],
                    original_filename=u["filename"],
                    content_type=u["content_type"],
                    size=u["size"],
                    sha256=u["sha256"],
                ),
            )
            for u in uploads
        ],
    )
