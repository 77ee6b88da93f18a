"""The staff actions behind the workflow table's events: the form, the service call, the letter
it sends (for a preview), and the buttons the case page draws from
``lifecycle.available_events`` (portal/services/lifecycle.py declares which events exist)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import url_for
from flask_wtf import FlaskForm

from portal.models import ClockEvent, ClockEventKind, Request, RequestStatus
from portal.services import deadlines, lifecycle, workflow
from portal.services.actor import Actor
from portal.staff.forms import (
    ChildViewsForm,
    DatedForm,
    DecisionForm,
    NoteOnlyForm,
    ReasonForm,
    RefuseForm,
)
from portal.timeutil import council_today


@dataclass(frozen=True)
class Action:
    """A step a caseworker can take on a request, with its form and service call."""

    title: str
    form: type[FlaskForm]
    run: Callable[[Request, Any, Actor], object]
    help: str = ""
    date_label: str = "Date"
    warning: bool = False
    # the letter it sends and its merge fields from the form, for staff to preview it first
    letter: str | None = None
    fields: Callable[[Request, Any], dict[str, Any]] | None = None


def _due_if(req: Request, kind: ClockEventKind, on: date) -> date:
    """The due date the request would have after a clock event (not stored)."""
    event = ClockEvent(kind=kind, event_date=on)
    return deadlines.compute([*req.clock_events, event], req.received_date).due


S = RequestStatus
# the form and service call behind each event of the workflow table that staff fire from a
# form of their own (portal/services/lifecycle.py declares which events exist and when)
ACTIONS: dict[str, Action] = {
    "verify": Action(
        "Confirm identity and start work",
        NoteOnlyForm,
        lambda req, f, who: workflow.verify(req.id, who, f.reason.data),
        "Use this when you are confident who the requester is (and of their authority to act "
        "for the data subject) without asking for anything.",
    ),
    "ask_evidence": Action(
        "Ask for identity or authority evidence",
        ReasonForm,
        lambda req, f, who: workflow.ask_for_evidence(req.id, who, f.reason.data),
        "Say exactly what is needed. The requester is told; the clock does not start until it "
        "arrives. Only ask when you are not already confident who the person is.",
        letter="evidence_request",
        fields=lambda req, f: {"what": f.reason.data},
    ),
    "evidence_received": Action(
        "Record evidence received",
        DatedForm,
        lambda req, f, who: workflow.record_evidence_received(
            req.id, who, f.on.data, f.reason.data
        ),
        "The calendar month starts again on the day the evidence arrived.",
        "Date the evidence arrived",
        letter="clock_started",
        fields=lambda req, f: {
            "on": f.on.data,
            "due": _due_if(req, ClockEventKind.EVIDENCE_RECEIVED, f.on.data),
        },
    ),
    "close_unanswered": Action(
        "Close: nothing came back",
        ReasonForm,
        lambda req, f, who: workflow.close_unanswered(req.id, who, f.reason.data),
        "The evidence or clarification asked for never arrived. The requester is told, with "
        "their rights.",
        warning=True,
        letter="closed_unanswered",
        fields=lambda req, f: {"reason": f.reason.data},
    ),
    "stop_clock": Action(
        "Stop the clock for clarification",
        ReasonForm,
        lambda req, f, who: workflow.stop_clock(req.id, who, f.reason.data),
        "Only where clarification is genuinely needed to find the information. Say what you "
        "are asking; the requester is told. Today and the day the answer arrives both count "
        "as stopped days.",
        letter="clarification_request",
        fields=lambda req, f: {"reason": f.reason.data},
    ),
    "restart_clock": Action(
        "Restart the clock",
        DatedForm,
        lambda req, f, who: workflow.restart_clock(req.id, who, f.on.data, f.reason.data),
        "Record the day the clarification arrived.",
        "Date the answer arrived",
    ),
    "extend": Action(
        "Extend the deadline",
        ReasonForm,
        lambda req, f, who: workflow.extend(req.id, who, f.reason.data),
        "Up to two further months where the request is complex or the person has made a "
        "number of requests. The requester is told, with these reasons. Only possible within "
        "the first month.",
        letter="extension",
        fields=lambda req, f: {
            "reason": f.reason.data,
            "due": _due_if(req, ClockEventKind.EXTENDED, council_today()),
        },
    ),
    "record_child_views": Action(
        "Record the child's competence and views",
        ChildViewsForm,
        lambda req, f, who: workflow.record_child_views(
            req.id, who, f.competence.data, f.views.data
        ),
        "The right of access is the child's. A parent or carer may act where the child "
        "authorises it, lacks the understanding, or it is clearly in the child's best interests.",
    ),
    "decide": Action(
        "Record the decision",
        DecisionForm,
        lambda req, f, who: workflow.decide(req.id, who, f.outcome.data, f.reason.data),
        "Whether the record is corrected or erased, and why. The requester gets the decision "
        "letter with these reasons and their rights.",
        letter="decision",
        fields=lambda req, f: {
            "outcome": f.outcome.data,
            "outcome_text": workflow.DECISION_OUTCOMES.get(f.outcome.data or "", ""),
            "reason": f.reason.data,
        },
    ),
    "close": Action(
        "Close the request",
        NoteOnlyForm,
        lambda req, f, who: workflow.close(req.id, who, f.reason.data),
        "Once the decision has been carried out in the case records.",
    ),
    "reopen": Action(
        "Reopen for a new pack version",
        ReasonForm,
        lambda req, f, who: workflow.reopen(req.id, who, f.reason.data),
        "The released pack stays as it was; the request goes back to review and the next pack "
        "is a new version. Say why.",
        warning=True,
    ),
    "withdraw": Action(
        "Record withdrawal",
        ReasonForm,
        lambda req, f, who: workflow.withdraw(req.id, who, f.reason.data),
        "Record how and when the requester withdrew the request.",
        warning=True,
    ),
    "refuse": Action(
        "Refuse the request",
        RefuseForm,
        lambda req, f, who: workflow.refuse(req.id, who, f.grounds.data, f.reason.data),
        "Only for a request that is manifestly unfounded or excessive. The requester is told "
        "the reasons and their right to complain to the ICO.",
        warning=True,
        letter="refusal",
        fields=lambda req, f: {
            "grounds": workflow.REFUSAL_GROUNDS.get(f.grounds.data or "", ""),
            "reason": f.reason.data,
        },
    ),
}
# events whose own screen does the work: the case page links there
EVENT_PAGES: dict[str, tuple[str, str]] = {
    "start_search": ("records.start_search", "post"),
    "confirm_scope": ("records.scope", "get"),
    "submit_for_approval": ("release.overview", "get"),
    "send_back": ("release.overview", "get"),
    "release": ("release.overview", "get"),
}


@dataclass(frozen=True)
class Button:
    """One action button on the case page, drawn from the workflow table."""

    name: str
    title: str
    url: str
    method: str
    warning: bool
    blocked: tuple[str, ...]


def available_actions(req: Request, actor: Actor) -> list[Button]:
    """The buttons of the events the signed-in user may fire on this request now."""
    out = []
    for offer in lifecycle.available_events(req, actor):
        name = offer.event.name
        if name in ACTIONS:
            url = url_for("staff.act", request_id=req.id, name=name.replace("_", "-"))
            out.append(
                Button(
                    name,
                    ACTIONS[name].title,
                    url,
                    "get",
                    ACTIONS[name].warning,
                    tuple(offer.blocked),
                )
            )
        elif name in EVENT_PAGES:
            endpoint, method = EVENT_PAGES[name]
            url = url_for(endpoint, request_id=req.id)
            out.append(Button(name, offer.event.label, url, method, False, tuple(offer.blocked)))
    return out
