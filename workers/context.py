"""The Flask app a job runs in: built once per worker process."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, has_app_context

_app: Flask | None = None


@contextmanager
def app_context() -> Iterator[None]:
    """Run inside the portal's app context (reusing the caller's when there is one)."""
    global _app
    if has_app_context():
        yield
        return
    if _app is None:
        from portal import create_app

        _app = create_app()
    with _app.app_context():
        yield
