"""The end of the online form: check your answers (every answer with a link to change it), send
the request (intake.create_requests: one request per person it is about), then the confirmation.
"""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from flask import redirect, render_template, session, url_for
from markupsafe import Markup, escape
from werkzeug.wrappers import Response

from portal.access import public_endpoint
from portal.extensions import db
from portal.models import ContactPreference, EvidenceKind, Relationship, Request, RequestType
from portal.public import journey, steps
from portal.public.blueprint import bp
from portal.public.forms import SERVICE_LABELS, ConfirmForm
from portal.services import intake
from portal.services.actor import Actor
from portal.services.errors import ServiceError

SUBMITTED_SESSION_KEY = "submitted_requests"


def _lines(values: list[str] | str | None) -> Markup | str:
    """Several lines of untrusted text, escaped, one per line."""
    if isinstance(values, str):
        values = values.splitlines()
    values = [v for v in (values or []) if v]
    if not values:
        return "None given"
    return Markup("<br>").join(escape(v) for v in values)


def _row(key: str, value: Markup | str, href: str | None, hidden: str) -> dict[str, Any]:
    row: dict[str, Any] = {"key": {"text": key}}
    row["value"] = {"html": value} if isinstance(value, Markup) else {"text": value}
    if href:
        row["actions"] = {
            "items": [{"href": f"{href}?change=1", "text": "Change", "visuallyHiddenText": hidden}]
        }
    return row


def _summary(answers: dict[str, Any], uploads: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The check-your-answers cards: every answer with a link to change it."""
    kind = journey.request_type(answers)
    who = answers["who"]
    who_text = {
        "self": "Me",
        "child": "A child or children I am responsible for",
        "other": "Another person I am acting for",
    }[who]
    cards: list[dict[str, Any]] = []
    request_rows = [
        _row("Request", kind.label, url_for("public.request_type"), "type of request"),
        _row("About", who_text, url_for("public.who"), "who the information is about"),
    ]
    if who != "self":
        rel = Relationship(answers["relationship"]).label
        if answers.get("relationship_detail"):
            rel = f"{rel}: {answers['relationship_detail']}"
        request_rows.append(
            _row("Your relationship", rel, url_for("public.relationship"), "your relationship")
        )
        request_rows.append(
            _row("Your name", answers["requester_name"], url_for("public.your_name"), "your name")
        )
    cards.append({"title": "Your request", "rows": request_rows})

    for i, s in enumerate(answers["subjects"]):
        title = steps.subject_word(answers, i)["caption"]
        dob = date.fromisoformat(s["date_of_birth"])
        address = [*(s.get("address") or "").splitlines(), s.get("postcode") or ""]
        refs = []
        if s.get("social_care_number"):
            refs.append(f"Social care number: {s['social_care_number']}")
        if s.get("nhs_number"):
            refs.append(f"NHS number: {s['nhs_number']}")
        refs += (s.get("other_references") or "").splitlines()
        cards.append(
            {
                "title": title,
                "rows": [
                    _row(
                        "Name",
                        f"{s['first_names']} {s['last_name']}",
                        url_for("public.person_name", i=i),
                        "name",
                    ),
                    _row(
                        "Previous names",
                        _lines(s.get("previous_names")),
                        url_for("public.person_name", i=i),
                        "previous names",
                    ),
                    _row(
                        "Other names",
                        _lines(s.get("aliases")),
                        url_for("public.person_name", i=i),
                        "other names",
                    ),
                    _row(
                        "Date of birth",
                        f"{dob.day} {dob:%B %Y}",
                        url_for("public.person_dob", i=i),
                        "date of birth",
                    ),
                    _row(
                        "Address", _lines(address), url_for("public.person_address", i=i), "address"
                    ),
                    _row(
                        "Reference numbers",
                        _lines(refs),
                        url_for("public.person_references", i=i),
                        "reference numbers",
                    ),
                ],
            }
        )

    contact = answers["contact"]
    prefers = ContactPreference(contact["contact_preference"]).value.capitalize()
    contact_url = url_for("public.contact")
    contact_rows = [_row("Contact by", prefers, contact_url, "how we contact you")]
    if contact.get("email"):
        contact_rows.append(_row("Email", contact["email"], contact_url, "email address"))
    if contact.get("phone"):
        contact_rows.append(_row("Phone", contact["phone"], contact_url, "phone number"))
    if contact.get("address"):
        contact_rows.append(
            _row(
                "Postal address",
                _lines([*contact["address"].splitlines(), contact.get("postcode") or ""]),
                contact_url,
                "postal address",
            )
        )
    cards.append({"title": "Your contact details", "rows": contact_rows})

    d = answers[f"details_{kind.value}"]
    details_url = url_for("public.details")
    if kind is RequestType.ACCESS:
        rows = [
            _row(
                "Services",
                _lines([SERVICE_LABELS.get(x, x) for x in d.get("services") or []]),
                details_url,
                "services",
            ),
            _row("Period", d.get("access_period") or "All records", details_url, "period"),
            _row("Anything else", _lines(d.get("description")), details_url, "anything else"),
        ]
    elif kind is RequestType.RECTIFICATION:
        rows = [
            _row("What is wrong", _lines(d.get("description")), details_url, "what is wrong"),
            _row(
                "What it should say", _lines(d.get("correction")), details_url, "what it should say"
            ),
        ]
    else:
        rows = [
            _row("What to delete", _lines(d.get("description")), details_url, "what to delete"),
            _row("Why", _lines(d.get("erasure_reason")), details_url, "why"),
        ]
    cards.append({"title": "What you are asking for", "rows": rows})

    files = [f"{EvidenceKind(u['kind']).label}: {u['filename']}" for u in uploads]
    cards.append(
        {
            "title": "Documents",
            "rows": [
                _row(
                    "Files",
                    _lines(files) if files else "None",
                    url_for("public.evidence_page"),
                    "documents",
                )
            ],
        }
    )
    return cards


@bp.route("/request/check", methods=["GET", "POST"])
@public_endpoint
def check() -> str | Response:
    """Check your answers, then send the request."""
    draft = journey.load_draft()
    if draft is None:
        return redirect(url_for("public.request_type"))
    answers = copy.deepcopy(draft.answers or {})
    missing = journey.first_unanswered(answers)
    if missing is not None:
        return redirect(missing)
    uploads = list(draft.uploads or [])
    form = ConfirmForm()
    problem = None
    if form.validate_on_submit():
        new = journey.build_new_request(answers, uploads)
        try:
            created = intake.create_requests(new, Actor.requester())
        except ServiceError as exc:
            db.session.rollback()
            problem = str(exc)
        else:
            session[SUBMITTED_SESSION_KEY] = [r.id for r in created]
            # The files now belong to the requests: remove the draft, keep the files.
            journey.discard_draft(draft, keep_files=True)
            db.session.commit()
            return redirect(url_for("public.confirmation"))
    return render_template(
        "public/check.html",
        form=form,
        back=url_for("public.evidence_page"),
        title="Check your answers before sending your request",
        cards=_summary(answers, uploads),
        problem=problem,
    )


@bp.route("/request/confirmation")
@public_endpoint
def confirmation() -> str | Response:
    """The references and due dates of what was just sent."""
    ids = session.get(SUBMITTED_SESSION_KEY) or []
    requests = [r for r in (db.session.get(Request, i) for i in ids if isinstance(i, int)) if r]
    if not requests:
        return redirect(url_for("public.start"))
    return render_template(
        "public/confirmation.html",
        title="Request sent",
        requests=requests,
    )
