"""The online form's questions, one page each: type of request, who it is about, relationship,
your name, each person's name, date of birth, address and reference numbers, another child,
contact details, what is asked for. The answers are kept in the draft (journey.py).

The helpers here are shared by every page of the form: draft_for (the draft, or a redirect to the
question to answer first), back_link, save_and_continue, subject_word.
"""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from flask import abort, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from portal.access import public_endpoint
from portal.extensions import db
from portal.models import IntakeDraft, Relationship, RequestType
from portal.public import journey
from portal.public.blueprint import add_error, bp
from portal.public.forms import (
    DETAILS_FORMS,
    WHO_CHILD,
    WHO_SELF,
    AddAnotherForm,
    AddressForm,
    ContactForm,
    DateOfBirthForm,
    ReferencesForm,
    RelationshipForm,
    RemoveUploadForm,
    SubjectNameForm,
    TypeForm,
    WhoForm,
    YourNameForm,
    split_lines,
)

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


def draft_for(key: str) -> tuple[IntakeDraft, dict[str, Any]]:
    """The draft, or a redirect to where the requester should be (raised)."""
    draft = journey.load_draft()
    if draft is None:
        abort(redirect(url_for("public.request_type")))
    answers = copy.deepcopy(draft.answers or {})
    elsewhere = journey.gate(answers, key)
    if elsewhere is not None:
        abort(redirect(elsewhere))
    return draft, answers


def back_link(answers: dict[str, Any], key: str) -> str:
    """The Back link: to the check page when changing an answer, else the question before."""
    if request.args.get("change"):
        return url_for("public.check")
    return journey.previous(answers, key)


def save_and_continue(draft: IntakeDraft, answers: dict[str, Any]) -> Response:
    """Keep the answers; on to the first question still open, else check your answers."""
    journey.save(draft, answers)
    db.session.commit()
    return redirect(journey.next_page(answers))


def subject_word(answers: dict[str, Any], i: int) -> dict[str, str]:
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
        return save_and_continue(draft, answers)
    return render_template(
        "public/type.html",
        form=form,
        back=back_link(answers, "type"),
        title=form.request_type.label.text,
    )


@bp.route("/request/who", methods=["GET", "POST"])
@public_endpoint
def who() -> str | Response:
    """Who the information is about."""
    draft, answers = draft_for("who")
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
        return save_and_continue(draft, answers)
    return render_template(
        "public/who.html", form=form, back=back_link(answers, "who"), title=form.who.label.text
    )


@bp.route("/request/relationship", methods=["GET", "POST"])
@public_endpoint
def relationship() -> str | Response:
    """The requester's relationship to the person the information is about."""
    draft, answers = draft_for("relationship")
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
        return save_and_continue(draft, answers)
    return render_template(
        "public/relationship.html",
        form=form,
        back=back_link(answers, "relationship"),
        title=form.relationship.label.text,
    )


@bp.route("/request/your-name", methods=["GET", "POST"])
@public_endpoint
def your_name() -> str | Response:
    """The requester's own name (when asking for someone else)."""
    draft, answers = draft_for("your-name")
    form = YourNameForm(data={"full_name": answers.get("requester_name")})
    if form.validate_on_submit():
        answers["requester_name"] = form.full_name.data
        return save_and_continue(draft, answers)
    return render_template(
        "public/your_name.html",
        form=form,
        back=back_link(answers, "your-name"),
        title=form.full_name.label.text,
    )


def _person(i: int, part: str) -> tuple[IntakeDraft, dict[str, Any], dict[str, Any]]:
    draft, answers = draft_for(f"person-{i}-{part}")
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
    return save_and_continue(draft, answers)


def _person_page(
    template: str, form: FlaskForm, answers: dict[str, Any], i: int, part: str, title: str
) -> str:
    return render_template(
        f"public/{template}.html",
        form=form,
        back=back_link(answers, f"person-{i}-{part}"),
        title=title,
        index=i,
        can_remove=answers.get("who") == WHO_CHILD and i > 0,
        **subject_word(answers, i),
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
    words = subject_word(answers, i)
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
    words = subject_word(answers, i)
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
    words = subject_word(answers, i)
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
    draft, answers = draft_for("add-another")
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
            return save_and_continue(draft, answers)
    return render_template(
        "public/add_another.html",
        form=form,
        back=back_link(answers, "add-another"),
        title="Children you are asking about",
        subjects=subjects,
        remove_form=RemoveUploadForm(),
    )


@bp.route("/request/contact", methods=["GET", "POST"])
@public_endpoint
def contact() -> str | Response:
    """How to reach the requester."""
    draft, answers = draft_for("contact")
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
        return save_and_continue(draft, answers)
    return render_template(
        "public/contact.html",
        form=form,
        back=back_link(answers, "contact"),
        title=form.contact_preference.label.text,
    )


@bp.route("/request/details", methods=["GET", "POST"])
@public_endpoint
def details() -> str | Response:
    """What the requester wants: depends on the type of request."""
    draft, answers = draft_for("details")
    kind = journey.request_type(answers)
    key = f"details_{kind.value}"
    form = DETAILS_FORMS[kind](data=answers.get(key) or {})
    if form.validate_on_submit():
        answers[key] = {
            name: field.data
            for name, field in form._fields.items()
            if name not in ("submit", "csrf_token")
        }
        return save_and_continue(draft, answers)
    titles = {
        RequestType.ACCESS: "What information do you want?",
        RequestType.RECTIFICATION: "What needs correcting?",
        RequestType.ERASURE: "What do you want deleted?",
    }
    return render_template(
        f"public/details_{kind.value}.html",
        form=form,
        back=back_link(answers, "details"),
        title=titles[kind],
    )
