"""The demo mailbox (`make run` only): emails the portal sends are caught on localhost and shown
at /demo/mailbox; the page does not exist unless the demo setting names a folder."""

from __future__ import annotations

import socket
import time

from demo import mailbox
from portal.extensions import db
from portal.models import Channel, ContactPreference, Relationship, RequestType
from portal.services import intake, letters, mail
from portal.services.actor import Actor
from portal.timeutil import council_today


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_demo_mailbox_shows_what_the_requester_received(fresh_app, tmp_path) -> None:
    port = _free_port()
    folder = str(tmp_path / "mail")
    app = fresh_app(DEMO_MAILBOX=folder, SMTP_HOST="127.0.0.1", SMTP_PORT=port)
    catcher = mailbox.start(folder, port)
    assert catcher is not None
    try:
        with app.app_context():
            new = intake.NewRequest(
                type=RequestType.ACCESS,
                channel=Channel.ONLINE,
                received_date=council_today(),
                requester=intake.RequesterDetails(
                    full_name="Pat Requester",
                    email="pat@example.com",
                    contact_preference=ContactPreference.EMAIL,
                ),
                subjects=[intake.SubjectDetails(first_names="Sam", last_name="Subject")],
                relationship=Relationship.SELF,
                description="All my records",
            )
            req = intake.create_requests(new, Actor.requester())[0]
            letters.send(req, "clarification_request", reason="Which years?")
            db.session.commit()  # the send job runs after the commit: nobody sends by hand
            mail.send_pending(app.config)  # (nothing left, unless the job has not run yet)
            reference = req.reference
        for _ in range(100):
            if len(mailbox.caught(folder)) >= 2:
                break
            time.sleep(0.05)
        client = app.test_client()
        page = client.get("/demo/mailbox").get_data(as_text=True)
        assert page.count('data-testid="caught-email"') == 2
        assert f"Please tell us more about request {reference}" in page
        assert "Which years?" in page and "pat@example.com" in page
        assert 'data-testid="demo-note"' in client.get("/").get_data(as_text=True)
    finally:
        catcher.stop()


def test_without_the_demo_setting_there_is_no_mailbox(client) -> None:
    assert client.get("/demo/mailbox").status_code == 404
    assert 'data-testid="demo-note"' not in client.get("/").get_data(as_text=True)
