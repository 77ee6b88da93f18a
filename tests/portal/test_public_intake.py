"""The online request form, walked through the test client page by page."""

from __future__ import annotations

import os
import re
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import EnvironBuilder

from portal.extensions import db
from portal.models import (
    AuditEvent,
    Evidence,
    IntakeDraft,
    OutboxMessage,
    Relationship,
    Request,
    RequestStatus,
    RequestType,
)
from portal.timeutil import utcnow

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200

PERSON = {"first_names": "Sam", "last_name": "Smith", "previous_names": "", "aliases": ""}
DOB = {"date_of_birth": ["17", "5", "2012"]}
ADDRESS = {"address": "1 High Street\nWorcester", "postcode": "wr5 2np"}
REFS = {"social_care_number": "", "nhs_number": "", "other_references": ""}
CONTACT = {"contact_preference": "email", "email": "Parent@Example.com"}
DETAILS = {
    "access": {"services": ["social_care"], "access_period": "2015 to 2019", "description": ""},
    "rectification": {"description": "My date of birth is wrong", "correction": "It is 1 May"},
    "erasure": {"description": "The 2019 referral", "erasure_reason": "It was made in error"},
}


def post(client: FlaskClient, path: str, data: dict[str, Any], **kw: Any) -> str:
    """Answer one page; it must accept the answer and say where to go next."""
    resp = client.post(path, data=data, **kw)
    assert resp.status_code == 302, resp.get_data(as_text=True)
    return resp.headers["Location"]


def start(client: FlaskClient, kind: str = "access", who: str = "self") -> str:
    """Answer the first questions; returns the next page."""
    nxt = post(client, "/request/type", {"request_type": kind})
    assert nxt == "/request/who"
    nxt = post(client, nxt, {"who": who})
    if who != "self":
        assert nxt == "/request/relationship"
        rel = "parent" if who == "child" else "solicitor"
        nxt = post(client, nxt, {"relationship": rel})
        assert nxt == "/request/your-name"
        nxt = post(client, nxt, {"full_name": "Pat Parent"})
    return nxt


def add_person(client: FlaskClient, i: int, first: str = "Sam", **over: Any) -> str:
    """The four pages about one person."""
    pages = [
        ("name", {**PERSON, "first_names": first}),
        ("date-of-birth", DOB),
        ("address", ADDRESS),
        ("references", REFS),
    ]
    nxt = ""
    for page, data in pages:
        nxt = post(client, f"/request/person/{i}/{page}", {**data, **over.get(page, {})})
    return nxt


def finish(client: FlaskClient, kind: str, contact: dict[str, Any] | None = None) -> str:
    """Contact, details and (no) evidence: returns the check page."""
    nxt = post(client, "/request/contact", contact or CONTACT)
    assert nxt == "/request/details"
    nxt = post(client, nxt, DETAILS[kind])
    assert nxt == "/request/evidence"
    nxt = post(client, nxt, {"action": "continue"})
    assert nxt == "/request/check"
    return nxt


def walk_to_check(client: FlaskClient, kind: str = "access", who: str = "self") -> None:
    """Everything up to check your answers, for one person."""
    assert start(client, kind, who) == "/request/person/0/name"
    nxt = add_person(client, 0)
    if who == "child":
        assert nxt == "/request/add-another"
        assert post(client, nxt, {"add_another": "no"}) == "/request/contact"
    assert finish(client, kind) == "/request/check"


def submit(client: FlaskClient) -> str:
    """Send the request; returns the confirmation page's text."""
    assert post(client, "/request/check", {}) == "/request/confirmation"
    return client.get("/request/confirmation").get_data(as_text=True)


def count(model: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def upload_files(app: Flask) -> list[str]:
    folder = app.config["UPLOAD_DIR"]
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


@pytest.fixture(autouse=True)
def _empty_uploads(app: Flask) -> None:
    folder = app.config["UPLOAD_DIR"]
    if os.path.isdir(folder):
        for name in os.listdir(folder):
            os.remove(os.path.join(folder, name))


# --- information pages -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("/", "Start now"),
        ("/", "one month"),
        ("/privacy", "Privacy notice"),
        ("/accessibility", "Accessibility statement"),
    ],
)
def test_information_pages_are_public(client: FlaskClient, path: str, text: str) -> None:
    resp = client.get(path)
    assert resp.status_code == 200
    assert text in resp.get_data(as_text=True)


