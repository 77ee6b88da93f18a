"""The public intake in a real browser: a request about yourself, a parent's request for two
children, the status page, and what the error summary does with the focus."""

from __future__ import annotations

import re
from datetime import date

import pytest
from e2e_steps import (
    choose,
    enter_date,
    focused,
    follow,
    heading,
    long_date,
    press_button,
    summary_value,
    tab_to,
    tick,
    type_into,
)
from flask import Flask
from playwright.sync_api import Page, expect

from portal.services import deadlines
from portal.timeutil import council_today

pytestmark = pytest.mark.e2e

REFERENCE = re.compile(r"SAR-\d{4}-\d{5}")


def provisional_due(received: date) -> str:
    """What the confirmation shows for a request received that day: the due date, provisional."""
    return f"{long_date(deadlines.compute([], received).due)} (provisional)"


def start_request(page: Page, *, who: str) -> None:
    page.goto("/")
    expect(heading(page)).to_have_text("Ask for the records we hold about you")
    follow(page, "Start now", then="**/request/type")
    expect(heading(page)).to_have_text("What do you want to do?")
    choose(page, "Get a copy of the information you hold")
    press_button(page, "Continue", then="**/request/who")
    expect(heading(page)).to_have_text("Who is the information about?")
    choose(page, who)


def person_pages(
    page: Page, i: int, first: str, last: str, born: date, address: str, postcode: str
) -> None:
    """The four pages about one person: name, date of birth, address, reference numbers."""
    type_into(page, "First names", first)
    type_into(page, "Last name", last)
    press_button(page, "Continue", then=f"**/request/person/{i}/date-of-birth")
    enter_date(page, born)
    press_button(page, "Continue", then=f"**/request/person/{i}/address")
    type_into(page, "Address", address)
    type_into(page, "Postcode", postcode)
    press_button(page, "Continue", then=f"**/request/person/{i}/references")
    expect(heading(page)).to_have_text("Do you know any reference numbers?")
    press_button(page, "Continue", then=re.compile(r"/request/(contact|add-another)$"))


def contact_details_evidence(page: Page, email: str) -> None:
    expect(heading(page)).to_have_text("How should we contact you?")
    choose(page, "Email")
    # The conditional reveal (GOV.UK Frontend JavaScript) shows the email field.
    type_into(page, "Email address", email)
    press_button(page, "Continue", then="**/request/details")
    expect(heading(page)).to_have_text("What information do you want?")
    tick(page, "I'm not sure, or all of them")
    type_into(page, "What period do you want records from? (optional)", "2010 to 2020")
    press_button(page, "Continue", then="**/request/evidence")
    expect(heading(page)).to_have_text("Proof of identity or authority (optional)")
    press_button(page, "Continue", then="**/request/check")
    expect(heading(page)).to_have_text("Check your answers before sending your request")


def test_request_about_yourself_then_check_its_status(app: Flask, page: Page) -> None:
    start_request(page, who="Me")
    press_button(page, "Continue", then="**/request/person/0/name")
    expect(heading(page)).to_have_text("What is your name?")
    expect(page.locator(".govuk-caption-l")).to_have_text("About you")
    person_pages(page, 0, "Jordan", "Example", date(1990, 3, 27), "1 High Street\nTown", "AB1 2CD")
    page.wait_for_url("**/request/contact")
    contact_details_evidence(page, "Jordan@Example.com")

    # Check your answers shows what was typed, with a way to change each answer.
    cards = page.locator(".govuk-summary-card")
    about_you = cards.filter(has_text="About you")
    expect(about_you).to_contain_text("Jordan Example")
    expect(about_you).to_contain_text("27 March 1990")
    expect(about_you).to_contain_text("AB1 2CD")
    expect(cards.filter(has_text="Your contact details")).to_contain_text("jordan@example.com")
    expect(cards.filter(has_text="What you are asking for")).to_contain_text("2010 to 2020")
    expect(page.get_by_role("link", name="Change date of birth")).to_be_visible()

    press_button(page, "Accept and send", then="**/request/confirmation")
    panel = page.locator(".govuk-panel")
    expect(panel.get_by_role("heading", level=1)).to_have_text("Request sent")
    today = council_today()
    reference = f"SAR-{today.year}-00001"
    expect(panel).to_contain_text(reference)
    cells = page.locator("tbody tr").get_by_role("cell")
    expect(cells).to_have_text([reference, "Jordan Example", provisional_due(today)])
    expect(page.get_by_text("We have sent an email to jordan@example.com")).to_be_visible()
    expect(page.get_by_text("The date is provisional")).to_be_visible()

    # Check its status with the reference and the email address.
    follow(page, "check your request and send documents", then="**/status")
    expect(heading(page)).to_have_text("Check a request")
    type_into(page, "Reference", reference.lower())
    type_into(page, "Email address", "jordan@example.com")
    press_button(page, "Continue", then=f"**/status/{reference}")
    expect(heading(page)).to_have_text(reference)
    expect(summary_value(page, "About")).to_have_text("Jordan Example")
    expect(summary_value(page, "Received")).to_have_text(long_date(today))
    expect(summary_value(page, "Status")).to_have_text("Received: we are checking your request")
    expect(summary_value(page, "We will respond by")).to_have_text(provisional_due(today))
    expect(page.get_by_text("The date is provisional until we have checked")).to_be_visible()


