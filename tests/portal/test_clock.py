"""Tests for the statutory clock (portal/clock.py, sar-rules.md section 1).

Every expected date below was worked out by hand from a calendar and the published bank holiday
lists, and double-checked with Python's calendar module -- never with the code under test.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from portal import clock
from portal.clock import (
    add_months,
    due_date,
    explain_due_date,
    first_month_end,
    is_working_day,
    stopped_days,
    working_days_between,
)

D = date


def long_date(d: date) -> str:
    """Format like the clock's explanations, e.g. 'Tuesday 25 November 2025'."""
    names = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
    return f"{names[d.weekday()]} {d.day} {d:%B} {d.year}"


# --------------------------------------------------------------------------------------------
# Worked examples in sar-rules.md section 1 (England and Wales), verbatim
# --------------------------------------------------------------------------------------------

WORKED_EXAMPLES = [
    pytest.param(D(2025, 1, 31), False, 0, D(2025, 2, 28), id="fri-31-jan-2025"),
    pytest.param(D(2025, 12, 30), False, 0, D(2026, 1, 30), id="tue-30-dec-2025"),
    pytest.param(D(2025, 11, 25), False, 0, D(2025, 12, 29), id="tue-25-nov-2025-christmas"),
    pytest.param(D(2025, 7, 26), False, 0, D(2025, 8, 26), id="sat-26-jul-2025"),
    pytest.param(D(2025, 1, 31), True, 0, D(2025, 4, 30), id="fri-31-jan-2025-extended"),
    # Mon 2 Feb 2026, clarification asked Mon 9 Feb, answered Wed 11 Feb (3 days stopped).
    pytest.param(D(2026, 2, 2), False, 3, D(2026, 3, 5), id="mon-2-feb-2026-stopped-3-days"),
]


@pytest.mark.parametrize(("start", "extended", "paused", "expected"), WORKED_EXAMPLES)
@pytest.mark.parametrize("division", ["ENG", "WLS"])
def test_worked_examples_from_sar_rules(
    start: date, extended: bool, paused: int, expected: date, division: str
) -> None:
    assert due_date(start, extended=extended, paused_days=paused, division=division) == expected


def test_worked_example_stop_period_counts_three_days() -> None:
    assert stopped_days([(D(2026, 2, 9), D(2026, 2, 11))]) == 3


def test_worked_example_stop_period_gives_thursday_5_march_2026() -> None:
    paused = stopped_days([(D(2026, 2, 9), D(2026, 2, 11))])
    assert due_date(D(2026, 2, 2), paused_days=paused) == D(2026, 3, 5)


def test_worked_example_extension_is_three_months_not_one_plus_two() -> None:
    one_plus_two = add_months(add_months(D(2025, 1, 31), 1), 2)
    assert one_plus_two == D(2025, 4, 28)
    assert due_date(D(2025, 1, 31), extended=True) == D(2025, 4, 30)


# --------------------------------------------------------------------------------------------
# due_date: dated cases, England unless stated
# --------------------------------------------------------------------------------------------

MONTH_END_CASES = [
    pytest.param(D(2025, 3, 31), D(2025, 4, 30), id="31-mar-to-30-apr"),
    pytest.param(D(2025, 5, 31), D(2025, 6, 30), id="31-may-to-30-jun"),
    pytest.param(D(2025, 8, 31), D(2025, 9, 30), id="31-aug-to-30-sep"),
    pytest.param(D(2025, 10, 31), D(2025, 12, 1), id="31-oct-to-sun-30-nov-then-mon-1-dec"),
    pytest.param(D(2025, 4, 30), D(2025, 5, 30), id="30-apr-to-30-may"),
    pytest.param(D(2025, 12, 31), D(2026, 2, 2), id="31-dec-to-sat-31-jan-then-mon-2-feb"),
    pytest.param(D(2025, 1, 29), D(2025, 2, 28), id="29-jan-2025-not-leap"),
    pytest.param(D(2025, 1, 30), D(2025, 2, 28), id="30-jan-2025-not-leap"),
    pytest.param(D(2024, 1, 29), D(2024, 2, 29), id="29-jan-2024-leap"),
    pytest.param(D(2024, 1, 30), D(2024, 2, 29), id="30-jan-2024-leap"),
    pytest.param(D(2024, 1, 31), D(2024, 2, 29), id="31-jan-2024-leap"),
    pytest.param(D(2028, 1, 29), D(2028, 2, 29), id="29-jan-2028-leap"),
    pytest.param(D(2028, 1, 30), D(2028, 2, 29), id="30-jan-2028-leap"),
    pytest.param(D(2028, 1, 31), D(2028, 2, 29), id="31-jan-2028-leap"),
    # 2100 is not a leap year (divisible by 100, not by 400); Sun 28 Feb 2100 -> Mon 1 Mar.
    pytest.param(D(2100, 1, 29), D(2100, 3, 1), id="29-jan-2100-not-leap"),
    pytest.param(D(2100, 1, 31), D(2100, 3, 1), id="31-jan-2100-not-leap"),
    pytest.param(D(2028, 2, 29), D(2028, 3, 29), id="29-feb-2028-to-29-mar"),
    pytest.param(D(2025, 2, 28), D(2025, 3, 28), id="28-feb-2025-to-28-mar"),
    pytest.param(D(2025, 12, 15), D(2026, 1, 15), id="15-dec-across-year-end"),
]


