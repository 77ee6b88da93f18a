"""The database row of a running job: started, progress (also in RQ's job.meta), finished or
failed. Error text kept anywhere is the exception's type and a fixed message, never personal
data (RQ keeps exception text in Redis)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rq import get_current_job

from portal.extensions import db
from portal.models import JobRecord, JobStatus
from portal.timeutil import utcnow

log = logging.getLogger(__name__)


class JobFailed(Exception):
    """Raised instead of the original error so RQ stores no personal data."""


class Tracker:
    """Progress reporting for one job row."""

    def __init__(self, record_id: int) -> None:
        self.record_id = record_id

    def record(self) -> JobRecord:
        """The job's row (fresh from the database)."""
        row = db.session.get(JobRecord, self.record_id)
        if row is None:
            raise JobFailed(f"job row {self.record_id} does not exist")
        return row

    def report(self, **progress: Any) -> None:
        """Save progress (and a heartbeat) and commit, so the case page sees it at once."""
        row = self.record()
        row.progress = {**(row.progress or {}), **progress}
        row.heartbeat_at = utcnow()
        db.session.commit()
        job = get_current_job()
        if job is not None:
            job.meta.update(progress)
            job.save_meta()  # type: ignore[no-untyped-call]


@contextmanager
def tracked(record_id: int) -> Iterator[Tracker]:
    """Mark the row running, then finished; on any error mark it failed and re-raise."""
    tracker = Tracker(record_id)
    row = tracker.record()
    row.status = JobStatus.RUNNING
    row.attempts = (row.attempts or 0) + 1
    row.started_at = row.heartbeat_at = utcnow()
    row.error = None
    db.session.commit()
    try:
        yield tracker
    except Exception as exc:
        db.session.rollback()
        row = tracker.record()
        job = get_current_job()
        if job is not None and (job.retries_left or 0) > 0:
            # RQ runs it again: still in flight, so nobody starts a second job beside the retry
            # and the sweep still watches it (a row marked failed here stayed failed for good).
            row.status = JobStatus.QUEUED
            row.error = f"{type(exc).__name__} (to be tried again)"
        else:
            row.status = JobStatus.FAILED
            row.error = f"{type(exc).__name__}"
            row.finished_at = utcnow()
        db.session.commit()
        log.exception("job %s (%s) failed", record_id, row.kind)
        raise JobFailed(f"{row.kind} job {record_id} failed: {type(exc).__name__}") from None
    row = tracker.record()
    row.status = JobStatus.FINISHED
    row.finished_at = row.heartbeat_at = utcnow()
    db.session.commit()
