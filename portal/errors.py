"""GOV.UK-style error pages for every HTTP error the portal can answer with."""

from __future__ import annotations

import logging

from flask import Flask, render_template
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)

PAGES: dict[int, tuple[str, str]] = {
    400: (
        "Sorry, there is a problem with that request",
        "The form may have expired. Go back, reload the page and try again.",
    ),
    401: ("You need to sign in", "Sign in to continue."),
    403: (
        "You do not have access to this page",
        "If you think you should, ask your administrator.",
    ),
    404: (
        "Page not found",
        "If you typed the web address, check it is correct. If you pasted it, check you "
        "copied the entire address.",
    ),
    405: ("Sorry, there is a problem with that request", "Go back and try again."),
    410: (
        "This link has expired or has already been used",
        "You can still check your request with its reference and your email address.",
    ),
    413: (
        "The files you sent are too large",
        "Each file must be smaller than 10MB, and you can send up to 5 files. Go back and "
        "choose smaller files.",
    ),
    429: ("Too many attempts", "For your security, please wait 15 minutes and try again."),
    500: (
        "Sorry, there is a problem with the service",
        "Try again later. Nothing you had already sent us has been lost.",
    ),
}


def _render(error: HTTPException) -> tuple[str, int]:
    code = error.code or 500
    title, body = PAGES.get(code, PAGES[500])
    return render_template("errors/error.html", title=title, body=body, code=code), code


def init_app(app: Flask) -> None:
    """Register the handlers."""
    for code in PAGES:
        if code != 500:
            app.register_error_handler(code, _render)

    @app.errorhandler(500)
    def server_error(error: Exception) -> tuple[str, int]:
        if not isinstance(error, HTTPException):
            error = InternalServerError()
        try:
            from portal.extensions import db

            db.session.rollback()
        except Exception:  # the page must render even when the database is what failed
            log.exception("rollback after an error failed")
        return _render(error)
