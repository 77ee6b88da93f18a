"""Letters (portal/services/letters.py): every kind rendered from its template, stored on the
case and sent to a real SMTP server (text and HTML), or printed for post; staff preview."""

from __future__ import annotations

import email
import subprocess
from datetime import date, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from portal.extensions import db
from portal.models import (
    AuditEvent,
    Channel,
    ContactPreference,
    OutboxMessage,
    Relationship,
    RequestType,
    Role,
)
from portal.services import intake, letters, mail, workflow
from portal.services.actor import Actor
from portal.timeutil import council_today, utcnow

FIELDS = {
    "acknowledgement": {},
    "evidence_request": {"what": "A copy of your passport"},
    "clock_started": {"on": date(2026, 11, 20), "due": date(2026, 12, 21)},
    "clarification_request": {"reason": "Which years do you mean?"},
    "extension": {"reason": "The records span eight years", "due": date(2027, 2, 19)},
    "refusal": {"grounds": "manifestly excessive", "reason": "It repeats last month's request"},
    "closed_unanswered": {"reason": "No proof of identity arrived"},
    "decision": {"outcome": "refused", "outcome_text": "We have not agreed", "reason": "Accurate"},
    "response_cover": {},
}
SECRETS = {
    "pack_released": (
        {letters.LINK_LABEL: "https://portal.example/download/tok-123"},
        {
            "expires": date(2026, 12, 29),
            "code_minutes": 15,
        },
    ),
    "download_code": ({letters.CODE_LABEL: "493027"}, {"code_minutes": 15}),
}


def test_every_kind_has_a_template_and_a_test() -> None:
    assert set(letters.KINDS) == set(FIELDS) | set(SECRETS)


@pytest.mark.parametrize("kind", sorted(FIELDS))
def test_each_letter_is_rendered_stored_and_sent(
    app: Flask, make_request, smtp_server, kind: str
) -> None:
    req = make_request(type=RequestType.RECTIFICATION if kind == "decision" else RequestType.ACCESS)
    before = db.session.scalar(select(db.func.count(OutboxMessage.id)))
    message = letters.send(req, kind, **FIELDS[kind])
    db.session.commit()
    assert db.session.scalar(select(db.func.count(OutboxMessage.id))) == before + 1
    assert message.request_id == req.id and message.kind == kind
    assert message.body.startswith("Dear Pat Requester,")
    assert req.reference in message.body and "Data protection team" in message.body
    for key, value in FIELDS[kind].items():
        if key == "outcome":
            continue  # a code; its words are outcome_text
        if isinstance(value, str):
            assert value in message.body
        elif isinstance(value, date):
            assert f"{value:%-d %B %Y}" in message.body
    box, port = smtp_server
    sent = mail.send_pending(dict(app.config, SMTP_HOST="127.0.0.1", SMTP_PORT=port))
    assert sent >= 1
    received = [email.message_from_string(raw) for _f, to, raw in box.messages]
    mine = [m for m in received if m["Subject"] == message.subject]
    assert mine, [m["Subject"] for m in received]
    parts = {
        p.get_content_type(): p.get_payload(decode=True).decode()
        for p in mine[-1].walk()
        if not p.is_multipart()
    }
    assert req.reference in parts["text/plain"] and req.reference in parts["text/html"]
    assert "<p>" in parts["text/html"]


@pytest.mark.parametrize("kind", sorted(SECRETS))
def test_letters_with_a_secret_carry_it_only_to_the_requester(
    app: Flask, make_request, smtp_server, kind: str
) -> None:
    req = make_request()
    secrets, fields = SECRETS[kind]
    message = letters.send(
        req, kind, secrets=secrets, secrets_expire_at=utcnow() + timedelta(days=1), **fields
    )
    db.session.commit()
    value = next(iter(secrets.values()))
    assert value not in message.body and "not shown to staff" in message.body
    box, port = smtp_server
    mail.send_pending(dict(app.config, SMTP_HOST="127.0.0.1", SMTP_PORT=port))
    raw = next(raw for _f, _to, raw in box.messages if message.subject in raw)
    assert value in email.message_from_string(raw).get_payload(0).get_payload(decode=True).decode()


def test_a_requester_without_email_gets_a_letter_to_print_and_post(
    app: Flask, make_request, make_user, auth, tmp_path
) -> None:
    new = intake.NewRequest(
        type=RequestType.ACCESS,
        channel=Channel.PHONE,
        received_date=council_today(),
        requester=intake.RequesterDetails(
            full_name="Pat Requester",
            address="4 Mill Lane\nEvesham",
            postcode="WR11 9XD",
            contact_preference=ContactPreference.POST,
        ),
        subjects=[intake.SubjectDetails(first_names="Sam", last_name="Subject")],
        relationship=Relationship.SELF,
        description="All my records",
    )
    req = intake.create_requests(new, Actor.requester())[0]
    db.session.commit()
    ack = db.session.scalar(
        select(OutboxMessage).where(
            OutboxMessage.request_id == req.id, OutboxMessage.kind == "acknowledgement"
        )
    )
    assert ack is not None and ack.to_address == ""
    # a phone or postal requester is not sent to a status page that needs an email address
    assert "this email address" not in ack.body and "quoting your reference" in ack.body
    user = make_user(Role.CASEWORKER)
    auth.login(user)
    page = auth.client.get("/staff/letters").get_data(as_text=True)
    assert ack.subject in page
    pdf = auth.client.get(f"/staff/letters/{ack.id}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf.data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert req.reference in text and "4 Mill Lane" in text and "Dear Pat Requester" in text
    response = auth.client.post(f"/staff/letters/{ack.id}/posted")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(OutboxMessage, ack.id).sent_at is not None
    assert ack.subject not in auth.client.get("/staff/letters").get_data(as_text=True)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "letter_posted"))


def test_staff_preview_a_letter_before_it_goes(make_request, make_user, auth) -> None:
    req = make_request()
    worker = Actor.staff(make_user(Role.CASEWORKER))
    workflow.verify(req.id, worker)
    db.session.commit()
    auth.login(make_user(Role.CASEWORKER))
    before = db.session.scalar(select(db.func.count(OutboxMessage.id)))
    page = auth.client.post(
        f"/staff/requests/{req.id}/actions/extend",
        data={"reason": "The records span eight years and four services.", "preview": "1"},
    ).get_data(as_text=True)
    assert 'data-testid="letter-preview"' in page
    assert "The records span eight years and four services." in page
    assert "We will now respond by" in page
    db.session.expire_all()
    assert db.session.scalar(select(db.func.count(OutboxMessage.id))) == before
    assert not db.session.get(type(req), req.id).clock_events[-1].kind.value == "extended"
