"""Gathering and detection pages: search the records, decide the scope, the party list,
progress of the background work."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from sqlalchemy import func, select
from werkzeug.wrappers import Response
from wtforms import (
    BooleanField,
    DecimalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, NumberRange, Optional

from portal.access import roles_required
from portal.extensions import db
from portal.formfields import Clean
from portal.models import (
    Candidate,
    CandidateDecision,
    Document,
    DocumentWork,
    FindingRecord,
    RequestParty,
    RequestStatus,
    RequestType,
    Role,
    SearchRun,
)
from portal.services import detection, gathering, jobs, lifecycle
from portal.services.errors import ServiceError
from portal.staff.views import actor, get_request_or_404

bp = Blueprint("records", __name__, url_prefix="/staff/requests")

S = RequestStatus


class RemovePartyForm(FlaskForm):
    """Take one person off the party list."""

    remove = IntegerField("Person", validators=[InputRequired("Choose the person to remove")])


class ScopeDecisionForm(FlaskForm):
    """Include or exclude the selected candidates, or every undecided one above a score."""

    decision = SelectField(
        "Decision",
        choices=[("included", "Include"), ("excluded", "Exclude")],
        validators=[InputRequired("Choose include or exclude")],
    )
    candidate = SelectMultipleField("Documents", coerce=int, validate_choice=False)
    min_score = DecimalField(
        "Include every undecided document scoring at least",
        places=None,
        validators=[Optional(), NumberRange(0, 1, "Give a score between 0 and 1")],
    )


class PartyForm(FlaskForm):
    """A person on the request's party list."""

    names = TextAreaField(
        "Names",
        description="One per line: full name first, then other names and spellings",
        widget=GovTextArea(),
        validators=[
            InputRequired("Enter at least one name"),
            Clean(2000, multiline=True, what="The names"),
        ],
    )
    role = StringField(
        "Role",
        description="For example: mother, sibling, social worker",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the role"), Clean(60, what="The role")],
    )
    professional = BooleanField(
        "Acting in a professional role (shown, normally not withheld)", widget=GovCheckboxInput()
    )
    submit = SubmitField("Save person", widget=GovSubmitInput())


@bp.route("/<int:request_id>/progress.json")
@roles_required(Role.CASEWORKER, Role.APPROVER)
def progress(request_id: int) -> Response:
    """Progress of the background work, polled by the case page."""
    req = get_request_or_404(request_id)
    return jsonify(jobs.work_status(req.id))


@bp.route("/<int:request_id>/search", methods=["POST"])
@roles_required(Role.CASEWORKER)
def start_search(request_id: int) -> Response:
    """Search the records for the data subject (a background job)."""
    req = get_request_or_404(request_id)
    try:
        if req.type is not RequestType.ACCESS:
            raise ServiceError("Only access requests gather records")
        if req.status is S.IN_PROGRESS:
            lifecycle.fire(req, "start_search", actor(), "records search started")
        elif req.status is not S.GATHERING:
            raise ServiceError("Records can be searched while the request is in progress")
        jobs.start("gather", req.id)
    except ServiceError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash("Searching the records", "success")
    return redirect(url_for("records.scope", request_id=req.id))


@bp.route("/<int:request_id>/scope", methods=["GET", "POST"])
@roles_required(Role.CASEWORKER, Role.APPROVER)
def scope(request_id: int) -> str | Response:
    """The candidate documents, why each matched, and the caseworker's decisions."""
    req = get_request_or_404(request_id)
    if request.method == "POST":
        if not current_user.has_role(Role.CASEWORKER):
            abort(403)
        form = ScopeDecisionForm()
        try:
            if not form.validate_on_submit():
                raise ServiceError(next(iter(form.errors.values()))[0])
            decision = form.decision.data or ""
            ids = list(form.candidate.data or [])
            if form.min_score.data is not None:
                ids = list(
                    db.session.scalars(
                        select(Candidate.id).where(
                            Candidate.request_id == req.id,
                            Candidate.score >= float(form.min_score.data),
                            Candidate.decision == CandidateDecision.PENDING,
                        )
                    )
                )
            if not ids:
                raise ServiceError("Select at least one document")
            changed = gathering.decide(req.id, ids, decision, actor())
        except ServiceError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(
                f"{changed} document(s) marked {CandidateDecision(decision).label.lower()}",
                "success",
            )
        return redirect(url_for("records.scope", request_id=req.id))
    candidates = list(
        db.session.scalars(
            select(Candidate)
            .where(Candidate.request_id == req.id)
            .order_by(Candidate.score.desc(), Candidate.document_id)
        )
    )
    run = db.session.scalar(
        select(SearchRun)
        .where(SearchRun.request_id == req.id)
        .order_by(SearchRun.id.desc())
        .limit(1)
    )
    counts = {
        d: sum(c.decision == d for c in candidates) for d in ("pending", "included", "excluded")
    }
    return render_template(
        "staff/scope.html",
        req=req,
        candidates=candidates,
        run=run,
        counts=counts,
        status=jobs.work_status(req.id),
        title="Records in scope",
    )


