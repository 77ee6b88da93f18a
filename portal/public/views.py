"""Public pages: the online request form."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from flask import (
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from werkzeug.wrappers import Response

from portal.access import public_endpoint
from portal.extensions import db
from portal.models import (
    ContactPreference,
    EvidenceKind,
    IntakeDraft,
    Relationship,
    Request,
    RequestType,
)
from portal.public import (  # noqa: F401  (pages and status: importing registers their routes)
    journey,
    pages,
    status,
)
from portal.public.blueprint import add_error, bp
from portal.public.forms import (
    DETAILS_FORMS,
    SERVICE_LABELS,
    WHO_CHILD,
    WHO_SELF,
    AddAnotherForm,
    AddressForm,
    ConfirmForm,
    ContactForm,
    DateOfBirthForm,
    EvidenceForm,
    ReferencesForm,
    RelationshipForm,
    RemoveUploadForm,
    SubjectNameForm,
    TypeForm,
    WhoForm,
    YourNameForm,
    split_lines,
)
from portal.public.uploads import store_all
from portal.services import evidence, intake
from portal.services.actor import Actor
from portal.services.errors import ServiceError
from portal.services.evidence import UploadRejected

SUBMITTED_SESSION_KEY = "submitted_requests"
ORDINALS = [
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
]


# --- the online form ---------------------------------------------------------------------------


def _draft_for(key: str) -> tuple[IntakeDraft, dict[str, Any]]:
    """The draft, or a redirect to where the requester should be (raised)."""
    draft = journey.load_draft()
    if draft is None:
        abort(redirect(url_for("public.request_type")))
    answers = copy.deepcopy(draft.answers or {})
    elsewhere = journey.gate(answers, key)
    if elsewhere is not None:
        abort(redirect(elsewhere))
    return draft, answers


def _back(answers: dict[str, Any], key: str) -> str:
    if request.args.get("change"):
        return url_for("public.check")
    return journey.previous(answers, key)


def _done(draft: IntakeDraft, answers: dict[str, Any]) -> Response:
    journey.save(draft, answers)
    db.session.commit()
    return redirect(journey.next_page(answers))


def _subject_word(answers: dict[str, Any], i: int) -> dict[str, str]:
    """How to refer to the person: 'your' / 'the child's' / 'their'."""
    who = answers.get("who")
    if who == WHO_SELF:
        return {"possessive": "your", "caption": "About you"}
    if who == WHO_CHILD:
        count = len(answers.get("subjects") or [])
        caption = f"The {ORDINALS[i]} child" if count > 1 or i > 0 else "About the child"
        return {"possessive": "the child's", "caption": caption}
    return {"possessive": "their", "caption": "About the person"}


@bp.route("/request/type", methods=["GET", "POST"])
@public_endpoint
def request_type() -> str | Response:
    """What do you want to do: access, rectification or erasure."""
    draft = journey.load_draft()
    answers = copy.deepcopy(draft.answers) if draft is not None else {}
    form = TypeForm(data={"request_type": answers.get("request_type")})
    if form.validate_on_submit():
        if draft is None:
            draft = journey.new_draft()
        answers["request_type"] = form.request_type.data
        return _done(draft, answers)
    return render_template(
        "public/type.html",
        form=form,
        back=_back(answers, "type"),
        title=form.request_type.label.text,
    )


@bp.route("/request/who", methods=["GET", "POST"])
@public_endpoint
def who() -> str | Response:
    """Who the information is about."""
    draft, answers = _draft_for("who")
    form = WhoForm(data={"who": answers.get("who")})
    if form.validate_on_submit():
        choice = form.who.data
        answers["who"] = choice
        if choice == WHO_SELF:
            for key in ("relationship", "relationship_detail", "requester_name", "more_children"):
                answers.pop(key, None)
            answers["subjects"] = (answers.get("subjects") or [])[:1]
        elif choice != WHO_CHILD:
            answers.pop("more_children", None)
            answers["subjects"] = (answers.get("subjects") or [])[:1]
        return _done(draft, answers)
    return render_template(
        "public/who.html", form=form, back=_back(answers, "who"), title=form.who.label.text
    )