@pytest.mark.parametrize(("start", "expected"), MONTH_END_CASES)
def test_when_no_corresponding_date_then_last_day_of_month(start: date, expected: date) -> None:
    assert due_date(start) == expected


BANK_HOLIDAY_CASES = [
    # Easter 2024: Good Friday 29 Mar, Easter Monday 1 Apr.
    pytest.param(D(2024, 2, 29), D(2024, 4, 2), id="leap-29-feb-2024-good-friday"),
    # Easter 2025: Good Friday 18 Apr, Easter Monday 21 Apr.
    pytest.param(D(2025, 3, 18), D(2025, 4, 22), id="good-friday-2025"),
    pytest.param(D(2025, 3, 21), D(2025, 4, 22), id="easter-monday-2025"),
    # Easter 2026: Good Friday 3 Apr, Easter Monday 6 Apr.
    pytest.param(D(2026, 3, 3), D(2026, 4, 7), id="good-friday-2026"),
    pytest.param(D(2026, 3, 6), D(2026, 4, 7), id="easter-monday-2026"),
    # Easter 2027: Good Friday 26 Mar, Easter Monday 29 Mar.
    pytest.param(D(2027, 2, 26), D(2027, 3, 30), id="good-friday-2027"),
    # Early May bank holiday: Mon 5 May 2025, Mon 4 May 2026; in 2020 moved to Fri 8 May (VE Day).
    pytest.param(D(2025, 4, 5), D(2025, 5, 6), id="early-may-2025"),
    pytest.param(D(2026, 4, 4), D(2026, 5, 5), id="early-may-2026"),
    pytest.param(D(2020, 4, 8), D(2020, 5, 11), id="early-may-2020-moved-to-friday-ve-day"),
    # Spring bank holiday: Mon 26 May 2025; 2022 moved to Thu 2 Jun plus Fri 3 Jun (Jubilee).
    pytest.param(D(2025, 4, 26), D(2025, 5, 27), id="spring-2025"),
    pytest.param(D(2022, 5, 2), D(2022, 6, 6), id="spring-and-jubilee-2022"),
    # Summer bank holiday (England): Mon 25 Aug 2025, Mon 31 Aug 2026.
    pytest.param(D(2025, 7, 25), D(2025, 8, 26), id="summer-2025"),
    pytest.param(D(2026, 7, 31), D(2026, 9, 1), id="summer-2026"),
    # One-off holidays: State Funeral Mon 19 Sep 2022, Coronation Mon 8 May 2023.
    pytest.param(D(2022, 8, 19), D(2022, 9, 20), id="state-funeral-2022"),
    pytest.param(D(2023, 4, 8), D(2023, 5, 9), id="coronation-2023"),
    # Christmas 2026: Fri 25, Sat 26 Boxing Day, substitute Mon 28.
    pytest.param(D(2026, 11, 26), D(2026, 12, 29), id="boxing-day-2026-on-saturday"),
    # Christmas 2027: Sat 25 and Sun 26, substitutes Mon 27 and Tue 28.
    pytest.param(D(2027, 11, 25), D(2027, 12, 29), id="christmas-2027-on-weekend"),
    # New Year's Day: Fri 1 Jan 2027; Sat 1 Jan 2022 with substitute Mon 3 Jan.
    pytest.param(D(2026, 12, 1), D(2027, 1, 4), id="new-year-2027-friday"),
    pytest.param(D(2021, 12, 1), D(2022, 1, 4), id="new-year-2022-saturday-substitute"),
]


@pytest.mark.parametrize(("start", "expected"), BANK_HOLIDAY_CASES)
def test_when_due_on_bank_holiday_then_next_working_day(start: date, expected: date) -> None:
    assert due_date(start) == expected


