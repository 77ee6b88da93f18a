"""Staff pages through the client: logging requests, the case list, the case page, actions."""

from __future__ import annotations

import html
from datetime import date

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import AuditEvent, Channel, Request, RequestStatus, Role
from portal.services import workflow
from portal.services.actor import Actor

VALID_LOG = {
    "type": "access",
    "channel": "phone",
    "received_date": ["3", "11", "2026"],
    "requester_name": "Dana Parent",
    "relationship": "parent",
    "email": "dana@example.com",
    "contact_preference": "email",
    "subject_first_names": "Kai",
    "subject_last_name": "Parent",
    "subject_dob": ["4", "9", "2014"],
    "subject_is_child": "y",
    "description": "Everything from the family support team since 2020.",
    "contact_notes": "Called at 10:15; prefers email.",
}


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@freeze_time("2026-11-25")
def test_phone_staff_log_a_request_with_its_true_date(make_user, auth) -> None:
    phone = make_user(Role.PHONE_STAFF)
    auth.login(phone)
    response = auth.client.post("/staff/log", data=VALID_LOG)
    assert response.status_code == 302
    request = db.session.scalars(select(Request)).one()
    assert request.channel is Channel.PHONE
    assert request.received_date == date(2026, 11, 3)
    assert request.clock_start == date(2026, 11, 3)
    assert request.due_date == date(2026, 12, 3)
    assert request.logged_by_id == phone.id
    assert request.contact_notes == "Called at 10:15; prefers email."
    page = auth.client.get(response.headers["Location"]).get_data(as_text=True)
    assert request.reference in page


@freeze_time("2026-11-25")
def test_other_children_become_linked_requests(make_user, auth) -> None:
    auth.login(make_user(Role.CASEWORKER))
    data = dict(VALID_LOG, other_children="Ria Parent, 02/03/2016\nTom Parent, 5/1/2018")
    assert auth.client.post("/staff/log", data=data).status_code == 302
    requests = list(db.session.scalars(select(Request).order_by(Request.id)))
    assert [r.subject.first_names for r in requests] == ["Kai", "Ria", "Tom"]
    assert len({r.submission_key for r in requests}) == 1
    assert requests[2].subject.date_of_birth == date(2018, 1, 5)


HOSTILE = [
    ("requester_name", "", "Enter the requester's name"),
    ("requester_name", "A" * 201, "must be 200 characters or fewer"),
    ("requester_name", "Dana\x00Parent", "must not contain control characters"),
    ("description", "x\x00", "must not contain control characters"),
    ("description", "x" * 5001, "5000 characters or fewer"),
    ("email", "not-an-email", "Enter an email address in the correct format"),
    ("subject_nhs_number", "123 456 7890", "Enter a valid NHS number"),
    ("subject_last_name", "", "Enter the last name"),
    ("received_date", ["31", "2", "2026"], "must be a real date"),
    ("received_date", ["1", "", "2026"], "must include a month"),
    ("received_date", ["1", "1", "2027"], "must be today or in the past"),
    ("received_date", ["1", "1", "2024"], "within the last year"),
    ("subject_dob", ["1", "13", "2010"], "must be a real date"),
    ("other_children", "Just A Name", "Other children, line 1"),
    ("postcode", "<script>", "Enter a real postcode"),
    ("type", "bogus", "Not a valid choice"),
]


@freeze_time("2026-11-25")
@pytest.mark.parametrize(("field", "value", "message"), HOSTILE)
def test_log_form_rejects_bad_input_clearly_and_stores_nothing(
    make_user, auth, field, value, message
) -> None:
    auth.login(make_user(Role.PHONE_STAFF))
    before = _count(Request), _count(AuditEvent)
    response = auth.client.post("/staff/log", data=dict(VALID_LOG, **{field: value}))
    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True))
    assert "govuk-error-summary" in page
    assert message in page
    assert (_count(Request), _count(AuditEvent)) == before


@freeze_time("2026-11-25")
def test_html_in_input_is_stored_as_text_and_shown_escaped(make_user, auth) -> None:
    auth.login(make_user(Role.CASEWORKER))
    evil = '<script>alert("x")</script><b>bold</b>'
    auth.client.post("/staff/log", data=dict(VALID_LOG, requester_name=evil, description=evil))
    request = db.session.scalars(select(Request)).one()
    assert request.requester.full_name == evil
    page = auth.client.get(f"/staff/requests/{request.id}").get_data(as_text=True)
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert" in page