@bp.route("/request/relationship", methods=["GET", "POST"])
@public_endpoint
def relationship() -> str | Response:
    """The requester's relationship to the person the information is about."""
    draft, answers = _draft_for("relationship")
    form = RelationshipForm(
        data={
            "relationship": answers.get("relationship"),
            "relationship_detail": answers.get("relationship_detail"),
        }
    )
    if answers.get("who") == WHO_CHILD:
        form.relationship.choices = [
            (r.value, r.label)
            for r in (
                Relationship.PARENT,
                Relationship.CARER,
                Relationship.SOLICITOR,
                Relationship.ADVOCATE,
                Relationship.OTHER,
            )
        ]
    if form.validate_on_submit():
        answers["relationship"] = form.relationship.data
        answers["relationship_detail"] = (
            form.relationship_detail.data if form.relationship.data == Relationship.OTHER else ""
        )
        return _done(draft, answers)
    return render_template(
        "public/relationship.html",
        form=form,
        back=_back(answers, "relationship"),
        title=form.relationship.label.text,
    )


@bp.route("/request/your-name", methods=["GET", "POST"])
@public_endpoint
def your_name() -> str | Response:
    """The requester's own name (when asking for someone else)."""
    draft, answers = _draft_for("your-name")
    form = YourNameForm(data={"full_name": answers.get("requester_name")})
    if form.validate_on_submit():
        answers["requester_name"] = form.full_name.data
        return _done(draft, answers)
    return render_template(
        "public/your_name.html",
        form=form,
        back=_back(answers, "your-name"),
        title=form.full_name.label.text,
    )


def _person(i: int, part: str) -> tuple[IntakeDraft, dict[str, Any], dict[str, Any]]:
    draft, answers = _draft_for(f"person-{i}-{part}")
    subjects = answers.setdefault("subjects", [])
    if i >= len(subjects):
        subjects.append({"done": []})
    return draft, answers, subjects[i]


def _person_done(
    draft: IntakeDraft, answers: dict[str, Any], subject: dict[str, Any], part: str
) -> Response:
    done = subject.setdefault("done", [])
    if part not in done:
        done.append(part)
    return _done(draft, answers)


def _person_page(
    template: str, form: FlaskForm, answers: dict[str, Any], i: int, part: str, title: str
) -> str:
    return render_template(
        f"public/{template}.html",
        form=form,
        back=_back(answers, f"person-{i}-{part}"),
        title=title,
        index=i,
        can_remove=answers.get("who") == WHO_CHILD and i > 0,
        **_subject_word(answers, i),
    )


@bp.route("/request/person/<int:i>/name", methods=["GET", "POST"])
@public_endpoint
def person_name(i: int) -> str | Response:
    """The person's names: current, previous and other names."""
    draft, answers, subject = _person(i, "name")
    form = SubjectNameForm(
        data={
            "first_names": subject.get("first_names"),
            "last_name": subject.get("last_name"),
            "previous_names": "\n".join(subject.get("previous_names") or []),
            "aliases": "\n".join(subject.get("aliases") or []),
        }
    )
    if form.validate_on_submit():
        subject["first_names"] = form.first_names.data
        subject["last_name"] = form.last_name.data
        subject["previous_names"] = split_lines(form.previous_names.data)
        subject["aliases"] = split_lines(form.aliases.data)
        return _person_done(draft, answers, subject, "name")
    words = _subject_word(answers, i)
    return _person_page(
        "person_name", form, answers, i, "name", f"What is {words['possessive']} name?"
    )


