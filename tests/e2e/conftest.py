"""Browser tests: the portal served on a loopback port, driven by Debian's chromium.

The live server serves the session app (the `_app` of tests/conftest.py), so it shares the
throw-away database that the `app` fixture empties before each test: data made with
`make_user` / `make_request` in a test is what the browser sees.

Chromium is a system package (scripts/system-packages.sh installs it). When it is missing the
tests fail with a message saying so: they never skip.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from e2e_steps import PageProblems
from flask import Flask, got_request_exception
from playwright.sync_api import Browser, ConsoleMessage, Error, Page, Playwright, sync_playwright
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 10_000

# Reported by the page itself: every CSP violation becomes a console error the tests collect.
CSP_LISTENER = """
document.addEventListener('securitypolicyviolation', (e) => {
  console.error('CSP violation: ' + e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline')
    + ' at ' + e.sourceFile + ':' + e.lineNumber);
});
"""


class QuietHandler(WSGIRequestHandler):
    """No access log on stderr; errors are collected through got_request_exception."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


@dataclass
class LiveServer:
    """The portal on http://127.0.0.1:<port>, plus the exceptions its views raised."""

    url: str
    errors: list[BaseException] = field(default_factory=list)


@pytest.fixture(scope="session")
def live_server(_app: Flask) -> Iterator[LiveServer]:
    """The session app served by werkzeug on a free loopback port, in a background thread."""
    server: BaseWSGIServer = make_server(
        "127.0.0.1", 0, _app, threaded=True, request_handler=QuietHandler
    )
    live = LiveServer(url=f"http://127.0.0.1:{server.server_port}")

    def record(sender: Flask, exception: BaseException, **extra: Any) -> None:
        live.errors.append(exception)

    got_request_exception.connect(record, _app)
    thread = threading.Thread(target=server.serve_forever, name="e2e-live-server", daemon=True)
    thread.start()
    try:
        yield live
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        got_request_exception.disconnect(record, _app)


@pytest.fixture(scope="session")
def playwright_session() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_session: Playwright) -> Iterator[Browser]:
    """Headless Debian chromium; a clear failure (never a skip) when it is not installed."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"The browser tests need chromium at {CHROMIUM}, which is missing. Install it with "
            "scripts/system-packages.sh (as root: apt-get install chromium), or point "
            "E2E_CHROMIUM at a chromium binary. Do not run `playwright install`.",
            pytrace=False,
        )
    browser = playwright_session.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture()
def problems() -> PageProblems:
    return PageProblems()


@pytest.fixture()
def page(
    app: Flask,
    browser: Browser,
    live_server: LiveServer,
    problems: PageProblems,
    tmp_path: Path,
) -> Iterator[Page]:
    """A fresh browser context (no cookies) on the live server, watched for errors.

    After the test: no console errors or warnings, no CSP violations, no uncaught page errors,
    no exception in a view. A screenshot of the last page is saved in tmp_path/final.png.
    """
    live_server.errors.clear()
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 1024, "height": 900},
        locale="en-GB",
        timezone_id="Europe/London",
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()

    def on_console(msg: ConsoleMessage) -> None:
        if msg.type in ("error", "warning", "assert"):
            location = msg.location.get("url", "") if msg.location else ""
            problems.console.append(f"{msg.type}: {msg.text} ({location or page.url})")

    def on_page_error(error: Error) -> None:
        problems.page_errors.append(f"pageerror: {error.message} ({page.url})")

    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    try:
        yield page
    finally:
        try:
            page.screenshot(path=str(tmp_path / "final.png"), full_page=True)
        finally:
            context.close()
    assert not live_server.errors, f"the portal raised: {live_server.errors!r}"
    assert not problems.all(), "the browser reported problems:\n" + "\n".join(problems.all())
