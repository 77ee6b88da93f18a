"""The Flask app a job runs in: built once per worker process."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, has_app_context

_app: Flask | None = None
_engines: list[Any] = []


@contextmanager
def app_context() -> Iterator[None]:
    """Run inside the portal's app context (reusing the caller's when there is one)."""
    global _app
    if has_app_context():
        yield
        return
    if _app is None:
        from portal import create_app
        from portal.extensions import db

        _app = create_app()
        with _app.app_context():
            _engines.extend(db.engines.values())
    with _app.app_context():
        yield


def _forget_inherited_connections() -> None:
    # RQ forks a work-horse per job. Database connections opened by the parent (its sweep
    # thread, the spaCy preload) must not be shared with the child: the child starts a pool of
    # its own and leaves the parent's sockets alone (SQLAlchemy's advice for os.fork).
    for engine in _engines:
        engine.dispose(close=False)


os.register_at_fork(after_in_child=_forget_inherited_connections)
