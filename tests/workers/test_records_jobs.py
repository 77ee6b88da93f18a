"""Gathering and detection through real RQ workers (`python -m workers`) on a real Redis: the happy
path for a demo request, a worker killed mid-job, a job run twice, and corrupt documents."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from redis import Redis
from rq.job import Job
from rq.serializers import JSONSerializer
from sqlalchemy import select

from demo import records as demo_records
from portal.extensions import db
from portal.models import (
    CaseFile,
    Document,
    DocumentWork,
    FindingRecord,
    JobRecord,
    Relationship,
    Request,
    RequestStatus,
    Role,
)
from portal.queue import JobQueue
from portal.services import detection, gathering, jobs, records_import, workflow
from portal.services.actor import Actor
from redaction.text import plain_text
from tests.conftest import kill_session

pytestmark = pytest.mark.redis

ROOT = Path(__file__).resolve().parents[2]


# ---- the demo export, imported into the test database ------------------------------------


@pytest.fixture(scope="module")
def export_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo export (3 children), written once for the module."""
    out = tmp_path_factory.mktemp("export")
    demo_records.generate(out, children=3)
    return out


@pytest.fixture(scope="module")
def text_of() -> Callable[[str], tuple[str, str]]:
    """plain_text, remembered per file: every test imports the same export afresh."""
    known: dict[str, tuple[str, str]] = {}

    def _text(path: str) -> tuple[str, str]:
        if path not in known:
            known[path] = plain_text(path)
        return known[path]

    return _text


@dataclass
class Records:
    """The imported export: its manifest and ground truth, and where documents are stored."""

    manifest: dict[str, Any]
    truth: dict[str, Any]
    documents_dir: Path

    def person(self, person_id: str) -> dict[str, Any]:
        return next(p for p in self.manifest["people"] if p["id"] == person_id)

    def children(self) -> list[str]:
        return sorted(
            {
                m["person"]
                for c in self.manifest["cases"]
                for m in c["people"]
                if m["role"] == "child"
            }
        )

    def cases_of(self, person_id: str) -> set[str]:
        return {
            c["id"]
            for c in self.manifest["cases"]
            if any(m["person"] == person_id for m in c["people"])
        }

    def case_documents(self, person_id: str) -> set[str]:
        cases = self.cases_of(person_id)
        return {d["id"] for d in self.manifest["documents"] if d["case"] in cases}

    def awkward(self) -> dict[str, str]:
        return {k: v["awkward"] for k, v in self.truth.items() if "awkward" in v}

    def child_without_awkward_documents(self) -> str:
        return next(c for c in self.children() if not self.case_documents(c) & set(self.awkward()))

    def child_with(self, kind: str) -> str:
        doc = next(k for k, v in self.awkward().items() if v == kind)
        return next(c for c in self.children() if doc in self.case_documents(c))


