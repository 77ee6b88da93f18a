"""A request's life, declared once: named events, the states they leave from, their target, who
may fire them, the guards that must hold and what follows (docs/architecture.md, "The workflow
table"). Firing an event is the only way to change a request's state or a pack's status: the
service that does the work calls :func:`fire` (or :func:`fire_pack`), which checks the table,
changes the state and writes the audit entry in the caller's transaction. Staff screens draw
their buttons from :func:`available_events`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from portal.extensions import db
from portal.models import (
    AuditEvent,
    ClockEventKind,
    DocumentWork,
    PackStatus,
    Relationship,
    ReleasePack,
    Request,
    RequestStatus,
    RequestType,
    ReviewStatus,
    Role,
    WithheldPart,
    WorkStatus,
)
from portal.services import audit, deadlines
from portal.services.actor import Actor
from portal.services.errors import InvalidTransition, ServiceError
from portal.timeutil import council_today, utcnow

S = RequestStatus
P = PackStatus
ALL_TYPES = frozenset(RequestType)
ACCESS = frozenset({RequestType.ACCESS})
DECIDED = frozenset({RequestType.RECTIFICATION, RequestType.ERASURE})
CASEWORK = frozenset({Role.CASEWORKER})
SYSTEM = frozenset()  # fired by a job or by the requester, never from a staff button
OPEN_WORK = frozenset({S.IN_PROGRESS, S.CLARIFICATION_REQUESTED, S.GATHERING, S.REVIEW, S.APPROVAL})
CHILD_VIEWS_AGE = 12  # from this age a child's own views are recorded before release


# --- guards -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Guard:
    """A named condition an event needs, and what staff are told when it does not hold."""

    check: Callable[[Request, Actor], bool]
    message: Callable[[Request], str]


def _works(request: Request) -> list[DocumentWork]:
    return list(
        db.session.scalars(select(DocumentWork).where(DocumentWork.request_id == request.id))
    )


def _withheld_whole(request: Request) -> set[int]:
    return set(
        db.session.scalars(
            select(WithheldPart.document_id).where(
                WithheldPart.request_id == request.id, WithheldPart.page.is_(None)
            )
        )
    )


def unprocessed(request: Request) -> list[DocumentWork]:
    """In-scope documents whose detection has not finished (or failed without manual handling)."""
    return [w for w in _works(request) if w.status not in (WorkStatus.DONE, WorkStatus.MANUAL)]


def unreviewed(request: Request) -> list[DocumentWork]:
    """In-scope documents not marked reviewed (whole documents withheld need no review)."""
    whole = _withheld_whole(request)
    return [
        w
        for w in _works(request)
        if w.review_status != ReviewStatus.REVIEWED and w.document_id not in whole
    ]


def child_age(request: Request, on: date | None = None) -> int | None:
    """The data subject's age in whole years on ``on`` (today), when the date of birth is known."""
    born = request.subject.date_of_birth
    if born is None:
        return None
    on = on or council_today()
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def child_views_missing(request: Request) -> list[str]:
    """What is still to record about a child whose records someone else asked for."""
    if not request.subject_is_child or request.relationship_to_subject is Relationship.SELF:
        return []
    missing = []
    if not (request.child_competence_note or "").strip():
        missing.append("the child's competence to understand the request")
    age = child_age(request)
    if (age is None or age >= CHILD_VIEWS_AGE) and not (request.child_views_note or "").strip():
        missing.append("the child's own views")
    return missing


def newest_pack(request: Request) -> ReleasePack | None:
    return db.session.scalar(
        select(ReleasePack)
        .where(ReleasePack.request_id == request.id)
        .order_by(ReleasePack.version.desc())
        .limit(1)
    )


def previewed(pack: ReleasePack, actor: Actor) -> bool:
    """The actor opened this very pack's preview."""
    return actor.user_id is not None and (
        db.session.scalar(
            select(AuditEvent.id)
            .where(
                AuditEvent.request_id == pack.request_id,
                AuditEvent.action == "pack_previewed",
                AuditEvent.actor_id == actor.user_id,
            )
            .where(AuditEvent.detail["pack_id"].as_integer() == pack.id)
            .limit(1)
        )
        is not None
    )


def deciders(request: Request) -> set[int]:
    """Everyone who decided this request's scope or its redactions, or built a pack."""
    from portal.models import Candidate
    from portal.services import release

    found = release.reviewers(request.id)
    found.update(
        x
        for x in db.session.scalars(
            select(Candidate.decided_by_id).where(Candidate.request_id == request.id)
        )
        if x
    )
    found.update(
        x
        for x in db.session.scalars(
            select(ReleasePack.built_by_id).where(ReleasePack.request_id == request.id)
        )
        if x
    )
    return found


