"""A request's statutory clock, computed from its clock events."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from portal import clock
from portal.extensions import db
from portal.models import ClockEvent, ClockEventKind, Request, RequestStatus
from portal.models.enums import CLOSED_STATUSES
from portal.services import settings
from portal.timeutil import council_today


@dataclass(frozen=True)
class ClockState:
    """Everything staff need to know about a request's deadline, with the working shown."""

    start: date
    due: date
    provisional: bool
    stopped: bool
    extended: bool
    paused_days: int
    first_month_end: date
    explanation: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def working_days_left(self, today: date | None = None) -> int:
        """Working days from today to the due date (negative once overdue)."""
        return clock.working_days_between(
            today or council_today(),
            self.due,
            extra_holidays=settings.extra_holidays(),
            division=settings.holiday_division(),
        )


def rag(working_days_left: int) -> str:
    """green (> 10 working days), amber (<= 10), red (<= 3 or overdue)."""
    if working_days_left <= 3:
        return "red"
    if working_days_left <= 10:
        return "amber"
    return "green"


def compute(events: list[ClockEvent], received: date, today: date | None = None) -> ClockState:
    """The clock from the events: start, stopped days, extension, due date, and why."""
    today = today or council_today()
    ordered = sorted(events, key=lambda e: (e.event_date, e.id or 0))
    notes: list[str] = []

    start = received
    for e in ordered:
        if e.kind is ClockEventKind.EVIDENCE_RECEIVED and e.event_date > start:
            start = e.event_date
    # Whether evidence is still awaited follows the order things were recorded in, not their
    # dates: evidence that arrived before the formal ask still answers it.
    awaiting = False
    for e in sorted(events, key=lambda e: e.id or 0):
        if e.kind is ClockEventKind.EVIDENCE_REQUESTED:
            awaiting = True
        elif e.kind is ClockEventKind.EVIDENCE_RECEIVED:
            awaiting = False
    if start != received:
        notes.append(
            f"The clock started on {start:%-d %B %Y}, when the evidence asked for arrived "
            f"(the request was received on {received:%-d %B %Y})."
        )
    if awaiting:
        notes.append("Evidence has been asked for and not yet received: the date is provisional.")

    periods: list[tuple[date, date]] = []
    open_stop: date | None = None
    for e in ordered:
        if e.kind is ClockEventKind.CLOCK_STOPPED and open_stop is None:
            open_stop = e.event_date
        elif e.kind is ClockEventKind.CLOCK_RESTARTED and open_stop is not None:
            periods.append((open_stop, e.event_date))
            open_stop = None
    stopped = open_stop is not None
    if open_stop is not None:
        # Until the answer arrives, every day so far is stopped; the date moves daily.
        periods.append((open_stop, max(today, open_stop)))
        notes.append(
            f"The clock has been stopped since {open_stop:%-d %B %Y} while clarification is "
            "awaited: the due date moves on by a day for each day it stays stopped."
        )
    # Stops before the clock started do not count: the month had not begun.
    counted = [(max(a, start), b) for a, b in periods if b >= start]
    paused = clock.stopped_days(counted)

    extended = any(e.kind is ClockEventKind.EXTENDED for e in ordered)
    division = settings.holiday_division()
    extra = settings.extra_holidays()
    due = clock.due_date(
        start, extended=extended, paused_days=paused, extra_holidays=extra, division=division
    )
    explanation = clock.explain_due_date(
        start, extended=extended, paused_days=paused, extra_holidays=extra, division=division
    )
    return ClockState(
        start=start,
        due=due,
        provisional=awaiting or stopped,
        stopped=stopped,
        extended=extended,
        paused_days=paused,
        first_month_end=clock.first_month_end(
            start, paused_days=paused, extra_holidays=extra, division=division
        ),
        explanation=explanation,
        notes=notes,
    )


def clock_state(request: Request, today: date | None = None) -> ClockState:
    """The clock of one request."""
    return compute(list(request.clock_events), request.received_date, today)


def refresh(request: Request) -> ClockState:
    """Recompute and store the request's due date (after any clock event or holiday change)."""
    state = clock_state(request)
    request.clock_start = state.start
    request.due_date = state.due
    request.due_provisional = state.provisional or request.status in (
        RequestStatus.RECEIVED,
        RequestStatus.AWAITING_EVIDENCE,
    )
    return state


def refresh_open_requests() -> int:
    """Recompute every open request's due date, e.g. after the holiday list changed."""
    count = 0
    for request in db.session.scalars(
        select(Request).where(Request.status.not_in(list(CLOSED_STATUSES)))
    ):
        refresh(request)
        count += 1
    db.session.flush()
    return count