WEEKEND_CASES = [
    pytest.param(D(2025, 2, 15), D(2025, 3, 17), id="received-sat-due-sat-moves-to-mon"),
    pytest.param(D(2025, 3, 16), D(2025, 4, 16), id="received-sunday-counts-as-day-one"),
    pytest.param(D(2025, 6, 14), D(2025, 7, 14), id="received-sat-due-mon"),
    pytest.param(D(2025, 8, 31), D(2025, 9, 30), id="received-sunday-due-tuesday"),
]


@pytest.mark.parametrize(("start", "expected"), WEEKEND_CASES)
def test_when_received_or_due_at_weekend_then_next_working_day(start: date, expected: date) -> None:
    assert due_date(start) == expected


EXTENDED_CASES = [
    pytest.param(D(2025, 1, 31), D(2025, 4, 30), id="31-jan-2025-to-30-apr"),
    pytest.param(D(2025, 3, 31), D(2025, 6, 30), id="31-mar-2025-to-30-jun"),
    # Sun 31 Aug 2025 -> Mon 1 Sep.
    pytest.param(D(2025, 5, 31), D(2025, 9, 1), id="31-may-2025-to-sun-31-aug"),
    # Sat 31 Jan 2026 -> Mon 2 Feb; one-plus-two would give Fri 30 Jan.
    pytest.param(D(2025, 10, 31), D(2026, 2, 2), id="31-oct-2025-to-sat-31-jan"),
    # No 30 Feb 2026: Sat 28 Feb -> Mon 2 Mar.
    pytest.param(D(2025, 11, 30), D(2026, 3, 2), id="30-nov-2025-to-28-feb-2026"),
    pytest.param(D(2027, 11, 30), D(2028, 2, 29), id="30-nov-2027-to-29-feb-2028-leap"),
    pytest.param(D(2025, 9, 25), D(2025, 12, 29), id="25-sep-2025-to-christmas"),
]


@pytest.mark.parametrize(("start", "expected"), EXTENDED_CASES)
def test_when_extended_then_three_months_from_start(start: date, expected: date) -> None:
    assert due_date(start, extended=True) == expected


PAUSED_CASES = [
    pytest.param(D(2026, 2, 2), False, 3, D(2026, 3, 5), id="worked-example"),
    # 28 Feb 2025 + 3 = Mon 3 Mar.
    pytest.param(D(2025, 1, 31), False, 3, D(2025, 3, 3), id="after-last-day-of-february"),
    # 26 Dec (Boxing Day) -> Mon 29 Dec.
    pytest.param(D(2025, 11, 25), False, 1, D(2025, 12, 29), id="one-day-onto-boxing-day"),
    # Fri 2 May 2025 + 16 = Sun 18 May -> Mon 19 May.
    pytest.param(D(2025, 4, 2), False, 16, D(2025, 5, 19), id="onto-a-sunday"),
    # 30 Apr 2025 + 3 = Sat 3 May, Sun 4, Mon 5 early May bank holiday -> Tue 6 May.
    pytest.param(D(2025, 1, 31), True, 3, D(2025, 5, 6), id="extended-then-paused"),
    pytest.param(D(2025, 7, 26), False, 0, D(2025, 8, 26), id="zero-days-changes-nothing"),
]


@pytest.mark.parametrize(("start", "extended", "paused", "expected"), PAUSED_CASES)
def test_when_clock_stopped_then_calendar_days_added_before_working_day_move(
    start: date, extended: bool, paused: int, expected: date
) -> None:
    assert due_date(start, extended=extended, paused_days=paused) == expected


EXTRA_HOLIDAY_CASES = [
    pytest.param(D(2025, 12, 2), {D(2026, 1, 2)}, D(2026, 1, 5), id="fri-2-jan-2026-closed"),
    pytest.param(D(2025, 12, 30), [D(2026, 1, 30)], D(2026, 2, 2), id="due-day-closed"),
    pytest.param(
        D(2025, 7, 26), (D(2025, 8, 26), D(2025, 8, 27)), D(2025, 8, 28), id="two-days-closed"
    ),
    pytest.param(D(2025, 6, 14), {D(2025, 7, 13)}, D(2025, 7, 14), id="on-a-sunday-no-effect"),
    pytest.param(D(2025, 6, 14), {D(2025, 7, 11)}, D(2025, 7, 14), id="before-due-no-effect"),
    pytest.param(D(2025, 6, 14), frozenset(), D(2025, 7, 14), id="empty"),
]