@bp.route("/request/person/<int:i>/date-of-birth", methods=["GET", "POST"])
@public_endpoint
def person_dob(i: int) -> str | Response:
    """The person's date of birth."""
    draft, answers, subject = _person(i, "dob")
    stored = subject.get("date_of_birth")
    form = DateOfBirthForm(data={"date_of_birth": date.fromisoformat(stored) if stored else None})
    if form.validate_on_submit():
        subject["date_of_birth"] = form.date_of_birth.data.isoformat()
        return _person_done(draft, answers, subject, "dob")
    words = _subject_word(answers, i)
    return _person_page(
        "person_dob", form, answers, i, "dob", f"What is {words['possessive']} date of birth?"
    )


@bp.route("/request/person/<int:i>/address", methods=["GET", "POST"])
@public_endpoint
def person_address(i: int) -> str | Response:
    """The person's address."""
    draft, answers, subject = _person(i, "address")
    form = AddressForm(
        data={"address": subject.get("address"), "postcode": subject.get("postcode")}
    )
    if form.validate_on_submit():
        subject["address"] = form.address.data
        subject["postcode"] = form.postcode.data or ""
        return _person_done(draft, answers, subject, "address")
    words = _subject_word(answers, i)
    return _person_page(
        "person_address", form, answers, i, "address", f"What is {words['possessive']} address?"
    )


@bp.route("/request/person/<int:i>/references", methods=["GET", "POST"])
@public_endpoint
def person_references(i: int) -> str | Response:
    """Reference numbers the requester may know."""
    draft, answers, subject = _person(i, "references")
    form = ReferencesForm(
        data={k: subject.get(k) for k in ("social_care_number", "nhs_number", "other_references")}
    )
    if form.validate_on_submit():
        subject["social_care_number"] = form.social_care_number.data or ""
        subject["nhs_number"] = form.nhs_number.data or ""
        subject["other_references"] = form.other_references.data or ""
        return _person_done(draft, answers, subject, "references")
    return _person_page(
        "person_references",
        form,
        answers,
        i,
        "references",
        "Do you know any reference numbers?",
    )


@bp.route("/request/person/<int:i>/remove", methods=["POST"])
@public_endpoint
def person_remove(i: int) -> Response:
    """Take a child off the request (there is always at least one person)."""
    draft = journey.load_draft()
    if draft is None:
        return redirect(url_for("public.request_type"))
    answers = copy.deepcopy(draft.answers or {})
    subjects = answers.get("subjects") or []
    if answers.get("who") == WHO_CHILD and 0 < i < len(subjects):
        del subjects[i]
        answers.pop("more_children", None)
        journey.save(draft, answers)
        db.session.commit()
    return redirect(journey.next_page(answers))


@bp.route("/request/add-another", methods=["GET", "POST"])
@public_endpoint
def add_another() -> str | Response:
    """The GOV.UK 'add another' question: after a child's details, another child?"""
    draft, answers = _draft_for("add-another")
    subjects = answers.get("subjects") or []
    form = AddAnotherForm()
    if form.validate_on_submit():
        if form.add_another.data == "yes":
            if len(subjects) >= journey.MAX_CHILDREN:
                add_error(
                    form,
                    form.add_another,
                    f"You can add up to {journey.MAX_CHILDREN} children in one request",
                )
            else:
                subjects.append({"done": []})
                answers.pop("more_children", None)
                journey.save(draft, answers)
                db.session.commit()
                return redirect(url_for("public.person_name", i=len(subjects) - 1))
        else:
            answers["more_children"] = "no"
            return _done(draft, answers)
    return render_template(
        "public/add_another.html",
        form=form,
        back=_back(answers, "add-another"),
        title="Children you are asking about",
        subjects=subjects,
        remove_form=RemoveUploadForm(),
    )


