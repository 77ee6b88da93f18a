"""Housekeeping removes what is stale and nothing else; error pages are GOV.UK pages."""

from __future__ import annotations

import os
from datetime import timedelta

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import IntakeDraft, StatusLookupFailure
from portal.services import evidence
from portal.timeutil import utcnow

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _draft(app, age_hours: int) -> tuple[IntakeDraft, str]:
    upload = evidence.check_and_store(PNG, "id.png", app.config["UPLOAD_DIR"], 10 << 20)
    draft = IntakeDraft(
        token_hash=os.urandom(16).hex(),
        answers={},
        uploads=[{"stored_name": upload.stored_name, "filename": "id.png", "kind": "identity"}],
    )
    db.session.add(draft)
    db.session.flush()
    draft.updated_at = utcnow() - timedelta(hours=age_hours)
    db.session.commit()
    return draft, os.path.join(app.config["UPLOAD_DIR"], upload.stored_name)


def test_purge_removes_only_expired_drafts_and_their_files(app, runner) -> None:
    old, old_file = _draft(app, 30)
    fresh, fresh_file = _draft(app, 1)
    db.session.add(StatusLookupFailure(client_key="k", at=utcnow() - timedelta(hours=2)))
    db.session.add(StatusLookupFailure(client_key="k"))
    db.session.commit()
    result = runner.invoke(args=["purge-expired"])
    assert result.exit_code == 0, result.output
    assert "Removed 1 draft(s), 1 file(s)" in result.output
    assert not os.path.exists(old_file)
    assert os.path.exists(fresh_file)
    assert db.session.scalars(select(IntakeDraft)).one().id == fresh.id
    assert db.session.scalar(select(func.count()).select_from(StatusLookupFailure)) == 1


def test_housekeeping_job_runs_in_the_app(app) -> None:
    from workers.housekeeping import purge_expired

    _draft(app, 48)
    purge_expired()
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(IntakeDraft)) == 0


def test_not_found_is_a_govuk_page(client) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert b"Page not found" in response.data
    assert b"govuk-heading-l" in response.data


def test_oversize_body_gets_a_clear_page(app, client) -> None:
    limit = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 1024
    try:
        response = client.post("/staff/sign-in", data={"email": "x" * 4096, "password": "y"})
    finally:
        app.config["MAX_CONTENT_LENGTH"] = limit
    assert response.status_code == 413
    assert b"The files you sent are too large" in response.data


def test_server_error_page_rolls_back_and_explains(fresh_app) -> None:
    from portal.access import public_endpoint

    def boom() -> str:
        raise RuntimeError("something broke")

    app = fresh_app(PROPAGATE_EXCEPTIONS=False, TESTING=True)
    app.add_url_rule("/_boom", "boom_probe", public_endpoint(boom))
    with app.app_context():
        response = app.test_client().get("/_boom")
    assert response.status_code == 500
    assert b"Sorry, there is a problem with the service" in response.data
    assert b"something broke" not in response.data


def test_admin_edits_notice_and_citations(make_user, auth) -> None:
    from portal.models import Role
    from portal.services import notice

    auth.login(make_user(Role.ADMIN))
    page = auth.client.get("/admin/notice").get_data(as_text=True)
    assert "TP | DPA 2018 Sch 2 Pt 3 para 16" in page
    bad = auth.client.post("/admin/notice", data={"notice": "x", "citations": "no bar here"})
    assert b"write CODE | citation" in bad.data
    auth.client.post(
        "/admin/notice",
        data={"notice": "## Why\nWe use it for {council}.", "citations": "TP | Third party (test)"},
    )
    assert notice.citation("TP") == "Third party (test)"
    assert notice.sections()[0][0] == "Why"


def test_favicon_is_the_councils_not_govuks(client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    response.close()
