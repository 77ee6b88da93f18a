"""Moving a request through its states: verification, the clock, assignment, closing."""

from __future__ import annotations

from datetime import date

from portal.extensions import db
from portal.models import (
    ClockEvent,
    ClockEventKind,
    Note,
    Request,
    RequestStatus,
    Role,
    User,
)
from portal.services import audit, deadlines, letters, lifecycle
from portal.services.actor import Actor
from portal.services.errors import InvalidTransition, NotFound, ServiceError
from portal.timeutil import council_today

S = RequestStatus

REFUSAL_GROUNDS = {
    "manifestly_unfounded": "manifestly unfounded",
    "manifestly_excessive": "manifestly excessive",
}


def get_request(request_id: int) -> Request:
    """The request, or NotFound."""
    request = db.session.get(Request, request_id)
    if request is None:
        raise NotFound("No such request")
    return request


def allowed_next(request: Request) -> frozenset[RequestStatus]:
    """The states this request may move to next (from the workflow table)."""
    return frozenset(
        e.target
        for e in lifecycle.REQUEST_EVENTS
        if e.target is not None and request.status in e.sources and request.type in e.types
    )


def move(request: Request, to: RequestStatus, actor: Actor, reason: str | None = None) -> None:
    """Fire the one event of the workflow table that takes this request to ``to``."""
    events = [
        e
        for e in lifecycle.REQUEST_EVENTS
        if e.target is to and request.status in e.sources and request.type in e.types
    ]
    if len(events) != 1:
        raise InvalidTransition(
            f"A request that is {request.status.label.lower()} cannot become {to.label.lower()}"
        )
    lifecycle.fire(request, events[0].name, actor, reason)


def _event(
    request: Request, kind: ClockEventKind, on: date, actor: Actor, reason: str | None
) -> ClockEvent:
    event = ClockEvent(
        kind=kind, event_date=on, actor_id=actor.user_id, actor_label=actor.label, reason=reason
    )
    request.clock_events.append(event)
    db.session.flush()
    audit.record(actor, f"clock_{kind.value}", request.id, date=on.isoformat(), reason=reason)
    return event


def _check_date(on: date, not_before: date, what: str) -> None:
    if on > council_today():
        raise ServiceError(f"The date {what} cannot be in the future")
    if on < not_before:
        raise ServiceError(f"The date {what} cannot be before {not_before:%-d %B %Y}")


