"""The status page: find a request (reference and email, or a one-time link), see it, add evidence.

A browser that proves it may see a request keeps the request's id in its session (the last
MAX_REMEMBERED of them); the status page shows only those.
"""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from portal.access import public_endpoint
from portal.extensions import db
from portal.models import EvidenceKind, Request
from portal.public.blueprint import add_error, bp
from portal.public.forms import EvidenceForm, StatusLookupForm
from portal.public.uploads import discard_all, store_all
from portal.services import evidence
from portal.services import status as status_service
from portal.services.actor import Actor
from portal.services.evidence import UploadRejected

STATUS_SESSION_KEY = "status_requests"
MAX_REMEMBERED = 10


def _remember(request_id: int) -> None:
    seen = [i for i in session.get(STATUS_SESSION_KEY, []) if i != request_id]
    session[STATUS_SESSION_KEY] = [*seen, request_id][-MAX_REMEMBERED:]


def _own_request(reference: str) -> Request | None:
    """The request with this reference, if this browser has proved it may see it."""
    found = db.session.scalar(
        select(Request).where(Request.reference == status_service.normalise_reference(reference))
    )
    if found is None or found.id not in session.get(STATUS_SESSION_KEY, []):
        return None
    return found


@bp.route("/status", methods=["GET", "POST"])
@public_endpoint
def status() -> str | Response | tuple[str, int]:
    """Find a request by its reference and the requester's email address."""
    form = StatusLookupForm()
    if form.validate_on_submit():
        try:
            found = status_service.lookup(
                form.reference.data or "",
                form.email.data or "",
                request.remote_addr or "unknown",
                current_app.config["STATUS_LOOKUP_MAX_FAILURES"],
                current_app.config["STATUS_LOOKUP_WINDOW_MINUTES"],
            )
        except status_service.TooManyAttempts:
            db.session.rollback()
            return render_template(
                "public/too_many_attempts.html",
                title="Too many attempts",
                minutes=current_app.config["STATUS_LOOKUP_WINDOW_MINUTES"],
            ), 429
        db.session.commit()
        if found is not None:
            _remember(found.id)
            return redirect(url_for("public.status_request", reference=found.reference))
        # One message whether the reference is unknown or the email is wrong.
        add_error(
            form,
            form.reference,
            "We could not find a request with that reference and email address. Check both "
            "and try again",
        )
    return render_template("public/status.html", form=form, title="Check a request")


@bp.route("/status/link/<token>")
@public_endpoint
def status_link(token: str) -> str | Response | tuple[str, int]:
    """A one-time link from an email: opens the request once."""
    found = status_service.redeem_link(token) if len(token) <= 100 else None
    if found is None:
        db.session.rollback()
        return render_template("public/link_used.html", title="This link has expired"), 410
    db.session.commit()
    _remember(found.id)
    return redirect(url_for("public.status_request", reference=found.reference))


def _status_page(found: Request, form: EvidenceForm) -> str:
    return render_template(
        "public/status_request.html",
        title=f"Request {found.reference}",
        req=found,
        form=form,
        linked=found.linked_requests,
        kinds={k.value: k.label for k in EvidenceKind},
    )


@bp.route("/status/<reference>")
@public_endpoint
def status_request(reference: str) -> str | Response:
    """A request's status, due date and documents, for a browser that proved who it is."""
    found = _own_request(reference)
    if found is None:
        return redirect(url_for("public.status"))
    return _status_page(found, EvidenceForm())


@bp.route("/status/<reference>/evidence", methods=["POST"])
@public_endpoint
def status_evidence(reference: str) -> str | Response:
    """Send proof of identity or authority for a request already made."""
    found = _own_request(reference)
    if found is None:
        return redirect(url_for("public.status"))
    form = EvidenceForm()
    if form.validate_on_submit():
        files = form.chosen_files()
        if form.kind.data not in {k.value for k in EvidenceKind}:
            add_error(form, form.kind, "Select what you are sending")
        elif not files:
            add_error(form, form.files, "Select a file to upload")
        else:
            try:
                stored = store_all(files, current_app.config["UPLOAD_MAX_FILES"])
            except UploadRejected as exc:
                add_error(form, form.files, str(exc))
            else:
                try:
                    kind = EvidenceKind(form.kind.data)
                    for upload in stored:
                        evidence.attach(found, upload, kind, Actor.requester())
                    db.session.commit()
                except Exception:
                    db.session.rollback()
                    discard_all(stored)
                    raise
                flash(f"{len(stored)} file{'s' if len(stored) != 1 else ''} sent", "success")
                return redirect(url_for("public.status_request", reference=found.reference))
    return _status_page(found, form)