@freeze_time("2026-11-25")
def test_case_list_sorted_by_due_date_with_rag(make_user, make_request, auth) -> None:
    auth.login(make_user(Role.CASEWORKER))
    green = make_request(received=date(2026, 11, 20))  # due 21 Dec: 18 working days
    red = make_request(received=date(2026, 10, 20))  # due 20 Nov: overdue
    amber = make_request(received=date(2026, 11, 6))  # due 7 Dec: 8 working days
    page = auth.client.get("/staff/requests").get_data(as_text=True)
    positions = [page.index(r.reference) for r in (red, amber, green)]
    assert positions == sorted(positions)
    assert 'data-rag="red"' in page and 'data-rag="amber"' in page and 'data-rag="green"' in page
    overdue = auth.client.get("/staff/requests?overdue=y").get_data(as_text=True)
    assert red.reference in overdue and green.reference not in overdue
    soon = auth.client.get("/staff/requests?due_within=10").get_data(as_text=True)
    assert amber.reference in soon and green.reference not in soon
    bad = auth.client.get("/staff/requests?due_within=ten").get_data(as_text=True)
    assert "must be a whole number" in bad


def test_case_list_filters_by_type_status_and_caseworker(make_user, make_request, auth) -> None:
    from portal.models import RequestType

    worker = make_user(Role.CASEWORKER)
    auth.login(worker)
    access = make_request()
    erasure = make_request(type=RequestType.ERASURE)
    workflow.assign(erasure.id, Actor.staff(worker), worker.id)
    workflow.withdraw(access.id, Actor.staff(worker), "phoned")
    db.session.commit()
    page = auth.client.get("/staff/requests?type=erasure").get_data(as_text=True)
    assert erasure.reference in page and access.reference not in page
    page = auth.client.get("/staff/requests").get_data(as_text=True)  # open only
    assert access.reference not in page
    page = auth.client.get("/staff/requests?status=withdrawn").get_data(as_text=True)
    assert access.reference in page
    page = auth.client.get(f"/staff/requests?caseworker={worker.id}").get_data(as_text=True)
    assert erasure.reference in page
    page = auth.client.get("/staff/requests?caseworker=none&status=").get_data(as_text=True)
    assert access.reference in page and erasure.reference not in page


def test_viewing_a_case_is_audited_and_shows_the_working(make_user, make_request, auth) -> None:
    user = make_user(Role.APPROVER)
    request = make_request()
    auth.login(user)
    page = auth.client.get(f"/staff/requests/{request.id}").get_data(as_text=True)
    assert "How the due date is worked out" in page
    assert "Due date:" in page
    viewed = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "viewed", AuditEvent.actor_id == user.id)
    ).all()
    assert len(viewed) == 1 and viewed[0].request_id == request.id


@freeze_time("2026-11-25")
def test_clock_actions_through_the_pages(make_user, make_request, auth) -> None:
    auth.login(make_user(Role.CASEWORKER))
    request = make_request(received=date(2026, 11, 2))
    url = f"/staff/requests/{request.id}/actions"
    assert auth.client.post(f"{url}/ask-evidence", data={"reason": "Photo ID"}).status_code == 302
    assert request.status is RequestStatus.AWAITING_EVIDENCE
    # the evidence arrived on the 10th although it is typed in on the 25th
    response = auth.client.post(
        f"{url}/evidence-received", data={"on": ["10", "11", "2026"], "reason": "by post"}
    )
    assert response.status_code == 302
    db.session.refresh(request)
    assert request.clock_start == date(2026, 11, 10)
    assert request.due_date == date(2026, 12, 10)
    response = auth.client.post(f"{url}/stop-clock", data={"reason": ""})
    assert b"Enter a reason" in response.data
    auth.client.post(f"{url}/stop-clock", data={"reason": "Which years?"})
    db.session.refresh(request)
    assert request.status is RequestStatus.CLARIFICATION_REQUESTED
    response = auth.client.post(f"{url}/restart-clock", data={"on": ["20", "11", "2026"]})
    assert b"cannot be before" in response.data
    auth.client.post(f"{url}/restart-clock", data={"on": ["25", "11", "2026"]})
    db.session.refresh(request)
    assert request.due_date == date(2026, 12, 11)  # 25 Nov counted once: one stopped day
    auth.client.post(f"{url}/extend", data={"reason": "Complex"})
    db.session.refresh(request)
    assert request.due_date == date(2027, 2, 11)  # three months from 10 Nov, plus one day


@freeze_time("2026-12-20")
def test_late_extension_is_refused_on_the_page(make_user, make_request, auth) -> None:
    worker = make_user(Role.CASEWORKER)
    auth.login(worker)
    request = make_request(received=date(2026, 11, 2))
    workflow.verify(request.id, Actor.staff(worker))
    db.session.commit()
    response = auth.client.post(
        f"/staff/requests/{request.id}/actions/extend", data={"reason": "Complex"}
    )
    assert response.status_code == 200
    assert b"Too late to extend" in response.data
    assert b"govuk-error-summary" in response.data


def test_notes_by_phone_staff_on_their_request(make_user, make_request, auth) -> None:
    phone = make_user(Role.PHONE_STAFF)
    request = make_request(channel=Channel.PHONE, actor=Actor.staff(phone))
    auth.login(phone)
    auth.client.post(f"/staff/requests/{request.id}/notes", data={"body": "Called back."})
    assert [n.body for n in request.notes] == ["Called back."]
    response = auth.client.post(f"/staff/requests/{request.id}/notes", data={"body": "\x00"})
    assert response.status_code == 302
    assert len(request.notes) == 1