def _require_reason(reason: str | None, what: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise ServiceError(f"Give a reason {what}")
    return text


def verify(request_id: int, actor: Actor, note: str | None = None) -> Request:
    """Identity (and authority) are confirmed without asking for anything: work can start."""
    request = get_request(request_id)
    lifecycle.fire(request, "verify", actor, note or "identity and authority confirmed")
    deadlines.refresh(request)
    return request


def ask_for_evidence(request_id: int, actor: Actor, what: str, on: date | None = None) -> Request:
    """Ask for identity or authority evidence: the clock waits until it arrives."""
    request = get_request(request_id)
    what = _require_reason(what, "saying what evidence is needed")
    on = on or council_today()
    _check_date(on, request.received_date, "asked")
    lifecycle.fire(request, "ask_evidence", actor, what)
    _event(request, ClockEventKind.EVIDENCE_REQUESTED, on, actor, what)
    deadlines.refresh(request)
    letters.send(request, "evidence_request", what=what)
    return request


def record_evidence_received(
    request_id: int, actor: Actor, on: date, note: str | None = None
) -> Request:
    """Evidence asked for has arrived on the given day: the month starts afresh from that day."""
    request = get_request(request_id)
    _check_date(on, request.received_date, "the evidence arrived")
    _event(request, ClockEventKind.EVIDENCE_RECEIVED, on, actor, note)
    lifecycle.fire(request, "evidence_received", actor, "evidence received")
    state = deadlines.refresh(request)
    letters.send(request, "clock_started", on=on, due=state.due)
    return request


def stop_clock(request_id: int, actor: Actor, reason: str, on: date | None = None) -> Request:
    """Ask for clarification genuinely needed to find the information: the clock stops."""
    request = get_request(request_id)
    reason = _require_reason(reason, "for asking for clarification")
    on = on or council_today()
    state = deadlines.clock_state(request)
    _check_date(on, state.start, "clarification was asked for")
    lifecycle.fire(request, "stop_clock", actor, reason)
    _event(request, ClockEventKind.CLOCK_STOPPED, on, actor, reason)
    deadlines.refresh(request)
    letters.send(request, "clarification_request", reason=reason)
    return request


def restart_clock(request_id: int, actor: Actor, on: date, note: str | None = None) -> Request:
    """The clarification arrived on the given day: the clock runs again."""
    request = get_request(request_id)
    stops = [e for e in request.clock_events if e.kind is ClockEventKind.CLOCK_STOPPED]
    if request.status is not S.CLARIFICATION_REQUESTED or not stops:
        lifecycle.fire(request, "restart_clock", actor)  # refused with the table's reason
        raise InvalidTransition("The clock is not stopped")
    _check_date(on, stops[-1].event_date, "the answer arrived")
    _event(request, ClockEventKind.CLOCK_RESTARTED, on, actor, note)
    lifecycle.fire(request, "restart_clock", actor, "clarification received")
    deadlines.refresh(request)
    return request


def extend(request_id: int, actor: Actor, reason: str, on: date | None = None) -> Request:
    """Extend by two further months (complex or numerous requests), within the first month."""
    request = get_request(request_id)
    reason = _require_reason(reason, "for the extension")
    if not lifecycle._applies(lifecycle.EVENTS["extend"], request):
        raise InvalidTransition("Only a request being worked on can be extended")
    if any(e.kind is ClockEventKind.EXTENDED for e in request.clock_events):
        raise ServiceError("This request has already been extended")
    on = on or council_today()
    state = deadlines.clock_state(request)
    if on > state.first_month_end:
        raise ServiceError(
            "Too late to extend: the requester must be told within the first month, which "
            f"ended on {state.first_month_end:%-d %B %Y}"
        )
    lifecycle.fire(request, "extend", actor, reason)
    _event(request, ClockEventKind.EXTENDED, on, actor, reason)
    state = deadlines.refresh(request)
    letters.send(request, "extension", reason=reason, due=state.due)
    return request


def assign(request_id: int, actor: Actor, caseworker_id: int | None) -> Request:
    """Give the request to a caseworker (or take it back to the team with None)."""
    request = get_request(request_id)
    if caseworker_id is not None:
        user = db.session.get(User, caseworker_id)
        if user is None or not user.active or not user.has_role(Role.CASEWORKER):
            raise ServiceError("Requests can only be assigned to an active caseworker")
    before = request.assigned_to_id
    request.assigned_to_id = caseworker_id
    audit.record(actor, "assigned", request.id, before=before, after=caseworker_id)
    return request


def withdraw(request_id: int, actor: Actor, reason: str) -> Request:
    """The requester withdrew the request."""
    request = get_request(request_id)
    lifecycle.fire(request, "withdraw", actor, _require_reason(reason, "for the withdrawal"))
    return request


def refuse(request_id: int, actor: Actor, grounds: str, reason: str) -> Request:
    """Refuse a manifestly unfounded or excessive request, with reasons, and tell the requester."""
    request = get_request(request_id)
    if grounds not in REFUSAL_GROUNDS:
        raise ServiceError("Choose whether the request is manifestly unfounded or excessive")
    reason = _require_reason(reason, "for refusing")
    lifecycle.fire(request, "refuse", actor, f"{REFUSAL_GROUNDS[grounds]}: {reason}")
    request.refusal_reason = f"The request is {REFUSAL_GROUNDS[grounds]}. {reason}"
    letters.send(request, "refusal", grounds=REFUSAL_GROUNDS[grounds], reason=reason)
    return request


def record_child_views(
    request_id: int, actor: Actor, competence: str | None, views: str | None
) -> Request:
    """Record the caseworker's view of the child's competence and the child's own views."""
    request = get_request(request_id)
    if not request.subject_is_child:
        raise ServiceError("This request is not about a child")
    competence = (competence or "").strip() or None
    views = (views or "").strip() or None
    if competence is None and views is None:
        raise ServiceError("Enter the child's competence, their views, or both")
    lifecycle.fire(request, "record_child_views", actor)
    request.child_competence_note = competence
    request.child_views_note = views
    return request


def add_note(request_id: int, actor: Actor, body: str) -> Note:
    """Add a note to the request (e.g. a follow-up call)."""
    request = get_request(request_id)
    body = (body or "").strip()
    if not body:
        raise ServiceError("Enter the note")
    if actor.user_id is None:
        raise ServiceError("Only staff can add notes")
    note = Note(request=request, body=body, author_id=actor.user_id)
    db.session.add(note)
    db.session.flush()
    audit.record(actor, "note_added", request.id, note_id=note.id)
    return note


DECISION_OUTCOMES = {
    "agreed": "We have agreed to your request",
    "partly_agreed": "We have agreed to part of your request",
    "refused": "We have not agreed to your request",
}


def close_unanswered(request_id: int, actor: Actor, reason: str) -> Request:
    """Close a request whose evidence or clarification never came, telling the requester."""
    request = get_request(request_id)
    reason = _require_reason(reason, "for closing")
    lifecycle.fire(request, "close_unanswered", actor, reason)
    letters.send(request, "closed_unanswered", reason=reason)
    return request


def decide(request_id: int, actor: Actor, outcome: str, reason: str) -> Request:
    """Decide a rectification or erasure request (in_progress -> decision) and tell the
    requester the outcome, the reasons and their rights."""
    request = get_request(request_id)
    if outcome not in DECISION_OUTCOMES:
        raise ServiceError("Choose whether you agreed, partly agreed or did not agree")
    reason = _require_reason(reason, "for the decision")
    lifecycle.fire(request, "decide", actor, f"{outcome}: {reason}")
    request.decision_outcome = outcome
    request.decision_reason = reason
    letters.send(
        request,
        "decision",
        outcome=outcome,
        outcome_text=DECISION_OUTCOMES[outcome],
        reason=reason,
    )
    return request


def close(request_id: int, actor: Actor, note: str | None = None) -> Request:
    """Close a decided rectification or erasure request once the decision is carried out."""
    request = get_request(request_id)
    lifecycle.fire(request, "close", actor, note or "decision carried out")
    return request


def reopen(request_id: int, actor: Actor, reason: str) -> Request:
    """Reopen a released request for a new pack version (a mistake found, a complaint)."""
    request = get_request(request_id)
    lifecycle.fire(request, "reopen", actor, _require_reason(reason, "for reopening"))
    return request
