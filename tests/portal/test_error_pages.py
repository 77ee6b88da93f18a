"""Error pages: a real CSP nonce on every one, and how to reach the data protection team."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from portal.models import Role


def _nonces(response: TestResponse) -> tuple[str, set[str]]:
    """The nonce of the Content-Security-Policy header, and those of the page's scripts."""
    csp = response.headers["Content-Security-Policy"]
    found = re.search(r"'nonce-([^']*)'", csp)
    assert found, csp
    page = response.get_data(as_text=True)
    scripts = re.findall(r"<script\b[^>]*>", page)
    assert scripts, page
    return found.group(1), {
        (re.search(r'nonce="([^"]*)"', s) or re.search("()", s)).group(1)
        for s in scripts
        if "src=" not in s
    }


def _assert_real_nonce(response: TestResponse) -> None:
    header, inline = _nonces(response)
    assert len(header) >= 16
    assert inline == {header}


def test_403_page_has_a_real_nonce(make_user, auth, client: FlaskClient) -> None:
    """Refused by the access check, which runs before any view."""
    auth.login(make_user(Role.PHONE_STAFF))
    before = _nonces(client.get("/staff/log"))[0]
    response = client.get("/admin/settings")
    assert response.status_code == 403
    _assert_real_nonce(response)
    assert _nonces(response)[0] != before  # its own, not the last response's


def test_400_page_has_a_real_nonce(fresh_app) -> None:
    """A form posted without its CSRF token is refused before any view runs."""
    app = fresh_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    before = _nonces(client.get("/request/type"))[0]
    response = client.post("/request/type", data={"request_type": "access"})
    assert response.status_code == 400
    _assert_real_nonce(response)
    assert _nonces(response)[0] != before


def test_each_response_gets_its_own_nonce(make_user, auth, client: FlaskClient) -> None:
    auth.login(make_user(Role.PHONE_STAFF))
    first = _nonces(client.get("/admin/settings"))[0]
    second = _nonces(client.get("/admin/settings"))[0]
    assert first != second
