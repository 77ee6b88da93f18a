"""Staff pages: the case list, a case, its actions, logging a request received offline."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from portal import clock
from portal.access import roles_required
from portal.extensions import db
from portal.models import (
    AuditEvent,
    Channel,
    ContactPreference,
    Evidence,
    OutboxMessage,
    Relationship,
    Request,
    RequestStatus,
    RequestType,
    Role,
)
from portal.models.enums import CLOSED_STATUSES
from portal.services import (
    audit,
    deadlines,
    intake,
    letters,
    lifecycle,
    settings,
    users,
    workflow,
)
from portal.services.actor import Actor
from portal.services.errors import ServiceError
from portal.staff import audit_trail
from portal.staff.actions import ACTIONS, available_actions
from portal.staff.forms import (
    AssignForm,
    CaseFilterForm,
    ChildViewsForm,
    DatedForm,
    LogRequestForm,
    NoteForm,
)
from portal.timeutil import COUNCIL_TZ, as_utc, council_today

bp = Blueprint("staff", __name__, url_prefix="/staff")

CASEWORK = (Role.CASEWORKER,)
SEE_ALL = (Role.CASEWORKER, Role.APPROVER)
ANY_CASE_ROLE = (Role.PHONE_STAFF, Role.CASEWORKER, Role.APPROVER)


def actor() -> Actor:
    """The signed-in member of staff as a service actor."""
    return Actor.staff(current_user)


def get_request_or_404(request_id: int) -> Request:
    """The request, if the signed-in user may see it: phone staff only see what they logged."""
    req = db.session.get(Request, request_id)
    if req is None:
        abort(404)
    if current_user.has_role(*SEE_ALL):
        return req
    if current_user.has_role(Role.PHONE_STAFF) and req.logged_by_id == current_user.id:
        return req
    abort(404)


@dataclass(frozen=True)
class Row:
    """One line of the case list."""

    request: Request
    days_left: int | None
    rag: str | None


def _rows(requests: list[Request]) -> list[Row]:
    today = council_today()
    division = settings.holiday_division()
    extra = settings.extra_holidays()
    rows = []
    for r in requests:
        if r.due_date is None or not r.status.is_open:
            rows.append(Row(r, None, None))
            continue
        left = clock.working_days_between(
            today, r.due_date, extra_holidays=extra, division=division
        )
        rows.append(Row(r, left, deadlines.rag(left)))
    return rows


@bp.route("/requests")
@roles_required(*SEE_ALL)
def cases() -> str:
    """Every request, filtered, soonest due first."""
    form = CaseFilterForm(request.args)
    workers = users.caseworkers()
    form.caseworker.choices = [("", "Anyone"), ("none", "Unassigned")] + [
        (str(u.id), u.full_name) for u in workers
    ]
    query = select(Request)
    if form.type.data in {t.value for t in RequestType}:
        query = query.where(Request.type == RequestType(form.type.data))
    status = request.args.get("status", "open")
    if status == "open":
        query = query.where(Request.status.not_in(list(CLOSED_STATUSES)))
    elif status in {s.value for s in RequestStatus}:
        query = query.where(Request.status == RequestStatus(status))
    if form.caseworker.data == "none":
        query = query.where(Request.assigned_to_id.is_(None))
    elif (form.caseworker.data or "").isdigit():
        query = query.where(Request.assigned_to_id == int(form.caseworker.data))
    query = query.order_by(Request.due_date.asc().nulls_last(), Request.id)
    rows = _rows(list(db.session.scalars(query)))

    within = (form.due_within.data or "").strip()
    error = None
    if within:
        if within.isdigit():
            rows = [r for r in rows if r.days_left is not None and r.days_left <= int(within)]
        else:
            error = "Due within must be a whole number of working days, like 10"
    if form.overdue.data:
        rows = [r for r in rows if r.days_left is not None and r.days_left < 0]
    return render_template(
        "staff/cases.html", rows=rows, filters=form, filter_error=error, title="Requests"
    )


@bp.route("/my-requests")
@roles_required(Role.PHONE_STAFF)
def my_requests() -> str:
    """Requests this member of phone staff logged."""
    requests = list(
        db.session.scalars(
            select(Request)
            .where(Request.logged_by_id == current_user.id)
            .order_by(Request.id.desc())
        )
    )
    return render_template(
        "staff/my_requests.html", rows=_rows(requests), title="Requests I logged"
    )


@bp.route("/requests/<int:request_id>")
@roles_required(*ANY_CASE_ROLE)
def case(request_id: int) -> str:
    """One request: people, evidence, the clock with its working, notes, audit trail."""
    req = get_request_or_404(request_id)
    # Looking at a request's personal data is itself audited.
    audit.record(actor(), "viewed", req.id)
    state = deadlines.clock_state(req)
    days_left = state.working_days_left() if req.status.is_open else None
    trail = audit_trail.describe(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.request_id == req.id).order_by(AuditEvent.id)
        )
    )
    messages = list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.request_id == req.id)
            .order_by(OutboxMessage.id)
        )
    )
    db.session.commit()
    return render_template(
        "staff/case.html",
        req=req,
        state=state,
        days_left=days_left,
        rag=deadlines.rag(days_left) if days_left is not None else None,
        trail=trail,
        messages=messages,
        actions=available_actions(req, actor()),
        note_form=NoteForm(),
        can_work=current_user.has_role(Role.CASEWORKER),
        status=_work_status(req),
        title=f"{req.reference}",
    )


def _work_status(req: Request) -> dict[str, Any] | None:
    if req.type is not RequestType.ACCESS:
        return None
    from portal.services import jobs

    return jobs.work_status(req.id)


@bp.route("/requests/<int:request_id>/evidence/<int:evidence_id>")
@roles_required(*CASEWORK, Role.APPROVER)
def evidence_file(request_id: int, evidence_id: int) -> Response:
    """Download an evidence file (audited)."""
    req = get_request_or_404(request_id)
    item = db.session.get(Evidence, evidence_id)
    if item is None or item.request_id != req.id:
        abort(404)
    audit.record(actor(), "evidence_viewed", req.id, evidence_id=item.id)
    db.session.commit()
    return send_from_directory(
        current_app.config["UPLOAD_DIR"],
        os.path.basename(item.stored_name),
        mimetype=item.content_type,
        as_attachment=True,
        download_name=item.original_filename,
    )


@bp.route("/requests/<int:request_id>/notes", methods=["POST"])
@roles_required(Role.PHONE_STAFF, Role.CASEWORKER)
def add_note(request_id: int) -> Response:
    """Add a note to a request."""
    req = get_request_or_404(request_id)
    form = NoteForm()
    if form.validate_on_submit():
        workflow.add_note(req.id, actor(), form.body.data or "")
        db.session.commit()
        flash("Note added", "success")
    else:
        for errors in form.errors.values():
            flash(errors[0], "error")
    return redirect(url_for("staff.case", request_id=req.id) + "#notes")


def _default_date(req: Request, action: str) -> date:
    """Today, or for evidence the day the requester last uploaded some (its true arrival)."""
    if action == "evidence_received" and req.evidence:
        uploaded = max(e.uploaded_at for e in req.evidence)
        return as_utc(uploaded).astimezone(COUNCIL_TZ).date()
    return council_today()


@bp.route("/requests/<int:request_id>/actions/<name>", methods=["GET", "POST"])
@roles_required(*CASEWORK)
def act(request_id: int, name: str) -> str | Response:
    """Run one action on a request after confirming it."""
    req = get_request_or_404(request_id)
    name = name.replace("-", "_")
    action = ACTIONS.get(name)
    if action is None:
        abort(404)
    offer = next(
        (o for o in lifecycle.available_events(req, actor()) if o.event.name == name), None
    )
    if offer is None:
        flash(f"{action.title}: not possible now", "error")
        return redirect(url_for("staff.case", request_id=req.id))
    form = action.form()
    if isinstance(form, ChildViewsForm) and request.method == "GET":
        form.competence.data = req.child_competence_note
        form.views.data = req.child_views_note
    if isinstance(form, DatedForm) and request.method == "GET":
        form.on.data = _default_date(req, name)
    if isinstance(form, DatedForm):
        form.on.label.text = action.date_label
    preview = None
    if request.method == "POST" and request.form.get("preview") and action.letter:
        if form.validate():
            fields = action.fields(req, form) if action.fields else {}
            preview = letters.render(req, action.letter, **fields)
        return render_template(
            "staff/action.html",
            req=req,
            action=action,
            form=form,
            title=action.title,
            preview=preview,
        )
    if form.validate_on_submit():
        try:
            action.run(req, form, actor())
        except ServiceError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            db.session.commit()
            flash(f"{action.title}: done", "success")
            return redirect(url_for("staff.case", request_id=req.id))
    return render_template(
        "staff/action.html", req=req, action=action, form=form, title=action.title
    )


@bp.route("/requests/<int:request_id>/assign", methods=["GET", "POST"])
@roles_required(*CASEWORK)
def assign(request_id: int) -> str | Response:
    """Assign the request within the team."""
    req = get_request_or_404(request_id)
    form = AssignForm()
    form.caseworker.choices = [("", "Unassigned")] + [
        (str(u.id), u.full_name) for u in users.caseworkers()
    ]
    if request.method == "GET":
        form.caseworker.data = str(req.assigned_to_id or "")
    if form.validate_on_submit():
        chosen = form.caseworker.data or ""
        try:
            workflow.assign(req.id, actor(), int(chosen) if chosen.isdigit() else None)
        except ServiceError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            db.session.commit()
            flash("Assignment saved", "success")
            return redirect(url_for("staff.case", request_id=req.id))
    return render_template("staff/assign.html", req=req, form=form, title="Assign")


OTHER_CHILD = re.compile(
    r"^\s*(?P<name>[^,]+?)\s*,\s*(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})\s*$"
)


def _other_children(text: str) -> list[intake.SubjectDetails]:
    children = []
    for n, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        match = OTHER_CHILD.match(line)
        if not match:
            raise ServiceError(
                f"Other children, line {n}: write a full name, a comma, then the date of "
                "birth as DD/MM/YYYY"
            )
        try:
            born = date(int(match["y"]), int(match["m"]), int(match["d"]))
        except ValueError:
            raise ServiceError(f"Other children, line {n}: the date of birth is not real") from None
        names = match["name"].split()
        if len(names) < 2:
            raise ServiceError(f"Other children, line {n}: give a first and a last name")
        children.append(
            intake.SubjectDetails(
                first_names=" ".join(names[:-1]),
                last_name=names[-1],
                date_of_birth=born,
                is_child=True,
            )
        )
    return children


@bp.route("/log", methods=["GET", "POST"])
@roles_required(Role.PHONE_STAFF, Role.CASEWORKER)
def log_request() -> str | Response:
    """Log a request received by phone, letter, email or in person, with its true date."""
    form = LogRequestForm()
    if request.method == "GET":
        form.received_date.data = council_today()
    if form.validate_on_submit():
        try:
            other_names = [
                line.strip()
                for line in (form.subject_other_names.data or "").splitlines()
                if line.strip()
            ]
            relationship = Relationship(form.relationship.data)
            subjects = [
                intake.SubjectDetails(
                    first_names=form.subject_first_names.data or "",
                    last_name=form.subject_last_name.data or "",
                    aliases=other_names,
                    date_of_birth=form.subject_dob.data,
                    social_care_number=form.subject_social_care_number.data or None,
                    nhs_number=form.subject_nhs_number.data or None,
                    is_child=bool(form.subject_is_child.data),
                ),
                *_other_children(form.other_children.data or ""),
            ]
            kind = RequestType(form.type.data)
            description = form.description.data
            new = intake.NewRequest(
                type=kind,
                channel=Channel(form.channel.data),
                received_date=form.received_date.data,
                requester=intake.RequesterDetails(
                    full_name=form.requester_name.data or "",
                    email=form.email.data or None,
                    phone=form.phone.data or None,
                    address=form.address.data or None,
                    postcode=form.postcode.data or None,
                    contact_preference=ContactPreference(form.contact_preference.data),
                ),
                subjects=subjects,
                relationship=relationship,
                relationship_detail=form.relationship_detail.data or None,
                description=description,
                contact_notes=form.contact_notes.data or None,
            )
            created = intake.create_requests(new, actor())
        except ServiceError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            db.session.commit()
            refs = ", ".join(r.reference for r in created)
            flash(f"Request logged: {refs}", "success")
            return redirect(url_for("staff.case", request_id=created[0].id))
    return render_template("staff/log.html", form=form, title="Log a request")
