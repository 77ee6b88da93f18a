"""Request states, clock events and the audit trail, through the services."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from portal.extensions import db
from portal.models import (
    AuditEvent,
    ClockEventKind,
    OutboxMessage,
    RequestStatus,
    RequestType,
    Role,
)
from portal.services import deadlines, settings, workflow
from portal.services.actor import Actor
from portal.services.errors import InvalidTransition, ServiceError

S = RequestStatus


@pytest.fixture()
def caseworker(make_user):
    return Actor.staff(make_user(Role.CASEWORKER))


def _audit(request_id: int) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.request_id == request_id).order_by(AuditEvent.id)
        )
    )


def test_new_request_gets_a_reference_per_type_and_year(make_request) -> None:
    first = make_request(type=RequestType.ACCESS, received=date(2026, 11, 2))
    second = make_request(type=RequestType.ACCESS, received=date(2026, 11, 3))
    rect = make_request(type=RequestType.RECTIFICATION, received=date(2026, 11, 3))
    eras = make_request(type=RequestType.ERASURE, received=date(2026, 11, 3))
    assert first.reference == "SAR-2026-00001"
    assert second.reference == "SAR-2026-00002"
    assert rect.reference == "RECT-2026-00001"
    assert eras.reference == "ERAS-2026-00001"


@freeze_time("2026-01-20")
def test_received_date_starts_the_clock_not_the_typing_date(make_request) -> None:
    request = make_request(received=date(2025, 12, 30))
    assert request.clock_start == date(2025, 12, 30)
    assert request.due_date == date(2026, 1, 30)
    assert request.due_provisional


@freeze_time("2026-03-20")
def test_worked_example_with_stopped_clock(make_request, caseworker) -> None:
    request = make_request(received=date(2026, 2, 2))
    workflow.verify(request.id, caseworker)
    workflow.stop_clock(request.id, caseworker, "Which years?", on=date(2026, 2, 9))
    assert request.status is S.CLARIFICATION_REQUESTED
    workflow.restart_clock(request.id, caseworker, date(2026, 2, 11))
    state = deadlines.refresh(request)
    assert state.paused_days == 3
    assert request.due_date == date(2026, 3, 5)
    assert request.status is S.IN_PROGRESS
    assert not request.due_provisional


@freeze_time("2026-02-20")
def test_open_stop_moves_the_due_date_daily_and_is_provisional(make_request, caseworker) -> None:
    request = make_request(received=date(2026, 2, 2))
    workflow.verify(request.id, caseworker)
    workflow.stop_clock(request.id, caseworker, "Which years?", on=date(2026, 2, 9))
    state = deadlines.clock_state(request)
    assert state.stopped and state.provisional
    assert state.paused_days == 12  # 9 to 20 February, both counted


@freeze_time("2026-03-10")
def test_evidence_restarts_the_month_from_its_arrival(make_request, caseworker) -> None:
    request = make_request(received=date(2026, 1, 5))
    workflow.ask_for_evidence(request.id, caseworker, "Photo ID", on=date(2026, 1, 6))
    assert request.status is S.AWAITING_EVIDENCE
    assert request.due_provisional
    workflow.record_evidence_received(request.id, caseworker, date(2026, 2, 16))
    assert request.status is S.IN_PROGRESS
    assert request.clock_start == date(2026, 2, 16)
    assert request.due_date == date(2026, 3, 16)
    kinds = [e.kind for e in request.clock_events]
    assert kinds == [
        ClockEventKind.RECEIVED,
        ClockEventKind.EVIDENCE_REQUESTED,
        ClockEventKind.EVIDENCE_RECEIVED,
    ]
    subjects = [m.subject for m in db.session.scalars(select(OutboxMessage))]
    assert any("need more information" in s for s in subjects)


@freeze_time("2025-02-20")
def test_extension_is_three_months_from_start(make_request, caseworker) -> None:
    request = make_request(received=date(2025, 1, 31))
    workflow.verify(request.id, caseworker)
    workflow.extend(request.id, caseworker, "Complex: records across four services")
    assert request.due_date == date(2025, 4, 30)
    with pytest.raises(ServiceError, match="already been extended"):
        workflow.extend(request.id, caseworker, "again")


@freeze_time("2026-03-04")
def test_extension_refused_once_the_first_month_is_over(make_request, caseworker) -> None:
    request = make_request(received=date(2026, 2, 2))
    workflow.verify(request.id, caseworker)
    with pytest.raises(ServiceError, match="Too late to extend"):
        workflow.extend(request.id, caseworker, "Complex")


@freeze_time("2026-03-04")
def test_stopped_days_widen_the_extension_window(make_request, caseworker) -> None:
    request = make_request(received=date(2026, 2, 2))
    workflow.verify(request.id, caseworker)
    workflow.stop_clock(request.id, caseworker, "Which years?", on=date(2026, 2, 9))
    workflow.restart_clock(request.id, caseworker, date(2026, 2, 11))
    workflow.extend(request.id, caseworker, "Complex")  # window ends 5 March
    assert request.due_date == date(2026, 5, 5)


def test_extension_needs_a_reason(make_request, caseworker) -> None:
    request = make_request()
    workflow.verify(request.id, caseworker)
    with pytest.raises(ServiceError, match="reason"):
        workflow.extend(request.id, caseworker, "   ")


def test_refusal_records_grounds_and_tells_of_the_right_to_complain(
    make_request, caseworker
) -> None:
    request = make_request()
    workflow.refuse(request.id, caseworker, "manifestly_excessive", "Repeat of last month's")
    assert request.status is S.REFUSED
    assert "manifestly excessive" in (request.refusal_reason or "")
    letter = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "refusal")).one()
    assert "Information Commissioner" in letter.body
    with pytest.raises(ServiceError):
        workflow.refuse(request.id, caseworker, "because", "x")


@pytest.mark.parametrize(
    ("start", "step"),
    [
        (S.RECEIVED, lambda r, a: workflow.restart_clock(r, a, date.today())),
        (S.RECEIVED, lambda r, a: workflow.stop_clock(r, a, "x")),
        (S.RECEIVED, lambda r, a: workflow.extend(r, a, "x")),
        (S.IN_PROGRESS, lambda r, a: workflow.verify(r, a)),
        (S.IN_PROGRESS, lambda r, a: workflow.record_evidence_received(r, a, date.today())),
        (S.IN_PROGRESS, lambda r, a: workflow.ask_for_evidence(r, a, "ID")),
        (S.WITHDRAWN, lambda r, a: workflow.verify(r, a)),
        (S.WITHDRAWN, lambda r, a: workflow.withdraw(r, a, "again")),
    ],
)
def test_transitions_outside_the_state_table_are_refused(
    make_request, caseworker, start, step
) -> None:
    request = make_request()
    if start is S.IN_PROGRESS:
        workflow.verify(request.id, caseworker)
    elif start is S.WITHDRAWN:
        workflow.withdraw(request.id, caseworker, "phoned")
    with pytest.raises(ServiceError):
        step(request.id, caseworker)


def test_rectification_goes_to_decision_not_gathering(make_request, caseworker) -> None:
    request = make_request(type=RequestType.RECTIFICATION)
    workflow.verify(request.id, caseworker)
    assert S.GATHERING not in workflow.allowed_next(request)
    with pytest.raises(InvalidTransition):
        workflow.move(request, S.GATHERING, caseworker)
    with pytest.raises(ServiceError, match="reason"):
        workflow.decide(request.id, caseworker, "agreed", " ")
    workflow.decide(request.id, caseworker, "partly_agreed", "The address is corrected.")
    assert request.status is S.DECISION and request.decision_outcome == "partly_agreed"
    workflow.close(request.id, caseworker)
    assert request.status is S.CLOSED and request.closed_at is not None


def test_every_state_change_is_audited(make_request, caseworker) -> None:
    request = make_request(received=date.today() - timedelta(days=3))
    workflow.ask_for_evidence(request.id, caseworker, "ID", on=date.today() - timedelta(days=2))
    workflow.record_evidence_received(request.id, caseworker, date.today() - timedelta(days=1))
    workflow.stop_clock(request.id, caseworker, "Which years?")
    workflow.restart_clock(request.id, caseworker, date.today())
    workflow.move(request, S.GATHERING, caseworker)
    workflow.move(request, S.IN_PROGRESS, Actor.system("job sweep"), "search failed")
    workflow.move(request, S.GATHERING, caseworker)
    workflow.move(request, S.REVIEW, caseworker)
    workflow.withdraw(request.id, caseworker, "Letter from the requester")
    changes = [
        (e.detail["before"], e.detail["after"])
        for e in _audit(request.id)
        if e.action == "status_changed"
    ]
    assert changes == [
        ("received", "awaiting_evidence"),
        ("awaiting_evidence", "in_progress"),
        ("in_progress", "clarification_requested"),
        ("clarification_requested", "in_progress"),
        ("in_progress", "gathering"),
        ("gathering", "in_progress"),
        ("in_progress", "gathering"),
        ("gathering", "review"),
        ("review", "withdrawn"),
    ]
    actions = {e.action for e in _audit(request.id)}
    assert {
        "request_created",
        "clock_evidence_requested",
        "clock_evidence_received",
        "clock_clock_stopped",
        "clock_clock_restarted",
    } <= actions
    assert all(e.actor_label for e in _audit(request.id))


def test_audit_events_cannot_be_changed_or_deleted(make_request) -> None:
    from portal.models.audit import AuditLogIsAppendOnly

    request = make_request()
    event = _audit(request.id)[0]
    event.action = "tampered"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    event = _audit(request.id)[0]
    db.session.delete(event)
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()


def test_assign_only_to_active_caseworkers(make_request, make_user, caseworker) -> None:
    request = make_request()
    phone = make_user(Role.PHONE_STAFF)
    with pytest.raises(ServiceError):
        workflow.assign(request.id, caseworker, phone.id)
    worker = make_user(Role.CASEWORKER)
    workflow.assign(request.id, caseworker, worker.id)
    assert request.assigned_to_id == worker.id


@freeze_time("2026-12-01")
def test_holiday_change_recomputes_open_requests(make_request) -> None:
    request = make_request(received=date(2026, 11, 30))
    assert request.due_date == date(2026, 12, 30)
    settings.put("extra_holidays", ["2026-12-30"])
    assert deadlines.refresh_open_requests() == 1
    assert request.due_date == date(2026, 12, 31)


def test_dates_in_the_future_are_refused(make_request, caseworker) -> None:
    request = make_request()
    with pytest.raises(ServiceError, match="future"):
        workflow.record_evidence_received(request.id, caseworker, date.today() + timedelta(days=2))


def test_acknowledgement_has_reference_and_due_date(make_request) -> None:
    request = make_request()
    ack = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "acknowledgement")
    ).one()
    assert request.reference in ack.body
    assert f"{request.due_date.day} {request.due_date:%B %Y}" in ack.body
    assert ack.to_address == "parent@example.com"


@freeze_time("2026-03-10")
def test_evidence_dated_before_the_ask_still_answers_it(make_request, caseworker) -> None:
    request = make_request(received=date(2026, 3, 2))
    workflow.ask_for_evidence(request.id, caseworker, "Photo ID", on=date(2026, 3, 10))
    workflow.record_evidence_received(request.id, caseworker, date(2026, 3, 5))
    assert request.clock_start == date(2026, 3, 5)
    assert request.due_date == date(2026, 4, 7)  # 5 April is Easter Sunday, 6th Easter Monday
    assert not request.due_provisional