def test_start_page_explains_the_three_rights_and_links_to_the_form(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    for right in ("copy of the information", "correct information", "delete information"):
        assert right in html
    assert 'href="/request/type"' in html and "govuk-button--start" in html


# --- walking the form end to end ---------------------------------------------------------------


@pytest.mark.parametrize("kind", ["access", "rectification", "erasure"])
def test_when_each_type_walked_end_to_end_then_request_acknowledged(
    client: FlaskClient, kind: str
) -> None:
    walk_to_check(client, kind)
    check = client.get("/request/check").get_data(as_text=True)
    assert "Check your answers" in check and "Sam Smith" in check and "WR5 2NP" in check

    page = submit(client)
    req = db.session.scalars(select(Request)).one()
    assert req.type is RequestType(kind)
    assert req.status is RequestStatus.RECEIVED
    assert req.relationship_to_subject is Relationship.SELF
    assert req.subject.date_of_birth == date(2012, 5, 17)
    assert req.subject.postcode == "WR5 2NP"
    assert req.requester.full_name == "Sam Smith"
    assert req.requester.email == "parent@example.com"
    assert req.reference in page
    assert "provisional" in page
    assert f"{req.due_date.day} {req.due_date:%B %Y}" in page
    if kind == "access":
        assert req.access_services == ["social_care"] and req.access_period == "2015 to 2019"
    elif kind == "rectification":
        assert req.correction == "It is 1 May"
    else:
        assert req.erasure_reason == "It was made in error"

    message = db.session.scalars(select(OutboxMessage)).one()
    assert message.kind == "acknowledgement" and message.to_address == "parent@example.com"
    assert req.reference in message.body
    assert f"{req.due_date:%-d %B %Y}" in message.body
    # The draft is gone: the form starts afresh.
    assert count(IntakeDraft) == 0
    assert client.get("/request/check").headers["Location"] == "/request/type"


def test_when_parent_adds_two_children_then_two_linked_requests_and_one_message(
    client: FlaskClient,
) -> None:
    assert start(client, "access", "child") == "/request/person/0/name"
    assert add_person(client, 0, "Amy") == "/request/add-another"
    page = client.get("/request/add-another").get_data(as_text=True)
    assert "Do you need to add another child?" in page and "Amy Smith" in page
    assert post(client, "/request/add-another", {"add_another": "yes"}) == "/request/person/1/name"
    assert add_person(client, 1, "Ben") == "/request/add-another"
    assert post(client, "/request/add-another", {"add_another": "no"}) == "/request/contact"
    finish(client, "access")
    page = submit(client)

    requests = list(db.session.scalars(select(Request).order_by(Request.id)))
    assert [r.subject.first_names for r in requests] == ["Amy", "Ben"]
    assert len({r.submission_key for r in requests}) == 1
    assert all(r.subject_is_child for r in requests)
    assert all(r.relationship_to_subject is Relationship.PARENT for r in requests)
    assert requests[0].linked_requests == [requests[1]]
    assert requests[0].requester_id == requests[1].requester_id

    message = db.session.scalars(select(OutboxMessage)).one()
    for r in requests:
        assert r.reference in page
        assert r.reference in message.body
        assert f"{r.due_date:%-d %B %Y}" in message.body


def test_remove_a_child_added_by_mistake(client: FlaskClient) -> None:
    start(client, "access", "child")
    add_person(client, 0, "Amy")
    post(client, "/request/add-another", {"add_another": "yes"})
    assert post(client, "/request/person/1/remove", {}) == "/request/add-another"
    post(client, "/request/add-another", {"add_another": "no"})
    finish(client, "access")
    submit(client)
    assert count(Request) == 1


def test_acting_for_another_adult_with_other_relationship(client: FlaskClient) -> None:
    post(client, "/request/type", {"request_type": "access"})
    post(client, "/request/who", {"who": "other"})
    resp = client.post("/request/relationship", data={"relationship": "other"})
    assert "Describe your relationship" in resp.get_data(as_text=True)
    post(client, "/request/relationship", {"relationship": "other", "relationship_detail": "Aunt"})
    post(client, "/request/your-name", {"full_name": "Alex Aunt"})
    add_person(client, 0)
    finish(client, "access")
    submit(client)
    req = db.session.scalars(select(Request)).one()
    assert req.relationship_to_subject is Relationship.OTHER
    assert req.relationship_detail == "Aunt"
    assert not req.subject_is_child
    assert req.requester.full_name == "Alex Aunt"


def test_contact_by_post_without_email(client: FlaskClient) -> None:
    start(client)
    add_person(client, 0)
    contact = {"contact_preference": "post", "address": "1 High Street", "postcode": "WR1 1AA"}
    finish(client, "access", contact)
    submit(client)
    req = db.session.scalars(select(Request)).one()
    assert req.requester.email is None and req.requester.postcode == "WR1 1AA"


# --- order, back links, change links -----------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/request/who",
        "/request/person/0/name",
        "/request/contact",
        "/request/details",
        "/request/evidence",
        "/request/check",
    ],
)
def test_when_no_draft_then_pages_send_to_the_first_question(
    client: FlaskClient, path: str
) -> None:
    resp = client.get(path)
    assert resp.status_code == 302 and resp.headers["Location"] == "/request/type"


