"""The last day to notify an extension moves off a bank holiday, like the due date (s1.3, s1.6)."""

from __future__ import annotations

from datetime import date

from freezegun import freeze_time

from portal.extensions import db
from portal.models import ClockEventKind, Role
from portal.services import deadlines


def test_extension_can_be_notified_on_the_working_day_after_a_bank_holiday(
    make_user, make_request, auth, client
) -> None:
    # Clock start Fri 25 Jul 2025: one month is Mon 25 Aug 2025, the English summer bank holiday.
    with freeze_time("2025-07-28"):
        auth.login(make_user(Role.CASEWORKER))
        request = make_request(received=date(2025, 7, 25))
        assert client.post(f"/staff/requests/{request.id}/actions/verify").status_code == 302
        state = deadlines.clock_state(request)
        assert state.start == date(2025, 7, 25)
        assert state.due == date(2025, 8, 26)
        assert state.first_month_end == date(2025, 8, 26)
        page = client.get(f"/staff/requests/{request.id}").get_data(as_text=True)
        assert "an extension must be notified by 26 August 2025" in page

    with freeze_time("2025-08-26"):
        response = client.post(
            f"/staff/requests/{request.id}/actions/extend",
            data={"reason": "Records held by three teams."},
        )
        assert response.status_code == 302, response.get_data(as_text=True)
        db.session.refresh(request)
        assert any(e.kind is ClockEventKind.EXTENDED for e in request.clock_events)
        assert request.due_date == date(2025, 10, 27)  # Sat 25 Oct: the Monday


def test_extension_is_refused_the_day_after(make_user, make_request, auth, client) -> None:
    with freeze_time("2025-07-28"):
        auth.login(make_user(Role.CASEWORKER))
        request = make_request(received=date(2025, 7, 25))
        client.post(f"/staff/requests/{request.id}/actions/verify")
    with freeze_time("2025-08-27"):
        client.post(
            f"/staff/requests/{request.id}/actions/extend",
            data={"reason": "Records held by three teams."},
        )
        db.session.refresh(request)
        assert not any(e.kind is ClockEventKind.EXTENDED for e in request.clock_events)