def _harm_missing(request: Request) -> list[str]:
    from portal.services import review

    return list(review.harm_opinions_missing(request.id))


def _extension_open(request: Request, _actor: Actor) -> bool:
    if any(e.kind is ClockEventKind.EXTENDED for e in request.clock_events):
        return False
    return council_today() <= deadlines.clock_state(request).first_month_end


def _extension_message(request: Request) -> str:
    if any(e.kind is ClockEventKind.EXTENDED for e in request.clock_events):
        return "This request has already been extended"
    end = deadlines.clock_state(request).first_month_end
    return (
        "Too late to extend: the requester must be told within the first month, which ended "
        f"on {end:%-d %B %Y}"
    )


def _names(works: list[DocumentWork]) -> str:
    shown = [w.document.title if w.document else f"document {w.document_id}" for w in works[:5]]
    more = f" and {len(works) - 5} more" if len(works) > 5 else ""
    return ", ".join(shown) + more


GUARDS: dict[str, Guard] = {
    "extension_window_open": Guard(_extension_open, _extension_message),
    "clock_stopped": Guard(
        lambda r, a: any(e.kind is ClockEventKind.CLOCK_STOPPED for e in r.clock_events),
        lambda r: "The clock is not stopped",
    ),
    "subject_is_child": Guard(
        lambda r, a: r.subject_is_child, lambda r: "This request is not about a child"
    ),
    "all_documents_processed": Guard(
        lambda r, a: not unprocessed(r),
        lambda r: "Detection has not finished for: " + _names(unprocessed(r)),
    ),
    "all_documents_reviewed": Guard(
        lambda r, a: not unreviewed(r),
        lambda r: (
            "Mark every document as reviewed first (or withhold it): " + _names(unreviewed(r))
        ),
    ),
    "child_views_recorded": Guard(
        lambda r, a: not child_views_missing(r),
        lambda r: "Record " + " and ".join(child_views_missing(r)) + " first",
    ),
    "harm_opinions_recorded": Guard(
        lambda r, a: not _harm_missing(r),
        lambda r: "Record the professional's opinion first for: " + ", ".join(_harm_missing(r)),
    ),
    "pack_verified": Guard(
        lambda r, a: (p := newest_pack(r)) is not None and p.status == P.BUILT,
        lambda r: "Build a pack that passes verification first",
    ),
    "pack_approved": Guard(
        lambda r, a: (p := newest_pack(r)) is not None and p.status == P.APPROVED,
        lambda r: "Only an approved pack can be released",
    ),
    "approver_independent": Guard(
        lambda r, a: a.user_id is not None and a.user_id not in deciders(r),
        lambda r: (
            "You decided this request's scope, its redactions or built its pack, so "
            "another approving officer must decide"
        ),
    ),
    "approver_previewed": Guard(
        lambda r, a: (p := newest_pack(r)) is not None and previewed(p, a),
        lambda r: (
            "Open the preview of this pack first: you approve exactly what the requester will get"
        ),
    ),
}


# --- the tables ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    """One thing that can happen to a request."""

    name: str
    label: str
    sources: frozenset[RequestStatus]
    target: RequestStatus | None  # None: the state stays (an extension, a note of views)
    # who may fire it when signed in as staff (a job or the requester, never signed in, may
    # fire any event the table has for its state); empty: never from a staff screen
    roles: frozenset[Role]
    types: frozenset[RequestType] = ALL_TYPES
    guards: tuple[str, ...] = ()
    effects: tuple[str, ...] = ("audit",)  # what follows, for the docs and the approval page
    needs_reason: bool = False


def _e(*args: object, **kw: object) -> Event:
    return Event(*args, **kw)  # type: ignore[arg-type]