@pytest.mark.parametrize(("start", "extra", "expected"), EXTRA_HOLIDAY_CASES)
def test_when_extra_holiday_set_by_council_then_skipped(
    start: date, extra: set[date], expected: date
) -> None:
    assert due_date(start, extra_holidays=extra) == expected


DIVISION_CASES = [
    # Fri 2 Jan 2026 is a bank holiday in Scotland only.
    pytest.param(D(2025, 12, 2), "ENG", D(2026, 1, 2), id="2-jan-england"),
    pytest.param(D(2025, 12, 2), "SCT", D(2026, 1, 5), id="2-jan-scotland"),
    # Sat 1 Jan 2022: substitutes Mon 3 Jan (both) and Tue 4 Jan (Scotland, for 2 Jan).
    pytest.param(D(2021, 12, 1), "SCT", D(2022, 1, 5), id="new-year-2022-scotland"),
    # St Andrew's Day: Mon 30 Nov 2026.
    pytest.param(D(2026, 10, 30), "ENG", D(2026, 11, 30), id="st-andrews-2026-england"),
    pytest.param(D(2026, 10, 30), "SCT", D(2026, 12, 1), id="st-andrews-2026-scotland"),
    # St Andrew's Day Sun 30 Nov 2025, substitute Mon 1 Dec in Scotland.
    pytest.param(D(2025, 10, 31), "ENG", D(2025, 12, 1), id="st-andrews-2025-england"),
    pytest.param(D(2025, 10, 31), "SCT", D(2025, 12, 2), id="st-andrews-2025-sub-scotland"),
    # Summer bank holiday: Scotland first Monday of August (4 Aug 2025), England last (25 Aug).
    pytest.param(D(2025, 7, 4), "ENG", D(2025, 8, 4), id="first-mon-aug-england"),
    pytest.param(D(2025, 7, 4), "SCT", D(2025, 8, 5), id="first-mon-aug-scotland"),
    pytest.param(D(2025, 7, 25), "SCT", D(2025, 8, 25), id="last-mon-aug-scotland"),
    pytest.param(D(2025, 7, 25), "WLS", D(2025, 8, 26), id="last-mon-aug-wales"),
    # Easter Monday is not a bank holiday in Scotland (21 Apr 2025).
    pytest.param(D(2025, 3, 21), "SCT", D(2025, 4, 21), id="easter-monday-scotland"),
    pytest.param(D(2025, 3, 21), "WLS", D(2025, 4, 22), id="easter-monday-wales"),
    # Northern Ireland: St Patrick's Day Tue 17 Mar 2026, Battle of the Boyne Mon 12 Jul 2027.
    pytest.param(D(2026, 2, 17), "ENG", D(2026, 3, 17), id="st-patricks-england"),
    pytest.param(D(2026, 2, 17), "NIR", D(2026, 3, 18), id="st-patricks-northern-ireland"),
    pytest.param(D(2027, 6, 12), "NIR", D(2027, 7, 13), id="boyne-northern-ireland"),
    pytest.param(D(2027, 6, 12), "ENG", D(2027, 7, 12), id="boyne-england"),
]


@pytest.mark.parametrize(("start", "division", "expected"), DIVISION_CASES)
def test_when_division_differs_then_its_own_bank_holidays_apply(
    start: date, division: str, expected: date
) -> None:
    assert due_date(start, division=division) == expected


def test_extra_holidays_apply_in_scotland_too() -> None:
    # Mon 5 Jan 2026 closed as well: Fri 2 Jan (Scottish bank holiday), weekend, Mon -> Tue 6 Jan.
    assert due_date(D(2025, 12, 2), division="SCT", extra_holidays={D(2026, 1, 5)}) == D(2026, 1, 6)


def test_due_date_is_always_a_working_day_on_or_after_the_corresponding_date() -> None:
    for month in range(1, 13):
        for day in (1, 15, 28, 29, 30, 31):
            try:
                start = D(2025, month, day)
            except ValueError:
                continue
            due = due_date(start)
            assert due >= add_months(start, 1)
            assert is_working_day(due)


def test_holiday_lookups_are_cached_per_division_and_year() -> None:
    due_date(D(2025, 11, 25), division="NIR")
    before = clock._bank_holidays.cache_info()
    due_date(D(2025, 11, 25), division="NIR")
    after = clock._bank_holidays.cache_info()
    assert after.misses == before.misses
    assert after.hits > before.hits


# --------------------------------------------------------------------------------------------
# add_months and first_month_end
# --------------------------------------------------------------------------------------------

