"""The requester's status page: reference + email or a one-time link, rate limited."""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import AuditEvent, Evidence, Request, RequestStatus, StatusLookupFailure
from portal.services import status
from portal.timeutil import utcnow

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200
GENERIC = "We could not find a request with that reference and email address"

MakeRequest = Callable[..., Request]


@pytest.fixture(autouse=True)
def _empty_uploads(app: Flask) -> None:
    folder = app.config["UPLOAD_DIR"]
    if os.path.isdir(folder):
        for name in os.listdir(folder):
            os.remove(os.path.join(folder, name))


def look_up(client: FlaskClient, reference: str, email: str, ip: str = "10.0.0.1") -> Any:
    return client.post(
        "/status",
        data={"reference": reference, "email": email},
        environ_base={"REMOTE_ADDR": ip},
    )


def uploads(app: Flask) -> list[str]:
    folder = app.config["UPLOAD_DIR"]
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


def test_status_form_is_public(client: FlaskClient) -> None:
    html = client.get("/status").get_data(as_text=True)
    assert "Check a request" in html and 'name="reference"' in html and "novalidate" in html


def test_right_reference_and_email_shows_status_and_due_date(
    client: FlaskClient, make_request: MakeRequest
) -> None:
    req = make_request(email="parent@example.com")
    resp = look_up(client, f"  {req.reference.lower()} ", "Parent@Example.com ")
    assert resp.status_code == 302
    assert resp.headers["Location"] == f"/status/{req.reference}"
    html = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert req.reference in html
    assert RequestStatus.RECEIVED.public_label in html
    assert f"{req.due_date.day} {req.due_date:%B %Y}" in html
    assert "provisional" in html
    assert 'enctype="multipart/form-data"' in html


@pytest.mark.parametrize(
    ("reference", "email"),
    [
        ("{ref}", "someone.else@example.com"),  # right reference, another person's email
        ("SAR-2026-99999", "parent@example.com"),  # unknown reference
        ("not a reference", "parent@example.com"),
        ("{ref}", ""),
    ],
)
def test_when_details_wrong_then_one_generic_message(
    client: FlaskClient, make_request: MakeRequest, reference: str, email: str
) -> None:
    req = make_request(email="parent@example.com")
    resp = look_up(client, reference.format(ref=req.reference), email)
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert req.reference not in html.replace(f'value="{req.reference}"', "")
    assert "Sam" not in html
    if email:
        assert GENERIC in html and "govuk-error-summary" in html
    # And the browser has not been let in.
    assert client.get(f"/status/{req.reference}").headers["Location"] == "/status"


def test_wrong_email_and_unknown_reference_answer_alike(
    client: FlaskClient, make_request: MakeRequest
) -> None:
    req = make_request(email="parent@example.com")
    wrong_email = look_up(client, req.reference, "other@example.com").get_data(as_text=True)
    unknown = look_up(client, "SAR-2026-99999", "parent@example.com").get_data(as_text=True)

    def strip(html: str) -> str:
        for value in (req.reference, "SAR-2026-99999", "other@example.com", "parent@example.com"):
            html = html.replace(value, "")
        return re.sub(r'nonce="[^"]*"', "", html)

    assert strip(wrong_email) == strip(unknown)


def test_reference_alone_reveals_nothing(client: FlaskClient, make_request: MakeRequest) -> None:
    req = make_request(first_names="Zebedee")
    for path in (f"/status/{req.reference}", f"/status/{req.reference.lower()}"):
        resp = client.get(path)
        assert resp.status_code == 302 and resp.headers["Location"] == "/status"
    resp = client.post(f"/status/{req.reference}/evidence", data={"kind": "identity"})
    assert resp.status_code == 302 and resp.headers["Location"] == "/status"
    assert db.session.scalar(select(func.count()).select_from(Evidence)) == 0


def test_one_requester_cannot_see_anothers_request(
    client: FlaskClient, make_request: MakeRequest
) -> None:
    mine = make_request(email="me@example.com")
    theirs = make_request(email="them@example.com", first_names="Other")
    assert look_up(client, mine.reference, "me@example.com").status_code == 302
    assert look_up(client, theirs.reference, "me@example.com").status_code == 200
    assert client.get(f"/status/{mine.reference}").status_code == 200
    resp = client.get(f"/status/{theirs.reference}")
    assert resp.status_code == 302 and resp.headers["Location"] == "/status"


def test_sixth_attempt_refused_even_with_right_details(
    app: Flask, client: FlaskClient, make_request: MakeRequest
) -> None:
    req = make_request(email="parent@example.com")
    limit = app.config["STATUS_LOOKUP_MAX_FAILURES"]
    for n in range(limit):
        resp = look_up(client, f"SAR-2026-{n + 90000:05d}", "parent@example.com")
        assert resp.status_code == 200
    resp = look_up(client, req.reference, "parent@example.com")
    assert resp.status_code == 429
    html = resp.get_data(as_text=True)
    assert "Too many attempts" in html and "try again later" in html.lower()
    assert req.reference not in html
    # Another client is not affected.
    fresh = look_up(client, req.reference, "parent@example.com", ip="10.9.9.9")
    assert fresh.status_code == 302


