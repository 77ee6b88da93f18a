"""Case records at scale: (a) gathering over 100,000 indexed documents (SQLite, and PostgreSQL
when DATABASE_URL is set); (b) detection throughput of real `python -m workers --burst` processes,
one and then two in parallel, on the demo export. Prints figures; never pass/fail.

Scale it down with BENCH_DOCUMENTS (default 100000), BENCH_CHILDREN (demo export size for (b),
default 10), BENCH_SKIP=gather|detect. (b) needs Redis: REDIS_URL, or a redis-server on PATH.
"""

from __future__ import annotations

import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from sqlalchemy import func, insert, select, text  # noqa: E402

from portal import create_app  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.models import (  # noqa: E402
    Candidate,
    CaseFile,
    CaseMember,
    CaseType,
    Channel,
    ContactPreference,
    Document,
    DocumentWork,
    JobRecord,
    RecordPerson,
    Relationship,
    RequestStatus,
    RequestType,
)
from portal.services import detection, gathering, intake, jobs, workflow  # noqa: E402
from portal.services.actor import Actor  # noqa: E402
from portal.services.search import fold  # noqa: E402
from portal.timeutil import council_today  # noqa: E402

# fmt: off
FIRST = ["Kelly", "Jade", "Liam", "Noah", "Olivia", "Amelia", "Jack", "Harry", "Mia", "Ella",
         "Leo", "Oscar", "Chloe", "Ruby", "Mason", "Ava", "Ethan", "Lily", "Daniel", "Sophie",
         "Tyler", "Megan", "Ryan", "Holly", "Connor", "Paige", "Kyle", "Jordan", "Shannon", "Dean"]
LAST = ["Brown", "Smith", "Jones", "Taylor", "Williams", "Davies", "Evans", "Wilson", "Thomas",
        "Johnson", "Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Hughes",
        "Edwards", "Green", "Hall", "Wood", "Harris", "Lewis", "Martin", "Jackson", "Clarke",
        "Clark", "Turner", "Hill", "Scott"]
PHRASES = ["Home visit completed.", "School reported good attendance this week.",
           "Concerns raised about home conditions.", "Mum was present and engaged well.",
           "Strategy discussion held with police and health.", "Contact arrangements reviewed.",
           "Child seen alone and appeared settled.", "GP letter received regarding appointments.",
           "Plan to review at the next core group meeting.", "No further concerns noted today.",
           "Referral received from the school's designated safeguarding lead.",
           "Family support worker to continue weekly sessions."]
# fmt: on
SUBJECT = ("Kelly", "Brown", date(2014, 3, 2))


def log(message: str) -> None:
    """Print a figure at once."""
    print(message, flush=True)


@contextmanager
def app_on(url: str | None, instance: Path) -> Iterator[Flask]:
    """An app on a throw-away database: a SQLite file, or a schema of its own in PostgreSQL."""
    schema = None
    options: dict[str, Any] = {"pool_pre_ping": True}
    if url is None:
        url = f"sqlite:///{instance}/bench.sqlite3"
    else:
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        options["connect_args"] = {"options": f"-csearch_path={schema}"}
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": url,
            "SQLALCHEMY_ENGINE_OPTIONS": options,
            "JOBS_IN_PROCESS": True,
            "REDIS_URL": None,
            "DOCUMENTS_DIR": str(instance / "documents"),
        }
    )
    with app.app_context():
        if schema:
            with db.engine.begin() as conn:
                conn.execute(text(f"CREATE SCHEMA {schema}"))
        db.create_all()
        try:
            yield app
        finally:
            db.session.remove()
            if schema:
                with db.engine.begin() as conn:
                    conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
            db.engine.dispose()


def make_request(first: str, last: str, born: date) -> int:
    """An access request by a parent for a child, verified and gathering."""
    new = intake.NewRequest(
        type=RequestType.ACCESS,
        channel=Channel.ONLINE,
        received_date=council_today(),
        requester=intake.RequesterDetails(
            full_name="Pat Parent",
            email="parent@example.com",
            contact_preference=ContactPreference.EMAIL,
        ),
        subjects=[
            intake.SubjectDetails(
                first_names=first, last_name=last, date_of_birth=born, is_child=True
            )
        ],
        relationship=Relationship.PARENT,
        description="All records",
    )
    request = intake.create_requests(new, Actor.requester())[0]
    actor = Actor.system("bench")
    workflow.verify(request.id, actor)
    workflow.move(request, RequestStatus.GATHERING, actor, "records search started")
    db.session.commit()
    return request.id


# ---- (a) gathering over many documents -------------------------------------------------------


def _body(rng: random.Random, names: list[str], subject_lines: list[str]) -> str:
    parts = [rng.choice(PHRASES) for _ in range(rng.randint(8, 16))]
    for name in names:
        parts.insert(rng.randrange(len(parts) + 1), f"{name} was discussed.")
    parts.extend(subject_lines)
    return " ".join(parts)