ADD_MONTHS_CASES = [
    pytest.param(D(2025, 1, 31), 1, D(2025, 2, 28), id="jan-31-plus-1"),
    pytest.param(D(2024, 1, 31), 1, D(2024, 2, 29), id="jan-31-plus-1-leap"),
    pytest.param(D(2025, 1, 31), 3, D(2025, 4, 30), id="jan-31-plus-3"),
    pytest.param(D(2025, 10, 31), 3, D(2026, 1, 31), id="oct-31-plus-3-across-year"),
    pytest.param(D(2025, 12, 15), 1, D(2026, 1, 15), id="dec-plus-1"),
    pytest.param(D(2024, 2, 29), 12, D(2025, 2, 28), id="leap-day-plus-12"),
    pytest.param(D(2024, 2, 29), 48, D(2028, 2, 29), id="leap-day-plus-48"),
    pytest.param(D(2099, 1, 31), 13, D(2100, 2, 28), id="into-2100-not-leap"),
    pytest.param(D(2025, 3, 31), -1, D(2025, 2, 28), id="minus-1"),
    pytest.param(D(2026, 1, 15), -1, D(2025, 12, 15), id="minus-1-across-year"),
    pytest.param(D(2025, 5, 17), 0, D(2025, 5, 17), id="zero"),
]


@pytest.mark.parametrize(("start", "months", "expected"), ADD_MONTHS_CASES)
def test_add_months_gives_corresponding_date_or_last_day(
    start: date, months: int, expected: date
) -> None:
    assert add_months(start, months) == expected


FIRST_MONTH_END_CASES = [
    pytest.param(D(2025, 1, 31), 0, D(2025, 2, 28), id="no-corresponding-date"),
    pytest.param(D(2026, 2, 2), 3, D(2026, 3, 5), id="stopped-days-added"),
    # Like the due date (sar-rules s1.3): off a bank holiday or a weekend to the next working day.
    pytest.param(D(2025, 11, 25), 0, D(2025, 12, 29), id="christmas-boxing-day-weekend"),
    pytest.param(D(2025, 7, 25), 0, D(2025, 8, 26), id="english-august-bank-holiday"),
    pytest.param(D(2026, 3, 6), 0, D(2026, 4, 7), id="easter-monday"),
    pytest.param(D(2025, 10, 31), 0, D(2025, 12, 1), id="sunday"),
]


@pytest.mark.parametrize(("start", "paused", "expected"), FIRST_MONTH_END_CASES)
def test_first_month_end_moves_to_a_working_day(start: date, paused: int, expected: date) -> None:
    assert first_month_end(start, paused_days=paused) == expected
    # the last day to notify an extension is the unextended due date
    assert first_month_end(start, paused_days=paused) == due_date(start, paused_days=paused)


def test_first_month_end_follows_the_division_and_extra_holidays() -> None:
    # Mon 25 Aug 2025 is a bank holiday in England, not in Scotland (theirs was 4 Aug).
    assert first_month_end(D(2025, 7, 25), division="ENG") == D(2025, 8, 26)
    assert first_month_end(D(2025, 7, 25), division="SCT") == D(2025, 8, 25)
    # Fri 14 Mar 2025 an extra holiday: Monday 17th.
    assert first_month_end(D(2025, 2, 14), extra_holidays={D(2025, 3, 14)}) == D(2025, 3, 17)


# --------------------------------------------------------------------------------------------
# is_working_day and working_days_between
# --------------------------------------------------------------------------------------------

WORKING_DAY_CASES = [
    pytest.param(D(2025, 12, 24), {}, True, id="christmas-eve"),
    pytest.param(D(2025, 12, 25), {}, False, id="christmas-day"),
    pytest.param(D(2025, 12, 27), {}, False, id="saturday"),
    pytest.param(D(2025, 12, 28), {}, False, id="sunday"),
    pytest.param(D(2026, 1, 2), {}, True, id="2-jan-england"),
    pytest.param(D(2026, 1, 2), {"division": "SCT"}, False, id="2-jan-scotland"),
    pytest.param(D(2025, 4, 21), {"division": "SCT"}, True, id="easter-monday-scotland"),
    pytest.param(D(2026, 1, 5), {"extra_holidays": [D(2026, 1, 5)]}, False, id="extra"),
]


@pytest.mark.parametrize(("day", "kwargs", "expected"), WORKING_DAY_CASES)
def test_is_working_day(day: date, kwargs: dict[str, object], expected: bool) -> None:
    assert is_working_day(day, **kwargs) is expected  # type: ignore[arg-type]


