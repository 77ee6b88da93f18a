"""Letters to print and post: the list, each letter as a PDF, and recording it as posted."""

from __future__ import annotations

from io import BytesIO

from flask import flash, redirect, render_template, send_file, url_for
from werkzeug.wrappers import Response

from portal.access import roles_required
from portal.extensions import db
from portal.models import Role
from portal.services import letters
from portal.services.errors import NotFound, ServiceError
from portal.staff.views import actor, bp


@bp.route("/letters")
@roles_required(Role.CASEWORKER)
def postal_letters() -> str:
    """Every letter waiting to be printed and posted, oldest first."""
    waiting = letters.postal()
    return render_template(
        "staff/letters.html", waiting=waiting, kinds=letters.KINDS, title="Letters to post"
    )


@bp.route("/letters/<int:message_id>.pdf")
@roles_required(Role.CASEWORKER)
def letter_pdf(message_id: int) -> Response:
    """One postal letter as a PDF to print."""
    try:
        data = letters.printable_pdf(message_id)
    except NotFound:
        return Response("No such letter", status=404)
    except ServiceError as exc:
        flash(str(exc), "error")
        return redirect(url_for("staff.postal_letters"))
    return send_file(
        BytesIO(data),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"letter-{message_id}.pdf",
    )


@bp.route("/letters/<int:message_id>/posted", methods=["POST"])
@roles_required(Role.CASEWORKER)
def letter_posted(message_id: int) -> Response:
    """Record that the printed letter was posted."""
    try:
        letters.mark_posted(message_id, actor())
    except (NotFound, ServiceError) as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash("Letter recorded as posted", "success")
    return redirect(url_for("staff.postal_letters"))
