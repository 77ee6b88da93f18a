"""The role matrix: every staff route refused to the roles that must not use it, and to anyone
not signed in; every route declares who may use it (deny by default)."""

from __future__ import annotations

import pytest
from flask import Flask

from portal.access import required_roles
from portal.models import Channel, Request, Role, User

R = Role
CASE_READERS = {R.PHONE_STAFF, R.CASEWORKER, R.APPROVER}
# endpoint -> roles that may use it. Any endpoint not listed must be public.
MATRIX: dict[str, set[Role]] = {
    "staff.cases": {R.CASEWORKER, R.APPROVER},
    "staff.my_requests": {R.PHONE_STAFF},
    "staff.case": CASE_READERS,
    "staff.evidence_file": {R.CASEWORKER, R.APPROVER},
    "staff.add_note": {R.PHONE_STAFF, R.CASEWORKER},
    "staff.act": {R.CASEWORKER},
    "staff.assign": {R.CASEWORKER},
    "staff.log_request": {R.PHONE_STAFF, R.CASEWORKER},
    "staff.postal_letters": {R.CASEWORKER},
    "staff.letter_pdf": {R.CASEWORKER},
    "staff.letter_posted": {R.CASEWORKER},
    "admin.index": {R.ADMIN},
    "admin.edit_settings": {R.ADMIN},
    "admin.user_list": {R.ADMIN},
    "admin.new_user": {R.ADMIN},
    "admin.edit_user": {R.ADMIN},
    "admin.edit_notice": {R.ADMIN},
    "records.progress": {R.CASEWORKER, R.APPROVER},
    "records.start_search": {R.CASEWORKER},
    "records.scope": {R.CASEWORKER, R.APPROVER},
    "records.confirm": {R.CASEWORKER},
    "records.rerun_detection": {R.CASEWORKER},
    "records.documents": {R.CASEWORKER, R.APPROVER},
    "records.parties": {R.CASEWORKER, R.APPROVER},
    "review.index": {R.CASEWORKER, R.APPROVER},
    "review.document": {R.CASEWORKER, R.APPROVER},
    "review.page_image": {R.CASEWORKER, R.APPROVER},
    "review.claim": {R.CASEWORKER},
    "review.decide": {R.CASEWORKER},
    "review.manual": {R.CASEWORKER},
    "review.withhold": {R.CASEWORKER},
    "review.handled": {R.CASEWORKER},
    "review.people": {R.CASEWORKER, R.APPROVER},
    "review.find_redact": {R.CASEWORKER},
    "review.harm": {R.CASEWORKER, R.APPROVER},
    "release.overview": {R.CASEWORKER, R.APPROVER},
    "release.build": {R.CASEWORKER},
    "release.titles": {R.CASEWORKER},
    "release.submit": {R.CASEWORKER},
    "release.decide": {R.APPROVER},
    "release.send": {R.CASEWORKER, R.APPROVER},
    "release.preview": {R.CASEWORKER, R.APPROVER},
    "release.phone_code": {R.CASEWORKER, R.PHONE_STAFF},
    "release.posted": {R.CASEWORKER},
}
# Endpoints about a record the matrix request does not have (no such id): 404 is an allowed answer.
MISSING_RECORD = {
    "staff.evidence_file",
    "staff.letter_pdf",
    "review.document",
    "review.page_image",
    "review.decide",
    "release.preview",
}


def test_every_endpoint_declares_public_or_roles(app: Flask) -> None:
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        roles = required_roles(app, rule.endpoint)
        if rule.endpoint in MATRIX:
            assert roles == frozenset(MATRIX[rule.endpoint]), rule.endpoint
        else:
            assert roles is None, f"{rule.endpoint} is neither public nor in the role matrix"


def test_every_staff_and_admin_endpoint_is_in_the_matrix(app: Flask) -> None:
    endpoints = {r.endpoint for r in app.url_map.iter_rules()}
    staff = {
        e
        for e in endpoints
        if e.startswith(("staff.", "admin.", "records.", "review.", "release."))
    }
    assert staff == set(MATRIX)


