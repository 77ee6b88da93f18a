"""Download links and one-time codes reach the requester only (issue 9): the email at the SMTP
server has them; the case page (caseworker or phone staff) and every row of the database never
do; phone staff give a fresh code only after saying how they checked the caller, audited without
the code."""

from __future__ import annotations

import email
import email.policy
import hashlib
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import InvalidToken
from flask import Flask
from sqlalchemy import JSON, String, Text, create_engine, select, text

from portal.extensions import db
from portal.models import (
    AuditEvent,
    Channel,
    OutboxMessage,
    ReleasePack,
    Request,
    RequestStatus,
    Role,
    User,
)
from portal.services import housekeeping, mail, release
from portal.services.actor import Actor
from portal.services.errors import ServiceError
from portal.timeutil import utcnow

LINK_SHOWN = "[download link: sent to the requester, not shown to staff]"
CODE_SHOWN = "[one-time code: sent to the requester, not shown to staff]"
OPAQUE = ("hash", "sha256", "sealed_secrets")  # one-way or encrypted: scanned for the token only


@dataclass
class Released:
    request: Request
    caseworker: User
    phone: User
    token: str


def _smtp(app: Flask, monkeypatch: pytest.MonkeyPatch, port: int) -> None:
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", port)


def _release(app: Flask, make_request, make_user) -> Released:
    """A request logged by phone staff, with an approved pack (a real file), then released."""
    phone = make_user(Role.PHONE_STAFF)
    caseworker = make_user(Role.CASEWORKER)
    approver = make_user(Role.APPROVER)
    req = make_request(channel=Channel.PHONE, actor=Actor.staff(phone))
    data = b"%PDF-1.4\n% a pack\n"
    folder = os.path.join(app.config["DOCUMENTS_DIR"], "packs")
    os.makedirs(folder, exist_ok=True)
    name = f"{req.reference}-v1.pdf"
    with open(os.path.join(folder, name), "wb") as fh:
        fh.write(data)
    pack = ReleasePack(
        request_id=req.id,
        version=1,
        status="approved",
        file_name=name,
        sha256=hashlib.sha256(data).hexdigest(),
        pages=1,
        verify_report={"ok": True},
        titles={},
        built_by_id=caseworker.id,
        decided_by_id=approver.id,
        decided_at=utcnow(),
    )
    req.status = RequestStatus.APPROVAL
    db.session.add(pack)
    db.session.commit()
    _link, token = release.release(req.id, pack.id, Actor.staff(approver))
    db.session.commit()
    return Released(req, caseworker, phone, token)


@pytest.fixture()
def released(app: Flask, make_request, make_user) -> Released:
    """Released with no mail server: the messages wait in the outbox."""
    return _release(app, make_request, make_user)


