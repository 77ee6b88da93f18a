"""Disclose: the data subject rights portal (Flask application factory)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from typing import Any

from flask import Flask, has_request_context, request, send_from_directory
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from werkzeug.wrappers import Response

from portal import config
from portal.extensions import csrf, db, login_manager, migrate
from portal.models import Role

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CSP_NONCE_KEY = "portal.csp_nonce"


def csp_nonce() -> str:
    """This response's Content-Security-Policy nonce, made when first asked for.

    Kept in the request's WSGI environ, so that it belongs to this request alone: an error
    raised before any view (the CSRF check, the access check) still renders its page and its
    header with one real nonce, and no request ever reuses another's (flask.g outlives a
    request when an app context was already pushed, as in tests and CLI code).
    """
    if not has_request_context():
        return ""
    nonce = request.environ.get(CSP_NONCE_KEY)
    if not nonce:
        nonce = request.environ[CSP_NONCE_KEY] = secrets.token_urlsafe(16)
    return str(nonce)


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the portal: config, extensions, blueprints, CLI."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        instance_path=os.environ.get("PORTAL_INSTANCE_PATH") or os.path.join(ROOT, "instance"),
        template_folder=os.path.join(ROOT, "templates"),
        static_folder=os.path.join(ROOT, "static"),
    )
    config.load(app, test_config)
    os.makedirs(app.instance_path, exist_ok=True)

    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(os.path.join(ROOT, "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(ROOT, "migrations"))
    csrf.init_app(app)

    from portal import access, cli, errors, filters, queue
    from portal.auth.views import bp as auth_bp
    from portal.public.download import bp as download_bp
    from portal.public.views import bp as public_bp
    from portal.services import search  # noqa: F401  (registers the full-text index DDL)
    from portal.staff import letters as _letters  # noqa: F401  (its routes join staff_bp)
    from portal.staff.admin import bp as admin_bp
    from portal.staff.records import bp as records_bp
    from portal.staff.release import bp as release_bp
    from portal.staff.review import bp as review_bp
    from portal.staff.views import bp as staff_bp

    login_manager.init_app(app)
    access.init_app(app)
    queue.init_app(app)
    filters.init_app(app)
    errors.init_app(app)
    cli.init_app(app)

    app.register_blueprint(public_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(staff_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(records_bp)
    app.register_blueprint(release_bp)
    app.register_blueprint(download_bp)
    app.register_blueprint(review_bp)
    if app.config.get("DEMO_MAILBOX"):  # `make run` only: the demo's caught emails
        from demo import mailbox

        mailbox.init_app(app)

    # GOV.UK Frontend's stylesheet refers to its fonts and images under /assets/.
    assets = os.path.join(ROOT, "static", "govuk", "assets")

    @app.route("/assets/<path:filename>", endpoint="govuk_assets")
    def govuk_assets(filename: str) -> Response:
        return send_from_directory(assets, filename, max_age=31536000)

    access.public_endpoint(govuk_assets)

    @app.route("/favicon.ico", endpoint="favicon")
    def favicon() -> Response:
        # Browsers ask for this by name, e.g. when a PDF is shown in the tab.
        return send_from_directory(
            os.path.join(ROOT, "static", "portal"), "favicon.svg", mimetype="image/svg+xml"
        )

    access.public_endpoint(favicon)

    WTFormsHelpers(app)

    @app.context_processor
    def template_globals() -> dict[str, Any]:
        return {
            "cspNonce": csp_nonce(),
            "Role": Role,
            "jobs_in_process": app.extensions["queue"].in_process,
        }

    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; "
            f"script-src 'self' 'nonce-{csp_nonce()}'; frame-ancestors 'none'; "
            "form-action 'self'",
        )
        if response.mimetype == "text/html":
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    return app
