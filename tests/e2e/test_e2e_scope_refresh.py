"""The records scope page in a real browser: when the records search finishes, the table of
candidate documents is brought up to date without a reload, what was ticked stays ticked, and a
polite status message says so."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import pytest
from playwright.sync_api import Page, expect
from test_e2e_release import sign_in, staff

from portal.extensions import db
from portal.models import (
    Candidate,
    Document,
    JobRecord,
    Request,
    RequestStatus,
    Role,
    SearchRun,
    User,
)
from portal.timeutil import utcnow

pytestmark = pytest.mark.e2e

FINISHED = "The records search has finished: the candidate documents below are up to date."


def document(n: int, title: str) -> Document:
    doc = Document(
        external_id=f"REC-{n}",
        doc_type="case_note",
        title=title,
        doc_date=date(2024, 1, n),
        filename=f"rec{n}.pdf",
        stored_name=f"rec{n}.pdf",
        sha256=str(n) * 64,
        size=1,
    )
    db.session.add(doc)
    db.session.flush()
    return doc


def candidate(request_id: int, doc: Document, score: float) -> Candidate:
    row = Candidate(
        request_id=request_id, document_id=doc.id, score=score, reasons=["name in the text"]
    )
    db.session.add(row)
    return row


def test_the_scope_table_follows_the_search_when_it_ends(
    page: Page, make_user: Callable[..., User], make_request: Callable[..., Request]
) -> None:
    worker = staff(make_user, Role.CASEWORKER, "Sam Scoper")
    req = make_request(first_names="Robin", last_name="Example")
    req.status = RequestStatus.GATHERING
    earlier = candidate(req.id, document(1, "Referral form"), 0.95)  # from an earlier search
    job = JobRecord(
        kind="gather", request_id=req.id, status="running", progress={}, started_at=utcnow()
    )
    db.session.add(job)
    db.session.commit()

    sign_in(page, worker)
    page.goto(f"/staff/requests/{req.id}/scope")
    table = page.locator("#candidates tbody")
    expect(table.locator("tr")).to_have_count(1)
    expect(page.locator("#work-progress [data-part=gather]")).to_contain_text(
        re.compile("running", re.IGNORECASE)
    )
    page.evaluate("() => { window.__notReloaded = true }")
    page.get_by_label("Select REC-1").check()
    message = page.locator("[data-role=refresh-message]")
    expect(message).to_have_attribute("aria-live", "polite")
    expect(message).to_have_text("")

    # the search finds two more documents and finishes (as the worker would record it)
    db.session.add(SearchRun(request_id=req.id, searched=[], candidates=3, finished_at=utcnow()))
    candidate(req.id, document(2, "Child protection conference minutes"), 0.9)
    candidate(req.id, document(3, "School report"), 0.6)
    job.status, job.progress, job.finished_at = "finished", {"candidates": 3}, utcnow()
    db.session.commit()

    expect(message).to_have_text(FINISHED, timeout=10_000)
    expect(table.locator("tr")).to_have_count(3)
    expect(table).to_contain_text("Child protection conference minutes")
    expect(page.get_by_text("3 to decide, 0 included, 0 excluded.")).to_be_visible()
    expect(page.get_by_role("button", name="Search again")).to_be_visible()
    expect(page.get_by_label("Select REC-1")).to_be_checked()  # still ticked
    expect(page.get_by_label("Select REC-2")).not_to_be_checked()
    assert page.evaluate("() => window.__notReloaded === true"), "the page was loaded again"
    expect(page.locator("#scope-results")).to_have_attribute("data-job-status", "finished")

    # the refreshed form works: include the ticked document
    page.get_by_role("button", name="Include selected").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("1 document(s) marked")
    db.session.expire_all()
    assert db.session.get(Candidate, earlier.id).decision == "included"
    expect(page.locator("#candidates tr[data-decision=included]")).to_have_count(1)
    assert re.search(r"/scope$", page.url)
