"""A mention the register could not attribute, decided in a real browser: the screen says who
it could be, a decision without a choice is refused, the reviewer chooses, and redacting it as
the data subject is refused."""

from __future__ import annotations

import re

import pytest
from e2e_steps import PageProblems
from playwright.sync_api import Page, expect
from sqlalchemy import select
from test_e2e_release import AUNT, SUBJECT, Demo, claim, demo, row_of, sign_in  # noqa: F401

from portal.extensions import db
from portal.models import FindingDecision, FindingRecord

pytestmark = pytest.mark.e2e


def test_a_mention_with_candidates_waits_for_the_reviewer_to_choose(
    page: Page,
    problems: PageProblems,
    demo: Demo,  # noqa: F811
) -> None:
    doc1 = demo.documents[0]
    aunt = db.session.scalars(
        select(FindingRecord).where(FindingRecord.document_id == doc1, FindingRecord.text == AUNT)
    ).first()
    assert aunt is not None
    aunt.party, aunt.role, aunt.candidates = None, "ambiguous", [SUBJECT, AUNT]
    db.session.commit()

    sign_in(page, demo.reviewer)
    page.goto(f"/staff/requests/{demo.request.id}/review/{doc1}")
    claim(page)
    row = row_of(page, AUNT)
    expect(row.locator("[data-role=candidates]")).to_contain_text(f"Could be {SUBJECT} or {AUNT}.")
    status = page.locator("[data-role=status]")

    row.get_by_role("button", name="Redact").click()
    expect(status).to_have_text(re.compile("choose who it is first"))
    row.get_by_label("Who is this?").select_option(SUBJECT)
    row.get_by_role("button", name="Redact").click()
    expect(status).to_have_text(re.compile("You chose the data subject"))
    # each refusal is a 400, which chromium reports on the console: expected here, and only it
    refused = "error: Failed to load resource: the server responded with a status of 400"
    assert len(problems.console) == 2, problems.console
    assert all(line.startswith(refused) for line in problems.console), problems.console
    problems.console.clear()

    row.get_by_label("Who is this?").select_option(AUNT)
    row.get_by_role("button", name="Redact").click()
    expect(status).to_have_text("Suggestion accepted")
    expect(row).to_have_class(re.compile(r"\bapp-finding--accepted\b"))
    decision = db.session.scalars(
        select(FindingDecision).where(FindingDecision.finding_id == aunt.id)
    ).one()
    assert decision.who == AUNT and decision.decision == "accepted"