@bp.route("/request/contact", methods=["GET", "POST"])
@public_endpoint
def contact() -> str | Response:
    """How to reach the requester."""
    draft, answers = _draft_for("contact")
    stored = dict(answers.get("contact") or {})
    if not stored and answers.get("who") == WHO_SELF:
        first = (answers.get("subjects") or [{}])[0]
        stored = {"address": first.get("address"), "postcode": first.get("postcode")}
    form = ContactForm(data=stored)
    if form.validate_on_submit():
        answers["contact"] = {
            "contact_preference": form.contact_preference.data,
            "email": (form.email.data or "").lower(),
            "phone": form.phone.data or "",
            "address": form.address.data or "",
            "postcode": form.postcode.data or "",
        }
        return _done(draft, answers)
    return render_template(
        "public/contact.html",
        form=form,
        back=_back(answers, "contact"),
        title=form.contact_preference.label.text,
    )


@bp.route("/request/details", methods=["GET", "POST"])
@public_endpoint
def details() -> str | Response:
    """What the requester wants: depends on the type of request."""
    draft, answers = _draft_for("details")
    kind = journey.request_type(answers)
    key = f"details_{kind.value}"
    form = DETAILS_FORMS[kind](data=answers.get(key) or {})
    if form.validate_on_submit():
        answers[key] = {
            name: field.data
            for name, field in form._fields.items()
            if name not in ("submit", "csrf_token")
        }
        return _done(draft, answers)
    titles = {
        RequestType.ACCESS: "What information do you want?",
        RequestType.RECTIFICATION: "What needs correcting?",
        RequestType.ERASURE: "What do you want deleted?",
    }
    return render_template(
        f"public/details_{kind.value}.html",
        form=form,
        back=_back(answers, "details"),
        title=titles[kind],
    )


@bp.route("/request/evidence", methods=["GET", "POST"])
@public_endpoint
def evidence_page() -> str | Response:
    """Optional proof of identity or authority, uploaded now or later."""
    draft, answers = _draft_for("evidence")
    uploads = list(draft.uploads or [])
    form = EvidenceForm()
    if form.validate_on_submit():
        files = form.chosen_files()
        going_on = request.form.get("action") == "continue"
        if files:
            if form.kind.data not in {k.value for k in EvidenceKind}:
                add_error(form, form.kind, "Select what you are sending")
            else:
                room = current_app.config["UPLOAD_MAX_FILES"] - len(uploads)
                try:
                    stored = store_all(files, room)
                except UploadRejected as exc:
                    add_error(form, form.files, str(exc))
                else:
                    uploads += [
                        {
                            "kind": form.kind.data,
                            "stored_name": u.stored_name,
                            "filename": u.original_filename,
                            "content_type": u.content_type,
                            "size": u.size,
                            "sha256": u.sha256,
                        }
                        for u in stored
                    ]
                    journey.save_uploads(draft, uploads)
                    if going_on:
                        answers["evidence_done"] = True
                        return _done(draft, answers)
                    db.session.commit()
                    return redirect(url_for("public.evidence_page"))
        elif going_on:
            answers["evidence_done"] = True
            return _done(draft, answers)
        else:
            add_error(form, form.files, "Select a file to upload")
    return render_template(
        "public/evidence.html",
        form=form,
        back=_back(answers, "evidence"),
        title="Proof of identity or authority (optional)",
        uploads=uploads,
        kinds={k.value: k.label for k in EvidenceKind},
        remove_form=RemoveUploadForm(),
        max_files=current_app.config["UPLOAD_MAX_FILES"],
        who=answers.get("who"),
    )


@bp.route("/request/evidence/<stored_name>/remove", methods=["POST"])
@public_endpoint
def evidence_remove(stored_name: str) -> Response:
    """Remove an uploaded file from the draft and from the disk."""
    draft = journey.load_draft()
    if draft is None:
        return redirect(url_for("public.request_type"))
    form = RemoveUploadForm()
    if form.validate_on_submit():
        uploads = list(draft.uploads or [])
        kept = [u for u in uploads if u["stored_name"] != stored_name]
        if len(kept) != len(uploads):
            evidence.discard(current_app.config["UPLOAD_DIR"], stored_name)
            journey.save_uploads(draft, kept)
            db.session.commit()
    return redirect(url_for("public.evidence_page"))


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
        title = _subject_word(answers, i)["caption"]
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