@pytest.fixture()
def records(
    app: Flask,
    export_dir: Path,
    text_of: Callable[[str], tuple[str, str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Records:
    """The export imported; documents stored under this test's own folder."""
    documents_dir = tmp_path / "documents"
    monkeypatch.setitem(app.config, "DOCUMENTS_DIR", str(documents_dir))
    report = records_import.import_export(export_dir, documents_dir / "records", text_of)
    db.session.commit()
    assert not report.errors
    return Records(
        manifest=json.loads((export_dir / "manifest.json").read_text(encoding="utf-8")),
        truth=json.loads((export_dir / "ground_truth.json").read_text(encoding="utf-8")),
        documents_dir=documents_dir,
    )


# ---- the queue and the worker processes --------------------------------------------------


@pytest.fixture()
def queue(app: Flask, redis_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[JobQueue]:
    """The app's job queue on real Redis, on a queue of this test's own."""
    name = f"test-records-{uuid.uuid4().hex[:8]}"
    real = JobQueue(app)
    real.name, real.redis_url, real._in_process = name, redis_url, False
    monkeypatch.setitem(app.extensions, "queue", real)
    monkeypatch.setitem(app.config, "QUEUE_NAME", name)
    monkeypatch.setitem(app.config, "JOB_TIMEOUTS", {"gather": 60, "detect": 60})
    yield real
    if real._redis is not None:
        real._redis.close()


def _children(pid: int) -> list[tuple[int, int]]:
    """(pid, process group) of the live children of a process."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[1]) == pid:
            found.append((int(entry), int(fields[2])))
    return found


class WorkerProcess:
    """`python -m workers` in a session of its own, its output kept in a file."""

    def __init__(self, env: dict[str, str], log: Path, *, burst: bool) -> None:
        self.log_path = log
        self._log = log.open("w", encoding="utf-8")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "workers", *(["--burst"] if burst else [])],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def pid(self) -> int:
        return self.proc.pid

    def output(self) -> str:
        self._log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def horse(self) -> int | None:
        """The work-horse: the child RQ forked into a process group of its own."""
        return next((pid for pid, group in _children(self.pid) if pid == group), None)

    def kill_all(self) -> None:
        """SIGKILL the worker and everything it started (scheduler, work-horse)."""
        kill_session(self.pid)

    def stop(self) -> None:
        """Warm shutdown, then nothing of the session left alive."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        self.kill_all()
        self.proc.wait(timeout=10)
        self._log.close()


@pytest.fixture()
def start_worker(
    app: Flask, queue: JobQueue, redis_url: str, tmp_path: Path
) -> Iterator[Callable[..., WorkerProcess]]:
    """Start real workers against the test database and this test's queue; all are stopped."""
    started: list[WorkerProcess] = []

    def _start(*, burst: bool, **settings: Any) -> WorkerProcess:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
        env.update(
            DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
            REDIS_URL=redis_url,
            SECRET_KEY="worker-test",
            PORTAL_INSTANCE_PATH=str(tmp_path / "instance"),
            PORTAL_QUEUE_NAME=queue.name,
            PORTAL_DOCUMENTS_DIR=app.config["DOCUMENTS_DIR"],
            PORTAL_JOB_TIMEOUTS=json.dumps(app.config["JOB_TIMEOUTS"]),
        )
        env.update({f"PORTAL_{k}": str(v) for k, v in settings.items()})
        worker = WorkerProcess(env, tmp_path / f"worker{len(started)}.log", burst=burst)
        started.append(worker)
        return worker

    try:
        yield _start
    finally:
        for worker in started:
            worker.stop()


def run_burst(start: Callable[..., WorkerProcess], timeout: float = 120) -> str:
    """Run a burst worker until the queue is empty; its output."""
    worker = start(burst=True)
    try:
        worker.proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        pytest.fail("burst worker did not finish:\n" + worker.output()[-3000:])
    assert worker.proc.returncode == 0, worker.output()[-3000:]
    return worker.output()


def wait_for(
    check: Callable[[], Any], timeout: float, what: str, workers: list[WorkerProcess]
) -> Any:
    """Poll until check() is truthy (reading the database afresh each time)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.rollback()
        value = check()
        if value:
            return value
        time.sleep(0.1)
    logs = "\n\n".join(w.output()[-3000:] for w in workers)
    pytest.fail(f"timed out waiting for {what}\n{logs}")


# ---- helpers for the request --------------------------------------------------------------


def request_for(
    records: Records, child_id: str, make_request: Callable[..., Request], actor: Actor
) -> Request:
    """An access request by a parent for a child of the export, verified and gathering."""
    person = records.person(child_id)
    request = make_request(
        first_names=person["first_names"],
        last_name=person["last_name"],
        relationship=Relationship.PARENT,
        requester_name="Pat Parent",
    )
    request.subject.date_of_birth = date.fromisoformat(person["date_of_birth"])
    workflow.verify(request.id, actor)
    workflow.move(request, RequestStatus.GATHERING, actor, "records search started")
    db.session.commit()
    return request


def external_ids(document_ids: list[int]) -> dict[int, str]:
    rows = db.session.execute(
        select(Document.id, Document.external_id).where(Document.id.in_(document_ids))
    )
    return {row.id: row.external_id for row in rows}


def include_case_documents(request_id: int, wanted: set[str], actor: Actor) -> set[int]:
    """Include the candidates among `wanted` (external ids), exclude the rest; confirm scope."""
    candidates = gathering_candidates(request_id)
    names = external_ids([c.document_id for c in candidates])
    chosen = [c.id for c in candidates if names[c.document_id] in wanted]
    others = [c.id for c in candidates if names[c.document_id] not in wanted]
    gathering.decide(request_id, chosen, "included", actor)
    if others:
        gathering.decide(request_id, others, "excluded", actor)
    works = detection.confirm_scope(request_id, actor)
    return {w.document_id for w in works}


def gathering_candidates(request_id: int) -> list[Any]:
    from portal.models import Candidate

    return list(db.session.scalars(select(Candidate).where(Candidate.request_id == request_id)))


def findings_of(request_id: int) -> list[tuple[Any, ...]]:
    """The request's findings as comparable tuples (ids left out)."""
    rows = db.session.scalars(
        select(FindingRecord).where(FindingRecord.request_id == request_id)
    ).all()
    return sorted(
        (f.document_id, f.page, f.start, f.end, f.kind, f.text, f.source, json.dumps(f.rects))
        for f in rows
    )


def works_of(request_id: int) -> dict[int, DocumentWork]:
    return {
        w.document_id: w
        for w in db.session.scalars(
            select(DocumentWork).where(DocumentWork.request_id == request_id)
        )
    }


def rq_job(redis_url: str, rq_id: str) -> tuple[str, dict[str, Any]]:
    """An RQ job's status and meta, as Redis holds them."""
    connection = Redis.from_url(redis_url)
    try:
        job = Job.fetch(rq_id, connection=connection, serializer=JSONSerializer)
        status = job.get_status()
        return (status.value if status is not None else ""), dict(job.meta)
    finally:
        connection.close()


# ---- 1. gather and detect for a demo request ----------------------------------------------


def test_gather_then_detect_through_real_workers(
    app, records, make_request, make_user, start_worker, redis_url
) -> None:
    actor = Actor.staff(make_user(Role.CASEWORKER))
    child = records.child_without_awkward_documents()
    request = request_for(records, child, make_request, actor)
    gather = jobs.start("gather", request.id)
    db.session.commit()

    run_burst(start_worker)

    db.session.rollback()
    gather = db.session.get(JobRecord, gather.id)
    assert gather.status == "finished", gather.error
    assert gather.progress["step"] == "done" and gather.progress["candidates"] > 0
    candidates = gathering_candidates(request.id)
    names = external_ids([c.document_id for c in candidates])
    case_docs = records.case_documents(child)
    assert case_docs <= set(names.values())
    for c in candidates:
        assert c.reasons, names[c.document_id]
        if names[c.document_id] in case_docs:
            assert any(r.startswith("in case ") for r in c.reasons), c.reasons
    status, meta = rq_job(redis_url, gather.rq_id)
    assert status == "finished" and meta["step"] == "done"

    in_scope = include_case_documents(request.id, case_docs, actor)
    detect = jobs.start("detect", request.id)
    db.session.commit()

    run_burst(start_worker)

    db.session.rollback()
    detect = db.session.get(JobRecord, detect.id)
    assert detect.status == "finished", detect.error
    assert detect.attempts == 1
    progress = detect.progress
    assert progress["total"] == progress["done"] == len(in_scope)
    assert progress["pages"] > 0 and progress["pages_per_second"] > 0
    works = works_of(request.id)
    assert set(works) == in_scope
    assert {w.status for w in works.values()} == {"done"}
    assert all(w.pages >= 1 and w.working_copy for w in works.values())
    assert all(
        (records.documents_dir / "working" / w.working_copy).is_file() for w in works.values()
    )
    findings = db.session.scalars(
        select(FindingRecord).where(FindingRecord.request_id == request.id)
    ).all()
    assert findings and {f.document_id for f in findings} <= in_scope
    assert len({f.document_id for f in findings}) == len(in_scope)
    for f in findings:
        assert 1 <= f.page <= works[f.document_id].pages  # 1-based
        assert f.rects and all(len(r) == 4 for r in f.rects)
    assert db.session.get(Request, request.id).status is RequestStatus.REVIEW
    status, meta = rq_job(redis_url, detect.rq_id)
    assert status == "finished"
    assert meta["total"] == meta["done"] == len(in_scope) and meta["pages_per_second"] > 0


# ---- 2. a worker killed mid-job -----------------------------------------------------------

TIMEOUT, GRACE, SWEEP = 20, 2, 1
EXTRA_DOCUMENTS = 16


def _lengthen_case(records: Records, child_id: str, copies: int) -> None:
    """More documents in the child's case (copies of its readable files), so detection is long
    enough to be killed part way. Each copy has its own hash, so none is grouped as a duplicate."""
    case_id = sorted(records.cases_of(child_id))[0]
    case = db.session.scalar(select(CaseFile).where(CaseFile.external_id == case_id))
    sources = [
        d
        for d in db.session.scalars(select(Document).where(Document.case_id == case.id))
        if d.text_status == "ok"
    ]
    for n in range(copies):
        source = sources[n % len(sources)]
        db.session.add(
            Document(
                external_id=f"X{n:05d}",
                case_id=case.id,
                doc_type=source.doc_type,
                title=source.title,
                doc_date=source.doc_date,
                filename=source.filename,
                stored_name=source.stored_name,
                sha256=f"{n:08x}{source.sha256[8:]}",
                size=source.size,
                body_text=source.body_text,
                search_text=source.search_text,
                text_status="ok",
            )
        )
    db.session.commit()


def test_worker_killed_mid_job_is_recovered_with_one_set_of_findings(
    app, records, make_request, make_user, start_worker, redis_url, monkeypatch
) -> None:
    monkeypatch.setitem(app.config, "JOB_TIMEOUTS", {"gather": 60, "detect": TIMEOUT})
    actor = Actor.staff(make_user(Role.CASEWORKER))
    child = records.child_without_awkward_documents()
    _lengthen_case(records, child, EXTRA_DOCUMENTS)
    request = request_for(records, child, make_request, actor)
    gathering.gather(request.id, Actor.system("records search"))
    wanted = records.case_documents(child) | {f"X{n:05d}" for n in range(EXTRA_DOCUMENTS)}
    in_scope = include_case_documents(request.id, wanted, actor)
    assert len(in_scope) > EXTRA_DOCUMENTS
    record = jobs.start("detect", request.id)
    db.session.commit()
    record_id = record.id
    settings = {"JOB_GRACE_SECONDS": GRACE, "SWEEP_SECONDS": SWEEP}

    first = start_worker(burst=False, **settings)
    seen: set[str] = set()

    def running_part_way() -> bool:
        row = db.session.get(JobRecord, record_id)
        seen.add(row.status)
        return (
            row.status == "running" and 2 <= (row.progress or {}).get("done", 0) < len(in_scope) - 5
        )

    wait_for(running_part_way, 60, "the job to be part way", [first])
    horse = first.horse()
    assert horse is not None, first.output()
    os.kill(horse, signal.SIGKILL)
    # The worker sees its work-horse die and schedules RQ's retry; then the worker goes too
    # (with its scheduler), as when a machine is lost.
    wait_for(lambda: rq_job(redis_url, record.rq_id)[0] != "started", 20, "RQ to see it", [first])
    first.kill_all()
    first.proc.wait(timeout=10)
    db.session.rollback()
    killed_at = time.monotonic()
    row = db.session.get(JobRecord, record_id)
    assert row.status == "running"  # nobody left to say otherwise
    done_before = detection.progress(request.id)["done"]
    assert 0 < done_before < len(in_scope)

    second = start_worker(burst=False, **settings)

    def finished() -> bool:
        row = db.session.get(JobRecord, record_id)
        seen.add(row.status)
        assert db.session.get(Request, request.id).status is RequestStatus.REVIEW
        return row.status == "finished"

    wait_for(finished, TIMEOUT + GRACE + TIMEOUT + 30, "the job to be recovered", [first, second])
    recovered_in = time.monotonic() - killed_at
    row = db.session.get(JobRecord, record_id)
    assert "failed" not in seen, row.error
    assert row.attempts >= 2
    # re-queued by the sweep (the retry RQ scheduled died with the first worker's scheduler)
    assert row.progress.get("requeues", 0) >= 1, second.output()[-3000:]
    assert recovered_in < TIMEOUT + GRACE + TIMEOUT + 30
    progress = detection.progress(request.id)
    assert progress["done"] == progress["total"] == len(in_scope) and progress["pending"] == 0
    assert row.progress["done"] == len(in_scope)
    assert db.session.get(Request, request.id).status is RequestStatus.REVIEW
    assert jobs.in_flight("detect", request.id) is None

    # One set of findings: no finding twice, and every copy of a file has the same findings.
    findings = findings_of(request.id)
    assert findings
    assert not [f for f, n in Counter(findings).items() if n > 1]
    per_document = Counter(f[0] for f in findings)
    stored = dict(
        db.session.execute(
            select(Document.id, Document.stored_name).where(Document.id.in_(in_scope))
        ).all()
    )
    by_file: dict[str, set[int]] = {}
    for doc_id, name in stored.items():
        by_file.setdefault(name, set()).add(per_document[doc_id])
    assert all(len(counts) == 1 for counts in by_file.values()), by_file
    assert "Work-horse terminated unexpectedly" in first.output()


# ---- 3. a job run twice gives one set of findings -----------------------------------------


def test_detection_run_twice_gives_one_set_of_findings(
    app, records, make_request, make_user, start_worker
) -> None:
    actor = Actor.staff(make_user(Role.CASEWORKER))
    child = records.child_without_awkward_documents()
    request = request_for(records, child, make_request, actor)
    gathering.gather(request.id, Actor.system("records search"))
    in_scope = include_case_documents(request.id, records.case_documents(child), actor)
    first = jobs.start("detect", request.id)
    db.session.commit()
    run_burst(start_worker)
    db.session.rollback()
    once = findings_of(request.id)
    assert once and db.session.get(JobRecord, first.id).status == "finished"

    def everything_pending_again() -> None:
        for work in works_of(request.id).values():
            work.status, work.finished_at = "pending", None
        db.session.commit()

    # the same documents again through a new job and a new worker
    everything_pending_again()
    second = jobs.start("detect", request.id)
    db.session.commit()
    run_burst(start_worker)
    db.session.rollback()
    assert db.session.get(JobRecord, second.id).status == "finished"
    assert findings_of(request.id) == once

    # the same job row run again (as RQ's retry would), here in-process
    from workers.detect import detect_documents

    everything_pending_again()
    detect_documents(second.id)
    db.session.rollback()
    row = db.session.get(JobRecord, second.id)
    assert row.status == "finished" and row.attempts == 2
    assert findings_of(request.id) == once
    assert {w.status for w in works_of(request.id).values()} == {"done"}
    assert len(works_of(request.id)) == len(in_scope)


# ---- 4. corrupt documents go to a person; the rest carry on -------------------------------


def test_corrupt_documents_are_marked_for_manual_handling(
    app, records, make_request, make_user, start_worker
) -> None:
    actor = Actor.staff(make_user(Role.CASEWORKER))
    child = records.child_with("truncated")
    request = request_for(records, child, make_request, actor)
    gathering.gather(request.id, Actor.system("records search"))
    case_docs = records.case_documents(child)
    in_scope = include_case_documents(request.id, case_docs, actor)
    by_external = {v: k for k, v in external_ids(list(in_scope)).items()}
    truncated = by_external[next(k for k, v in records.awkward().items() if v == "truncated")]
    # and one stored file overwritten with garbage
    readable = sorted(
        d
        for e, d in by_external.items()
        if e not in records.awkward() and db.session.get(Document, d).filename.endswith(".pdf")
    )
    garbage = readable[0]
    stored = records.documents_dir / "records" / db.session.get(Document, garbage).stored_name
    stored.write_bytes(b"%PDF-1.7\n" + os.urandom(2048))
    record = jobs.start("detect", request.id)
    db.session.commit()

    run_burst(start_worker)

    db.session.rollback()
    row = db.session.get(JobRecord, record.id)
    assert row.status == "finished", row.error
    works = works_of(request.id)
    manual = {d: w.reason for d, w in works.items() if w.status == "manual"}
    assert set(manual) >= {truncated, garbage}
    assert "truncated" in manual[truncated]
    assert manual[garbage] and ":" in manual[garbage]
    for doc_id in (truncated, garbage):
        assert works[doc_id].pages == 0
    done = {d for d, w in works.items() if w.status == "done"}
    assert done and done | set(manual) == in_scope
    assert row.progress["manual"] == len(manual)
    assert row.progress["done"] == len(in_scope)  # done + manual: nothing left waiting
    with_findings = {f[0] for f in findings_of(request.id)}
    assert not with_findings & {truncated, garbage}
    assert done <= with_findings


# ---- 5. a job that fails is still in flight while RQ will try it again --------------------


def test_failed_attempt_stays_in_flight_until_rq_retries_it(
    app, records, make_request, make_user, start_worker, redis_url
) -> None:
    actor = Actor.staff(make_user(Role.CASEWORKER))
    child = records.child_without_awkward_documents()
    request = request_for(records, child, make_request, actor)
    gathering.gather(request.id, Actor.system("records search"))
    in_scope = include_case_documents(request.id, records.case_documents(child), actor)
    # The working copies cannot be written: every attempt fails until this file goes.
    blocker = records.documents_dir / "working"
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("not a folder")
    record = jobs.start("detect", request.id)
    db.session.commit()

    run_burst(start_worker)

    db.session.rollback()
    row = db.session.get(JobRecord, record.id)
    # RQ has scheduled a retry: the row must not say failed (nor let a second job start)
    assert rq_job(redis_url, record.rq_id)[0] == "scheduled"
    assert row.status == "queued" and row.error == "FileExistsError (to be tried again)"
    assert jobs.in_flight("detect", request.id) is not None
    with pytest.raises(Exception, match="already under way"):
        jobs.start("detect", request.id)
    db.session.rollback()

    blocker.unlink()
    worker = start_worker(burst=False)
    wait_for(
        lambda: db.session.get(JobRecord, record.id).status == "finished",
        40,
        "RQ's retry to finish the job",
        [worker],
    )
    row = db.session.get(JobRecord, record.id)
    assert row.attempts == 2 and row.error is None
    assert detection.progress(request.id)["done"] == len(in_scope)