@pytest.mark.parametrize(
    "path",
    [
        "/request/person/0/address",
        "/request/person/3/name",
        "/request/contact",
        "/request/details",
        "/request/check",
    ],
)
def test_when_step_reached_out_of_order_then_redirected_to_first_unanswered(
    client: FlaskClient, path: str
) -> None:
    start(client)
    post(client, "/request/person/0/name", PERSON)
    resp = client.get(path)
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/request/person/0/date-of-birth"
    # A POST out of order is not stored either.
    client.post("/request/contact", data=CONTACT)
    draft = db.session.scalars(select(IntakeDraft)).one()
    assert "contact" not in draft.answers


def test_relationship_page_is_skipped_for_self(client: FlaskClient) -> None:
    start(client)
    resp = client.get("/request/relationship")
    assert resp.headers["Location"] == "/request/person/0/name"


@pytest.mark.parametrize(
    "path",
    [
        "/request/type",
        "/request/who",
        "/request/person/0/name",
        "/request/person/0/date-of-birth",
        "/request/person/0/address",
        "/request/person/0/references",
        "/request/contact",
        "/request/details",
        "/request/evidence",
        "/request/check",
    ],
)
def test_every_page_has_a_back_link_a_heading_and_novalidate(
    client: FlaskClient, path: str
) -> None:
    walk_to_check(client)
    html = client.get(path).get_data(as_text=True)
    assert 'class="govuk-back-link"' in html
    assert re.search(r"<h1[^>]*>|govuk-fieldset__heading", html)
    assert '<form method="post" novalidate' in html


def test_change_link_returns_to_check_your_answers(client: FlaskClient) -> None:
    walk_to_check(client)
    check = client.get("/request/check").get_data(as_text=True)
    assert 'href="/request/person/0/date-of-birth?change=1"' in check
    page = client.get("/request/person/0/date-of-birth?change=1").get_data(as_text=True)
    assert 'href="/request/check"' in page  # the back link
    nxt = post(
        client, "/request/person/0/date-of-birth?change=1", {"date_of_birth": ["1", "2", "2010"]}
    )
    assert nxt == "/request/check"
    assert "1 February 2010" in client.get("/request/check").get_data(as_text=True)


def test_changing_the_type_asks_the_new_details_then_returns(client: FlaskClient) -> None:
    walk_to_check(client, "access")
    nxt = post(client, "/request/type?change=1", {"request_type": "erasure"})
    assert nxt == "/request/details"
    assert post(client, nxt, DETAILS["erasure"]) == "/request/check"
    submit(client)
    assert db.session.scalars(select(Request)).one().type is RequestType.ERASURE