def seed_records(total: int, rng: random.Random) -> dict[str, int]:
    """People, cases and `total` documents; the subject's case holds 40 of them."""
    first, last, born = SUBJECT
    people = []
    for i in range(3000):
        people.append(
            RecordPerson(
                external_id=f"P{i:06d}",
                first_names=rng.choice(FIRST),
                last_name=rng.choice(LAST),
                date_of_birth=date(1970, 1, 1) + timedelta(days=rng.randrange(18000)),
            )
        )
    subject = RecordPerson(
        external_id="PSUBJ", first_names=first, last_name=last, date_of_birth=born
    )
    namesake = RecordPerson(  # same name, another child
        external_id="PNAME", first_names=first, last_name=last, date_of_birth=date(2011, 7, 9)
    )
    for person in [*people, subject, namesake]:
        # as records_import fills it (the people search looks there)
        person.search_names = f" {fold(person.full_name)} "
    db.session.add_all([*people, subject, namesake])
    db.session.flush()
    cases = [
        CaseFile(external_id=f"C{i:06d}", case_type=CaseType.CHILD_IN_NEED) for i in range(2000)
    ]
    db.session.add_all(cases)
    db.session.flush()
    for case in cases:
        for person in rng.sample(people, 3):
            db.session.add(CaseMember(case_id=case.id, person_id=person.id, role="mother"))
    db.session.add(CaseMember(case_id=cases[0].id, person_id=subject.id, role="child"))
    db.session.add(CaseMember(case_id=cases[1].id, person_id=namesake.id, role="child"))
    db.session.commit()

    case_ids = [c.id for c in cases]
    full = f"{first} {last}"
    rows: list[dict[str, Any]] = []
    inserted = 0
    started = time.perf_counter()
    for n in range(total):
        names = [f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(rng.randint(1, 3))]
        lines: list[str] = []
        case_id = rng.choice(case_ids[2:])
        if n % 2500 == 0:  # the subject's own case
            case_id = case_ids[0]
            lines.append(f"{first} seen at home.")
        elif n % 5000 == 7:  # mentioned elsewhere, with the date of birth
            lines.append(f"{full} (born {born:%d/%m/%Y}) attended.")
        elif n % 9000 == 11:  # a misspelling
            lines.append("Kelley Browne attended the meeting.")
        body = _body(rng, names, lines)
        title = rng.choice(["Case note", "Home visit", "Letter", "Referral", "Minutes"])
        rows.append(
            {
                "external_id": f"D{n:07d}",
                "case_id": case_id,
                "doc_type": "case_note",
                "title": title,
                "doc_date": date(2020, 1, 1) + timedelta(days=n % 2000),
                "filename": f"D{n:07d}.pdf",
                "stored_name": f"{n:064x}.pdf",
                "sha256": f"{n:064x}",
                "size": len(body),
                "body_text": body,
                "search_text": fold(f"{title} {body}"),
                "text_status": "ok",
            }
        )
        if len(rows) == 5000:
            db.session.execute(insert(Document), rows)
            db.session.commit()
            inserted += len(rows)
            rows = []
    if rows:
        db.session.execute(insert(Document), rows)
        db.session.commit()
        inserted += len(rows)
    return {"documents": inserted, "seconds": round(time.perf_counter() - started, 1)}


def bench_gathering(label: str, url: str | None, total: int, workdir: Path) -> None:
    """Time gathering.gather end to end over `total` documents."""
    instance = workdir / f"gather-{label}"
    instance.mkdir()
    with app_on(url, instance):
        seeded = seed_records(total, random.Random(2026))
        log(
            f"  [{label}] inserted {seeded['documents']:,} documents with search text in "
            f"{seeded['seconds']} s (bulk insert, index included)"
        )
        request_id = make_request(*SUBJECT)
        for attempt in ("first", "again"):
            started = time.perf_counter()
            run = gathering.gather(request_id, Actor.system("bench"))
            db.session.commit()
            seconds = time.perf_counter() - started
            reasons: dict[str, int] = {}
            for c in db.session.scalars(
                select(Candidate).where(Candidate.request_id == request_id)
            ):
                key = c.reasons[0].split(" (")[0].split("'")[0].strip() if c.reasons else "?"
                reasons[key] = reasons.get(key, 0) + 1
            log(
                f"  [{label}] gather ({attempt}): {seconds:.2f} s to {run.candidates} candidates "
                f"from {len(run.searched)} searches; strongest reasons: "
                + ", ".join(f"{k} {v}" for k, v in sorted(reasons.items(), key=lambda kv: -kv[1]))
            )
        biggest = max(run.searched, key=lambda s: int(str(s["hits"])))
        log(
            f"  [{label}] largest single search: {biggest['how']} '{biggest['term']}' -> "
            f"{biggest['hits']} hits"
        )


