"""Staff pages in a real browser: a caseworker works the statutory clock of a request, and a
member of phone staff logs a request received by phone days ago."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from e2e_steps import (
    choose,
    day_date,
    enter_date,
    follow,
    heading,
    long_date,
    press_button,
    summary_value,
    type_into,
)
from flask import Flask
from playwright.sync_api import Page, expect

from portal.extensions import db
from portal.models import Request, Role, User
from portal.services import deadlines
from portal.timeutil import council_today

pytestmark = pytest.mark.e2e

PASSWORD = "e2e: a long enough pass phrase"


def staff(make_user: Callable[..., User], role: Role, name: str) -> User:
    """A member of staff whose password this module knows."""
    user = make_user(role, name=name)
    user.set_password(PASSWORD)
    db.session.commit()
    return user


def sign_in(page: Page, user: User, *, lands_on: str) -> None:
    page.goto("/staff/sign-in")
    expect(heading(page)).to_have_text("Sign in")
    type_into(page, "Email address", user.email)
    type_into(page, "Password", PASSWORD)
    press_button(page, "Sign in", then=lands_on)
    expect(page.get_by_text(f"Signed in as {user.full_name}")).to_be_visible()


def expect_clock(page: Page, *, start: date, provisional: bool) -> None:
    """The case page's clock: due date, start, and the working that explains the date."""
    state = deadlines.compute([], start)
    due = day_date(state.due) + (" (provisional)" if provisional else "")
    expect(summary_value(page, "Due date")).to_have_text(due)
    expect(summary_value(page, "Clock started")).to_have_text(day_date(start))
    working = page.get_by_test_id("explanation").get_by_role("listitem")
    expect(working).to_have_text(state.explanation)
    expect(page.get_by_text("How the due date is worked out")).to_be_visible()


def test_caseworker_asks_for_evidence_and_records_it(
    app: Flask,
    page: Page,
    make_user: Callable[..., User],
    make_request: Callable[..., Request],
    tmp_path: Path,
) -> None:
    today = council_today()
    received = today - timedelta(days=24)
    worker = staff(make_user, Role.CASEWORKER, "Casey Worker")
    req = make_request(received=received, first_names="Robin", last_name="Example")
    reference = req.reference

    sign_in(page, worker, lands_on="**/staff/requests")
    expect(heading(page)).to_have_text("Requests")
    expect(page.locator("caption")).to_have_text("1 request, soonest due first")
    row = page.locator("tbody tr").filter(has_text=reference)
    expect(row).to_contain_text("Received")
    expect(row).to_contain_text(long_date(received))
    follow(page, reference, then=f"**/staff/requests/{req.id}")

    expect(heading(page)).to_have_text(reference)
    expect(page.locator("main .govuk-tag--blue")).to_have_text("Received")
    expect_clock(page, start=received, provisional=True)
    before = deadlines.compute([], received).due

    follow(page, "Ask for identity or authority evidence", then="**/actions/ask-evidence")
    expect(heading(page)).to_have_text("Ask for identity or authority evidence")
    type_into(page, "Reason", "Photo ID and a proof of address from the last 3 months")
    press_button(page, "Confirm", then=f"**/staff/requests/{req.id}")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Ask for identity or authority evidence: done"
    )
    expect(page.locator("main .govuk-tag--blue")).to_have_text("Awaiting evidence")
    expect(
        page.get_by_text(
            "Evidence has been asked for and not yet received: the date is provisional."
        )
    ).to_be_visible()
    expect_clock(page, start=received, provisional=True)

    follow(page, "Record evidence received", then="**/actions/evidence-received")
    expect(heading(page)).to_have_text("Record evidence received")
    enter_date(page, today, group="Date the evidence arrived")
    type_into(page, "Note (optional)", "Passport and council tax bill, by post")
    press_button(page, "Confirm", then=f"**/staff/requests/{req.id}")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Record evidence received: done"
    )
    expect(page.locator("main .govuk-tag--blue")).to_have_text("In progress")
    after = deadlines.compute([], today).due
    assert after > before
    expect_clock(page, start=today, provisional=False)
    expect(
        page.get_by_text(
            f"The clock started on {long_date(today)}, when the evidence asked for arrived "
            f"(the request was received on {long_date(received)})."
        )
    ).to_be_visible()
    events = page.get_by_role("table").filter(has_text="Clock events").locator("tbody tr")
    expect(events.locator("td:nth-child(2)")).to_have_text(
        ["Request received", "Evidence asked for", "Evidence received"]
    )
    expect(events.locator("td:first-child")).to_have_text(
        [long_date(received), long_date(today), long_date(today)]
    )
    page.screenshot(path=str(tmp_path / "case.png"), full_page=False)


def test_phone_staff_log_a_request_received_days_ago(
    app: Flask, page: Page, make_user: Callable[..., User]
) -> None:
    today = council_today()
    received = today - timedelta(days=10)
    phone = staff(make_user, Role.PHONE_STAFF, "Pat Phone")

    sign_in(page, phone, lands_on="**/staff/my-requests")
    menu = page.get_by_role("navigation", name="Menu")
    follow(page, "Log a request", then="**/staff/log", within=menu)
    expect(heading(page)).to_have_text("Log a request")
    choose(page, "Subject access", group="Type of request")
    choose(page, "Phone", group="How was it received?")
    enter_date(page, received, group="Date received")
    type_into(page, "What do they want?", "All records from my time in care")
    type_into(page, "Requester's full name", "Morgan Caller")
    type_into(page, "Email address (optional)", "morgan@example.com")
    type_into(page, "Data subject's first names", "Morgan")
    type_into(page, "Data subject's last name", "Caller")
    press_button(page, "Log request", then="**/staff/requests/*")

    reference = f"SAR-{received.year}-00001"
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"Request logged: {reference}"
    )
    expect(heading(page)).to_have_text(reference)
    expect(page.locator(".govuk-caption-l")).to_have_text(
        "Subject access request, received by phone"
    )
    # The date it was received drives the clock, not the day it was typed in.
    expect_clock(page, start=received, provisional=True)
    assert deadlines.compute([], received).due != deadlines.compute([], today).due

    follow(page, "Requests I logged", then="**/staff/my-requests", within=menu)
    row = page.locator("tbody tr").filter(has_text=reference)
    expect(row).to_contain_text(long_date(received))
    expect(row).to_contain_text(long_date(deadlines.compute([], received).due))
