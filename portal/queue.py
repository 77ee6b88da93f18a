"""Background jobs: RQ on Redis when it answers, otherwise run in-process after the commit.

The web process enqueues by dotted path ("workers.mail.send_outbox") so it never imports the
workers package (or spaCy) itself.
"""

from __future__ import annotations

import importlib
import logging
import threading
from typing import Any

from flask import Flask, current_app
from redis import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)


class JobQueue:
    """The portal's door to RQ, kept in app.extensions["queue"]."""

    def __init__(self, app: Flask) -> None:
        self.name: str = app.config["QUEUE_NAME"]
        self.redis_url: str | None = app.config.get("REDIS_URL")
        forced = app.config.get("JOBS_IN_PROCESS")
        self._in_process: bool | None = bool(forced) if forced is not None else None
        self._redis: Redis | None = None
        self.synchronous: bool = bool(app.config.get("TESTING"))

    @property
    def redis(self) -> Redis | None:
        """A Redis connection, or None when none is configured or it does not answer."""
        if self._redis is None and self.redis_url:
            self._redis = Redis.from_url(self.redis_url, socket_connect_timeout=2)
        return self._redis

    @property
    def in_process(self) -> bool:
        """True when jobs run inside the web process (no Redis reachable)."""
        if self._in_process is None:
            connection = self.redis
            try:
                self._in_process = connection is None or not connection.ping()
            except RedisError:
                self._in_process = True
        return self._in_process

    def enqueue(
        self, dotted_path: str, *args: int | str, timeout: int = 600, job_id: str | None = None
    ) -> str | None:
        """Queue a job taking primitive ids; in-process mode runs it here. Returns the RQ id."""
        if self.in_process:
            module_name, _, func_name = dotted_path.rpartition(".")
            func = getattr(importlib.import_module(module_name), func_name)
            if self.synchronous:
                func(*args)
            else:
                # Without Redis, long jobs run on a thread so the page that started them returns.
                threading.Thread(target=_run_logged, args=(func, args), daemon=True).start()
            return None
        from rq import Queue, Retry
        from rq.serializers import JSONSerializer

        queue = Queue(self.name, connection=self.redis, serializer=JSONSerializer)
        job = queue.enqueue(
            dotted_path,
            *args,
            job_id=job_id,
            job_timeout=timeout,
            result_ttl=3600,
            failure_ttl=7 * 24 * 3600,
            retry=Retry(max=3, interval=[10, 60, 300]),
        )
        return str(job.id)


def _run_logged(func: Any, args: tuple[Any, ...]) -> None:
    try:
        func(*args)
    except Exception:
        log.exception("in-process job %s failed", getattr(func, "__name__", func))


def get_queue() -> JobQueue:
    """The current app's job queue."""
    queue: JobQueue = current_app.extensions["queue"]
    return queue


def enqueue_after_commit(
    dotted_path: str, *args: int | str, job_id: str | None = None, timeout: int = 600
) -> None:
    """Queue a job once the current transaction has committed (never for rolled-back work)."""
    from sqlalchemy import event

    from portal.extensions import db

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    session = db.session()

    def _after_commit(_session: Any) -> None:
        with app.app_context():
            try:
                get_queue().enqueue(dotted_path, *args, job_id=job_id, timeout=timeout)
            except Exception:  # a lost enqueue is re-found by the periodic sweep
                log.exception("could not enqueue %s", dotted_path)

    event.listen(session, "after_commit", _after_commit, once=True)


def init_app(app: Flask) -> None:
    """Attach the queue to the app."""
    app.extensions["queue"] = JobQueue(app)
