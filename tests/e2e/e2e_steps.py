"""Keyboard steps for the browser tests: reach each control with Tab, as a keyboard user would.

Every helper fails when the control cannot be reached from the keyboard within a bound number
of key presses, so the journeys also check the tab order of the pages they cross.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from playwright.sync_api import Locator, Page, expect

MAX_TABS = 60


@dataclass
class PageProblems:
    """What went wrong in the page: console errors (CSP included) and uncaught exceptions."""

    console: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def all(self) -> list[str]:
        return [*self.console, *self.page_errors]


IS_FOCUSED = "el => el === document.activeElement"


def focused(locator: Locator) -> bool:
    """True when the element has the keyboard focus."""
    return bool(locator.evaluate(IS_FOCUSED))


def tab_to(page: Page, target: Locator, limit: int = MAX_TABS) -> None:
    """Press Tab until the target has focus (from wherever the focus is now)."""
    target.wait_for(state="visible")
    handle = target.element_handle()  # resolved once: a locator re-queries on every check
    for _ in range(limit):
        if handle.evaluate(IS_FOCUSED):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{target} cannot be reached with the Tab key on {page.url}")


def type_into(page: Page, label: str, text: str, *, exact: bool = True) -> None:
    """Tab to the field with this label, clear it and type (newlines included for textareas)."""
    field = page.get_by_label(label, exact=exact)
    tab_to(page, field)
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.press("Delete")
    if text:
        # One "typed" insertion (like a paste or dictation): key by key is slow on small CI.
        page.keyboard.insert_text(text)


def choose(page: Page, label: str, *, group: str | None = None) -> None:
    """Select a radio: Tab into its group, then arrow keys (or Space) onto the choice.

    `group` names the fieldset (its legend) when the same label is in several groups.
    """
    scope = page.get_by_role("group", name=group, exact=True) if group else page
    radio = scope.get_by_role("radio", name=label, exact=True)
    radio.wait_for(state="visible")
    group = radio.get_attribute("name")
    in_group = f"el => el.type === 'radio' && el.name === {group!r}"
    for _ in range(MAX_TABS):
        if page.evaluate(f"({in_group})(document.activeElement)"):
            break
        page.keyboard.press("Tab")
    else:
        raise AssertionError(f"the radios {group!r} cannot be reached with Tab on {page.url}")
    count = page.locator(f"input[type=radio][name={group!r}]").count()
    handle = radio.element_handle()
    for _ in range(count):
        if handle.evaluate(IS_FOCUSED):
            break
        page.keyboard.press("ArrowDown")
    assert handle.evaluate(IS_FOCUSED), f"arrow keys never reached the radio {label!r}"
    if not radio.is_checked():
        page.keyboard.press("Space")
    expect(radio).to_be_checked()


def tick(page: Page, label: str) -> None:
    """Tick a checkbox with Tab and Space."""
    box = page.get_by_role("checkbox", name=label, exact=True)
    tab_to(page, box)
    if not box.is_checked():
        page.keyboard.press("Space")
    expect(box).to_be_checked()


def press_button(page: Page, name: str, *, then: str | re.Pattern[str]) -> None:
    """Tab to the button and press Enter; wait until the browser is on `then`."""
    tab_to(page, page.get_by_role("button", name=name, exact=True))
    page.keyboard.press("Enter")
    page.wait_for_url(then)


def follow(
    page: Page, name: str, *, then: str | re.Pattern[str], within: Locator | None = None
) -> None:
    """Tab to a link (or a button-like link) and press Enter; `within` narrows the search."""
    scope = within or page
    # GOV.UK's start button is a link with role="button".
    link = scope.get_by_role("link", name=name, exact=True)
    tab_to(page, link.or_(scope.locator("a[role=button]").get_by_text(name, exact=True)))
    page.keyboard.press("Enter")
    page.wait_for_url(then)


def enter_date(page: Page, value: date, *, group: str | None = None) -> None:
    """Type a date into a GOV.UK date input (Day, Month, Year) with the keyboard."""
    scope = page.get_by_role("group", name=group, exact=True) if group else page
    for label, part in (("Day", value.day), ("Month", value.month), ("Year", value.year)):
        field = scope.get_by_label(label, exact=True)
        tab_to(page, field)
        page.keyboard.press("ControlOrMeta+A")
        page.keyboard.type(str(part))  # digits typed key by key: replaces any selected value


def heading(page: Page) -> Locator:
    """The page's h1 (a legend's h1 on radio questions)."""
    return page.get_by_role("heading", level=1)


def long_date(value: date) -> str:
    """25 November 2026, as the portal writes dates."""
    return f"{value.day} {value:%B %Y}"


def day_date(value: date) -> str:
    """Wednesday 25 November 2026."""
    return f"{value:%A} {value.day} {value:%B %Y}"


def summary_value(scope: Page | Locator, key: str) -> Locator:
    """The value cell of the GOV.UK summary list row with this key."""
    row = scope.locator(".govuk-summary-list__row").filter(
        has=scope.locator(".govuk-summary-list__key").get_by_text(key, exact=True)
    )
    return row.locator(".govuk-summary-list__value")
