"""The outbox reaches a real SMTP server (aiosmtpd), in-process and through a real RQ worker."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import OutboxMessage
from portal.queue import JobQueue
from portal.services import mail

ROOT = Path(__file__).resolve().parents[2]


def test_outbox_is_sent_by_smtp(app, make_request, smtp_server) -> None:
    inbox, port = smtp_server
    request = make_request(email="someone@example.com")
    config = dict(
        app.config, SMTP_HOST="127.0.0.1", SMTP_PORT=port, MAIL_FROM="dpo@council.example"
    )
    assert mail.send_pending(config) == 1
    db.session.commit()
    sender, recipients, content = inbox.messages[0]
    assert sender == "dpo@council.example"
    assert recipients == ["someone@example.com"]
    assert request.reference in content
    row = db.session.scalars(select(OutboxMessage)).one()
    assert row.sent_at is not None and row.attempts == 1
    assert mail.send_pending(config) == 0  # nothing sent twice


def test_posted_letters_are_not_emailed(app, make_request, smtp_server) -> None:
    inbox, port = smtp_server
    mail.queue_message("", "Letter", "to print", "acknowledgement")
    db.session.commit()
    assert mail.send_pending(dict(app.config, SMTP_HOST="127.0.0.1", SMTP_PORT=port)) == 0
    assert inbox.messages == []


def test_without_smtp_nothing_is_sent_and_nothing_lost(app, make_request) -> None:
    make_request()
    assert mail.send_pending(dict(app.config, SMTP_HOST=None)) == 0
    assert db.session.scalars(select(OutboxMessage)).one().sent_at is None


@pytest.mark.redis
def test_real_worker_sends_the_outbox_through_redis(
    app, make_request, smtp_server, redis_url, tmp_path
) -> None:
    inbox, port = smtp_server
    request = make_request(email="queue@example.com")
    db.session.commit()
    queue_name = f"test-{uuid.uuid4().hex[:8]}"
    queue = JobQueue(app)
    queue.name, queue.redis_url, queue._in_process = queue_name, redis_url, False
    job_id = queue.enqueue("workers.mail.send_outbox")
    assert job_id

    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
    env.update(
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        REDIS_URL=redis_url,
        SECRET_KEY="worker-test",
        PORTAL_INSTANCE_PATH=str(tmp_path),
        PORTAL_QUEUE_NAME=queue_name,
        PORTAL_SMTP_HOST="127.0.0.1",
        PORTAL_SMTP_PORT=str(port),
    )
    result = subprocess.run(
        [sys.executable, "-m", "workers", "--burst"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert [m[1] for m in inbox.messages] == [["queue@example.com"]]
    assert request.reference in inbox.messages[0][2]
    db.session.expire_all()
    assert db.session.scalars(select(OutboxMessage)).one().sent_at is not None

    from redis import Redis
    from rq.job import Job
    from rq.serializers import JSONSerializer

    job = Job.fetch(job_id, connection=Redis.from_url(redis_url), serializer=JSONSerializer)
    assert job.get_status() == "finished"