def test_failures_older_than_the_window_do_not_count(
    app: Flask, client: FlaskClient, make_request: MakeRequest
) -> None:
    req = make_request(email="parent@example.com")
    for _ in range(app.config["STATUS_LOOKUP_MAX_FAILURES"]):
        look_up(client, "SAR-2026-99999", "parent@example.com")
    old = utcnow() - timedelta(minutes=app.config["STATUS_LOOKUP_WINDOW_MINUTES"] + 1)
    for failure in db.session.scalars(select(StatusLookupFailure)):
        failure.at = old
    db.session.commit()
    assert look_up(client, req.reference, "parent@example.com").status_code == 302


def test_a_one_time_link_works_once(client: FlaskClient, make_request: MakeRequest) -> None:
    req = make_request()
    token = status.issue_link(req.id, hours=72)
    db.session.commit()
    resp = client.get(f"/status/link/{token}")
    assert resp.status_code == 302 and resp.headers["Location"] == f"/status/{req.reference}"
    assert req.reference in client.get(f"/status/{req.reference}").get_data(as_text=True)

    other = client.application.test_client()
    again = other.get(f"/status/link/{token}")
    assert again.status_code == 410
    assert "already been used" in again.get_data(as_text=True)
    assert other.get(f"/status/{req.reference}").headers["Location"] == "/status"


@pytest.mark.parametrize("token", ["nonsense", "x" * 500])
def test_an_unknown_link_reveals_nothing(client: FlaskClient, token: str) -> None:
    resp = client.get(f"/status/link/{token}")
    assert resp.status_code == 410


def test_an_expired_link_is_refused(client: FlaskClient, make_request: MakeRequest) -> None:
    req = make_request()
    token = status.issue_link(req.id, hours=-1)
    db.session.commit()
    assert client.get(f"/status/link/{token}").status_code == 410


def signed_in(client: FlaskClient, make_request: MakeRequest) -> Request:
    req = make_request(email="parent@example.com")
    assert look_up(client, req.reference, "parent@example.com").status_code == 302
    return req


def test_requester_sends_evidence_from_the_status_page(
    app: Flask, client: FlaskClient, make_request: MakeRequest
) -> None:
    req = signed_in(client, make_request)
    data = {"kind": "identity", "files": [(io.BytesIO(PDF), "passport.pdf")]}
    resp = client.post(f"/status/{req.reference}/evidence", data=data)
    assert resp.status_code == 302
    html = client.get(f"/status/{req.reference}").get_data(as_text=True)
    assert "passport.pdf" in html and "1 file sent" in html
    ev = db.session.scalars(select(Evidence)).one()
    assert ev.request_id == req.id and ev.uploaded_by_id is None
    assert uploads(app) == [ev.stored_name]
    audit = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "evidence_uploaded")
    ).one()
    assert audit.actor_label == "requester" and audit.request_id == req.id


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "identity", "files": [(EXE, "id.pdf")]}, "id.pdf must be a PDF, JPG or PNG"),
        (
            {"kind": "identity", "files": [(PDF, "ok.pdf"), (b"plain text", "no.pdf")]},
            "no.pdf must be a PDF, JPG or PNG",
        ),
        ({"kind": "identity", "files": [(PDF, f"{i}.pdf") for i in range(6)]}, "5 files"),
        ({"files": [(PDF, "a.pdf")]}, "Select what you are sending"),
        ({"kind": "identity"}, "Select a file to upload"),
    ],
)
def test_status_upload_refused_keeps_nothing(
    app: Flask,
    client: FlaskClient,
    make_request: MakeRequest,
    data: dict[str, Any],
    message: str,
) -> None:
    req = signed_in(client, make_request)
    if "files" in data:
        data = {**data, "files": [(io.BytesIO(b), n) for b, n in data["files"]]}
    resp = client.post(f"/status/{req.reference}/evidence", data=data)
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "govuk-error-summary" in html and message in html
    assert db.session.scalar(select(func.count()).select_from(Evidence)) == 0
    assert uploads(app) == []


def test_acknowledgement_message_contains_reference_due_date_and_status_link(
    app: Flask, make_request: MakeRequest
) -> None:
    from portal.models import OutboxMessage

    req = make_request()
    message = db.session.scalars(select(OutboxMessage)).one()
    assert req.reference in message.body
    assert f"{req.due_date:%-d %B %Y}" in message.body
    assert f"{app.config['PUBLIC_BASE_URL']}/status" in message.body
    assert "What happens next" in message.body