REQUEST_EVENTS: tuple[Event, ...] = (
    _e(
        "verify",
        "Confirm identity and start work",
        frozenset({S.RECEIVED}),
        S.IN_PROGRESS,
        CASEWORK,
        effects=("audit", "clock"),
    ),
    _e(
        "ask_evidence",
        "Ask for identity or authority evidence",
        frozenset({S.RECEIVED}),
        S.AWAITING_EVIDENCE,
        CASEWORK,
        effects=("audit", "clock", "letter:evidence_request"),
        needs_reason=True,
    ),
    _e(
        "evidence_received",
        "Record evidence received",
        frozenset({S.RECEIVED, S.AWAITING_EVIDENCE}),
        S.IN_PROGRESS,
        CASEWORK,
        effects=("audit", "clock", "letter:clock_started"),
    ),
    _e(
        "close_unanswered",
        "Close: nothing came back",
        frozenset({S.AWAITING_EVIDENCE, S.CLARIFICATION_REQUESTED}),
        S.CLOSED,
        CASEWORK,
        effects=("audit", "letter:closed_unanswered"),
        needs_reason=True,
    ),
    _e(
        "stop_clock",
        "Stop the clock for clarification",
        frozenset({S.IN_PROGRESS}),
        S.CLARIFICATION_REQUESTED,
        CASEWORK,
        effects=("audit", "clock", "letter:clarification_request"),
        needs_reason=True,
    ),
    _e(
        "restart_clock",
        "Restart the clock",
        frozenset({S.CLARIFICATION_REQUESTED}),
        S.IN_PROGRESS,
        CASEWORK,
        guards=("clock_stopped",),
        effects=("audit", "clock"),
    ),
    _e(
        "extend",
        "Extend the deadline",
        OPEN_WORK | {S.DECISION},
        None,
        CASEWORK,
        guards=("extension_window_open",),
        effects=("audit", "clock", "letter:extension"),
        needs_reason=True,
    ),
    _e(
        "record_child_views",
        "Record the child's competence and views",
        OPEN_WORK | {S.RECEIVED, S.AWAITING_EVIDENCE, S.DECISION},
        None,
        CASEWORK,
        guards=("subject_is_child",),
    ),
    _e(
        "start_search",
        "Search the case records",
        frozenset({S.IN_PROGRESS}),
        S.GATHERING,
        CASEWORK,
        ACCESS,
        effects=("audit", "job:gather"),
    ),
    _e(
        "search_failed",
        "Records search failed",
        frozenset({S.GATHERING}),
        S.IN_PROGRESS,
        SYSTEM,
        ACCESS,
    ),
    _e(
        "confirm_scope",
        "Confirm the documents in scope",
        frozenset({S.GATHERING}),
        S.REVIEW,
        CASEWORK,
        ACCESS,
        effects=("audit", "job:detect"),
    ),
    _e(
        "submit_for_approval",
        "Send the pack for approval",
        frozenset({S.REVIEW}),
        S.APPROVAL,
        CASEWORK,
        ACCESS,
        guards=(
            "pack_verified",
            "all_documents_processed",
            "all_documents_reviewed",
            "child_views_recorded",
            "harm_opinions_recorded",
        ),
    ),
    _e(
        "send_back",
        "Send the pack back to review",
        frozenset({S.APPROVAL}),
        S.REVIEW,
        frozenset({Role.APPROVER}),
        ACCESS,
        guards=("approver_independent",),
        needs_reason=True,
    ),
    _e(
        "release",
        "Release the pack",
        frozenset({S.APPROVAL}),
        S.RELEASED,
        frozenset({Role.APPROVER, Role.CASEWORKER}),
        ACCESS,
        guards=("pack_approved",),
        effects=("audit", "letter:download_link"),
    ),
    _e(
        "delivered",
        "Pack downloaded or posted",
        frozenset({S.RELEASED}),
        S.CLOSED,
        CASEWORK,
        ACCESS,
    ),
    _e(
        "reopen",
        "Reopen for a new pack version",
        frozenset({S.RELEASED, S.CLOSED}),
        S.REVIEW,
        CASEWORK,
        ACCESS,
        needs_reason=True,
    ),
    _e(
        "decide",
        "Record the decision",
        frozenset({S.IN_PROGRESS}),
        S.DECISION,
        CASEWORK,
        DECIDED,
        effects=("audit", "letter:decision"),
        needs_reason=True,
    ),
    _e("close", "Close the request", frozenset({S.DECISION}), S.CLOSED, CASEWORK, DECIDED),
    _e(
        "withdraw",
        "Record withdrawal",
        frozenset({S.RECEIVED, S.AWAITING_EVIDENCE}) | OPEN_WORK,
        S.WITHDRAWN,
        CASEWORK | {Role.PHONE_STAFF},
        needs_reason=True,
    ),
    _e(
        "refuse",
        "Refuse the request",
        frozenset({S.RECEIVED, S.IN_PROGRESS}),
        S.REFUSED,
        CASEWORK,
        effects=("audit", "letter:refusal"),
        needs_reason=True,
    ),
)
EVENTS = {e.name: e for e in REQUEST_EVENTS}
TERMINAL = frozenset({S.CLOSED, S.WITHDRAWN, S.REFUSED})
# what may still be edited in each state (scope and redactions only in their own stage)
EDITABLE = {"scope": frozenset({S.GATHERING, S.REVIEW}), "review": frozenset({S.REVIEW})}


@dataclass(frozen=True)
class PackEvent:
    name: str
    sources: frozenset[PackStatus]
    target: PackStatus
    roles: frozenset[Role]
    guards: tuple[str, ...] = ()


