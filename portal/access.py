"""Who may use which route: declared on each view, enforced here, in one place, for every route.

Every endpoint must say either that it is public or which roles may use it; an endpoint that
says neither is refused to everyone (deny by default), and a test lists every route to prove it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, abort, redirect, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.extensions import db, login_manager
from portal.models import Role, User

F = TypeVar("F", bound=Callable[..., Any])

STAFF_ROLES = frozenset({Role.PHONE_STAFF, Role.CASEWORKER, Role.APPROVER, Role.ADMIN})
CASE_ROLES = frozenset({Role.PHONE_STAFF, Role.CASEWORKER, Role.APPROVER})


def roles_required(*roles: Role) -> Callable[[F], F]:
    """Mark a view as open to signed-in staff holding any of these roles."""

    def mark(view: F) -> F:
        view._required_roles = frozenset(roles)  # type: ignore[attr-defined]
        return view

    return mark


def public_endpoint(view: F) -> F:
    """Mark a view as open to everyone (members of the public have no account)."""
    view._public = True  # type: ignore[attr-defined]
    return view


def required_roles(app: Flask, endpoint: str) -> frozenset[Role] | None:
    """The roles an endpoint needs; None when it is public."""
    view = app.view_functions[endpoint]
    if getattr(view, "_public", False):
        return None
    return getattr(view, "_required_roles", frozenset())


def _enforce() -> Response | None:
    from flask import current_app

    endpoint = request.endpoint
    if endpoint is None:  # no such route: let the 404 handler answer
        return None
    if endpoint == "static":
        return None
    roles = required_roles(current_app, endpoint)
    if roles is None:
        return None
    if not current_user.is_authenticated:
        if request.method == "GET":
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        abort(401)
    if not roles or not current_user.has_role(*roles):
        abort(403)
    return None


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    ident, _, stamp = user_id.partition(":")
    if not ident.isdigit():
        return None
    user = db.session.get(User, int(ident))
    if user is None or not user.active or user.get_id() != user_id:
        return None
    return user


def init_app(app: Flask) -> None:
    """Check every request against its endpoint's declared roles."""
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to continue"
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    app.before_request(_enforce)
