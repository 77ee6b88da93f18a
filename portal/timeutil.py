"""Time helpers shared by models and services: one notion of "now" and of the council's today."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

COUNCIL_TZ = ZoneInfo("Europe/London")


def utcnow() -> datetime:
    """The current instant, timezone-aware in UTC."""
    return datetime.now(UTC)


def council_today() -> date:
    """Today's date in the council's time zone (a request at 00:30 BST is received that day)."""
    return datetime.now(COUNCIL_TZ).date()


def as_utc(value: datetime) -> datetime:
    """A datetime read back from SQLite comes without a zone: treat it as UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)