def test_an_old_draft_is_ignored(app: Flask, client: FlaskClient) -> None:
    start(client)
    draft = db.session.scalars(select(IntakeDraft)).one()
    draft.updated_at = utcnow() - timedelta(hours=app.config["INTAKE_DRAFT_HOURS"] + 1)
    db.session.commit()
    resp = client.get("/request/person/0/name")
    assert resp.headers["Location"] == "/request/type"
    assert count(IntakeDraft) == 0


def test_the_session_holds_a_token_and_the_database_only_its_hash(client: FlaskClient) -> None:
    start(client)
    with client.session_transaction() as sess:
        token = sess["intake_draft"]
    draft = db.session.scalars(select(IntakeDraft)).one()
    assert token not in draft.token_hash and len(draft.token_hash) == 64


# --- validation: each a clear error in the summary, nothing stored ---------------------------


def error_summary(html: str) -> str:
    """The GOV.UK error summary's text (it must be there)."""
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', html, re.S)
    assert match, "no error summary"
    return match.group(0)


LONG = "x" * 6000

# (page, answers before it, data posted, message expected)
INVALID = [
    ("/request/type", "none", {}, "Select what you want to do"),
    ("/request/type", "none", {"request_type": "hack"}, "Select what you want to do"),
    ("/request/who", "type", {}, "Select who the information is about"),
    ("/request/person/0/name", "who", {**PERSON, "first_names": ""}, "Enter the first names"),
    ("/request/person/0/name", "who", {**PERSON, "last_name": "  "}, "Enter the last name"),
    (
        "/request/person/0/name",
        "who",
        {**PERSON, "first_names": "x" * 101},
        "First names must be 100 characters or fewer",
    ),
    (
        "/request/person/0/name",
        "who",
        {**PERSON, "last_name": "Smith\x00"},
        "Last name must not contain control characters",
    ),
    (
        "/request/person/0/name",
        "who",
        {**PERSON, "previous_names": "\n".join(["A"] * 11)},
        "enter 10 names or fewer",
    ),
    ("/request/person/0/date-of-birth", "name", {}, "Enter the date of birth"),
    (
        "/request/person/0/date-of-birth",
        "name",
        {"date_of_birth": ["31", "2", "2012"]},
        "Date of birth must be a real date",
    ),
    (
        "/request/person/0/date-of-birth",
        "name",
        {"date_of_birth": ["", "2", "2012"]},
        "Date of birth must include a day",
    ),
    (
        "/request/person/0/date-of-birth",
        "name",
        {"date_of_birth": ["aa", "bb", "cccc"]},
        "Date of birth must be a real date",
    ),
    (
        "/request/person/0/date-of-birth",
        "name",
        {"date_of_birth": ["1", "1", str(date.today().year + 1)]},
        "Date of birth must be today or in the past",
    ),
    ("/request/person/0/address", "dob", {"address": ""}, "Enter the address"),
    (
        "/request/person/0/address",
        "dob",
        {"address": "1 High St", "postcode": "NOT A CODE"},
        "Enter a real postcode",
    ),
    (
        "/request/person/0/address",
        "dob",
        {"address": "1 High St\x00", "postcode": ""},
        "Address must not contain control characters",
    ),
    (
        "/request/person/0/references",
        "address",
        {"nhs_number": "485 777 3456"},
        "Enter a valid NHS number",
    ),
    (
        "/request/person/0/references",
        "address",
        {"nhs_number": "12345"},
        "Enter a valid NHS number",
    ),
    (
        "/request/person/0/references",
        "address",
        {"other_references": LONG},
        "Other reference numbers must be 1000 characters or fewer",
    ),
    ("/request/contact", "references", {}, "Select how we should contact you"),
    (
        "/request/contact",
        "references",
        {"contact_preference": "email", "email": ""},
        "Enter your email address",
    ),
    (
        "/request/contact",
        "references",
        {"contact_preference": "email", "email": "not-an-email"},
        "Enter an email address in the correct format",
    ),
    (
        "/request/contact",
        "references",
        {"contact_preference": "phone", "phone": "call me"},
        "Enter a phone number",
    ),
    (
        "/request/contact",
        "references",
        {"contact_preference": "post", "address": "1 High St", "postcode": ""},
        "Enter your postcode",
    ),
    ("/request/details", "contact", {}, "Select which services"),
    (
        "/request/details",
        "contact",
        {"services": ["nonsense"]},
        "Select which services",
    ),
    (
        "/request/details",
        "contact",
        {"services": ["social_care"], "description": LONG},
        "The description must be 5000 characters or fewer",
    ),
    (
        "/request/details",
        "contact",
        {"services": ["social_care"], "description": "a\x00b"},
        "The description must not contain control characters",
    ),
]