def test_withdraw_and_refuse_pages(make_user, make_request, auth) -> None:
    auth.login(make_user(Role.CASEWORKER))
    one, two = make_request(), make_request()
    auth.client.post(f"/staff/requests/{one.id}/actions/withdraw", data={"reason": "Letter"})
    response = auth.client.post(
        f"/staff/requests/{two.id}/actions/refuse",
        data={"grounds": "manifestly_unfounded", "reason": "Malicious"},
    )
    assert response.status_code == 302
    assert (one.status, two.status) == (RequestStatus.WITHDRAWN, RequestStatus.REFUSED)
    response = auth.client.get(f"/staff/requests/{one.id}/actions/nonsense")
    assert response.status_code == 404


def test_assign_page(make_user, make_request, auth) -> None:
    worker = make_user(Role.CASEWORKER)
    auth.login(worker)
    request = make_request()
    response = auth.client.post(
        f"/staff/requests/{request.id}/assign", data={"caseworker": str(worker.id)}
    )
    assert response.status_code == 302
    assert request.assigned_to_id == worker.id


def test_evidence_download_is_audited(make_user, make_request, auth, app, tmp_path) -> None:
    from portal.models import EvidenceKind
    from portal.services import evidence

    worker = make_user(Role.CASEWORKER)
    request = make_request()
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    upload = evidence.check_and_store(pdf, "id.pdf", app.config["UPLOAD_DIR"], 10 << 20)
    item = evidence.attach(request, upload, EvidenceKind.IDENTITY, Actor.requester())
    db.session.commit()
    auth.login(worker)
    response = auth.client.get(f"/staff/requests/{request.id}/evidence/{item.id}")
    assert response.status_code == 200 and response.data == pdf
    response.close()
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "evidence_viewed")
        )
        == 1
    )


def test_security_headers(client) -> None:
    response = client.get("/staff/sign-in")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "'unsafe-inline'" not in csp
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.get_data(as_text=True)
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_radio_and_date_questions_have_legends(make_user, auth) -> None:
    import re

    auth.login(make_user(Role.PHONE_STAFF))
    page = auth.client.get("/staff/log").get_data(as_text=True)
    legends = [" ".join(t.split()) for t in re.findall(r"<legend[^>]*>(.*?)</legend>", page, re.S)]
    for text in (
        "Type of request",
        "How was it received?",
        "Date received",
        "Who is the request about?",
        "How should we reply?",
    ):
        assert text in legends


def test_child_competence_and_views_are_recorded(make_user, make_request, auth) -> None:
    from portal.models import Relationship

    auth.login(make_user(Role.CASEWORKER))
    request = make_request(relationship=Relationship.PARENT)
    url = f"/staff/requests/{request.id}/actions/record-child-views"
    response = auth.client.post(url, data={"competence": "", "views": ""})
    assert b"Enter the child" in response.data
    auth.client.post(
        url,
        data={
            "competence": "Aged 9; not yet able to understand the request.",
            "views": "Happy for mum to see the records.",
        },
    )
    assert request.child_competence_note.startswith("Aged 9")
    page = auth.client.get(f"/staff/requests/{request.id}").get_data(as_text=True)
    assert "Happy for mum to see the records." in page
    adult = make_request()
    assert (
        auth.client.post(
            f"/staff/requests/{adult.id}/actions/record-child-views", data={"views": "x"}
        ).status_code
        == 200
    )
    assert adult.child_views_note is None


def test_evidence_date_defaults_to_when_it_was_uploaded(make_user, make_request, auth, app):
    from datetime import datetime

    from portal.models import EvidenceKind
    from portal.services import evidence

    auth.login(make_user(Role.CASEWORKER))
    request = make_request(received=date.today())
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    upload = evidence.check_and_store(pdf, "id.pdf", app.config["UPLOAD_DIR"], 10 << 20)
    item = evidence.attach(request, upload, EvidenceKind.IDENTITY, Actor.requester())
    item.uploaded_at = datetime(2026, 1, 2, 23, 30)  # 23:30 UTC = 23:30 in January
    db.session.commit()
    page = auth.client.get(f"/staff/requests/{request.id}/actions/evidence-received")
    import re

    inputs = re.findall(r"<input[^>]*>", page.get_data(as_text=True))
    values = [
        re.search(r'value="([^"]*)"', i)[1] for i in inputs if 'name="on"' in i and "value=" in i
    ]
    assert values == ["02", "01", "2026"]


def test_secure_cookie_follows_https_base_url(fresh_app) -> None:
    assert (
        fresh_app(PUBLIC_BASE_URL="https://sar.council.example", SESSION_COOKIE_SECURE=None).config[
            "SESSION_COOKIE_SECURE"
        ]
        is True
    )
    assert (
        fresh_app(PUBLIC_BASE_URL="http://127.0.0.1:5000", SESSION_COOKIE_SECURE=None).config[
            "SESSION_COOKIE_SECURE"
        ]
        is False
    )
