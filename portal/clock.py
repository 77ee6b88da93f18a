"""The statutory clock for data subject requests (sar-rules.md section 1).

Pure date arithmetic: no Flask, no database. Bank holidays come from the ``holidays`` package for
the council's own division of the United Kingdom, plus an admin-editable list of extra holidays
(one-off days announced ad hoc) passed in by the caller.
"""

from __future__ import annotations

import calendar
import functools
from collections.abc import Collection, Iterable, Mapping
from datetime import date, datetime, timedelta
from types import MappingProxyType

import holidays

__all__ = [
    "DIVISIONS",
    "add_months",
    "due_date",
    "explain_due_date",
    "first_month_end",
    "is_working_day",
    "stopped_days",
    "working_days_between",
]

# Bank holiday divisions of the UK, as ``holidays`` spells the GB subdivisions.
DIVISIONS: Mapping[str, str] = MappingProxyType(
    {
        "ENG": "England",
        "WLS": "Wales",
        "SCT": "Scotland",
        "NIR": "Northern Ireland",
    }
)

# English names, independent of the process locale (strftime's %A/%B are locale-dependent).
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTH_NAMES = (
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

_ONE_DAY = timedelta(days=1)


# --------------------------------------------------------------------------------------------
# Validation and formatting helpers
# --------------------------------------------------------------------------------------------


def _check_date(value: object, name: str) -> date:
    # datetime is a subclass of date but would never match the holiday tables' date keys.
    if not isinstance(value, date) or isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime.date (not a datetime), got {value!r}")
    return value


def _check_division(division: str) -> str:
    if division not in DIVISIONS:
        expected = ", ".join(f"{code} ({name})" for code, name in DIVISIONS.items())
        raise ValueError(f"Unknown bank holiday division {division!r}: expected one of {expected}.")
    return division


def _check_paused_days(paused_days: int) -> int:
    if isinstance(paused_days, bool) or not isinstance(paused_days, int):
        raise TypeError(f"paused_days must be a whole number of days, got {paused_days!r}")
    if paused_days < 0:
        raise ValueError(f"paused_days cannot be negative, got {paused_days}")
    return paused_days


def _extra_set(extra_holidays: Collection[date]) -> frozenset[date]:
    return frozenset(_check_date(d, "extra_holidays item") for d in extra_holidays)


def _long(d: date) -> str:
    return f"{_DAY_NAMES[d.weekday()]} {d.day} {_MONTH_NAMES[d.month]} {d.year}"


# --------------------------------------------------------------------------------------------
# Bank holidays
# --------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=512)
def _bank_holidays(division: str, year: int) -> Mapping[date, str]:
    # One lookup per (division, year); the read-only mapping is safe to share between callers.
    table = holidays.country_holidays("GB", subdiv=division, years=year)
    return MappingProxyType({day: str(name) for day, name in table.items() if day.year == year})


def _bank_holiday_name(d: date, division: str) -> str | None:
    return _bank_holidays(division, d.year).get(d)


def _is_working_day(d: date, extra: frozenset[date], division: str) -> bool:
    return d.weekday() < 5 and d not in extra and _bank_holiday_name(d, division) is None


def _next_working_day(d: date, extra: frozenset[date], division: str) -> date:
    """``d`` itself when it is a working day, else the first working day after it (s1.3)."""
    while not _is_working_day(d, extra, division):
        d += _ONE_DAY
    return d


def _skip_reason(d: date, extra: frozenset[date], division: str) -> str | None:
    """Why ``d`` is not a working day, as a sentence; None when it is a working day."""
    holiday = _bank_holiday_name(d, division)
    weekend = d.weekday() >= 5
    if weekend and holiday is not None:
        return f"{_long(d)} is a weekend and a bank holiday ({holiday}), skipped."
    if weekend:
        return f"{_long(d)} is a weekend, skipped."
    if holiday is not None:
        return f"{_long(d)} is a bank holiday ({holiday}), skipped."
    if d in extra:
        return f"{_long(d)} is an extra holiday set by the council, skipped."
    return None


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


def add_months(d: date, months: int) -> date:
    """Return the corresponding date ``months`` later, or that month's last day if there is none."""
    _check_date(d, "d")
    index = d.year * 12 + (d.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(d.day, last_day))


def is_working_day(
    d: date, *, extra_holidays: Collection[date] = (), division: str = "ENG"
) -> bool:
    """Return True unless ``d`` is a weekend, a division bank holiday or an extra holiday."""
    _check_date(d, "d")
    return _is_working_day(d, _extra_set(extra_holidays), _check_division(division))


def working_days_between(
    start: date, end: date, *, extra_holidays: Collection[date] = (), division: str = "ENG"
) -> int:
    """Count working days after ``start`` up to and including ``end`` (negative if end < start)."""
    _check_date(start, "start")
    _check_date(end, "end")
    extra = _extra_set(extra_holidays)
    _check_division(division)
    if end >= start:
        # Days in (start, end].
        first, last, sign = start + _ONE_DAY, end, 1
    else:
        # Walking the other way: days in [end, start), so that a deadline passed on Friday shows
        # as overdue by one working day on the Saturday and Sunday, not as 0 days left.
        first, last, sign = end, start - _ONE_DAY, -1
    count = 0
    day = first
    while day <= last:
        if _is_working_day(day, extra, division):
            count += 1
        day += _ONE_DAY
    return sign * count


def stopped_days(periods: Iterable[tuple[date, date]]) -> int:
    """Count calendar days in stop-the-clock periods, both ends included, overlaps merged."""
    spans: list[tuple[date, date]] = []
    for stopped_on, restarted_on in periods:
        _check_date(stopped_on, "stop period start")
        _check_date(restarted_on, "stop period end")
        if restarted_on < stopped_on:
            raise ValueError(
                f"A stop period cannot end ({restarted_on.isoformat()}) "
                f"before it starts ({stopped_on.isoformat()})."
            )
        spans.append((stopped_on, restarted_on))
    spans.sort()
    total = 0
    current: tuple[date, date] | None = None
    for first, last in spans:
        if current is not None and first <= current[1]:
            # Overlaps (or shares a day with) the running span: extend it.
            current = (current[0], max(current[1], last))
            continue
        if current is not None:
            total += (current[1] - current[0]).days + 1
        current = (first, last)
    if current is not None:
        total += (current[1] - current[0]).days + 1
    return total


def first_month_end(
    start: date,
    *,
    paused_days: int = 0,
    extra_holidays: Collection[date] = (),
    division: str = "ENG",
) -> date:
    """Return the last day on which an extension may still be notified (first month + pauses).

    The requester must be told of an extension within the first month (sar-rules.md s1.6): the
    one-month time limit itself, which like every deadline moves off a weekend or bank holiday
    to the next working day (s1.3). So it is the unextended due date.
    """
    _check_date(start, "start")
    _check_paused_days(paused_days)
    extra = _extra_set(extra_holidays)
    _check_division(division)
    return _next_working_day(add_months(start, 1) + timedelta(days=paused_days), extra, division)


def explain_due_date(
    start: date,
    *,
    extended: bool = False,
    paused_days: int = 0,
    extra_holidays: Collection[date] = (),
    division: str = "ENG",
) -> list[str]:
    """Return the working behind ``due_date`` as plain English sentences, last one the due date."""
    _check_date(start, "start")
    _check_paused_days(paused_days)
    extra = _extra_set(extra_holidays)
    _check_division(division)

    months = 3 if extended else 1
    lines = [f"Clock started on {_long(start)}."]
    period = (
        "Three calendar months from the start (extended)"
        if extended
        else "One calendar month from the start"
    )
    limit = add_months(start, months)
    if limit.day == start.day:
        lines.append(f"{period} is {_long(limit)}.")
    else:
        month_name = f"{_MONTH_NAMES[limit.month]} {limit.year}"
        lines.append(f"{period} falls in {month_name}.")
        lines.append(
            f"No corresponding date in {month_name}, so the last day of that month: {_long(limit)}."
        )

    if paused_days:
        limit += timedelta(days=paused_days)
        unit = "day" if paused_days == 1 else "days"
        lines.append(f"{paused_days} {unit} when the clock was stopped added: {_long(limit)}.")

    while (reason := _skip_reason(limit, extra, division)) is not None:
        lines.append(reason)
        limit += _ONE_DAY

    lines.append(f"Due date: {_long(limit)}.")
    return lines


def due_date(
    start: date,
    *,
    extended: bool = False,
    paused_days: int = 0,
    extra_holidays: Collection[date] = (),
    division: str = "ENG",
) -> date:
    """Return the statutory due date for a request whose clock started on ``start``."""
    _check_date(start, "start")
    _check_paused_days(paused_days)
    extra = _extra_set(extra_holidays)
    _check_division(division)

    limit = add_months(start, 3 if extended else 1) + timedelta(days=paused_days)
    return _next_working_day(limit, extra, division)
