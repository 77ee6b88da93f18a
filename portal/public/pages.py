"""Information pages: the start page, the privacy notice, the accessibility statement, how to
contact the data protection team."""

from __future__ import annotations

from flask import render_template

from portal.access import public_endpoint
from portal.public.blueprint import bp


@bp.route("/")
@public_endpoint
def start() -> str:
    """The start page: the three rights, the time limit, what you need."""
    return render_template("public/start.html", title="Ask for the records we hold about you")


@bp.route("/privacy")
@public_endpoint
def privacy() -> str:
    """How the council uses the information given in the form."""
    return render_template("public/privacy.html", title="Privacy notice")


@bp.route("/accessibility")
@public_endpoint
def accessibility() -> str:
    """The accessibility statement."""
    return render_template("public/accessibility.html", title="Accessibility statement")


@bp.route("/contact-us")
@public_endpoint
def contact_us() -> str:
    """The data protection team's email, phone and postal address (council settings)."""
    return render_template("public/contact_us.html", title="Contact the data protection team")