WORKING_DAYS_BETWEEN_CASES = [
    pytest.param(D(2025, 12, 1), D(2025, 12, 1), {}, 0, id="same-day"),
    pytest.param(D(2025, 12, 1), D(2025, 12, 2), {}, 1, id="next-day"),
    pytest.param(D(2025, 12, 5), D(2025, 12, 6), {}, 0, id="friday-to-saturday"),
    pytest.param(D(2025, 12, 5), D(2025, 12, 8), {}, 1, id="friday-to-monday"),
    pytest.param(D(2025, 12, 1), D(2025, 12, 15), {}, 10, id="two-weeks"),
    pytest.param(D(2025, 12, 24), D(2025, 12, 29), {}, 1, id="over-christmas"),
    # 23, 24, 29, 30, 31 Dec and 2 Jan (1 Jan is New Year's Day).
    pytest.param(D(2025, 12, 22), D(2026, 1, 2), {}, 6, id="over-new-year-england"),
    pytest.param(
        D(2025, 12, 22), D(2026, 1, 2), {"division": "SCT"}, 5, id="over-new-year-scotland"
    ),
    pytest.param(
        D(2025, 12, 1), D(2025, 12, 5), {"extra_holidays": {D(2025, 12, 3)}}, 3, id="extra"
    ),
    # 2025: 261 weekdays less 8 bank holidays, all on weekdays.
    pytest.param(D(2024, 12, 31), D(2025, 12, 31), {}, 253, id="whole-year-2025"),
    # Backwards: overdue.
    pytest.param(D(2025, 12, 2), D(2025, 12, 1), {}, -1, id="overdue-by-one"),
    pytest.param(D(2025, 12, 6), D(2025, 12, 5), {}, -1, id="saturday-after-friday-deadline"),
    pytest.param(D(2025, 12, 8), D(2025, 12, 5), {}, -1, id="monday-after-friday-deadline"),
    pytest.param(D(2025, 12, 29), D(2025, 12, 24), {}, -1, id="overdue-over-christmas"),
    pytest.param(D(2025, 12, 15), D(2025, 12, 1), {}, -10, id="overdue-two-weeks"),
]


@pytest.mark.parametrize(("start", "end", "kwargs", "expected"), WORKING_DAYS_BETWEEN_CASES)
def test_working_days_between(
    start: date, end: date, kwargs: dict[str, object], expected: int
) -> None:
    assert working_days_between(start, end, **kwargs) == expected  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# stopped_days
# --------------------------------------------------------------------------------------------

STOPPED_DAYS_CASES = [
    pytest.param([], 0, id="none"),
    pytest.param([(D(2026, 2, 9), D(2026, 2, 9))], 1, id="same-day-counts-one"),
    pytest.param([(D(2026, 2, 9), D(2026, 2, 11))], 3, id="both-end-days-counted"),
    pytest.param([(D(2025, 2, 28), D(2025, 3, 3))], 4, id="across-month-end"),
    pytest.param([(D(2024, 2, 28), D(2024, 3, 1))], 3, id="across-leap-day"),
    pytest.param(
        [(D(2026, 3, 1), D(2026, 3, 3)), (D(2026, 3, 10), D(2026, 3, 10))], 4, id="disjoint"
    ),
    pytest.param(
        [(D(2026, 3, 1), D(2026, 3, 5)), (D(2026, 3, 3), D(2026, 3, 8))], 8, id="overlapping"
    ),
    pytest.param(
        [(D(2026, 3, 1), D(2026, 3, 10)), (D(2026, 3, 3), D(2026, 3, 4))], 10, id="contained"
    ),
    pytest.param(
        [(D(2026, 3, 1), D(2026, 3, 3)), (D(2026, 3, 3), D(2026, 3, 6))], 6, id="sharing-a-day"
    ),
    pytest.param(
        [(D(2026, 3, 1), D(2026, 3, 3)), (D(2026, 3, 4), D(2026, 3, 6))], 6, id="adjacent"
    ),
    pytest.param(
        [(D(2026, 3, 10), D(2026, 3, 12)), (D(2026, 3, 1), D(2026, 3, 2))], 5, id="unordered"
    ),
    pytest.param(
        [(D(2026, 3, 1), D(2026, 3, 3)), (D(2026, 3, 1), D(2026, 3, 3))], 3, id="duplicated"
    ),
]


@pytest.mark.parametrize(("periods", "expected"), STOPPED_DAYS_CASES)
def test_stopped_days_counts_both_ends_and_merges_overlaps(
    periods: list[tuple[date, date]], expected: int
) -> None:
    assert stopped_days(periods) == expected


