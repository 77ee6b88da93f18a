"""Jinja filters and globals shared by every template."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Flask
from govuk_frontend_wtf.main import wtforms_errors

from portal.formfields import textarea_value
from portal.timeutil import COUNCIL_TZ, as_utc


def long_date(value: date | datetime | None) -> str:
    """25 November 2026 (GOV.UK style)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = as_utc(value).astimezone(COUNCIL_TZ).date()
    return f"{value.day} {value:%B %Y}"


def day_date(value: date | None) -> str:
    """Wednesday 25 November 2026."""
    return "" if value is None else f"{value:%A} {value.day} {value:%B %Y}"


def date_time(value: datetime | None) -> str:
    """25 November 2026, 2:05pm (council time)."""
    if value is None:
        return ""
    local = as_utc(value).astimezone(COUNCIL_TZ)
    suffix = "am" if local.hour < 12 else "pm"
    return f"{local.day} {local:%B %Y}, {local.hour % 12 or 12}:{local:%M}{suffix}"


def error_summary(form: Any) -> dict[str, Any]:
    """GOV.UK error summary parameters: field errors linked to their fields, form errors first."""
    params = wtforms_errors(form)
    items = [e for e in params["errorList"] if e.get("href") != "#None"]
    first = next(iter(form), None)
    target = f"#{first.id}" if first is not None else "#main-content"
    # GOV.UK date inputs are focused through their first box.
    form_level = [{"text": str(e), "href": target} for e in getattr(form, "form_errors", [])]
    params["errorList"] = form_level + [
        i for i in items if i["text"] not in getattr(form, "form_errors", [])
    ]
    return params


def has_errors(form: Any) -> bool:
    """True when the form has field or form-level errors."""
    return bool(form is not None and (form.errors or getattr(form, "form_errors", None)))


def label(value: Any, vocabulary: str) -> str:
    """The words staff see for a stored code of a closed vocabulary (models/enums.py), or the
    code itself when it is not one of them."""
    from portal.models.enums import VOCABULARIES

    if value is None:
        return ""
    try:
        return str(VOCABULARIES[vocabulary](str(value)).label)  # type: ignore[attr-defined]
    except ValueError:
        return str(value)


def init_app(app: Flask) -> None:
    """Register the filters."""
    app.add_template_global(error_summary)
    app.add_template_global(has_errors)
    app.add_template_filter(long_date)
    app.add_template_filter(day_date)
    app.add_template_filter(date_time)
    app.add_template_filter(textarea_value)
    app.add_template_filter(label)

    @app.context_processor
    def council() -> dict[str, Any]:
        from portal.services import settings

        try:
            name = settings.get("council_name")
            contact = settings.data_protection_contact()
        except Exception:  # a page rendered before the database exists, or when it failed
            name = settings.DEFAULTS["council_name"]
            contact = settings.data_protection_contact(settings.DEFAULTS)
        return {"council_name": name, "dpo_contact": contact}