def test_undeclared_endpoint_is_refused_to_everyone(fresh_app, make_user, auth_for) -> None:
    def secret() -> str:
        return "should never be seen"

    app = fresh_app()
    app.add_url_rule("/staff/_undeclared", "undeclared_probe", secret)
    with app.app_context():
        admin = make_user(*Role)
        auth = auth_for(app.test_client())
        auth.login(admin)
        response = auth.client.get("/staff/_undeclared")
        assert response.status_code == 403
        assert b"should never be seen" not in response.data


def _urls(app: Flask, request: Request, user: User) -> dict[str, tuple[str, str]]:
    evidence_id = 1
    return {
        "staff.cases": ("GET", "/staff/requests"),
        "staff.my_requests": ("GET", "/staff/my-requests"),
        "staff.case": ("GET", f"/staff/requests/{request.id}"),
        "staff.evidence_file": ("GET", f"/staff/requests/{request.id}/evidence/{evidence_id}"),
        "staff.add_note": ("POST", f"/staff/requests/{request.id}/notes"),
        "staff.act": ("GET", f"/staff/requests/{request.id}/actions/verify"),
        "staff.assign": ("GET", f"/staff/requests/{request.id}/assign"),
        "staff.log_request": ("GET", "/staff/log"),
        "staff.postal_letters": ("GET", "/staff/letters"),
        "staff.letter_pdf": ("GET", "/staff/letters/999999.pdf"),
        "staff.letter_posted": ("POST", "/staff/letters/999999/posted"),
        "admin.index": ("GET", "/admin/"),
        "admin.edit_settings": ("GET", "/admin/settings"),
        "admin.user_list": ("GET", "/admin/users"),
        "admin.new_user": ("GET", "/admin/users/new"),
        "admin.edit_user": ("GET", f"/admin/users/{user.id}"),
        "admin.edit_notice": ("GET", "/admin/notice"),
        "records.progress": ("GET", f"/staff/requests/{request.id}/progress.json"),
        "records.start_search": ("POST", f"/staff/requests/{request.id}/search"),
        "records.scope": ("GET", f"/staff/requests/{request.id}/scope"),
        "records.confirm": ("POST", f"/staff/requests/{request.id}/scope/confirm"),
        "records.rerun_detection": ("POST", f"/staff/requests/{request.id}/detect"),
        "records.documents": ("GET", f"/staff/requests/{request.id}/documents"),
        "records.parties": ("GET", f"/staff/requests/{request.id}/parties"),
        "review.index": ("GET", f"/staff/requests/{request.id}/review"),
        "review.document": ("GET", f"/staff/requests/{request.id}/review/1"),
        "review.page_image": ("GET", f"/staff/requests/{request.id}/review/1/page/1.png"),
        "review.claim": ("POST", f"/staff/requests/{request.id}/review/1/claim"),
        "review.decide": ("POST", f"/staff/requests/{request.id}/review/findings/1"),
        "review.manual": ("POST", f"/staff/requests/{request.id}/review/1/manual"),
        "review.withhold": ("POST", f"/staff/requests/{request.id}/review/1/withhold"),
        "review.handled": ("POST", f"/staff/requests/{request.id}/review/1/handled"),
        "review.people": ("GET", f"/staff/requests/{request.id}/people"),
        "review.find_redact": ("POST", f"/staff/requests/{request.id}/find-redact"),
        "review.harm": ("GET", f"/staff/requests/{request.id}/harm"),
        "release.overview": ("GET", f"/staff/requests/{request.id}/release"),
        "release.build": ("POST", f"/staff/requests/{request.id}/release/build"),
        "release.titles": ("POST", f"/staff/requests/{request.id}/release/titles"),
        "release.submit": ("POST", f"/staff/requests/{request.id}/release/submit"),
        "release.decide": ("POST", f"/staff/requests/{request.id}/release/packs/1/decide"),
        "release.send": ("POST", f"/staff/requests/{request.id}/release/packs/1/release"),
        "release.preview": ("GET", f"/staff/requests/{request.id}/release/packs/1/preview"),
        "release.phone_code": ("POST", f"/staff/requests/{request.id}/release/code"),
        "release.posted": ("POST", f"/staff/requests/{request.id}/release/posted"),
    }