# ---- (b) detection throughput with real workers ----------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def redis_server(workdir: Path) -> Iterator[str]:
    """REDIS_URL, or a redis-server of our own on a free port."""
    url = os.environ.get("REDIS_URL")
    if url:
        yield url
        return
    server = shutil.which("redis-server")
    if server is None:
        raise SystemExit("detection bench needs REDIS_URL or redis-server")
    port = _free_port()
    proc = subprocess.Popen(
        [
            server,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        from redis import Redis

        client = Redis.from_url(f"redis://127.0.0.1:{port}/0")
        for _ in range(100):
            try:
                if client.ping():
                    break
            except Exception:
                time.sleep(0.05)
        client.close()
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _scope_all(request_id: int, document_ids: list[int]) -> None:
    """Every given document in scope for the request (no search: the bench times detection)."""
    for doc_id in document_ids:
        db.session.add(
            Candidate(
                request_id=request_id,
                document_id=doc_id,
                score=1.0,
                reasons=["bench"],
                decision="included",
            )
        )
    db.session.flush()
    detection.confirm_scope(request_id, Actor.system("bench"))
    db.session.commit()


def _drain(app: Flask, redis_url: str, queue_name: str, processes: int, workdir: Path) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
    env.update(
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        REDIS_URL=redis_url,
        SECRET_KEY="bench",
        PORTAL_INSTANCE_PATH=str(workdir),
        PORTAL_QUEUE_NAME=queue_name,
        PORTAL_DOCUMENTS_DIR=app.config["DOCUMENTS_DIR"],
        OMP_NUM_THREADS="1",
    )
    logs = [(workdir / f"worker-{processes}-{i}.log").open("w") for i in range(processes)]
    started = time.perf_counter()
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "workers", "--burst"],
            cwd=ROOT,
            env=env,
            stdout=fh,
            stderr=subprocess.STDOUT,
        )
        for fh in logs
    ]
    try:
        for proc in procs:
            proc.wait(timeout=1800)
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        for fh in logs:
            fh.close()
    return time.perf_counter() - started


def bench_detection(children: int, workdir: Path) -> None:
    """Pages per second of one worker process, then two in parallel, on the same work."""
    from demo import records as demo_records
    from portal.queue import JobQueue
    from portal.services import records_import
    from redaction.text import plain_text

    instance = workdir / "detect"
    instance.mkdir()
    export = workdir / "export"
    summary = demo_records.generate(export, children=children)
    with redis_server(workdir) as redis_url, app_on(None, instance) as app:
        started = time.perf_counter()
        records_import.import_export(
            export, Path(app.config["DOCUMENTS_DIR"]) / "records", plain_text
        )
        db.session.commit()
        log(
            f"  demo export: {summary.documents} documents ({children} children), imported in "
            f"{time.perf_counter() - started:.1f} s"
        )
        doc_ids = list(db.session.scalars(select(Document.id).order_by(Document.id)))
        halves = [doc_ids[0::2], doc_ids[1::2]]
        queue = JobQueue(app)
        queue.name = f"bench-{uuid.uuid4().hex[:8]}"
        queue.redis_url, queue._in_process = redis_url, False
        app.extensions["queue"] = queue
        app.config["QUEUE_NAME"] = queue.name
        for processes in (1, 2):
            # the same two halves of the export each time: one job per half
            record_ids = []
            for half in halves:
                request_id = make_request(*SUBJECT)
                _scope_all(request_id, half)
                record_ids.append(jobs.start("detect", request_id).id)
                db.session.commit()
            wall = _drain(app, redis_url, queue.name, processes, instance)
            db.session.rollback()
            rows = [db.session.get(JobRecord, i) for i in record_ids]
            statuses = {r.status for r in rows if r is not None}
            pages = sum(int((r.progress or {}).get("pages", 0)) for r in rows if r)
            inside = [float((r.progress or {}).get("pages_per_second", 0)) for r in rows if r]
            manual = db.session.scalar(
                select(func.count())
                .select_from(DocumentWork)
                .where(
                    DocumentWork.request_id.in_([r.request_id for r in rows if r]),
                    DocumentWork.status == "manual",
                )
            )
            log(
                f"  {processes} worker process(es): {pages} pages of {len(doc_ids)} documents "
                f"in {wall:.1f} s wall (spaCy load included) = {pages / wall:.2f} pages/s; "
                f"per job inside the worker: {', '.join(f'{v:.2f}' for v in inside)} pages/s; "
                f"jobs {sorted(statuses)}, {manual} documents for manual handling"
            )
        if queue._redis is not None:
            queue._redis.close()


def main() -> int:
    """Run the benchmarks and print the figures."""
    total = int(os.environ.get("BENCH_DOCUMENTS", "100000"))
    children = int(os.environ.get("BENCH_CHILDREN", "10"))
    skip = os.environ.get("BENCH_SKIP", "")
    log(f"records bench on a machine with {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        os.environ["PORTAL_INSTANCE_PATH"] = str(workdir)
        if skip != "gather":
            log(f"(a) gathering over {total:,} indexed documents")
            bench_gathering("sqlite", None, total, workdir)
            if os.environ.get("DATABASE_URL", "").startswith("postgres"):
                bench_gathering("postgresql", os.environ["DATABASE_URL"], total, workdir)
            else:
                log("  (set DATABASE_URL to a PostgreSQL database to time it there too)")
        if skip != "detect":
            log("(b) detection throughput, real `python -m workers --burst` processes")
            bench_detection(children, workdir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
