"""Sign in and out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from portal.access import public_endpoint
from portal.auth.forms import LoginForm
from portal.extensions import db
from portal.models import Role, User
from portal.services import audit
from portal.services.actor import Actor
from portal.timeutil import utcnow

bp = Blueprint("auth", __name__, url_prefix="/staff")

# A hash to check against when the email is unknown, so both cases take the same time.
_DUMMY = User(email="", full_name="", password_hash="")
_DUMMY.set_password("not-a-real-password")


def _safe_next(target: str | None) -> str | None:
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def home_for(user: User) -> str:
    """Where a user lands after signing in."""
    if user.has_role(Role.CASEWORKER, Role.APPROVER):
        return url_for("staff.cases")
    if user.has_role(Role.PHONE_STAFF):
        return url_for("staff.my_requests")
    return url_for("admin.index")


@bp.route("/sign-in", methods=["GET", "POST"])
@public_endpoint
def login() -> str | Response:
    """Staff sign-in."""
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        email = (form.email.data or "").strip().lower()
        user = db.session.scalar(select(User).where(func.lower(User.email) == email))
        password_ok = (user or _DUMMY).check_password(form.password.data or "")
        if user is not None and user.active and password_ok:
            login_user(user)
            user.last_login_at = utcnow()
            audit.record(Actor.staff(user), "signed_in")
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")) or home_for(user))
        error = "Enter a correct email address and password"
        form.email.errors = [error]
    return render_template("auth/login.html", form=form, title="Sign in")


@bp.route("/sign-out", methods=["POST"])
@public_endpoint
def logout() -> Response:
    """Sign out (POST, so a link elsewhere cannot sign staff out)."""
    if current_user.is_authenticated:
        audit.record(Actor.staff(current_user), "signed_out")
        db.session.commit()
    logout_user()
    flash("You have signed out", "success")
    return redirect(url_for("auth.login"))
