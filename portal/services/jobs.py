"""Background jobs as the database knows them, so a caseworker sees progress and nothing is lost
when a worker dies: one row per job, a duplicate in flight refused, a sweep that re-enqueues
what the queue has lost."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from portal.extensions import db
from portal.models import JobRecord, JobStatus
from portal.queue import enqueue_after_commit
from portal.services.errors import ServiceError
from portal.timeutil import as_utc, utcnow

# kind -> (dotted path of the job function, timeout in seconds)
KINDS: dict[str, tuple[str, int]] = {
    "gather": ("workers.gather.gather_records", 600),
    "detect": ("workers.detect.detect_documents", 3600),
    "release": ("workers.release.build_pack", 1800),
}
IN_FLIGHT = (JobStatus.QUEUED, JobStatus.RUNNING)
MAX_ATTEMPTS = 3


def timeout_for(kind: str) -> int:
    """The job's time limit in seconds (config JOB_TIMEOUTS overrides the defaults)."""
    from flask import current_app

    overrides = current_app.config.get("JOB_TIMEOUTS") or {}
    return int(overrides.get(kind, KINDS[kind][1]))


def grace() -> timedelta:
    """How long past its time limit a silent job is given before it is presumed lost."""
    from flask import current_app

    return timedelta(seconds=int(current_app.config.get("JOB_GRACE_SECONDS") or 120))


def rq_id(record: JobRecord) -> str:
    """The RQ job id: known before enqueueing, so the row and the queue agree."""
    return f"disclose-{record.kind}-{record.id}-{record.attempts}"


def in_flight(kind: str, request_id: int) -> JobRecord | None:
    """The queued or running job of this kind for the request, if any."""
    return db.session.scalar(
        select(JobRecord).where(
            JobRecord.kind == kind,
            JobRecord.request_id == request_id,
            JobRecord.status.in_(IN_FLIGHT),
        )
    )


def start(kind: str, request_id: int) -> JobRecord:
    """Record a job and queue it once the transaction commits; refuse one already in flight."""
    if kind not in KINDS:
        raise ServiceError(f"Unknown job {kind}")
    if in_flight(kind, request_id) is not None:
        raise ServiceError("That work is already under way for this request")
    if kind in ("gather", "detect"):
        from portal.models import Request
        from portal.services import lifecycle

        request = db.session.get(Request, request_id)
        if request is None:
            raise ServiceError("No such request")
        lifecycle.require_running(request)  # nothing starts on a closed or released request
    record = JobRecord(kind=kind, request_id=request_id, status=JobStatus.QUEUED, progress={})
    db.session.add(record)
    db.session.flush()
    record.rq_id = rq_id(record)
    enqueue_after_commit(KINDS[kind][0], record.id, job_id=record.rq_id, timeout=timeout_for(kind))
    return record


def latest(kind: str, request_id: int) -> JobRecord | None:
    """The most recent job of this kind for the request."""
    return db.session.scalar(
        select(JobRecord)
        .where(JobRecord.kind == kind, JobRecord.request_id == request_id)
        .order_by(JobRecord.id.desc())
        .limit(1)
    )


def describe(record: JobRecord | None) -> dict[str, Any] | None:
    """A job as the case page's progress panel shows it."""
    if record is None:
        return None
    return {
        "id": record.id,
        "kind": record.kind,
        "status": record.status,
        "progress": record.progress or {},
        "error": record.error,
        "attempts": record.attempts,
    }


def stale(now: Any = None) -> list[JobRecord]:
    """Jobs the database thinks are in flight but have not been heard of for too long."""
    now = now or utcnow()
    found = []
    for record in db.session.scalars(select(JobRecord).where(JobRecord.status.in_(IN_FLIGHT))):
        timeout = timedelta(seconds=timeout_for(record.kind))
        last = as_utc(record.heartbeat_at or record.started_at or record.enqueued_at)
        # A queued job may wait behind others for as long as one of them may run.
        limit = timeout + grace()
        if now - last > limit:
            found.append(record)
    return found


def work_status(request_id: int) -> dict[str, Any]:
    """The background work on a request as the case page shows it: the latest records search,
    the latest detection, and documents done."""
    from portal.services import detection

    return {
        "gather": describe(latest("gather", request_id)),
        "detect": describe(latest("detect", request_id)),
        "documents": detection.progress(request_id),
    }
