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


def boxes_on_the_image(page: Page) -> list[tuple[str, float]]:
    """How far each box of page 1 is from where its PDF points put it on the image (pixels)."""
    return page.evaluate(
        """() => {
          const frame = document.querySelector('#page-1 .app-page')
          const img = frame.querySelector('img').getBoundingClientRect()
          const scale = img.width / Number(frame.dataset.width)
          return Array.from(frame.querySelectorAll('svg rect[data-finding]')).map(r => {
            const got = r.getBoundingClientRect()
            const want = [img.left + r.x.baseVal.value * scale, img.top + r.y.baseVal.value * scale,
                          r.width.baseVal.value * scale, r.height.baseVal.value * scale]
            const off = Math.max(Math.abs(got.left - want[0]), Math.abs(got.top - want[1]),
                                 Math.abs(got.width - want[2]), Math.abs(got.height - want[3]))
            return [r.dataset.finding, off]
          })
        }"""
    )


def image_width(page: Page) -> float:
    return page.locator("#page-1 .app-page img").evaluate("el => el.getBoundingClientRect().width")


def frame_width(page: Page) -> float:
    return page.locator("#page-1 [data-role=page-frame]").evaluate("el => el.clientWidth")


def assert_zoomed(page: Page, zoom: float) -> None:
    """The image is `zoom` times its frame's width (less the page's 1 px border each side)."""
    want = zoom * frame_width(page) - 2
    assert abs(image_width(page) - want) < 1.5, (image_width(page), want)


def test_page_images_zoom_and_the_overlay_stays_on_the_words(page: Page, demo: Demo) -> None:
    doc1 = demo.documents[0]
    sign_in(page, demo.reviewer)
    url = f"/staff/requests/{demo.request.id}/review/{doc1}"
    page.goto(url)
    claim(page)
    image = page.locator("#page-1 .app-page img")
    expect(image).to_have_js_property("complete", True)
    assert image.evaluate("el => el.naturalWidth") == 1190  # 2 pixels a PDF point
    fit = image_width(page)
    assert fit > 600, fit  # was 463 px in half the page
    assert_zoomed(page, 1)
    boxes = boxes_on_the_image(page)
    assert len(boxes) == 3 and all(off < 1 for _, off in boxes), boxes

    toolbar = page.locator("[data-role=zoom]")
    level = toolbar.locator("[data-role=zoom-level]")
    expect(toolbar).to_be_visible()
    expect(level).to_have_text("Zoom: fit width")
    toolbar.get_by_role("button", name="Zoom in").click()
    toolbar.get_by_role("button", name="Zoom in").click()
    expect(level).to_have_text("Zoom: 150% of the width")
    assert_zoomed(page, 1.5)
    boxes = boxes_on_the_image(page)
    assert all(off < 1 for _, off in boxes), boxes
    # scrolled sideways inside its frame, the overlay still follows the image
    frame = page.locator("#page-1 [data-role=page-frame]")
    frame.evaluate("el => { el.scrollLeft = 200 }")
    assert all(off < 1 for _, off in boxes_on_the_image(page))

    # a rectangle drawn while zoomed is still in PDF points
    overlay = page.locator("#page-1 svg.app-page__overlay")
    overlay.evaluate("el => el.scrollIntoView({block: 'center'})")
    box = overlay.bounding_box()
    assert box is not None
    scale = box["width"] / 595
    start = (box["x"] + 250 * scale, box["y"] + 300 * scale)
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(start[0] + 60 * scale, start[1] + 20 * scale, steps=4)
    page.mouse.up()
    form = page.locator("#page-1 [data-role=manual-form]")
    corners = [float(form.get_by_label(k).input_value()) for k in ("x0", "y0", "x1", "y1")]
    for got, want in zip(corners, (250, 300, 310, 320), strict=True):
        assert abs(got - want) < 1.5, corners

    toolbar.get_by_role("button", name="Zoom out").click()
    expect(level).to_have_text("Zoom: 125% of the width")
    toolbar.get_by_role("button", name="Fit width").click()
    expect(level).to_have_text("Zoom: fit width")
    assert_zoomed(page, 1)
    # the keyboard: + and - step, 0 fits; the buttons stop at the ends
    page.locator("h1").click()
    for _ in range(10):
        key(page, "+")
    expect(level).to_have_text("Zoom: 300% of the width")
    expect(toolbar.get_by_role("button", name="Zoom in")).to_be_disabled()
    expect(toolbar.get_by_role("button", name="Zoom out")).to_be_enabled()
    assert all(off < 1.5 for _, off in boxes_on_the_image(page))
    key(page, "0")
    expect(level).to_have_text("Zoom: fit width")
    key(page, "-")
    expect(level).to_have_text("Zoom: 75% of the width")
    assert_zoomed(page, 0.75)
    assert all(off < 1 for _, off in boxes_on_the_image(page))
    # the zoom is kept for the next page loaded
    page.goto(url)
    expect(page.locator("[data-module=review]")).to_have_attribute("data-zoom", "0.75")
    expect(level).to_have_text("Zoom: 75% of the width")
    assert_zoomed(page, 0.75)