PREFIX = {
    "none": [],
    "type": [("/request/type", {"request_type": "access"})],
}
PREFIX["who"] = [*PREFIX["type"], ("/request/who", {"who": "self"})]
PREFIX["name"] = [*PREFIX["who"], ("/request/person/0/name", PERSON)]
PREFIX["dob"] = [*PREFIX["name"], ("/request/person/0/date-of-birth", DOB)]
PREFIX["address"] = [*PREFIX["dob"], ("/request/person/0/address", ADDRESS)]
PREFIX["references"] = [*PREFIX["address"], ("/request/person/0/references", REFS)]
PREFIX["contact"] = [*PREFIX["references"], ("/request/contact", CONTACT)]


@pytest.mark.parametrize(("path", "before", "data", "message"), INVALID)
def test_when_answer_invalid_then_error_summary_and_nothing_moves_on(
    client: FlaskClient, path: str, before: str, data: dict[str, Any], message: str
) -> None:
    for page, answer in PREFIX[before]:
        post(client, page, answer)
    resp = client.post(path, data=data)
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert message in error_summary(html)
    assert "<title>Error: " in html
    assert "govuk-error-message" in html
    assert count(Request) == 0


def test_error_summary_links_to_the_first_date_input(client: FlaskClient) -> None:
    for page, answer in PREFIX["name"]:
        post(client, page, answer)
    html = client.post("/request/person/0/date-of-birth", data={}).get_data(as_text=True)
    assert 'href="#date_of_birth-day"' in error_summary(html)
    assert 'id="date_of_birth-day"' in html
    assert html.count('id="date_of_birth-day"') == 1


def test_radio_error_links_to_the_first_radio(client: FlaskClient) -> None:
    html = client.post("/request/type", data={}).get_data(as_text=True)
    assert 'href="#request_type"' in error_summary(html)
    assert 'id="request_type" name="request_type" type="radio"' in html


SCRIPT = "<script>alert('x')</script>"


@pytest.mark.parametrize("field", ["first_names", "last_name", "previous_names", "aliases"])
def test_html_in_answers_is_kept_as_text_and_shown_escaped(client: FlaskClient, field: str) -> None:
    start(client)
    add_person(client, 0, name={field: f"Sam {SCRIPT} <b>bold</b>"})
    finish(client, "access")
    html = client.get("/request/check").get_data(as_text=True)
    assert SCRIPT not in html and "<b>bold</b>" not in html
    assert "&lt;script&gt;" in html
    submit(client)
    subject = db.session.scalars(select(Request)).one().subject
    stored = {
        "first_names": subject.first_names,
        "last_name": subject.last_name,
        "previous_names": " ".join(subject.previous_names),
        "aliases": " ".join(subject.aliases),
    }[field]
    assert SCRIPT in stored  # kept as typed: escaping happens when shown


def test_html_in_a_textarea_is_escaped_on_check_your_answers(client: FlaskClient) -> None:
    start(client, "rectification")
    add_person(client, 0)
    post(client, "/request/contact", CONTACT)
    post(client, "/request/details", {"description": SCRIPT, "correction": "<img src=x>"})
    post(client, "/request/evidence", {"action": "continue"})
    html = client.get("/request/check").get_data(as_text=True)
    assert SCRIPT not in html and "<img src=x>" not in html
    assert "&lt;img src=x&gt;" in html


# --- uploads -----------------------------------------------------------------------------------


def to_evidence(client: FlaskClient, who: str = "self") -> None:
    start(client, "access", who)
    add_person(client, 0)
    if who == "child":
        post(client, "/request/add-another", {"add_another": "no"})
    post(client, "/request/contact", CONTACT)
    post(client, "/request/details", DETAILS["access"])


