"""The records scope page brings its candidate table up to date when the search ends: the parts
drawn from the search are marked for progress.js, with the job's status when the page was drawn
and the polite message it gives once it has fetched them again."""

from __future__ import annotations

import re

from portal.extensions import db
from portal.models import JobRecord, RequestStatus, Role


def _scope(auth, make_user, make_request, status: str | None) -> tuple[str, int]:
    worker = make_user(Role.CASEWORKER)
    req = make_request()
    req.status = RequestStatus.GATHERING
    if status:
        db.session.add(JobRecord(kind="gather", request_id=req.id, status=status, progress={}))
    db.session.commit()
    auth.login(worker)
    return auth.client.get(f"/staff/requests/{req.id}/scope").get_data(as_text=True), req.id


def test_the_candidate_table_waits_on_a_search_under_way(auth, make_user, make_request) -> None:
    html, request_id = _scope(auth, make_user, make_request, "running")
    part = re.search(r'<div id="scope-results"[^>]*>', html)
    assert part is not None
    assert 'data-refresh-on-finish="gather"' in part.group(0)
    assert 'data-job-status="running"' in part.group(0)
    assert "the candidate documents below are up to date" in part.group(0)
    # the table, the counts and the buttons are inside the part fetched again
    inside = html[part.start() :]
    for piece in ('id="candidates"', "to decide,", "Search the records"):
        assert piece in inside, piece
    # the message is a polite live region outside it, so it survives the swap
    message = re.search(r'<p [^>]*data-role="refresh-message"[^>]*>', html)
    assert message is not None and message.start() < part.start()
    assert 'role="status"' in message.group(0) and 'aria-live="polite"' in message.group(0)
    assert "progress.js" in html
    progress = auth.client.get(f"/staff/requests/{request_id}/progress.json").get_json()
    assert progress["gather"]["status"] == "running"


def test_without_a_search_there_is_nothing_to_wait_for(auth, make_user, make_request) -> None:
    html, _ = _scope(auth, make_user, make_request, None)
    assert 'data-job-status=""' in html
