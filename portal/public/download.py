"""The requester's download of a released pack: an expiring link, then a one-time code."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from werkzeug.wrappers import Response

from portal.access import public_endpoint
from portal.extensions import db
from portal.services import release
from portal.services.errors import ServiceError

bp = Blueprint("download", __name__, url_prefix="/download")


def _expired() -> tuple[str, int]:
    return render_template("public/download_expired.html", title="This link has expired"), 410


@bp.route("/<token>", methods=["GET", "POST"])
@public_endpoint
def start(token: str) -> str | Response | tuple[str, int]:
    """Ask for the one-time code; a correct code downloads the pack."""
    try:
        release.usable_link(token)
    except release.LinkExpired:
        return _expired()
    error = None
    if request.method == "POST":
        try:
            pack, path = release.redeem_code(token, request.form.get("code", ""))
        except release.CodeRefused as exc:
            db.session.commit()  # the try counts even when refused
            error = str(exc)
        except release.LinkExpired:
            return _expired()
        except ServiceError as exc:
            db.session.rollback()
            error = str(exc)
        else:
            db.session.commit()
            return send_file(
                path,
                mimetype="application/pdf",
                as_attachment=True,
                download_name=pack.file_name,
                max_age=0,
            )
    page = render_template(
        "public/download.html", title="Download your information", token=token, error=error
    )
    return (page, 403) if error else page


@bp.route("/<token>/code", methods=["POST"])
@public_endpoint
def send_code(token: str) -> Response | tuple[str, int]:
    """Email a fresh one-time code."""
    try:
        release.email_code(token)
    except release.LinkExpired:
        return _expired()
    except ServiceError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("download.start", token=token))
    db.session.commit()
    flash("We have sent a code to your email address. It works for 15 minutes.", "success")
    return redirect(url_for("download.start", token=token))