def post_closing(client: FlaskClient, path: str, data: dict[str, Any]) -> Any:
    """POST multipart data and close the body afterwards.

    Werkzeug's test client spools a large multipart body to a temporary file it never
    closes, which filterwarnings=error turns into a failure.
    """
    builder = EnvironBuilder(path=path, method="POST", data=data)
    environ = builder.get_environ()
    builder.close()
    try:
        return client.open(environ)
    finally:
        environ["wsgi.input"].close()


def files(*items: tuple[bytes, str]) -> list[tuple[Any, str]]:
    import io

    return [(io.BytesIO(data), name) for data, name in items]


def test_uploads_are_listed_removable_and_attached_on_submit(
    app: Flask, client: FlaskClient
) -> None:
    to_evidence(client, "child")
    data = {"kind": "authority", "files": files((PDF, "birth.pdf"), (PNG, "photo.png"))}
    nxt = post(client, "/request/evidence", {**data, "action": "upload"})
    assert nxt == "/request/evidence"
    page = client.get("/request/evidence").get_data(as_text=True)
    assert "birth.pdf" in page and "photo.png" in page and "Remove" in page
    assert len(upload_files(app)) == 2

    draft = db.session.scalars(select(IntakeDraft)).one()
    png_name = next(u["stored_name"] for u in draft.uploads if u["filename"] == "photo.png")
    post(client, f"/request/evidence/{png_name}/remove", {})
    assert len(upload_files(app)) == 1

    assert post(client, "/request/evidence", {"action": "continue"}) == "/request/check"
    assert "birth.pdf" in client.get("/request/check").get_data(as_text=True)
    submit(client)
    ev = db.session.scalars(select(Evidence)).one()
    assert ev.original_filename == "birth.pdf" and ev.content_type == "application/pdf"
    assert ev.kind.value == "authority"
    assert upload_files(app) == [ev.stored_name]


def test_upload_and_continue_in_one_post(app: Flask, client: FlaskClient) -> None:
    to_evidence(client)
    data = {"kind": "identity", "files": files((PDF, "id.pdf")), "action": "continue"}
    assert post(client, "/request/evidence", data) == "/request/check"
    submit(client)
    assert count(Evidence) == 1


OVERSIZE = PDF[:-6] + b"0" * (10 * 1024 * 1024) + b"\n%%EOF\n"

BAD_UPLOADS = [
    ("exe named pdf", [(EXE, "letter.pdf")], "letter.pdf must be a PDF, JPG or PNG"),
    ("text named pdf", [(b"just some text\n" * 20, "id.pdf")], "id.pdf must be a PDF, JPG or PNG"),
    ("html named png", [(b"<html><script></script></html>", "a.png")], "must be a PDF, JPG or PNG"),
    ("empty", [(b"", "empty.pdf")], "empty.pdf is empty"),
    ("oversize", [(OVERSIZE, "big.pdf")], "big.pdf must be smaller than 10MB"),
    ("good then bad", [(PDF, "good.pdf"), (EXE, "bad.pdf")], "bad.pdf must be a PDF"),
    ("six files", [(PDF, f"f{i}.pdf") for i in range(6)], "You can only upload 5 files"),
]


@pytest.mark.parametrize(
    ("items", "message"), [b[1:] for b in BAD_UPLOADS], ids=[b[0] for b in BAD_UPLOADS]
)
def test_when_upload_refused_then_clear_error_and_nothing_kept(
    app: Flask, client: FlaskClient, items: list[tuple[bytes, str]], message: str
) -> None:
    to_evidence(client)
    data = {"kind": "identity", "files": files(*items), "action": "upload"}
    resp = post_closing(client, "/request/evidence", data)
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert message in error_summary(html)
    assert 'href="#files"' in html
    assert upload_files(app) == []
    assert db.session.scalars(select(IntakeDraft)).one().uploads == []
    assert count(Request) == 0 and count(Evidence) == 0