@pytest.fixture()
def inbox(app: Flask, smtp_server, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The portal sends its mail to a real (aiosmtpd) SMTP server: its inbox."""
    box, port = smtp_server
    _smtp(app, monkeypatch, port)
    yield box


def _received(inbox: Any, subject: str) -> str:
    """The plain-text body of the newest email with ``subject`` at the SMTP server."""
    for _sender, _recipients, raw in reversed(inbox.messages):
        message = email.message_from_string(raw, policy=email.policy.default)
        if subject in str(message["Subject"]):
            body = message.get_body(preferencelist=("plain",))
            assert body is not None
            return str(body.get_content())
    raise AssertionError(f"no email '{subject}' reached the SMTP server")


def _code_from(inbox: Any) -> str:
    found = re.search(r"code is (\d{6})\.", _received(inbox, "Your code for"))
    assert found is not None
    return found.group(1)


def _assert_database_never_holds(token: str, code: str | None = None) -> None:
    """Every value of every row of every table: the token nowhere; the code in no readable
    text (hashes and the sealed column hold random characters, so only the token is sought
    there)."""
    db.session.flush()
    code_pattern = re.compile(rf"(?<!\d){code}(?!\d)") if code else None
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(select(table)).mappings():
            for column, value in row.items():
                if value is None:
                    continue
                text = str(value)
                assert token not in text, (table.name, column)
                readable = isinstance(table.c[column].type, String | Text | JSON) and not any(
                    part in column for part in OPAQUE
                )
                if code_pattern is not None and readable:
                    assert not code_pattern.search(text), (table.name, column)


def _case_page(app: Flask, auth_for, user: User, request_id: int) -> str:
    client = app.test_client()
    auth = auth_for(client)
    assert auth.login(user).status_code == 302
    response = client.get(f"/staff/requests/{request_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


# --- the link ---------------------------------------------------------------------------------


def test_the_link_reaches_the_requester_and_is_wiped_from_the_outbox(
    app: Flask, make_request, make_user, inbox
) -> None:
    done = _release(app, make_request, make_user)
    body = _received(inbox, "Your information is ready")
    assert f"/download/{done.token}" in body
    assert LINK_SHOWN not in body
    row = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "pack_released")
    ).one()
    assert row.sent_at is not None
    assert LINK_SHOWN in row.body
    assert row.sealed_secrets is None  # wiped once sent
    _assert_database_never_holds(done.token)


def test_a_waiting_link_is_only_sealed_until_the_send_job(
    app: Flask, released: Released, smtp_server
) -> None:
    row = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "pack_released")
    ).one()
    assert row.sent_at is None and row.sealed_secrets
    assert row.secrets_expire_at is not None
    assert LINK_SHOWN in row.body
    _assert_database_never_holds(released.token)
    # only the app's key opens it
    assert mail.unseal(row.sealed_secrets)["download link"].endswith(f"/download/{released.token}")
    with pytest.raises(InvalidToken):
        mail.unseal(row.sealed_secrets, "another key")
    box, port = smtp_server
    config = dict(app.config, SMTP_HOST="127.0.0.1", SMTP_PORT=port)
    assert mail.send_pending(config) == 2  # the acknowledgement and the link
    db.session.commit()
    assert f"/download/{released.token}" in _received(box, "Your information is ready")
    assert row.sealed_secrets is None


def test_a_send_job_with_another_secret_key_sends_nothing(
    app: Flask, released: Released, smtp_server
) -> None:
    box, port = smtp_server
    config = dict(app.config, SMTP_HOST="127.0.0.1", SMTP_PORT=port, SECRET_KEY="not the same")
    assert mail.send_pending(config) == 1  # the acknowledgement, which holds no secret
    row = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "pack_released")
    ).one()
    assert row.sent_at is None and row.sealed_secrets and "SECRET_KEY" in (row.last_error or "")
    assert not any(f"/download/{released.token}" in m[2] for m in box.messages)
    assert not any(LINK_SHOWN in m[2] for m in box.messages)  # never the placeholder instead


def test_an_expired_secret_is_wiped_and_never_sent(
    app: Flask, released: Released, smtp_server
) -> None:
    row = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "pack_released")
    ).one()
    row.secrets_expire_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    counts = housekeeping.purge_expired(app.config["UPLOAD_DIR"], 24, 60)
    db.session.commit()
    assert counts["secrets"] == 1
    assert row.sealed_secrets is None and row.last_error
    box, port = smtp_server
    assert mail.send_pending(dict(app.config, SMTP_HOST="127.0.0.1", SMTP_PORT=port)) == 1
    assert ["Your information is ready" not in m[2] for m in box.messages] == [True]
    assert row.sent_at is None


def test_a_secret_is_refused_in_the_text_or_in_a_printed_letter(app: Flask) -> None:
    later = utcnow() + timedelta(days=1)
    with pytest.raises(ValueError, match="printed letter"):
        mail.queue_message(
            "", "s", mail.placeholder("code"), "k", secrets={"code": "1"}, secrets_expire_at=later
        )
    with pytest.raises(ValueError, match="must not be in the text"):
        mail.queue_message(
            "a@example.com",
            "s",
            f"{mail.placeholder('code')} 424242",
            "k",
            secrets={"code": "424242"},
            secrets_expire_at=later,
        )
    with pytest.raises(ValueError, match="placeholder"):
        mail.queue_message(
            "a@example.com", "s", "no place", "k", secrets={"code": "1"}, secrets_expire_at=later
        )


# --- the case page ----------------------------------------------------------------------------


def test_case_page_never_shows_the_link_or_the_code(
    app: Flask, make_request, make_user, inbox, auth_for
) -> None:
    done = _release(app, make_request, make_user)
    requester = app.test_client()
    assert requester.post(f"/download/{done.token}/code").status_code == 302
    code = _code_from(inbox)
    for user in (done.caseworker, done.phone):
        page = _case_page(app, auth_for, user, done.request.id)
        assert done.token not in page, user.roles
        assert code not in page, user.roles
        assert LINK_SHOWN in page and CODE_SHOWN in page
    _assert_database_never_holds(done.token, code)
    # and the emailed code is the requester's: it downloads the pack
    response = requester.post(f"/download/{done.token}", data={"code": code})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    response.close()


def test_phone_staff_are_still_refused_the_pack_pages(
    app: Flask, released: Released, auth_for
) -> None:
    client = app.test_client()
    auth_for(client).login(released.phone)
    pack = db.session.scalars(select(ReleasePack)).one()
    base = f"/staff/requests/{released.request.id}/release"
    assert client.get(base).status_code == 403
    assert client.get(f"{base}/packs/{pack.id}/preview").status_code == 403


# --- a code read out by phone -----------------------------------------------------------------


def test_phone_staff_give_a_code_after_checking_identity_audited_without_it(
    app: Flask, released: Released, auth_for
) -> None:
    client = app.test_client()
    auth_for(client).login(released.phone)
    url = f"/staff/requests/{released.request.id}/release/code"
    form = client.get(url)
    assert form.status_code == 200 and "How did you check" in form.get_data(as_text=True)
    check = "Gave the reference, date of birth and address; called back on the number held"
    response = client.post(url, data={"identity_check": check, "confirmed": "y"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    code = re.search(r"<strong>(\d{6})</strong>", page)
    assert code is not None, page
    assert released.token not in page
    db.session.expire_all()
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "download_code_issued")
    ).one()
    assert event.actor_label == released.phone.full_name
    assert event.detail["identity_checked"] == check
    assert code.group(1) not in str(event.detail)
    # the code is not kept readable anywhere, nor shown again on the case page
    _assert_database_never_holds(released.token, code.group(1))
    case_page = client.get(f"/staff/requests/{released.request.id}").get_data(as_text=True)
    assert code.group(1) not in case_page and released.token not in case_page
    # it works with the requester's link
    pack, path = release.redeem_code(released.token, code.group(1))
    assert os.path.exists(path) and pack.status == "released"


def test_no_code_without_saying_how_the_caller_was_checked(
    app: Flask, released: Released, auth_for
) -> None:
    client = app.test_client()
    auth_for(client).login(released.phone)
    url = f"/staff/requests/{released.request.id}/release/code"
    for data in ({"identity_check": "Date of birth and address", "confirmed": ""}, {}):
        response = client.post(url, data=data)
        assert response.status_code == 200
        assert not re.search(r"<strong>\d{6}</strong>", response.get_data(as_text=True))
    with pytest.raises(ServiceError, match="checked"):
        release.staff_code(released.request.id, Actor.staff(released.phone), "  ")
    approver_only = Actor(user_id=None, label="x", roles=frozenset({Role.APPROVER}))
    with pytest.raises(ServiceError, match="phone staff"):
        release.staff_code(released.request.id, approver_only, "checked")
    assert not db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "download_code_issued")
    ).first()


def test_phone_staff_cannot_give_a_code_for_a_request_they_did_not_log(
    app: Flask, released: Released, make_user, auth_for
) -> None:
    other = make_user(Role.PHONE_STAFF)
    client = app.test_client()
    auth_for(client).login(other)
    url = f"/staff/requests/{released.request.id}/release/code"
    response = client.post(url, data={"identity_check": "checked", "confirmed": "y"})
    assert response.status_code == 404


# --- messages written before this change ------------------------------------------------------


def _flask(args: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", *args],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_migration_seals_a_waiting_link_and_scrubs_every_body(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PORTAL_", "DATABASE_URL"))}
    env.pop("REDIS_URL", None)
    url = "sqlite:///" + str(tmp_path / "old.sqlite3")
    env.update(
        PORTAL_INSTANCE_PATH=str(tmp_path / "instance"),
        SECRET_KEY="migration-key",
        DATABASE_URL=url,
        PORTAL_JOBS_IN_PROCESS="true",
    )
    _flask(["db", "upgrade", "0004"], env)
    waiting, sent = "W" * 43, "S" * 43
    engine = create_engine(url)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")  # links of packs this test leaves out
        for token in (waiting, sent):
            conn.execute(
                text(
                    "INSERT INTO delivery_links (pack_id, token_hash, expires_at, code_tries, "
                    "created_at) VALUES (1, :h, '2999-01-01 00:00:00', 0, CURRENT_TIMESTAMP)"
                ),
                {"h": hashlib.sha256(token.encode()).hexdigest()},
            )
        for kind, body, sent_at in (
            ("pack_released", f"Ready:\n\nhttps://x.example/download/{waiting}\n\nBye", None),
            ("pack_released", f"Ready:\n\nhttps://x.example/download/{sent}\n", "2026-01-02"),
            ("download_code", "Your one-time code is 424242.\nIt works", None),
        ):
            conn.execute(
                text(
                    "INSERT INTO outbox (to_address, subject, body, kind, created_at, sent_at, "
                    "attempts) VALUES ('r@example.com', 's', :b, :k, '2026-01-01', :s, 0)"
                ),
                {"b": body, "k": kind, "s": sent_at},
            )
        conn.commit()
    _flask(["db", "upgrade"], env)
    with engine.begin() as conn:
        rows = conn.execute(
            text("SELECT kind, body, sealed_secrets, secrets_expire_at FROM outbox ORDER BY id")
        ).all()
    for _kind, body, _sealed, expires in rows:
        assert waiting not in body and sent not in body and "424242" not in body
        assert expires is not None
    assert rows[0].body == f"Ready:\n\n{LINK_SHOWN}\n\nBye"
    opened = mail.unseal(rows[0].sealed_secrets, "migration-key")
    assert opened == {"download link": f"https://x.example/download/{waiting}"}
    assert rows[1].sealed_secrets is None  # already sent: nothing to keep
    assert rows[2].body.startswith(f"Your one-time code is {CODE_SHOWN}.")
    assert rows[2].sealed_secrets is None  # a code from then has long expired
    _flask(["db", "downgrade", "0004"], env)
    with engine.begin() as conn:
        back = conn.execute(text("SELECT body, attempts FROM outbox ORDER BY id")).all()
    engine.dispose()
    assert back[0].body.endswith(f"/download/{waiting}\n\nBye")  # still to be sent
    assert back[2].attempts == 5  # never sent with the placeholder by the older code