def test_stopped_days_accepts_any_iterable() -> None:
    periods = ((D(2026, 2, 9), D(2026, 2, 11)) for _ in range(2))
    assert stopped_days(periods) == 3


def test_when_stop_period_ends_before_it_starts_then_value_error() -> None:
    with pytest.raises(ValueError, match="cannot end"):
        stopped_days([(D(2026, 2, 1), D(2026, 2, 3)), (D(2026, 2, 11), D(2026, 2, 9))])


# --------------------------------------------------------------------------------------------
# explain_due_date
# --------------------------------------------------------------------------------------------


def test_explain_worked_example_christmas_line_by_line() -> None:
    assert explain_due_date(D(2025, 11, 25)) == [
        "Clock started on Tuesday 25 November 2025.",
        "One calendar month from the start is Thursday 25 December 2025.",
        "Thursday 25 December 2025 is a bank holiday (Christmas Day), skipped.",
        "Friday 26 December 2025 is a bank holiday (Boxing Day), skipped.",
        "Saturday 27 December 2025 is a weekend, skipped.",
        "Sunday 28 December 2025 is a weekend, skipped.",
        "Due date: Monday 29 December 2025.",
    ]


def test_explain_when_no_corresponding_date_then_says_last_day_of_month() -> None:
    assert explain_due_date(D(2025, 1, 31)) == [
        "Clock started on Friday 31 January 2025.",
        "One calendar month from the start falls in February 2025.",
        "No corresponding date in February 2025, so the last day of that month: "
        "Friday 28 February 2025.",
        "Due date: Friday 28 February 2025.",
    ]


def test_explain_when_extended_then_says_three_months() -> None:
    lines = explain_due_date(D(2025, 1, 31), extended=True)
    assert lines[1] == "Three calendar months from the start (extended) falls in April 2025."
    assert lines[2] == (
        "No corresponding date in April 2025, so the last day of that month: "
        "Wednesday 30 April 2025."
    )
    assert lines[-1] == "Due date: Wednesday 30 April 2025."


def test_explain_when_extended_with_corresponding_date() -> None:
    lines = explain_due_date(D(2025, 9, 25), extended=True)
    assert (
        lines[1] == "Three calendar months from the start (extended) is Thursday 25 December 2025."
    )


def test_explain_when_clock_stopped_then_days_added() -> None:
    assert explain_due_date(D(2026, 2, 2), paused_days=3) == [
        "Clock started on Monday 2 February 2026.",
        "One calendar month from the start is Monday 2 March 2026.",
        "3 days when the clock was stopped added: Thursday 5 March 2026.",
        "Due date: Thursday 5 March 2026.",
    ]


def test_explain_when_one_day_stopped_then_singular() -> None:
    lines = explain_due_date(D(2025, 11, 25), paused_days=1)
    assert "1 day when the clock was stopped added: Friday 26 December 2025." in lines


def test_explain_extra_holiday_then_weekend() -> None:
    assert explain_due_date(D(2025, 12, 2), extra_holidays={D(2026, 1, 2)}) == [
        "Clock started on Tuesday 2 December 2025.",
        "One calendar month from the start is Friday 2 January 2026.",
        "Friday 2 January 2026 is an extra holiday set by the council, skipped.",
        "Saturday 3 January 2026 is a weekend, skipped.",
        "Sunday 4 January 2026 is a weekend, skipped.",
        "Due date: Monday 5 January 2026.",
    ]


def test_explain_scottish_holiday_named() -> None:
    lines = explain_due_date(D(2025, 12, 2), division="SCT")
    assert "Friday 2 January 2026 is a bank holiday (New Year Holiday), skipped." in lines
    assert lines[-1] == "Due date: Monday 5 January 2026."


def test_explain_holiday_falling_at_weekend_names_both() -> None:
    lines = explain_due_date(D(2027, 11, 25))
    assert (
        "Saturday 25 December 2027 is a weekend and a bank holiday (Christmas Day), skipped."
        in (lines)
    )
    assert "Monday 27 December 2027 is a bank holiday (Christmas Day (observed)), skipped." in lines
    assert "Tuesday 28 December 2027 is a bank holiday (Boxing Day (observed)), skipped." in lines
    assert lines[-1] == "Due date: Wednesday 29 December 2027."


def test_explain_easter_names_good_friday_and_easter_monday() -> None:
    text = "\n".join(explain_due_date(D(2025, 3, 18)))
    assert "Friday 18 April 2025 is a bank holiday (Good Friday), skipped." in text
    assert "Saturday 19 April 2025 is a weekend, skipped." in text
    assert "Sunday 20 April 2025 is a weekend, skipped." in text
    assert "Monday 21 April 2025 is a bank holiday (Easter Monday), skipped." in text