def test_at_most_five_files_in_total_across_posts(app: Flask, client: FlaskClient) -> None:
    to_evidence(client)
    four = files(*[(PDF, f"f{i}.pdf") for i in range(4)])
    post(client, "/request/evidence", {"kind": "identity", "files": four, "action": "upload"})
    two = files((PDF, "g1.pdf"), (PDF, "g2.pdf"))
    resp = client.post("/request/evidence", data={"kind": "address", "files": two})
    assert "select 1 or fewer" in error_summary(resp.get_data(as_text=True))
    assert len(upload_files(app)) == 4
    post(client, "/request/evidence", {"kind": "address", "files": files((PNG, "h.png"))})
    page = client.get("/request/evidence").get_data(as_text=True)
    assert "5 of 5 files" in page and 'type="file"' not in page


def test_files_need_a_kind(app: Flask, client: FlaskClient) -> None:
    to_evidence(client)
    resp = client.post("/request/evidence", data={"files": files((PDF, "a.pdf"))})
    assert "Select what you are sending" in error_summary(resp.get_data(as_text=True))
    assert upload_files(app) == []


def test_upload_with_no_file_chosen(client: FlaskClient) -> None:
    to_evidence(client)
    resp = client.post("/request/evidence", data={"kind": "identity", "action": "upload"})
    assert "Select a file to upload" in error_summary(resp.get_data(as_text=True))


def test_file_input_is_multiple_and_form_is_multipart(client: FlaskClient) -> None:
    to_evidence(client)
    html = client.get("/request/evidence").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in html
    assert re.search(
        r'<input class="govuk-file-upload" id="files" name="files" type="file"[^>]*'
        r"multiple",
        html,
    )


def test_submission_is_audited(client: FlaskClient) -> None:
    walk_to_check(client)
    submit(client)
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert "request_created" in actions


def test_changing_from_children_to_self_keeps_one_person(client: FlaskClient) -> None:
    start(client, "access", "child")
    add_person(client, 0, "Amy")
    post(client, "/request/add-another", {"add_another": "yes"})
    add_person(client, 1, "Ben")
    post(client, "/request/add-another", {"add_another": "no"})
    finish(client, "access")
    assert post(client, "/request/who?change=1", {"who": "self"}) == "/request/check"
    html = client.get("/request/check").get_data(as_text=True)
    assert "Amy Smith" in html and "Ben Smith" not in html and "Your relationship" not in html
    submit(client)
    req = db.session.scalars(select(Request)).one()
    assert req.relationship_to_subject is Relationship.SELF and not req.subject_is_child


def test_a_draft_cannot_remove_another_drafts_file(app: Flask, client: FlaskClient) -> None:
    to_evidence(client)
    post(client, "/request/evidence", {"kind": "identity", "files": files((PDF, "a.pdf"))})
    stored = upload_files(app)
    other = app.test_client()
    to_evidence(other)
    post(other, f"/request/evidence/{stored[0]}/remove", {})
    assert upload_files(app) == stored


def test_an_abandoned_drafts_files_are_removed_when_it_expires(
    app: Flask, client: FlaskClient
) -> None:
    to_evidence(client)
    post(client, "/request/evidence", {"kind": "identity", "files": files((PDF, "a.pdf"))})
    draft = db.session.scalars(select(IntakeDraft)).one()
    draft.updated_at = utcnow() - timedelta(hours=app.config["INTAKE_DRAFT_HOURS"] + 1)
    db.session.commit()
    assert client.get("/request/evidence").headers["Location"] == "/request/type"
    assert upload_files(app) == []


def test_only_the_missing_date_part_is_highlighted(client: FlaskClient) -> None:
    for page, answer in PREFIX["name"]:
        post(client, page, answer)
    data = {"date_of_birth": ["", "2", "2010"]}
    html = client.post("/request/person/0/date-of-birth", data=data).get_data(as_text=True)
    inputs = re.findall(r'<input class="([^"]*)" id="date_of_birth-(\w+)"', html)
    assert [(part, "govuk-input--error" in cls) for cls, part in inputs] == [
        ("day", True),
        ("month", False),
        ("year", False),
    ]
    assert 'value="2010"' in html
    # Returning to a stored answer shows it again.
    post(client, "/request/person/0/date-of-birth", DOB)
    html = client.get("/request/person/0/date-of-birth").get_data(as_text=True)
    assert 'value="17"' in html and 'value="5"' in html and 'value="2012"' in html
