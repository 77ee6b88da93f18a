"""The redaction review screen in a real browser: what its JavaScript does without a reload.

The counts follow each decision made with the keyboard or a button; the data subject's own
mentions are shown disclosed without asking; the page images zoom with the overlay kept on the
words; the legend is drawn with the overlay's own colours.

The request and its documents come from the `demo` fixture of test_e2e_release.py.
"""

from __future__ import annotations

import re

import pytest
import test_e2e_release
from playwright.sync_api import Page, expect
from test_e2e_release import (
    AUNT,
    NEIGHBOUR,
    SOCIAL_WORKER,
    SUBJECT,
    Demo,
    claim,
    key,
    row_of,
    sign_in,
)

pytestmark = pytest.mark.e2e
demo = test_e2e_release.demo  # the fixture: a request in review with two documents

# set in the page: gone if the page is loaded again
MARK = "() => { window.__notReloaded = true }"
STILL_HERE = "() => window.__notReloaded === true"


def test_the_counts_follow_each_decision_without_a_reload(page: Page, demo: Demo) -> None:
    doc1 = demo.documents[0]
    sign_in(page, demo.reviewer)
    page.goto(f"/staff/requests/{demo.request.id}/review/{doc1}")
    claim(page)
    progress = page.locator("[data-role=progress]")
    expect(progress).to_have_text(
        "0 of 6 suggestions decided; 2 the data subject's own (disclosed, no decision needed); "
        "4 still to decide"
    )
    # the subject's own mention says so and asks nothing
    own = row_of(page, SUBJECT)
    expect(own.locator("[data-role=state]")).to_have_text("The data subject's own: disclosed")
    expect(own.get_by_role("button")).to_have_count(0)
    page.evaluate(MARK)

    # a button: redact the aunt
    aunt = row_of(page, AUNT)
    aunt.get_by_role("button", name="Redact").click()
    expect(aunt).to_have_class(re.compile(r"\bapp-finding--accepted\b"))
    expect(progress).to_have_text(
        "1 of 6 suggestions decided; 2 the data subject's own (disclosed, no decision needed); "
        "3 still to decide"
    )
    # the keyboard: the screen moved on to the social worker by itself; r to disclose
    page.locator("h1").click()
    key(page, "r")
    expect(progress).to_have_text(
        "2 of 6 suggestions decided; 2 the data subject's own (disclosed, no decision needed); "
        "2 still to decide"
    )
    for n in (0, 1):
        neighbour = row_of(page, NEIGHBOUR, n)
        neighbour.get_by_role("button", name="Redact").click()
        expect(neighbour).to_have_class(re.compile(r"\bapp-finding--accepted\b"))
    expect(progress).to_have_text(
        "4 of 6 suggestions decided; 2 the data subject's own (disclosed, no decision needed); "
        "nothing left to decide"
    )
    expect(page.locator("[data-module=review]")).to_have_attribute("data-left", "0")
    assert page.evaluate(STILL_HERE), "the page was loaded again"
    # nothing asked about the subject, and yet the document can be marked reviewed
    page.get_by_role("button", name="Mark as reviewed").click()
    page.wait_for_url(f"**/staff/requests/{demo.request.id}/review")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Document marked as reviewed"
    )


# what the eye sees of an SVG rectangle
PAINT = """el => {
  const s = getComputedStyle(el)
  return [s.fill, s.fillOpacity, s.stroke, s.strokeOpacity, s.strokeDasharray, s.strokeWidth]
}"""


def test_the_legend_has_the_colours_of_the_drawing(page: Page, demo: Demo) -> None:
    doc1 = demo.documents[0]
    sign_in(page, demo.reviewer)
    page.goto(f"/staff/requests/{demo.request.id}/review/{doc1}")
    claim(page)
    row_of(page, AUNT).get_by_role("button", name="Redact").click()
    expect(row_of(page, AUNT)).to_have_class(re.compile(r"\bapp-finding--accepted\b"))
    row_of(page, SOCIAL_WORKER).get_by_role("button", name="Disclose").click()
    expect(row_of(page, SOCIAL_WORKER)).to_have_class(re.compile(r"\bapp-finding--rejected\b"))
    legend = page.locator("[data-role=legend]")
    expect(legend.locator("li")).to_have_count(8)

    def swatch(name: str) -> list[str]:
        return legend.locator(f"li[data-legend='{name}'] rect").evaluate(PAINT)

    def box(text: str) -> list[str]:
        finding = row_of(page, text).get_attribute("data-finding")
        return page.locator(f"svg.app-page__overlay rect[data-finding='{finding}']").evaluate(PAINT)

    pending = swatch("app-box--person app-box--pending")
    assert box(NEIGHBOUR) == pending  # a person not decided yet
    assert pending != swatch("app-box--other app-box--pending")  # other details differ
    assert box(AUNT) == swatch("app-box--accepted")
    assert box(SOCIAL_WORKER) == swatch("app-box--rejected")
    assert box(SUBJECT) == swatch("app-box--subject")
    # a rectangle added by hand, once it is on the page
    form = page.locator("#page-1 [data-role=manual-form]")
    form.locator("summary").click()
    for corner, value in zip(("x0", "y0", "x1", "y1"), ("300", "500", "400", "540"), strict=True):
        form.get_by_label(corner).fill(value)
    form.get_by_role("button", name="Add redaction").click()
    page.wait_for_load_state("load")
    manual = page.locator("#page-1 rect.app-box--manual")
    expect(manual).to_have_count(1)
    assert manual.evaluate(PAINT) == swatch("app-box--manual")
    # the colours differ from one decision to the next
    paints = [swatch(n) for n in ("app-box--accepted", "app-box--rejected", "app-box--subject")]
    assert len({tuple(p) for p in [pending, *paints]}) == 4
