"""Gathering: search the case records for a request's data subject."""

from __future__ import annotations

from portal.extensions import db
from portal.services import gathering
from portal.services.actor import Actor
from portal.services.errors import InvalidTransition
from workers.context import app_context
from workers.tracking import tracked


def gather_records(job_record_id: int) -> None:
    """Search the records for the request of the job; store candidates and parties."""
    with app_context(), tracked(job_record_id) as tracker:
        request_id = tracker.record().request_id
        if request_id is None:
            raise ValueError("gather job without a request")
        tracker.report(step="searching")
        try:
            run = gathering.gather(request_id, Actor.system("records search"))
        except InvalidTransition:
            tracker.report(step="skipped", skipped="the request is no longer being gathered")
            return  # nothing runs on a closed request
        db.session.commit()
        tracker.report(step="done", candidates=run.candidates)
