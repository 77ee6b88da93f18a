"""The periodic check: work the database says is in flight but the queue has lost (a worker
killed mid-job, an enqueue that never happened) is queued again, or marked failed after the
last attempt."""

from __future__ import annotations

import logging
import threading

from flask import current_app
from redis import Redis
from rq import Queue, Retry
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from rq.serializers import JSONSerializer

from portal.extensions import db
from portal.models import JobRecord, RequestStatus
from portal.models.enums import JobStatus as RowStatus
from portal.services import jobs, lifecycle, workflow
from portal.services.actor import Actor
from portal.timeutil import utcnow
from workers.context import app_context

log = logging.getLogger(__name__)
LOCK = "disclose:sweep-lock"


def sweep_once(connection: Redis) -> dict[str, int]:
    """Re-enqueue or fail every job that has gone silent for longer than its limit."""
    requeued = failed = 0
    queue = Queue(
        current_app.config["QUEUE_NAME"], connection=connection, serializer=JSONSerializer
    )
    for record in jobs.stale():
        if _rq_status(record, connection) in WAITING:
            continue  # still in the queue behind other work: not lost, just waiting
        _forget(record, connection)
        requeues = int((record.progress or {}).get("requeues", 0))
        if max(record.attempts or 0, requeues) >= jobs.MAX_ATTEMPTS:
            _fail(record, "lost: no word from a worker after the last attempt")
            failed += 1
            continue
        record.status = RowStatus.QUEUED
        record.progress = {**(record.progress or {}), "requeues": requeues + 1}
        record.enqueued_at = record.heartbeat_at = utcnow()
        record.rq_id = f"{jobs.rq_id(record)}-requeue{requeues + 1}"
        db.session.commit()
        path = jobs.KINDS[record.kind][0]
        queue.enqueue(
            path,
            record.id,
            job_id=record.rq_id,
            job_timeout=jobs.timeout_for(record.kind),
            result_ttl=3600,
            failure_ttl=7 * 24 * 3600,
            # the same retries as the first enqueue (portal.queue), e.g. after a time-out
            retry=Retry(max=3, interval=[10, 60, 300]),
        )
        requeued += 1
        log.warning("job %s (%s) was lost; queued again", record.id, record.kind)
    # Jobs RQ gave up on (retries used up) while the row still says running.
    for record in db.session.scalars(
        db.select(JobRecord).where(JobRecord.status.in_(jobs.IN_FLIGHT))
    ):
        status = _rq_status(record, connection)
        if status == JobStatus.FAILED:
            job = Job.fetch(record.rq_id or "", connection=connection, serializer=JSONSerializer)
            if not job.retries_left:
                _fail(record, "failed in the worker after every retry")
                failed += 1
    db.session.commit()
    return {"requeued": requeued, "failed": failed}


# A job still in the queue is only waiting for a free worker. A scheduled retry is not: it
# needs a live scheduler, and if that died with its worker the job is as good as lost.
WAITING = (JobStatus.QUEUED,)


def _rq_status(record: JobRecord, connection: Redis) -> JobStatus | None:
    try:
        return Job.fetch(
            record.rq_id or "", connection=connection, serializer=JSONSerializer
        ).get_status()
    except NoSuchJobError:
        return None


def _forget(record: JobRecord, connection: Redis) -> None:
    try:
        job = Job.fetch(record.rq_id or "", connection=connection, serializer=JSONSerializer)
    except NoSuchJobError:
        return
    job.delete(remove_from_queue=True)


def _fail(record: JobRecord, why: str) -> None:
    record.status = RowStatus.FAILED
    record.error = why
    record.finished_at = utcnow()
    if record.kind == "gather" and record.request_id is not None:
        # The request must not stay "gathering" for ever: back to in progress, with the reason.
        request = workflow.get_request(record.request_id)
        if request.status is RequestStatus.GATHERING:
            lifecycle.fire(
                request, "search_failed", Actor.system("job sweep"), "records search failed"
            )
    log.error("job %s (%s) failed: %s", record.id, record.kind, why)


def run_periodically(connection: Redis, stop: threading.Event) -> None:
    """Sweep every SWEEP_SECONDS; one worker at a time holds the lock."""
    while not stop.is_set():
        with app_context():
            interval = int(current_app.config.get("SWEEP_SECONDS") or 60)
            try:
                # One lock per queue: deployments (or tests) sharing a Redis sweep separately.
                lock = f"{LOCK}:{current_app.config['QUEUE_NAME']}"
                if connection.set(lock, "1", nx=True, ex=max(interval - 1, 1)):
                    result = sweep_once(connection)
                    if any(result.values()):
                        log.info("sweep: %s", result)
            except Exception:
                db.session.rollback()
                log.exception("sweep failed")
            finally:
                db.session.remove()
        stop.wait(interval)