ALL_DUE_DATE_CASES = [
    *(
        pytest.param(start, {"extended": ext, "paused_days": paused}, due, id=case.id)
        for case in WORKED_EXAMPLES
        for start, ext, paused, due in [case.values]
    ),
    *(
        pytest.param(start, {}, due, id=case.id)
        for case in MONTH_END_CASES + BANK_HOLIDAY_CASES + WEEKEND_CASES
        for start, due in [case.values]
    ),
    *(
        pytest.param(start, {"extended": True}, due, id=f"extended-{case.id}")
        for case in EXTENDED_CASES
        for start, due in [case.values]
    ),
    *(
        pytest.param(start, {"paused_days": paused, "extended": ext}, due, id=f"paused-{case.id}")
        for case in PAUSED_CASES
        for start, ext, paused, due in [case.values]
    ),
    *(
        pytest.param(start, {"division": division}, due, id=case.id)
        for case in DIVISION_CASES
        for start, division, due in [case.values]
    ),
    *(
        pytest.param(start, {"extra_holidays": extra}, due, id=f"extra-{case.id}")
        for case in EXTRA_HOLIDAY_CASES
        for start, extra, due in [case.values]
    ),
]


@pytest.mark.parametrize(("start", "kwargs", "expected"), ALL_DUE_DATE_CASES)
def test_explain_ends_with_due_date_and_mentions_every_skipped_day(
    start: date, kwargs: dict[str, object], expected: date
) -> None:
    lines = explain_due_date(start, **kwargs)  # type: ignore[arg-type]
    assert lines[0] == f"Clock started on {long_date(start)}."
    assert lines[-1] == f"Due date: {long_date(expected)}."
    assert due_date(start, **kwargs) == expected  # type: ignore[arg-type]
    # The day before the move to a working day: corresponding date, plus any stopped days.
    months = 3 if kwargs.get("extended") else 1
    paused = kwargs.get("paused_days", 0)
    assert isinstance(paused, int)
    before_move = add_months(start, months) + timedelta(days=paused)
    # Every day from there up to the day before the due date is named as skipped, in order.
    skipped = [line.split(" is ")[0] for line in lines if line.endswith(", skipped.")]
    assert skipped == [
        long_date(before_move + timedelta(days=n)) for n in range((expected - before_move).days)
    ]


# --------------------------------------------------------------------------------------------
# Bad arguments
# --------------------------------------------------------------------------------------------


def test_when_paused_days_negative_then_value_error() -> None:
    with pytest.raises(ValueError, match="paused_days cannot be negative"):
        due_date(D(2025, 1, 31), paused_days=-1)
    with pytest.raises(ValueError, match="paused_days cannot be negative"):
        explain_due_date(D(2025, 1, 31), paused_days=-1)
    with pytest.raises(ValueError, match="paused_days cannot be negative"):
        first_month_end(D(2025, 1, 31), paused_days=-1)


@pytest.mark.parametrize("division", ["XYZ", "GB", "eng", "England", ""])
def test_when_division_unknown_then_value_error_naming_the_choices(division: str) -> None:
    match = r"Unknown bank holiday division .*ENG \(England\), WLS \(Wales\), SCT \(Scotland\)"
    with pytest.raises(ValueError, match=match):
        due_date(D(2025, 1, 31), division=division)
    with pytest.raises(ValueError, match="Unknown bank holiday division"):
        explain_due_date(D(2025, 1, 31), division=division)
    with pytest.raises(ValueError, match="Unknown bank holiday division"):
        is_working_day(D(2025, 1, 31), division=division)
    with pytest.raises(ValueError, match="Unknown bank holiday division"):
        working_days_between(D(2025, 1, 31), D(2025, 2, 28), division=division)


def test_when_start_is_a_datetime_then_type_error() -> None:
    with pytest.raises(TypeError, match="not a datetime"):
        due_date(datetime(2025, 1, 31, 9, 30))


def test_when_extra_holiday_is_not_a_date_then_type_error() -> None:
    with pytest.raises(TypeError, match="extra_holidays"):
        due_date(D(2025, 1, 31), extra_holidays=["2025-02-28"])  # type: ignore[list-item]


def test_when_paused_days_not_an_int_then_type_error() -> None:
    with pytest.raises(TypeError, match="paused_days"):
        due_date(D(2025, 1, 31), paused_days=1.5)  # type: ignore[arg-type]
