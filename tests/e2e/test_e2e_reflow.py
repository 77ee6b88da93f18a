"""Reflow (WCAG 1.4.10), as the accessibility statement promises: at 320 CSS pixels wide (a 1280
pixel window at 400% zoom) the staff request list and case page never scroll sideways. A data
table too wide for the screen scrolls inside its own labelled region, which takes keyboard focus.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from e2e_steps import heading
from playwright.sync_api import Page, expect
from test_e2e_staff import sign_in, staff

from portal.extensions import db
from portal.models import Relationship, Request, Role, User
from portal.services import workflow
from portal.services.actor import Actor

pytestmark = pytest.mark.e2e

NARROW = {"width": 320, "height": 800}

PAGE_WIDTH = "() => document.scrollingElement.scrollWidth"
# Every table wider than its region: the region's role, label, tabindex, and whether it scrolls.
WIDE_TABLES = """() => [...document.querySelectorAll('main table')].map(t => {
  const region = t.closest('.app-table-scroll');
  return {
    wide: t.scrollWidth > document.documentElement.clientWidth,
    region: !!region,
    role: region && region.getAttribute('role'),
    label: region && region.getAttribute('aria-label'),
    tabindex: region && region.getAttribute('tabindex'),
    scrolls: !!region && region.scrollWidth > region.clientWidth,
  };
})"""


def _busy_request(make_request: Callable[..., Request], worker: User) -> Request:
    """A request with something in every table of the case page."""
    request = make_request(
        relationship=Relationship.PARENT,
        requester_name="Alexandra Montgomery-Featherstonehaugh",
        first_names="Maximilian Bartholomew",
        last_name="Montgomery-Featherstonehaugh",
    )
    by = Actor.staff(worker)
    workflow.verify(request.id, by)
    workflow.assign(request.id, by, worker.id)
    workflow.add_note(
        request.id, by, "Spoke to the requester: wants everything since 2015, all services."
    )
    db.session.commit()
    return request


def _assert_reflows(page: Page) -> None:
    assert page.evaluate(PAGE_WIDTH) <= NARROW["width"], page.url
    tables = page.evaluate(WIDE_TABLES)
    assert tables, page.url
    for table in tables:
        if table["wide"]:
            assert table["region"] and table["scrolls"], (page.url, table)
            assert table["role"] == "region" and table["label"], (page.url, table)
            assert table["tabindex"] == "0", (page.url, table)


def test_staff_request_list_and_case_page_reflow_at_320_pixels(
    app, page: Page, make_user: Callable[..., User], make_request: Callable[..., Request]
) -> None:
    worker = staff(make_user, Role.CASEWORKER, "Robin Caseworker-Longname")
    request = _busy_request(make_request, worker)
    for n in range(3):
        make_request(first_names=f"Child{n}", last_name="Anotherverylongsurname")
    page.set_viewport_size(NARROW)
    sign_in(page, worker, lands_on="**/staff/requests")

    expect(heading(page)).to_have_text("Requests")
    _assert_reflows(page)
    # the list's table scrolls inside its region, from the keyboard too
    region = page.locator(".app-table-scroll").first
    region.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("el => el.scrollLeft > 0", arg=region.element_handle())

    page.goto(f"/staff/requests/{request.id}")
    expect(heading(page)).to_have_text(request.reference)
    _assert_reflows(page)
    expect(page.get_by_role("region", name="Audit trail")).to_be_visible()
    # every action button is on the screen, none cut off at the right
    buttons = page.get_by_test_id("actions").locator(".govuk-button")
    assert buttons.count() > 0
    for i in range(buttons.count()):
        box = buttons.nth(i).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 320
