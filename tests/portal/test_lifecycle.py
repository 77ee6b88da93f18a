# ruff: noqa: F811  (the release tests' `case` fixture, imported)
"""The workflow table (portal/services/lifecycle.py): every state has a way out, every button
comes from the table, and each guard refuses what the screens say must not happen."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import (
    Candidate,
    DocumentWork,
    FindingRecord,
    PackStatus,
    Relationship,
    RequestStatus,
    RequestType,
    Role,
)
from portal.services import detection, gathering, lifecycle, release, review, workflow
from portal.services.actor import Actor
from portal.services.errors import InvalidTransition, ServiceError
from tests.portal.test_release import Case, _build, _reviewed, case  # noqa: F401

S = RequestStatus


@pytest.mark.parametrize("kind", list(RequestType))
def test_every_open_state_has_a_way_out(kind: RequestType) -> None:
    reachable = {S.RECEIVED}
    frontier = [S.RECEIVED]
    while frontier:
        state = frontier.pop()
        for e in lifecycle.REQUEST_EVENTS:
            if state in e.sources and kind in e.types and e.target and e.target not in reachable:
                reachable.add(e.target)
                frontier.append(e.target)
    for state in reachable - lifecycle.TERMINAL:
        outs = [
            e
            for e in lifecycle.REQUEST_EVENTS
            if state in e.sources and kind in e.types and e.target not in (None, state)
        ]
        assert outs, f"{kind}: {state} has no way out"
    for state in lifecycle.TERMINAL - {S.CLOSED}:
        assert not [e for e in lifecycle.REQUEST_EVENTS if state in e.sources and e.target]
    # every guard an event names exists, and every event has a screen or is a job's
    from portal.staff.actions import ACTIONS, EVENT_PAGES

    for e in lifecycle.REQUEST_EVENTS:
        assert all(g in lifecycle.GUARDS for g in e.guards), e.name
        assert (
            e.name in ACTIONS
            or e.name in EVENT_PAGES
            or e.name
            in (
                "search_failed",
                "delivered",
            )
        ), e.name
    assert set(ACTIONS) <= set(lifecycle.EVENTS)


def test_every_case_page_button_comes_from_the_table(make_user, make_request, auth) -> None:
    user = make_user(Role.CASEWORKER)
    auth.login(user)
    requests = [
        make_request(),
        make_request(type=RequestType.RECTIFICATION),
        make_request(relationship=Relationship.PARENT),
    ]
    workflow.verify(requests[1].id, Actor.staff(user))
    db.session.commit()
    for req in requests:
        page = auth.client.get(f"/staff/requests/{req.id}").get_data(as_text=True)
        group = re.search(r'data-testid="actions">(.*?)</div>', page, re.S)
        assert group is not None
        buttons = re.findall(r"<(?:a|button)[^>]*govuk-button[^>]*>", group.group(1))
        assert buttons
        for button in buttons:
            name = re.search(r'data-event="([a-z_]+)"', button)
            assert name is not None and name.group(1) in lifecycle.EVENTS, button
    assert 'data-event="decide"' in auth.client.get(f"/staff/requests/{requests[1].id}").get_data(
        as_text=True
    )


def test_a_build_is_refused_while_detection_runs_or_documents_are_unreviewed(case: Case) -> None:
    work = db.session.scalar(select(DocumentWork).where(DocumentWork.document_id == case.doc.id))
    assert work is not None
    work.status = "pending"
    db.session.commit()
    with pytest.raises(ServiceError, match="Detection has not finished for: Assessment report"):
        release.start_build(case.request.id, Actor.staff(case.caseworker))
    work.status = "done"
    db.session.commit()
    with pytest.raises(ServiceError, match="Mark every document as reviewed"):
        release.start_build(case.request.id, Actor.staff(case.caseworker))
    _reviewed(case)
    pack = release.start_build(case.request.id, Actor.staff(case.caseworker))
    assert pack.status == PackStatus.BUILDING


def test_submit_needs_the_childs_views_when_a_parent_asks(case: Case) -> None:
    case.request.subject_is_child = True
    case.request.relationship_to_subject = Relationship.PARENT
    db.session.commit()
    _build(case)
    with pytest.raises(ServiceError, match="competence.*own views"):
        release.request_approval(case.request.id, Actor.staff(case.caseworker))
    workflow.record_child_views(
        case.request.id, Actor.staff(case.caseworker), "Understands what records are.", None
    )
    with pytest.raises(ServiceError, match="own views"):  # 14: their views are asked for
        release.request_approval(case.request.id, Actor.staff(case.caseworker))
    workflow.record_child_views(
        case.request.id,
        Actor.staff(case.caseworker),
        "Understands what records are.",
        "Happy for her mother to see them.",
    )
    release.request_approval(case.request.id, Actor.staff(case.caseworker))
    assert case.request.status is S.APPROVAL


def test_an_approver_who_decided_the_scope_cannot_approve(case: Case, make_user) -> None:
    second = make_user(Role.APPROVER, Role.CASEWORKER)
    db.session.add(
        Candidate(
            request_id=case.request.id,
            document_id=case.doc.id,
            score=1.0,
            reasons=["test"],
            decision="included",
            decided_by_id=second.id,
        )
    )
    db.session.commit()
    pack = _build(case)
    release.request_approval(case.request.id, Actor.staff(case.caseworker))
    release.preview(case.request.id, pack.id, Actor.staff(second))
    with pytest.raises(ServiceError, match="decided this request's scope"):
        release.approve(case.request.id, pack.id, Actor.staff(second))


def test_after_release_the_request_is_read_only_until_reopened(case: Case) -> None:
    pack = _build(case)
    worker = Actor.staff(case.caseworker)
    release.request_approval(case.request.id, worker)
    release.preview(case.request.id, pack.id, Actor.staff(case.approver))
    release.approve(case.request.id, pack.id, Actor.staff(case.approver))
    release.release(case.request.id, pack.id, worker)
    db.session.commit()
    finding = db.session.scalar(select(FindingRecord))
    assert finding is not None
    reviewer = Actor.staff(case.reviewer)
    with pytest.raises(InvalidTransition, match="can no longer change"):
        review.decide_finding(finding.id, "rejected", None, None, reviewer)
    with pytest.raises(InvalidTransition, match="reopen it"):
        review.add_manual(case.request.id, case.doc.id, 1, [[1, 1, 5, 5]], "TP", None, reviewer)
    with pytest.raises(InvalidTransition):
        review.withhold(case.request.id, case.doc.id, 1, "TP", "x", reviewer)
    with pytest.raises(InvalidTransition):
        gathering.decide(case.request.id, [1], "excluded", reviewer)
    with pytest.raises(InvalidTransition):
        gathering.add_party(case.request.id, ["Ann Other"], "aunt", False, reviewer)
    with pytest.raises(InvalidTransition):
        detection.confirm_scope(case.request.id, reviewer)
    with pytest.raises(InvalidTransition):
        lifecycle.require_running(case.request)
    # reopening needs a reason and leads to a new pack version
    with pytest.raises(ServiceError, match="reason"):
        workflow.reopen(case.request.id, worker, " ")
    workflow.reopen(case.request.id, worker, "A third party's name was missed on page 3")
    assert case.request.status is S.REVIEW and case.request.closed_at is None
    assert pack.status == PackStatus.RELEASED  # the released pack stays as it was
    review.decide_finding(finding.id, "accepted", "TP", None, reviewer, expected_version=None)
    again = _build(case)
    assert again.version == pack.version + 1 and again.status == PackStatus.BUILT


def test_a_staff_screen_cannot_fire_a_jobs_event(make_user, make_request) -> None:
    req = make_request()
    worker = Actor.staff(make_user(Role.CASEWORKER))
    workflow.verify(req.id, worker)
    workflow.move(req, S.GATHERING, worker)
    with pytest.raises(ServiceError, match="system"):
        lifecycle.fire(req, "search_failed", worker)
    lifecycle.fire(req, "search_failed", Actor.system("job sweep"))
    assert req.status is S.IN_PROGRESS
    phone = Actor.staff(make_user(Role.PHONE_STAFF))
    with pytest.raises(ServiceError, match="role"):
        lifecycle.fire(req, "stop_clock", phone, "Which years?")


def test_the_approval_page_summarises_what_the_approver_signs(case: Case, auth) -> None:
    _build(case)
    release.request_approval(case.request.id, Actor.staff(case.caseworker))
    db.session.commit()
    auth.login(case.approver)
    page = auth.client.get(f"/staff/requests/{case.request.id}/release").get_data(as_text=True)
    summary = page[page.index('data-testid="approval-summary"') :]
    summary = summary[: summary.index("</dl>")]
    assert "2 of 2" in summary  # documents reviewed
    assert "2 &times; TP (Third-party personal data)" in summary
    assert "CRIME" in summary and "page 2 (SW-HARM)" in summary
    assert "(LPP)" in summary  # the document withheld in full
    assert "Serious harm likely" in summary


def test_no_records_search_or_detection_starts_on_a_released_request(case: Case) -> None:
    from portal.services import jobs

    pack = _build(case)
    release.request_approval(case.request.id, Actor.staff(case.caseworker))
    release.preview(case.request.id, pack.id, Actor.staff(case.approver))
    release.approve(case.request.id, pack.id, Actor.staff(case.approver))
    release.release(case.request.id, pack.id, Actor.staff(case.caseworker))
    db.session.commit()
    for kind in ("detect", "gather"):
        with pytest.raises(InvalidTransition, match="nothing runs"):
            jobs.start(kind, case.request.id)
