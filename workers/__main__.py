"""Start an RQ worker for the portal's queue: `python -m workers [--burst]`."""

from __future__ import annotations

import argparse
import logging
import sys
import threading

from redis import Redis
from rq import Queue, Worker
from rq.serializers import JSONSerializer

from workers.sweep import run_periodically


def main(argv: list[str] | None = None) -> int:
    """Run a worker (with RQ's scheduler) until stopped."""
    parser = argparse.ArgumentParser(prog="python -m workers", description=__doc__)
    parser.add_argument("--burst", action="store_true", help="stop when the queue is empty")
    parser.add_argument("--name", help="worker name (default: host and pid)")
    parser.add_argument("--no-preload", action="store_true", help="load spaCy on first use")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")

    from workers.context import app_context

    with app_context():
        from flask import current_app

        redis_url = current_app.config.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
        queue_name = current_app.config["QUEUE_NAME"]
    connection = Redis.from_url(redis_url)
    if not args.no_preload:
        # spaCy is loaded once here, before RQ forks a work-horse per job.
        from workers.detect import preload

        preload()
    queue = Queue(queue_name, connection=connection, serializer=JSONSerializer)
    worker = Worker([queue], connection=connection, serializer=JSONSerializer, name=args.name)
    # The sweep has a connection of its own: RQ raises the socket timeout of the worker's pool
    # above its blocking dequeue (redis-py's default is 5 s), and a connection the sweep had
    # opened in that pool earlier kept the short one, so an idle worker quit after 5 seconds.
    stop = threading.Event()
    sweeper = threading.Thread(
        target=run_periodically, args=(Redis.from_url(redis_url), stop), daemon=True
    )
    sweeper.start()
    try:
        worker.work(burst=args.burst, with_scheduler=True)
    finally:
        stop.set()
    return 0


if __name__ == "__main__":
    sys.exit(main())