@bp.route("/<int:request_id>/scope/confirm", methods=["POST"])
@roles_required(Role.CASEWORKER)
def confirm(request_id: int) -> Response:
    """Confirm the scope and start finding redactions."""
    req = get_request_or_404(request_id)
    try:
        detection.confirm_scope(req.id, actor())
        jobs.start("detect", req.id)
    except ServiceError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("records.scope", request_id=req.id))
    db.session.commit()
    flash("Scope confirmed: finding redactions in the background", "success")
    return redirect(url_for("staff.case", request_id=req.id) + "#records")


@bp.route("/<int:request_id>/detect", methods=["POST"])
@roles_required(Role.CASEWORKER)
def rerun_detection(request_id: int) -> Response:
    """Process documents still waiting (e.g. after a failed job)."""
    req = get_request_or_404(request_id)
    try:
        jobs.start("detect", req.id)
    except ServiceError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash("Finding redactions in the background", "success")
    return redirect(url_for("staff.case", request_id=req.id) + "#records")


@bp.route("/<int:request_id>/documents")
@roles_required(Role.CASEWORKER, Role.APPROVER)
def documents(request_id: int) -> str:
    """Documents in scope: status, pages, findings by kind, manual handling reasons."""
    req = get_request_or_404(request_id)
    works = list(
        db.session.scalars(
            select(DocumentWork)
            .where(DocumentWork.request_id == req.id)
            .order_by(DocumentWork.document_id)
        )
    )
    rows = db.session.execute(
        select(FindingRecord.document_id, FindingRecord.kind, func.count())
        .where(FindingRecord.request_id == req.id)
        .group_by(FindingRecord.document_id, FindingRecord.kind)
    ).all()
    by_doc: dict[int, dict[str, int]] = {}
    for doc_id, kind, count in rows:
        by_doc.setdefault(doc_id, {})[kind] = count
    return render_template(
        "staff/documents.html",
        req=req,
        works=works,
        by_doc=by_doc,
        status=jobs.work_status(req.id),
        title="Documents in scope",
    )


@bp.route("/<int:request_id>/parties", methods=["GET", "POST"])
@roles_required(Role.CASEWORKER, Role.APPROVER)
def parties(request_id: int) -> str | Response:
    """The known people used for detection, editable by the caseworker."""
    req = get_request_or_404(request_id)
    form = PartyForm()
    if request.method == "POST":
        if not current_user.has_role(Role.CASEWORKER):
            abort(403)
        try:
            removal = RemovePartyForm()
            if "remove" in request.form:
                if not removal.validate_on_submit():
                    raise ServiceError("Choose the person to remove")
                gathering.remove_party(req.id, int(removal.remove.data or 0), actor())
                message = "Person removed from the list"
            elif form.validate_on_submit():
                names = (form.names.data or "").splitlines()
                gathering.add_party(
                    req.id, names, form.role.data or "", bool(form.professional.data), actor()
                )
                message = "Person added"
            else:
                message = ""
        except ServiceError as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return redirect(url_for("records.parties", request_id=req.id))
        if message:
            db.session.commit()
            flash(message, "success")
            return redirect(url_for("records.parties", request_id=req.id))
    people = list(
        db.session.scalars(
            select(RequestParty)
            .where(RequestParty.request_id == req.id)
            .order_by(RequestParty.subject.desc(), RequestParty.professional, RequestParty.id)
        )
    )
    return render_template(
        "staff/parties.html", req=req, people=people, form=form, title="People in this request"
    )


def document_title(document: Document) -> str:
    """A short label for a document."""
    return f"{document.external_id}: {document.title}"