@pytest.mark.parametrize("endpoint", sorted(MATRIX))
def test_anonymous_users_are_sent_to_sign_in(
    app: Flask, client, make_user, make_request, endpoint: str
) -> None:
    user = make_user(Role.ADMIN)
    request = make_request()
    method, url = _urls(app, request, user)[endpoint]
    response = client.open(url, method=method)
    if method == "GET":
        assert response.status_code == 302
        assert "/staff/sign-in" in response.headers["Location"]
    else:
        assert response.status_code == 401


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("endpoint", sorted(MATRIX))
def test_role_matrix(app: Flask, make_user, make_request, auth, role: Role, endpoint: str) -> None:
    user = make_user(role)
    # Phone staff may see a request they logged; use one they did, so a refusal is the role's.
    request = make_request(channel=Channel.PHONE, actor=_actor(user))
    auth.login(user)
    method, url = _urls(app, request, user)[endpoint]
    response = auth.client.open(url, method=method, data={"body": "a note"})
    if role in MATRIX[endpoint]:
        # allowed: not refused (the evidence id does not exist, so 404 is an allowed answer)
        assert response.status_code not in (401, 403), (role, endpoint, response.status_code)
        if endpoint not in MISSING_RECORD:
            assert response.status_code in (200, 302)
    else:
        assert response.status_code == 403, (role, endpoint, response.status_code)


def _actor(user: User):
    from portal.services.actor import Actor

    return Actor.staff(user)


def test_phone_staff_only_see_requests_they_logged(
    app: Flask, make_user, make_request, auth
) -> None:
    logger = make_user(Role.PHONE_STAFF)
    other = make_user(Role.PHONE_STAFF)
    mine = make_request(channel=Channel.PHONE, actor=_actor(logger))
    online = make_request()
    auth.login(logger)
    assert auth.client.get(f"/staff/requests/{mine.id}").status_code == 200
    assert auth.client.get(f"/staff/requests/{online.id}").status_code == 404
    auth.logout()
    auth.login(other)
    assert auth.client.get(f"/staff/requests/{mine.id}").status_code == 404
    listing = auth.client.get("/staff/my-requests").get_data(as_text=True)
    assert mine.reference not in listing


def test_admin_alone_sees_no_case_content(app: Flask, make_user, make_request, auth) -> None:
    admin = make_user(Role.ADMIN)
    request = make_request()
    auth.login(admin)
    assert auth.client.get(f"/staff/requests/{request.id}").status_code == 403
    assert auth.client.get("/staff/requests").status_code == 403


def test_inactive_account_cannot_sign_in(app: Flask, make_user, auth) -> None:
    from portal.extensions import db

    user = make_user(Role.CASEWORKER)
    user.active = False
    db.session.commit()
    response = auth.login(user)
    assert response.status_code == 200
    assert b"Enter a correct email address and password" in response.data


def test_wrong_password_gives_one_generic_error(app: Flask, make_user, auth) -> None:
    user = make_user(Role.CASEWORKER)
    wrong = auth.login(user, password="not the password")
    unknown = auth.client.post(
        "/staff/sign-in", data={"email": "nobody@council.example", "password": "x" * 20}
    )
    for response in (wrong, unknown):
        assert response.status_code == 200
        assert b"Enter a correct email address and password" in response.data


def test_sign_in_does_not_redirect_off_site(app: Flask, make_user, auth) -> None:
    user = make_user(Role.CASEWORKER)
    response = auth.client.post(
        "/staff/sign-in?next=https://evil.example/",
        data={"email": user.email, "password": "correct horse battery staple"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/requests"


def test_session_cookie_is_httponly_and_samesite(app: Flask, make_user, auth) -> None:
    user = make_user(Role.CASEWORKER)
    response = auth.login(user)
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_csrf_is_enforced_when_enabled(make_user) -> None:
    import os
    import tempfile

    from portal import create_app
    from portal.extensions import db

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "k",
                "SQLALCHEMY_DATABASE_URI": "sqlite:///" + os.path.join(tmp, "csrf.sqlite3"),
                "JOBS_IN_PROCESS": True,
            }
        )
        with app.app_context():
            db.create_all()
            response = app.test_client().post(
                "/staff/sign-in", data={"email": "a@b.example", "password": "x"}
            )
            assert response.status_code == 400
            db.engine.dispose()
