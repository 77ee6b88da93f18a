"""A demo mail server for `make run`: every email the portal sends is caught on localhost and
shown at /demo/mailbox, so a person walking the demo can read what a requester receives (the
acknowledgement, the download link, the one-time code) without a real mail server.

Only `make run` switches it on (PORTAL_DEMO_MAILBOX names the folder); it is never part of a
production set-up: the page does not exist unless that setting is given."""

from __future__ import annotations

import email
import email.policy
import os
import socket
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Blueprint, abort, current_app, render_template

from portal.access import public_endpoint

bp = Blueprint("demo_mail", __name__, url_prefix="/demo")


class _Saver:
    """aiosmtpd handler: each message becomes one .eml file in the folder."""

    def __init__(self, folder: str) -> None:
        self.folder = folder

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        name = f"{time.time_ns()}.eml"
        with open(os.path.join(self.folder, name), "wb") as fh:
            fh.write(envelope.original_content or envelope.content)
        return "250 Message accepted for delivery"


def start(folder: str, port: int) -> Any | None:
    """Start the catching server on 127.0.0.1:port (None when the port is taken)."""
    from aiosmtpd.controller import Controller

    os.makedirs(folder, exist_ok=True)
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            return None  # already running (a second `make run`)
    controller = Controller(_Saver(folder), hostname="127.0.0.1", port=port)
    controller.start()
    return controller


@dataclass(frozen=True)
class Caught:
    id: str
    to: str
    subject: str
    received: datetime
    text: str


def caught(folder: str) -> list[Caught]:
    """The caught messages, newest first."""
    out: list[Caught] = []
    if not os.path.isdir(folder):
        return out
    for name in sorted(os.listdir(folder), reverse=True):
        if not name.endswith(".eml"):
            continue
        with open(os.path.join(folder, name), "rb") as fh:
            msg = email.message_from_binary_file(fh, policy=email.policy.default)
        part = msg.get_body(preferencelist=("plain",))
        text = part.get_content() if part is not None else ""
        out.append(
            Caught(
                name[:-4],
                str(msg["To"] or ""),
                str(msg["Subject"] or ""),
                datetime.fromtimestamp(int(name[:-4]) / 1e9),
                text,
            )
        )
    return out


@bp.route("/mailbox")
@public_endpoint
def mailbox() -> str:
    """Every email the demo portal has sent."""
    folder = current_app.config.get("DEMO_MAILBOX")
    if not folder:
        abort(404)
    return render_template("demo/mailbox.html", messages=caught(folder), title="Demo mailbox")


def init_app(app: Any) -> None:
    """Register the page only when the demo mailbox is configured."""
    if app.config.get("DEMO_MAILBOX"):
        app.register_blueprint(bp)
