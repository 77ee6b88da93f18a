"""Release pages: build and check the pack, approve or send back, release, delivery by phone
code or post, and a preview of exactly the requester's PDF."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from portal.access import roles_required
from portal.extensions import db
from portal.models import DeliveryLink, DocumentWork, Role
from portal.services import jobs, release
from portal.services.errors import NotFound, ServiceError
from portal.staff.forms import IndexTitleForm, PackDecisionForm, PhoneCodeForm
from portal.staff.views import actor, get_request_or_404

bp = Blueprint("release", __name__, url_prefix="/staff/requests")


def _back(request_id: int) -> Response:
    return redirect(url_for("release.overview", request_id=request_id))


def _run(request_id: int, what: str, step: object) -> Response:
    """Call a service step, commit, and say how it went."""
    try:
        step()  # type: ignore[operator]
    except ServiceError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(what, "success")
    return _back(request_id)


@bp.route("/<int:request_id>/release")
@roles_required(Role.CASEWORKER, Role.APPROVER)
def overview(request_id: int) -> str:
    """The pack versions, the verification report, titles and the next step."""
    req = get_request_or_404(request_id)
    works = list(
        db.session.scalars(
            select(DocumentWork)
            .where(DocumentWork.request_id == request_id)
            .order_by(DocumentWork.document_id)
        )
    )
    links = list(
        db.session.scalars(
            select(DeliveryLink)
            .where(DeliveryLink.pack_id.in_([p.id for p in release.packs(request_id)] or [0]))
            .order_by(DeliveryLink.id.desc())
        )
    )
    latest = release.latest(request_id)
    leaks = []
    if latest is not None and latest.status == "failed" and current_user.has_role(Role.CASEWORKER):
        # what could still be read, on this screen only (never stored or logged)
        leaks = release.leak_details(latest.id)
    return render_template(
        "staff/release.html",
        title=f"Release {req.reference}",
        req=req,
        packs=release.packs(request_id),
        latest=latest,
        leaks=leaks,
        works=works,
        job=jobs.describe(jobs.latest("release", request_id)),
        links=links,
        code=None,
        summary=release.approval_summary(request_id)
        if latest is not None and latest.status == "built"
        else None,
    )


@bp.route("/<int:request_id>/release/build", methods=["POST"])
@roles_required(Role.CASEWORKER)
def build(request_id: int) -> Response:
    """Build a new version of the pack (a background job)."""
    get_request_or_404(request_id)
    return _run(request_id, "Building the pack", lambda: release.start_build(request_id, actor()))


@bp.route("/<int:request_id>/release/titles", methods=["POST"])
@roles_required(Role.CASEWORKER)
def titles(request_id: int) -> Response:
    """Replace a document's title in the index (from the next build)."""
    get_request_or_404(request_id)
    form = IndexTitleForm()
    if not form.validate_on_submit():
        flash(next(iter(form.errors.values()))[0], "error")
        return _back(request_id)
    return _run(
        request_id,
        "Title saved: build the pack again to use it",
        lambda: release.set_title(
            request_id, int(form.document_id.data or 0), form.title.data, actor()
        ),
    )


@bp.route("/<int:request_id>/release/submit", methods=["POST"])
@roles_required(Role.CASEWORKER)
def submit(request_id: int) -> Response:
    """Send the newest built pack for approval."""
    get_request_or_404(request_id)
    return _run(
        request_id, "Sent for approval", lambda: release.request_approval(request_id, actor())
    )


@bp.route("/<int:request_id>/release/packs/<int:pack_id>/decide", methods=["POST"])
@roles_required(Role.APPROVER)
def decide(request_id: int, pack_id: int) -> Response:
    """Approve the pack, or send it back with a comment."""
    get_request_or_404(request_id)
    form = PackDecisionForm()
    if not form.validate_on_submit():
        flash(next(iter(form.errors.values()))[0], "error")
        return _back(request_id)
    comment = form.comment.data or ""
    if form.decision.data == "approve":
        return _run(
            request_id,
            "Pack approved",
            lambda: release.approve(request_id, pack_id, actor(), comment),
        )
    return _run(
        request_id,
        "Pack sent back to review",
        lambda: release.send_back(request_id, pack_id, actor(), comment),
    )


@bp.route("/<int:request_id>/release/packs/<int:pack_id>/release", methods=["POST"])
@roles_required(Role.CASEWORKER, Role.APPROVER)
def send(request_id: int, pack_id: int) -> Response:
    """Release the approved pack: the requester is emailed a download link."""
    get_request_or_404(request_id)
    return _run(
        request_id,
        "Pack released: the requester has been sent a download link",
        lambda: release.release(request_id, pack_id, actor()),
    )


@bp.route("/<int:request_id>/release/packs/<int:pack_id>/preview")
@roles_required(Role.CASEWORKER, Role.APPROVER)
def preview(request_id: int, pack_id: int) -> Response:
    """Exactly the PDF the requester gets (audited)."""
    get_request_or_404(request_id)
    try:
        path = release.preview(request_id, pack_id, actor())
    except NotFound:
        abort(404)
    except ServiceError as exc:
        db.session.commit()  # keep the audit of a changed file
        flash(str(exc), "error")
        return _back(request_id)
    db.session.commit()
    return send_file(path, mimetype="application/pdf", max_age=0)


@bp.route("/<int:request_id>/release/code", methods=["GET", "POST"])
@roles_required(Role.CASEWORKER, Role.PHONE_STAFF)
def phone_code(request_id: int) -> str | Response:
    """A fresh one-time code to read out to the requester on the phone, once staff say how they
    checked the caller's identity (audited, without the code). Staff never see the link."""
    req = get_request_or_404(request_id)
    form = PhoneCodeForm()
    code = None
    if form.validate_on_submit():
        try:
            code = release.staff_code(request_id, actor(), form.identity_check.data or "")
        except ServiceError as exc:
            db.session.rollback()
            form.identity_check.errors = [str(exc)]
        else:
            db.session.commit()
    return render_template(
        "staff/release_code.html", title="One-time code", req=req, form=form, code=code
    )


@bp.route("/<int:request_id>/release/posted", methods=["POST"])
@roles_required(Role.CASEWORKER)
def posted(request_id: int) -> Response:
    """Record that a print copy was posted (closes the request)."""
    get_request_or_404(request_id)
    return _run(
        request_id,
        "Posting recorded; the request is closed",
        lambda: release.mark_posted(request_id, actor()),
    )
