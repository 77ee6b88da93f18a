"""The data protection team's contact details on the public site and its error pages."""

from __future__ import annotations

import html
import re

from flask import Flask
from flask.testing import FlaskClient

from portal.access import required_roles
from portal.extensions import db
from portal.models import Role
from portal.services import settings

EMAIL = "dp.team@example-council.gov.uk"
PHONE = "01632 960 123"
ADDRESS = "Data Protection Office\nCivic Centre\nHigh Street\nExampletown\nEX1 2AB"


def _set_contacts() -> None:
    settings.put("dpo_email", EMAIL)
    settings.put("dpo_phone", PHONE)
    settings.put("council_address", ADDRESS)
    db.session.commit()


def _main(page: str) -> str:
    return page.split("<main", 1)[1].split("</main>", 1)[0]


def _footer(page: str) -> str:
    return page.split('<footer class="govuk-footer"', 1)[1].split("</footer>", 1)[0]


def _shows_everything(fragment: str) -> None:
    text = html.unescape(fragment)
    assert f'href="mailto:{EMAIL}"' in text and EMAIL in text
    assert 'href="tel:01632960123"' in text and PHONE in text
    for line in ADDRESS.splitlines():
        assert line in text, line


def _public_pages(app: Flask) -> list[str]:
    """Every public page that takes no arguments."""
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods
        and not rule.arguments
        and rule.endpoint not in ("static", "govuk_assets", "favicon")
        and required_roles(app, rule.endpoint) is None
    )


def test_contact_page_gives_email_phone_and_postal_address(client: FlaskClient) -> None:
    _set_contacts()
    response = client.get("/contact-us")
    assert response.status_code == 200
    _shows_everything(_main(response.get_data(as_text=True)))


def test_contact_page_has_sensible_defaults(client: FlaskClient) -> None:
    page = html.unescape(_main(client.get("/contact-us").get_data(as_text=True)))
    assert settings.DEFAULTS["dpo_email"] in page
    assert settings.DEFAULTS["dpo_phone"] in page
    assert "County Hall, Spetchley Road, Worcester, WR5 2NP" in page


def test_every_public_page_gives_the_contacts_and_links_to_the_contact_page(
    app: Flask, client: FlaskClient
) -> None:
    _set_contacts()
    pages = _public_pages(app)
    assert "/" in pages and "/contact-us" in pages and "/privacy" in pages
    seen = 0
    for path in pages:
        response = client.get(path)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue  # a journey page without answers yet redirects to the start
        footer = html.unescape(_footer(response.get_data(as_text=True)))
        assert 'href="/contact-us"' in footer, path
        assert EMAIL in footer and PHONE in footer, path
        seen += 1
    assert seen >= 5


def _error_pages(client: FlaskClient, make_user, auth, fresh_app) -> dict[int, str]:
    pages = {}
    response = client.get("/no-such-page")
    pages[response.status_code] = response.get_data(as_text=True)
    auth.login(make_user(Role.PHONE_STAFF))
    response = client.get("/admin/settings")
    pages[response.status_code] = response.get_data(as_text=True)
    auth.logout()
    other = fresh_app(WTF_CSRF_ENABLED=True)
    with other.app_context():
        _set_contacts()
    response = other.test_client().post("/request/type", data={"request_type": "access"})
    pages[response.status_code] = response.get_data(as_text=True)
    return pages


def test_error_pages_give_the_contacts(client: FlaskClient, make_user, auth, fresh_app) -> None:
    _set_contacts()
    pages = _error_pages(client, make_user, auth, fresh_app)
    assert sorted(pages) == [400, 403, 404]
    for code, page in pages.items():
        main = _main(page)
        assert re.search(r"<h1[^>]*>", main), code
        _shows_everything(main)


def test_server_error_page_gives_the_contacts_even_without_a_database(fresh_app) -> None:
    other = fresh_app()

    @other.route("/boom")
    def boom() -> str:
        raise RuntimeError("the database went away")

    from portal.access import public_endpoint

    public_endpoint(boom)
    other.config["PROPAGATE_EXCEPTIONS"] = False
    with other.app_context():
        db.drop_all()  # no settings table: the defaults are shown
    response = other.test_client().get("/boom")
    assert response.status_code == 500
    main = html.unescape(_main(response.get_data(as_text=True)))
    assert settings.DEFAULTS["dpo_email"] in main
    assert settings.DEFAULTS["dpo_phone"] in main
