"""Textareas show exactly what is stored: saving a form unchanged never changes the text.

Each test reads the form out of the page as a browser would (the first line feed after
`<textarea>` is dropped, line breaks are sent as CRLF), posts it back unchanged, twice, and
checks what is stored.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from portal.extensions import db
from portal.formfields import textarea_value
from portal.models import IntakeDraft, Relationship, Role
from portal.services import settings
from portal.services.actor import Actor


class _Form(HTMLParser):
    """The fields of the page's forms, with the values a browser would submit."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[list[tuple[str, str]]] = []
        self._textarea: tuple[str, list[str]] | None = None
        self._select: str | None = None
        self._first_option: str | None = None
        self._selected = False

    @property
    def _fields(self) -> list[tuple[str, str]]:
        return self.forms[-1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append([])
        elif not self.forms or "name" not in a and tag != "option":
            return
        elif tag == "input":
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file") or (
                kind in ("radio", "checkbox") and "checked" not in a
            ):
                return
            self._fields.append((a["name"], a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "textarea":
            self._textarea = (a["name"], [])
        elif tag == "select":
            self._select, self._first_option, self._selected = a["name"], None, False
        elif tag == "option" and self._select is not None:
            if self._first_option is None:
                self._first_option = a.get("value", "")
            if "selected" in a and not self._selected:
                self._fields.append((self._select, a.get("value", "")))
                self._selected = True

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea is not None:
            name, parts = self._textarea
            text = "".join(parts).replace("\r\n", "\n").replace("\r", "\n")
            if text.startswith("\n"):  # the HTML parser drops the first line feed
                text = text[1:]
            self._fields.append((name, text.replace("\n", "\r\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            if not self._selected and self._first_option is not None:
                self._fields.append((self._select, self._first_option))
            self._select = None


def browser_form(page: str, field: str) -> dict[str, Any]:
    """What a browser sends when the form holding `field` is submitted unchanged."""
    parser = _Form()
    parser.feed(page)
    for fields in parser.forms:
        if any(name == field for name, _ in fields):
            data: dict[str, Any] = {}
            for name, value in fields:
                data.setdefault(name, []).append(value)
            return {k: v[0] if len(v) == 1 else v for k, v in data.items()}
    raise AssertionError(f"no form with {field} in the page")


def textarea(page: str, field: str) -> str:
    """The text a browser shows in the textarea `field`."""
    return str(browser_form(page, field)[field]).replace("\r\n", "\n")


def save_unchanged(client: FlaskClient, url: str, field: str, times: int = 2) -> list[str]:
    """GET the form, post back what the browser would send, `times` times: what it showed."""
    shown = []
    for _ in range(times):
        page = client.get(url).get_data(as_text=True)
        shown.append(textarea(page, field))
        response = client.post(url, data=browser_form(page, field))
        assert response.status_code == 302, response.get_data(as_text=True)
    shown.append(textarea(client.get(url).get_data(as_text=True), field))
    return shown


def test_textarea_value_survives_indentation_and_a_leading_newline() -> None:
    html = str(textarea_value("\nfirst\n  second & <third>\u2028fourth"))
    assert "\n" not in html and "\u2028" not in html
    assert html.startswith("&#10;&#10;first")
    assert "&amp; &lt;third&gt;" in html
    assert textarea(f'<form><textarea name="t">{html}</textarea></form>', "t") == (
        "\nfirst\n  second & <third>\u2028fourth"
    )


def _walk_to_contact(client: FlaskClient) -> None:
    pages = [
        ("/request/type", {"request_type": "access"}),
        ("/request/who", {"who": "self"}),
        ("/request/person/0/name", {"first_names": "Sam", "last_name": "Smith"}),
        ("/request/person/0/date-of-birth", {"date_of_birth": ["17", "5", "2012"]}),
        ("/request/person/0/address", {"address": "1 High Street", "postcode": "WR5 2NP"}),
        ("/request/person/0/references", {}),
    ]
    for path, data in pages:
        response = client.post(path, data=data)
        assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"] == "/request/contact"


def test_public_postal_address_is_saved_unchanged(client: FlaskClient) -> None:
    """The address is a textarea revealed by a radio in a fieldset, which the macros indent."""
    _walk_to_contact(client)
    address = "Flat 2\n14 Foregate Street\nWorcester"
    response = client.post(
        "/request/contact",
        data={"contact_preference": "post", "address": address, "postcode": "wr1 1aa"},
    )
    assert response.status_code == 302
    shown = save_unchanged(client, "/request/contact", "address")
    assert shown == [address] * 3
    draft = db.session.scalars(select(IntakeDraft)).one()
    db.session.refresh(draft)
    assert draft.answers["contact"]["address"] == address


def test_public_address_lines_are_stripped_on_save(client: FlaskClient) -> None:
    _walk_to_contact(client)
    client.post(
        "/request/contact",
        data={
            "contact_preference": "post",
            "address": "  Flat 2 \r\n    14 Foregate Street\t\r\n  Worcester  ",
            "postcode": "WR1 1AA",
        },
    )
    draft = db.session.scalars(select(IntakeDraft)).one()
    assert draft.answers["contact"]["address"] == "Flat 2\n14 Foregate Street\nWorcester"


def test_council_address_setting_is_saved_unchanged(client: FlaskClient, auth, make_user) -> None:
    auth.login(make_user(Role.ADMIN))
    settings.put("council_address", "County Hall\nSpetchley Road\nWorcester\nWR5 2NP")
    db.session.commit()
    shown = save_unchanged(client, "/admin/settings", "council_address")
    assert shown == ["County Hall\nSpetchley Road\nWorcester\nWR5 2NP"] * 3
    assert settings.get("council_address") == "County Hall\nSpetchley Road\nWorcester\nWR5 2NP"


def test_notice_text_is_saved_unchanged(client: FlaskClient, auth, make_user) -> None:
    from portal.services import notice

    auth.login(make_user(Role.ADMIN))
    text = "## Who we share it with\n{council} shares it with:\n\n  the police\n  schools"
    notice.set_notice(text, Actor.system())
    db.session.commit()
    shown = save_unchanged(client, "/admin/notice", "notice")
    assert shown == [text] * 3
    assert notice.notice_template() == text


def test_staff_free_text_keeps_its_indentation_but_not_trailing_spaces(
    client: FlaskClient, auth, make_user, make_request
) -> None:
    auth.login(make_user(Role.CASEWORKER))
    request = make_request(relationship=Relationship.PARENT)
    url = f"/staff/requests/{request.id}/actions/record-child-views"
    views = "Spoken to on 3 May:\n  - happy for mum to see them\n  - not the school reports"
    response = client.post(url, data={"competence": "Aged 9.   \r\nNot yet.", "views": views})
    assert response.status_code == 302
    shown = save_unchanged(client, url, "views")
    assert shown == [views] * 3
    db.session.refresh(request)
    assert request.child_views_note == views
    assert request.child_competence_note == "Aged 9.\nNot yet."
