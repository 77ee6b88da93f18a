"""The public blueprint, every "public.*" endpoint: the modules of portal/public add its routes."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask_wtf import FlaskForm

bp = Blueprint("public", __name__)


def add_error(form: FlaskForm, field: Any, message: str) -> None:
    """Attach an error found after validation (the summary reads form.errors)."""
    field.errors = [*field.errors, message]
    form._errors = None
