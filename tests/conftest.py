"""Shared fixtures: the app on a throw-away database, a client, staff users and requests."""

from __future__ import annotations

import os
import signal
import socket
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import text

from portal import create_app
from portal.extensions import db
from portal.models import Channel, ContactPreference, Relationship, Request, RequestType, Role, User
from portal.services import intake
from portal.services.actor import Actor
from portal.timeutil import council_today

PASSWORD = "correct horse battery staple"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that uses the database, so CI can run just those on PostgreSQL."""
    for item in items:
        if "app" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.db)


def _database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if url:
        return url
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")


@pytest.fixture(scope="session")
def _app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    instance = tmp_path_factory.mktemp("instance")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": _database_url(tmp_path_factory),
            "WTF_CSRF_ENABLED": False,
            "UPLOAD_DIR": str(instance / "uploads"),
            "DOCUMENTS_DIR": str(instance / "documents"),
            # a cheap hash: hundreds of test accounts would otherwise cost minutes of scrypt
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "JOBS_IN_PROCESS": True,
            "REDIS_URL": None,
            "SMTP_HOST": None,
            "SERVER_NAME": None,
        }
    )
    app.instance_path = str(instance)
    with app.app_context():
        db.drop_all()
        _drop_alembic_version()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def _drop_alembic_version() -> None:
    with db.engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


def _empty_tables() -> None:
    db.session.remove()
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture()
def app(_app: Flask) -> Iterator[Flask]:
    """The app inside an app context, on empty tables."""
    with _app.app_context():
        _empty_tables()
        yield _app
        db.session.rollback()
        db.session.remove()


@pytest.fixture()
def fresh_app(app: Flask, tmp_path: Any) -> Iterator[Callable[..., Flask]]:
    """A new app on a database of its own (SQLite), for tests that add routes or settings: the
    shared app has already served requests and may not be changed."""
    made: list[Flask] = []

    def _make(**overrides: Any) -> Flask:
        config = {
            key: app.config[key]
            for key in (
                "TESTING",
                "SECRET_KEY",
                "WTF_CSRF_ENABLED",
                "UPLOAD_DIR",
                "JOBS_IN_PROCESS",
                "REDIS_URL",
                "SMTP_HOST",
            )
        }
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path}/fresh{len(made)}.sqlite3"
        config.update(overrides)
        new = create_app(config)
        with new.app_context():
            db.create_all()
        made.append(new)
        return new

    yield _make
    for other in made:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    """A test client."""
    return app.test_client()


@pytest.fixture()
def runner(app: Flask) -> FlaskCliRunner:
    """A CLI runner."""
    return app.test_cli_runner()


@pytest.fixture()
def make_user(app: Flask) -> Callable[..., User]:
    """Create a staff user: make_user(Role.CASEWORKER, email=...)."""
    counter = iter(range(1, 10_000))

    def _make(*roles: Role, email: str | None = None, name: str | None = None) -> User:
        n = next(counter)
        user = User(
            email=email or f"user{n}@council.example",
            full_name=name or f"Staff Member {n}",
        )
        user.roles = set(roles)
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()
        return user

    return _make


class AuthActions:
    """Sign a client in and out."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def login(self, user: User, password: str = PASSWORD) -> Any:
        return self.client.post("/staff/sign-in", data={"email": user.email, "password": password})

    def logout(self) -> Any:
        return self.client.post("/staff/sign-out")


@pytest.fixture()
def auth_for() -> type[AuthActions]:
    """AuthActions itself, to sign in on another app's client."""
    return AuthActions


@pytest.fixture()
def auth(client: FlaskClient) -> AuthActions:
    """auth.login(user) / auth.logout()."""
    return AuthActions(client)


@pytest.fixture()
def make_request(app: Flask) -> Callable[..., Request]:
    """Create a request through the intake service: make_request(type=..., received=...)."""

    def _make(
        *,
        type: RequestType = RequestType.ACCESS,
        channel: Channel = Channel.ONLINE,
        received: date | None = None,
        email: str = "parent@example.com",
        requester_name: str = "Pat Requester",
        first_names: str = "Sam",
        last_name: str = "Subject",
        relationship: Relationship = Relationship.SELF,
        actor: Actor | None = None,
        **overrides: Any,
    ) -> Request:
        new = intake.NewRequest(
            type=type,
            channel=channel,
            received_date=received or council_today(),
            requester=intake.RequesterDetails(
                full_name=requester_name,
                email=email,
                contact_preference=ContactPreference.EMAIL,
            ),
            subjects=[
                intake.SubjectDetails(
                    first_names=first_names,
                    last_name=last_name,
                    date_of_birth=date(2012, 5, 17),
                    is_child=relationship is not Relationship.SELF,
                )
            ],
            relationship=relationship,
            description=overrides.pop("description", "All my records"),
            **overrides,
        )
        created = intake.create_requests(new, actor or Actor.requester())
        db.session.commit()
        return created[0]

    return _make


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """REDIS_URL when set; otherwise a redis-server started for the session on a free port."""
    import shutil
    import subprocess
    import time

    from redis import Redis

    url = os.environ.get("REDIS_URL")
    if url:
        Redis.from_url(url).flushdb()
        yield url
        return
    server = shutil.which("redis-server")
    if server is None:
        pytest.fail("Redis tests need REDIS_URL or redis-server (apt-get install redis-server)")
    port = _free_port()
    workdir = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen(
        [
            server,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = Redis.from_url(url)
    for _ in range(100):
        try:
            if client.ping():
                break
        except Exception:
            time.sleep(0.05)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


# -- processes of a session (workers started in a session of their own) ----------------------
def session_members(sid: int) -> list[int]:
    """The live processes of a session (a worker, its scheduler and its work-horse), from
    /proc (after the name: state, ppid, pgrp, session)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[3]) == sid:
            found.append(int(entry))
    return found


def kill_session(sid: int) -> None:
    """SIGKILL every live process of a session (a worker and everything it started)."""
    for pid in session_members(sid):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


# -- a real SMTP server: what a requester receives is read from an inbox, never the outbox ----
class Inbox:
    """An aiosmtpd handler keeping what it receives."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], str]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(
            (envelope.mail_from, list(envelope.rcpt_tos), envelope.content.decode("utf-8"))
        )
        return "250 Message accepted for delivery"


@pytest.fixture()
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    """An aiosmtpd server on a free local port: (inbox, port)."""
    inbox = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()
