"""A demo request from redaction review to the requester's download, in a real browser.

The request, its two documents (real PDF working copies), the detection findings and the party
list are made through the services; everything after that happens in chromium: a caseworker
decides suggestions with the keyboard, withholds a person everywhere, draws a rectangle on a
page image, builds the pack and sends it for approval; an approving officer who did not review
previews and approves it and releases it; the requester asks for a code, gets one wrong, then
downloads the PDF, which is checked with pdftotext and redaction.verify.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import os
import re
import subprocess
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pymupdf
import pytest
from e2e_steps import PageProblems, follow, heading, press_button, type_into
from flask import Flask
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import select

from portal.extensions import db
from portal.models import (
    Document,
    DocumentWork,
    ReleasePack,
    Request,
    RequestParty,
    RequestStatus,
    Role,
    User,
)
from portal.services import detection, release
from portal.timeutil import council_today
from redaction.verify import verify

pytestmark = pytest.mark.e2e

PASSWORD = "e2e: a long enough pass phrase"
REQUESTER_EMAIL = "robin@example.com"

SUBJECT = "Robin Example"
NEIGHBOUR = "Gareth Pennington"  # withheld everywhere, by a decision about the person
AUNT = "Marjorie Quill"  # withheld where mentioned, by a keyboard decision (SW-COURT)
SOCIAL_WORKER = "Helen Ashworth"  # a professional: disclosed
POLICE_REF = "CRN 4471 2290 Zulu"  # covered by a rectangle drawn by hand (CRIME)
WITHHELD = (NEIGHBOUR, AUNT, POLICE_REF)

# document -> pages -> lines
DOCUMENTS = {
    "Home visit notes": [
        [
            f"Home visit to {SUBJECT} at the family home.",
            f"The neighbour {NEIGHBOUR} complained about noise.",
            f"Aunt {AUNT} gave evidence at the care proceedings.",
        ],
        [
            f"Social worker {SOCIAL_WORKER} discussed school with {SUBJECT}.",
            f"{NEIGHBOUR} was not seen on this visit.",
            "Robin is settled and doing well at school.",
        ],
    ],
    "Police liaison letter": [
        [
            f"Letter about {SUBJECT}.",
            f"{NEIGHBOUR} reported an incident in the street.",
            f"Police reference {POLICE_REF} for the incident log.",
        ],
    ],
}
# (document number, page, text, party, role, suggested exemption)
FINDINGS = [
    (1, 1, SUBJECT, SUBJECT, "subject", None),
    (1, 1, NEIGHBOUR, NEIGHBOUR, "third party", "TP"),
    (1, 1, AUNT, AUNT, "third party", "TP"),
    (1, 2, SOCIAL_WORKER, SOCIAL_WORKER, "professional", None),
    (1, 2, SUBJECT, SUBJECT, "subject", None),
    (1, 2, NEIGHBOUR, NEIGHBOUR, "third party", "TP"),
    (2, 1, SUBJECT, SUBJECT, "subject", None),
    (2, 1, NEIGHBOUR, NEIGHBOUR, "third party", "TP"),
]


@dataclass
class Demo:
    request: Request
    reviewer: User
    approver: User
    documents: list[int]  # document ids, in order
    police_ref_rect: list[float]  # where POLICE_REF is on page 1 of document 2, in PDF points


def staff(make_user: Callable[..., User], role: Role, name: str) -> User:
    user = make_user(role, name=name)
    user.set_password(PASSWORD)
    db.session.commit()
    return user


def write_pdf(path: str, pages: list[list[str]]) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    pdf = pymupdf.open()
    for lines in pages:
        page = pdf.new_page(width=595, height=842)
        y = 100.0
        for line in lines:
            page.insert_text((72, y), line, fontname="helv", fontsize=12)
            y += 24
    pdf.save(path)
    pdf.close()


def findings_for(path: str, number: int) -> list[dict[str, Any]]:
    """Findings as the detection engine stores them: text offsets and PyMuPDF rectangles."""
    found = []
    with pymupdf.open(path) as pdf:
        for doc, page_no, text, party, role, exemption in FINDINGS:
            if doc != number:
                continue
            page = pdf[page_no - 1]
            body = page.get_text()
            start = body.index(text)
            rect = page.search_for(text)[0]
            found.append(
                {
                    "kind": "PERSON",
                    "text": text,
                    "page": page_no,
                    "start": start,
                    "end": start + len(text),
                    "rects": [[rect.x0, rect.y0, rect.x1, rect.y1]],
                    "score": 0.92,
                    "source": "parties",
                    "exemption": exemption,
                    "party": party,
                    "role": role,
                }
            )
    return found


@pytest.fixture()
def demo(app: Flask, make_user: Callable[..., User], make_request: Callable[..., Request]) -> Demo:
    reviewer = staff(make_user, Role.CASEWORKER, "Casey Reviewer")
    approver = staff(make_user, Role.APPROVER, "Alex Approver")
    req = make_request(
        first_names="Robin",
        last_name="Example",
        requester_name=SUBJECT,
        email=REQUESTER_EMAIL,
        received=council_today() - timedelta(days=20),
    )
    req.status = RequestStatus.REVIEW
    req.due_date = council_today() + timedelta(days=10)
    db.session.add_all(
        [
            RequestParty(
                request_id=req.id, names=[SUBJECT, "Robin"], role="data subject", subject=True
            ),
            RequestParty(request_id=req.id, names=[NEIGHBOUR], role="neighbour"),
            RequestParty(request_id=req.id, names=[AUNT], role="aunt"),
            RequestParty(
                request_id=req.id,
                names=[SOCIAL_WORKER],
                role="allocated social worker",
                professional=True,
            ),
        ]
    )
    ids = []
    police_ref_rect: list[float] = []
    for number, (title, pages) in enumerate(DOCUMENTS.items(), start=1):
        doc = Document(
            external_id=f"DOC-{number}",
            doc_type="case_note",
            title=title,
            doc_date=date(2024, 3, number),
            filename=f"doc{number}.pdf",
            stored_name=f"doc{number}.pdf",
            sha256=str(number) * 64,
            size=1,
        )
        db.session.add(doc)
        db.session.flush()
        ids.append(doc.id)
        db.session.add(DocumentWork(request_id=req.id, document_id=doc.id))
        db.session.flush()
        path = detection.working_copy_path(app.config["DOCUMENTS_DIR"], req.id, doc.id)
        write_pdf(path, pages)
        detection.store_findings(
            req.id, doc.id, findings_for(path, number), len(pages), [], os.path.basename(path)
        )
        if number == 2:
            with pymupdf.open(path) as pdf:
                police_ref_rect = list(pdf[0].search_for(POLICE_REF)[0])
    db.session.commit()
    return Demo(req, reviewer, approver, ids, police_ref_rect)


def sign_in(page: Page, user: User) -> None:
    page.goto("/staff/sign-in")
    type_into(page, "Email address", user.email)
    type_into(page, "Password", PASSWORD)
    press_button(page, "Sign in", then="**/staff/requests")
    expect(page.get_by_text(f"Signed in as {user.full_name}")).to_be_visible()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/staff/sign-in")


def banner(page: Page) -> Locator:
    return page.locator(".govuk-notification-banner")


def row_of(page: Page, text: str, nth: int = 0) -> Locator:
    return page.locator("li[data-finding]").filter(has_text=text).nth(nth)


def expect_current(page: Page, row: Locator) -> None:
    expect(row).to_have_class(re.compile(r"\bis-current\b"))
    expect(page.locator("li[data-finding].is-current")).to_have_count(1)


def key(page: Page, name: str) -> None:
    page.keyboard.press(name)


def decide_with_key(page: Page, row: Locator, letter: str, state: str) -> None:
    """Press a or r on the current suggestion and wait for the screen to show it saved."""
    expect_current(page, row)
    key(page, letter)
    expect(row).to_have_class(re.compile(rf"\bapp-finding--{state}\b"))
    expect(page.locator("[data-role=status]")).to_have_text(f"Suggestion {state}")


def claim(page: Page) -> None:
    page.get_by_role("button", name="Review this document").click()
    expect(banner(page)).to_contain_text("You are reviewing this document")


def pdf_pages(path: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
    return unicodedata.normalize("NFKC", out.stdout.decode()).split("\f")[:-1]


def received(inbox: Any, to: str, subject: str) -> str:
    """The body of the newest email with ``subject`` that reached ``to`` at the SMTP server:
    what the requester reads in their inbox (never the portal's own record of it)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for _sender, recipients, raw in reversed(inbox.messages):
            message = email.message_from_string(raw, policy=email.policy.default)
            if to in recipients and subject in str(message["Subject"]):
                body = message.get_body(preferencelist=("plain",))
                assert body is not None
                return str(body.get_content())
        time.sleep(0.1)
    raise AssertionError(f"no email '{subject}' reached {to}")


def test_review_to_download_with_the_code(
    app: Flask,
    page: Page,
    problems: PageProblems,
    demo: Demo,
    tmp_path: Path,
    smtp_server: tuple[Any, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    req_id, reference = demo.request.id, demo.request.reference
    # the portal sends its mail to a real SMTP server; the requester reads it from there
    inbox, port = smtp_server
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", port)
    doc1, doc2 = demo.documents
    base = f"/staff/requests/{req_id}"

    # --- the caseworker: people first, then each document --------------------------------
    sign_in(page, demo.reviewer)
    follow(page, reference, then=f"**{base}")
    follow(page, "Review redactions: documents, people, harm opinions", then=f"**{base}/review")
    expect(heading(page)).to_have_text("Review redactions")
    expect(page.get_by_text("0 of 8 suggestions decided")).to_be_visible()

    follow(page, "People: withhold or disclose every mention of a person", then=f"**{base}/people")
    neighbour = page.locator(".app-person").filter(has_text=f"{NEIGHBOUR} (neighbour")
    expect(neighbour).to_contain_text("3 mention(s)")
    neighbour.get_by_text(f"Decide for every mention of {NEIGHBOUR}").click()
    neighbour.get_by_label("Withhold every mention of this person").check()
    neighbour.get_by_label("Neither (or withholding)").check()
    neighbour.get_by_label("Exemption when withheld").select_option("TP")
    neighbour.get_by_role("button", name="Save decision").click()
    page.wait_for_url(f"**{base}/people#party-*")
    expect(banner(page)).to_contain_text("Decision recorded for every mention")
    expect(page.locator(".app-person").filter(has_text=NEIGHBOUR)).to_contain_text(
        "Withhold every mention (TP)"
    )

    # Document 1 with the keyboard: j/k to move, r to disclose, e for the code, a to redact.
    page.goto(f"{base}/review/{doc1}")
    expect(heading(page)).to_have_text("DOC-1: Home visit notes")
    claim(page)
    expect(page.get_by_text("2 of 6 suggestions decided")).to_be_visible()  # the neighbour
    page.locator("h1").click()  # focus on the page, not in a field
    key(page, "j")
    decide_with_key(page, row_of(page, SUBJECT), "r", "rejected")  # own data: disclosed
    # it moved on by itself to the neighbour (decided about the person); j to the aunt
    expect_current(page, row_of(page, NEIGHBOUR))
    expect(row_of(page, NEIGHBOUR)).to_contain_text("every mention of this person")
    key(page, "j")
    aunt = row_of(page, AUNT)
    expect_current(page, aunt)
    key(page, "e")
    code = aunt.get_by_label(f"Exemption for {AUNT}")
    expect(code).to_be_focused()
    page.keyboard.type("SW-C")  # type-ahead in the focused list
    expect(code).to_have_value("SW-COURT")
    key(page, "Escape")  # out of the list, back to the shortcuts
    expect(code).not_to_be_focused()
    decide_with_key(page, aunt, "a", "accepted")
    expect(aunt.locator("[data-role=state]")).to_have_text("Redact (SW-COURT)")
    professional = row_of(page, SOCIAL_WORKER)
    expect_current(page, professional)
    key(page, "k")
    expect_current(page, aunt)
    key(page, "j")
    decide_with_key(page, professional, "r", "rejected")
    decide_with_key(page, row_of(page, SUBJECT, 1), "r", "rejected")
    # on the page image the aunt's box is now a redaction
    expect(
        page.locator(f"rect[data-finding='{aunt.get_attribute('data-finding')}']")
    ).to_have_class(re.compile(r"\bapp-box--accepted\b"))
    page.get_by_role("button", name="Mark as reviewed").click()
    page.wait_for_url(f"**{base}/review")
    expect(banner(page)).to_contain_text("Document marked as reviewed")

    # Document 2: the subject disclosed, then a rectangle drawn over the police reference.
    follow(page, "DOC-2: Police liaison letter", then=f"**{base}/review/{doc2}")
    claim(page)
    page.locator("h1").click()
    key(page, "j")
    decide_with_key(page, row_of(page, SUBJECT), "r", "rejected")
    overlay = page.locator("#page-1 svg.app-page__overlay")
    x0, y0, x1, y1 = demo.police_ref_rect

    def drag(left: float, top: float, right: float, bottom: float) -> None:
        """Drag with the mouse between two points of the page, given in PDF points."""
        overlay.evaluate("el => el.scrollIntoView({block: 'start'})")
        box = overlay.bounding_box()
        assert box is not None
        sx, sy = box["width"] / 595, box["height"] / 842
        page.mouse.move(box["x"] + left * sx, box["y"] + top * sy)
        page.mouse.down()
        for t in (0.25, 0.5, 0.75, 1):
            x, y = left + (right - left) * t, top + (bottom - top) * t
            page.mouse.move(box["x"] + x * sx, box["y"] + y * sy)
        page.mouse.up()

    # a first try in the wrong place, then the real one: only the last drag stays drawn
    drag(300, 500, 400, 540)
    expect(page.locator("#page-1 rect.app-box--drawing")).to_have_count(1)
    drag(x0 - 4, y0 - 3, x1 + 4, y1 + 3)
    expect(page.locator("[data-role=status]")).to_have_text(
        "Rectangle drawn: choose the exemption and add the redaction"
    )
    drawn = page.locator("#page-1 [data-role=manual-form]")
    exemption = drawn.get_by_label("Exemption")
    expect(exemption).to_be_focused()
    expect(page.locator("#page-1 rect.app-box--drawing")).to_have_count(1)
    corners = [float(drawn.get_by_label(k).input_value()) for k in ("x0", "y0", "x1", "y1")]
    for got, want in zip(corners, (x0 - 4, y0 - 3, x1 + 4, y1 + 3), strict=True):
        assert abs(got - want) < 3, (corners, demo.police_ref_rect)
    exemption.select_option("CRIME")
    drawn.get_by_label("Note (optional)").fill("police incident reference")
    drawn.get_by_role("button", name="Add redaction").click()
    page.wait_for_load_state("load")
    expect(page.locator("#page-1 rect.app-box--manual")).to_have_count(1)
    expect(page.locator("#page-1").get_by_text("CRIME: police incident reference")).to_be_visible()
    page.get_by_role("button", name="Mark as reviewed").click()
    page.wait_for_url(f"**{base}/review")
    expect(
        page.get_by_text("8 of 8 suggestions decided; 2 of 2 documents reviewed")
    ).to_be_visible()

    # --- build the pack (the job runs in-process) and send it for approval ---------------
    page.goto(base)
    follow(page, "Release pack: build, approve, deliver", then=f"**{base}/release")
    page.get_by_role("button", name="Build a new version").click()
    expect(banner(page)).to_contain_text("Building the pack")
    versions = page.locator("tbody tr")
    expect(versions.first).to_contain_text("Version 1")
    expect(versions.first.locator(".govuk-tag")).to_have_text("Built and verified")
    page.get_by_role("button", name="Send version 1 for approval").click()
    expect(banner(page)).to_contain_text("Sent for approval")
    sign_out(page)

    # --- the approving officer: preview, approve, release --------------------------------
    sign_in(page, demo.approver)
    page.goto(f"{base}/release")
    expect(heading(page)).to_have_text("Release pack")
    pack = db.session.scalars(select(ReleasePack).where(ReleasePack.request_id == req_id)).one()
    # The preview link, fetched with the officer's session (chromium would show the PDF in the
    # tab, where it asks for /favicon.ico: see the report on that 404).
    preview_href = page.get_by_role("link", name="Preview PDF version 1").get_attribute("href")
    assert preview_href is not None
    preview = page.request.get(preview_href)
    assert preview.ok and preview.headers["content-type"] == "application/pdf"
    assert hashlib.sha256(preview.body()).hexdigest() == pack.sha256
    page.get_by_label("Comment (needed to send back)").fill("Checked against the schedule")
    page.get_by_role("button", name="Approve").click()
    expect(banner(page)).to_contain_text("Pack approved")
    page.get_by_role("button", name="Release version 1 to the requester").click()
    expect(banner(page)).to_contain_text("Pack released")
    sign_out(page)

    # --- the requester: link, code by email, one wrong code, then the download ------------
    found = re.search(
        r"/download/([A-Za-z0-9_-]+)", received(inbox, REQUESTER_EMAIL, "Your information is ready")
    )
    assert found is not None
    token = found.group(1)
    page.goto(f"/download/{token}")
    expect(heading(page)).to_have_text("Download your information")
    page.get_by_role("button", name="Send me a code").click()
    expect(banner(page)).to_contain_text("We have sent a code to your email address")
    sent = re.search(r"code is (\d{6})", received(inbox, REQUESTER_EMAIL, "Your code for"))
    assert sent is not None
    right = sent.group(1)
    wrong = "000000" if right != "000000" else "111111"
    page.get_by_label("Enter your code").fill(wrong)
    page.get_by_role("button", name="Download (PDF)").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The code is not right. You have 4 more tries."
    )
    expect(page.get_by_label("Enter your code")).to_have_class(re.compile("govuk-input--error"))
    # The refusal is a 403, which chromium reports on the console: expected here, and only it.
    assert problems.console == [
        "error: Failed to load resource: the server responded with a status of 403 (FORBIDDEN) "
        f"({page.url})"
    ], problems.console
    problems.console.clear()
    page.get_by_label("Enter your code").fill(right)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download (PDF)").click()
    download = download_info.value
    assert download.suggested_filename == f"{reference}-v1.pdf"
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    # --- the file the requester got ------------------------------------------------------
    data = path.read_bytes()
    assert hashlib.sha256(data).hexdigest() == pack.sha256
    pages = pdf_pages(path)
    text = "\n".join(pages)
    flat = " ".join(text.split())
    for secret in WITHHELD:
        assert secret not in flat, secret
    for part in ("Pennington", "Marjorie", "4471"):
        assert part not in flat, part
    assert verify(str(path), list(WITHHELD)).ok
    assert SUBJECT in flat and SOCIAL_WORKER in flat
    assert "Robin is settled and doing well at school." in flat
    assert len(pages) == pymupdf.open(path).page_count
    for n, body in enumerate(pages, start=1):
        assert f"{reference} - page {n} of {len(pages)}" in body, n

    schedule = "\n".join(p for p in pages if "Schedule of redactions" in p)
    rows: Counter[tuple[str, str, str]] = Counter()
    for line in schedule.splitlines():
        m = re.match(r"\s*(\d+)\s+(\d+|all)\s+(\d+|-)\s+([A-Z-]+)\s+(\d+)\s", line)
        if m:
            rows[(m.group(1), m.group(2), m.group(4))] += int(m.group(5))
    assert rows == {
        ("1", "1", "TP"): 1,
        ("1", "1", "SW-COURT"): 1,
        ("1", "2", "TP"): 1,
        ("2", "1", "TP"): 1,
        ("2", "1", "CRIME"): 1,
    }, schedule
    applied = release.by_page_and_code(req_id)
    assert applied[doc1] == {(1, "TP"): 1, (1, "SW-COURT"): 1, (2, "TP"): 1}
    assert applied[doc2] == {(1, "TP"): 1, (1, "CRIME"): 1}
    for secret in (*WITHHELD, "Pennington", "Quill", "police incident reference"):
        assert secret not in schedule

    db.session.expire_all()
    closed = db.session.get(Request, req_id)
    assert closed is not None and closed.status is RequestStatus.CLOSED
