"""Jinja filters and globals shared by every template."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Flask

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


def init_app(app: Flask) -> None:
    """Register the filters."""
    app.add_template_filter(long_date)
    app.add_template_filter(day_date)
    app.add_template_filter(date_time)

    @app.context_processor
    def council() -> dict[str, Any]:
        from portal.services import settings

        try:
            name = settings.get("council_name")
        except Exception:  # a page rendered before the database exists
            name = settings.DEFAULTS["council_name"]
        return {"council_name": name}