def test_parent_asks_for_two_children(app: Flask, page: Page) -> None:
    start_request(page, who="A child or children I am responsible for")
    press_button(page, "Continue", then="**/request/relationship")
    expect(heading(page)).to_have_text("What is your relationship to them?")
    choose(page, "Parent")
    press_button(page, "Continue", then="**/request/your-name")
    type_into(page, "What is your full name?", "Alex Parent")
    press_button(page, "Continue", then="**/request/person/0/name")
    expect(heading(page)).to_have_text("What is the child's name?")
    expect(page.locator(".govuk-caption-l")).to_have_text("About the child")
    person_pages(page, 0, "Sam", "Parent", date(2014, 9, 4), "2 Low Road\nTown", "AB1 2CD")

    page.wait_for_url("**/request/add-another")
    expect(heading(page)).to_have_text("You have added 1 child")
    choose(page, "Yes")
    press_button(page, "Continue", then="**/request/person/1/name")
    expect(page.locator(".govuk-caption-l")).to_have_text("The second child")
    person_pages(page, 1, "Kim", "Parent", date(2017, 1, 12), "2 Low Road\nTown", "AB1 2CD")

    page.wait_for_url("**/request/add-another")
    expect(heading(page)).to_have_text("You have added 2 children")
    expect(page.locator(".govuk-summary-list__key")).to_have_text(["Sam Parent", "Kim Parent"])
    choose(page, "No")
    press_button(page, "Continue", then="**/request/contact")
    contact_details_evidence(page, "alex@example.com")
    expect(page.locator(".govuk-summary-card__title")).to_contain_text(
        ["Your request", "The first child", "The second child"]
    )
    expect(page.get_by_text("entitled to act for the person")).to_be_visible()

    press_button(page, "Accept and send", then="**/request/confirmation")
    expect(page.locator(".govuk-panel")).to_contain_text("Requests sent")
    expect(page.get_by_role("table")).to_contain_text("Your references")
    body_rows = page.locator("tbody tr")
    expect(body_rows).to_have_count(2)
    due = provisional_due(council_today())
    year = council_today().year
    expect(body_rows.nth(0).get_by_role("cell")).to_have_text(
        [f"SAR-{year}-00001", "Sam Parent", due]
    )
    expect(body_rows.nth(1).get_by_role("cell")).to_have_text(
        [f"SAR-{year}-00002", "Kim Parent", due]
    )


def test_empty_question_shows_error_summary_that_takes_focus(app: Flask, page: Page) -> None:
    page.goto("/request/type")
    press_button(page, "Continue", then="**/request/type")
    expect(page).to_have_title(re.compile(r"^Error: What do you want to do\?"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(page.locator(".govuk-error-message")).to_contain_text("Select what you want to do")

    # From the summary, Tab reaches its link; Enter moves the focus onto the first radio.
    link = summary.get_by_role("link", name="Select what you want to do")
    page.keyboard.press("Tab")
    expect(link).to_be_focused()
    page.keyboard.press("Enter")
    first_radio = page.get_by_role("radio", name="Get a copy of the information you hold")
    expect(first_radio).to_be_focused()

    # A page with two text fields: two errors, and each link lands on its own field.
    choose(page, "Get a copy of the information you hold")
    press_button(page, "Continue", then="**/request/who")
    choose(page, "Me")
    press_button(page, "Continue", then="**/request/person/0/name")
    press_button(page, "Continue", then="**/request/person/0/name")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(
        ["Enter the first names", "Enter the last name"]
    )
    summary.get_by_role("link", name="Enter the last name").click()
    expect(page.get_by_label("Last name", exact=True)).to_be_focused()
    tab_to(page, summary.get_by_role("link", name="Enter the first names"))
    page.keyboard.press("Enter")
    expect(page.get_by_label("First names", exact=True)).to_be_focused()

    # A date with only the year missing: the link lands on the first part in error.
    type_into(page, "First names", "Jordan")
    type_into(page, "Last name", "Example")
    press_button(page, "Continue", then="**/request/person/0/date-of-birth")
    type_into(page, "Day", "27")
    type_into(page, "Month", "3")
    press_button(page, "Continue", then="**/request/person/0/date-of-birth")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    link = summary.get_by_role("link")
    expect(link).to_have_count(1)
    expect(link).to_contain_text("year")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    focused_id = page.evaluate("document.activeElement.id")
    assert focused_id.startswith("date_of_birth"), focused_id
    assert focused(page.locator(f"#{focused_id}"))