PACK_EVENTS: tuple[PackEvent, ...] = (
    PackEvent("built", frozenset({P.BUILDING}), P.BUILT, SYSTEM),
    PackEvent("failed", frozenset({P.BUILDING}), P.FAILED, SYSTEM),
    PackEvent(
        "approve",
        frozenset({P.BUILT}),
        P.APPROVED,
        frozenset({Role.APPROVER}),
        ("approver_independent", "approver_previewed"),
    ),
    PackEvent(
        "send_back",
        frozenset({P.BUILT}),
        P.SENT_BACK,
        frozenset({Role.APPROVER}),
        ("approver_independent",),
    ),
    PackEvent(
        "release", frozenset({P.APPROVED}), P.RELEASED, frozenset({Role.APPROVER, Role.CASEWORKER})
    ),
)
PACK = {e.name: e for e in PACK_EVENTS}
# a new pack version is built only from documents that are all processed and reviewed
BUILD_GUARDS = ("all_documents_processed", "all_documents_reviewed")


# --- asking and firing --------------------------------------------------------------------------


@dataclass
class Offer:
    """An event a user may fire now, or could but for the guards listed."""

    event: Event
    blocked: list[str] = field(default_factory=list)


def _applies(event: Event, request: Request) -> bool:
    return request.status in event.sources and request.type in event.types


def failing(event_guards: tuple[str, ...], request: Request, actor: Actor) -> list[str]:
    """The messages of the guards that do not hold."""
    return [GUARDS[g].message(request) for g in event_guards if not GUARDS[g].check(request, actor)]


def available_events(request: Request, actor: Actor) -> list[Offer]:
    """Every event this actor may fire on this request in its state, with what blocks it."""
    out = []
    for event in REQUEST_EVENTS:
        if not _applies(event, request) or not (event.roles & actor.roles):
            continue
        out.append(Offer(event, failing(event.guards, request, actor)))
    return out


def fire(request: Request, name: str, actor: Actor, reason: str | None = None) -> None:
    """Fire ``name`` on ``request``: the table's checks, then the state and its audit entry."""
    event = EVENTS[name]
    if not _applies(event, request):
        raise InvalidTransition(
            f"A request that is {request.status.label.lower()} cannot be given "
            f"'{event.label.lower()}'"
        )
    if event.roles and actor.user_id is not None and not (event.roles & actor.roles):
        raise ServiceError("Your role cannot do this")
    if not event.roles and actor.user_id is not None and Role.ADMIN not in actor.roles:
        raise ServiceError("This step is taken by the system, not from a screen")
    blocked = failing(event.guards, request, actor)
    if blocked:
        raise ServiceError(blocked[0])
    text = (reason or "").strip() or None
    if event.needs_reason and text is None:
        raise ServiceError("Give a reason")
    before = request.status
    if event.target is not None:
        request.status = event.target
        if event.target in TERMINAL | {S.RELEASED}:
            request.closed_at = utcnow()
        elif before in TERMINAL | {S.RELEASED}:
            request.closed_at = None
    audit.record(
        actor,
        "status_changed" if event.target is not None else f"event_{name}",
        request.id,
        event=name,
        before=before.value,
        after=request.status.value,
        reason=text,
    )


def fire_pack(pack: ReleasePack, name: str, actor: Actor, request: Request | None = None) -> None:
    """Move a release pack along its own table."""
    event = PACK[name]
    if PackStatus(pack.status) not in event.sources:
        raise InvalidTransition(
            f"A pack that is {PackStatus(pack.status).label.lower()} cannot "
            f"be given '{name.replace('_', ' ')}'"
        )
    if event.guards:
        target = request or db.session.get(Request, pack.request_id)
        assert target is not None
        blocked = failing(event.guards, target, actor)
        if blocked:
            raise ServiceError(blocked[0])
    pack.status = event.target


def require_editable(request: Request, what: str = "review") -> None:
    """Scope and redaction decisions only while the request is in that stage: after release
    they are read-only (reopen the request, which makes a new pack version)."""
    if request.status not in EDITABLE[what]:
        raise InvalidTransition(
            f"This request is {request.status.label.lower()}: its "
            + ("documents in scope" if what == "scope" else "redactions")
            + " can no longer change"
            + (
                " (reopen it to make a new pack version)"
                if request.status in (S.RELEASED, S.CLOSED)
                else ""
            )
        )


def require_running(request: Request) -> None:
    """Background work runs only on a request in the stage it was started for."""
    if request.status not in (S.GATHERING, S.REVIEW):
        raise InvalidTransition(f"The request is {request.status.label.lower()}: nothing runs")
