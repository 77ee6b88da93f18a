"""Detection: each confirmed document extracted (child process, limits) and analysed with the
request's party list; findings stored with page positions."""

from __future__ import annotations

import logging
import os
import time
from typing import Any

from flask import current_app
from sqlalchemy import select

from portal.extensions import db
from portal.models import Document, DocumentWork, Request, WorkStatus
from portal.services import detection, lifecycle, storage
from portal.services.errors import InvalidTransition
from redaction.errors import RedactionError
from redaction.extract import extract
from redaction.findings import Parties
from workers.context import app_context
from workers.tracking import tracked

log = logging.getLogger(__name__)

_detector: Any = None


def detector() -> Any:
    """The redaction engine's detector, built once per process (spaCy loads once)."""
    global _detector
    if _detector is None:
        from redaction.detect import Detector, load_nlp

        _detector = Detector(load_nlp(current_app.config.get("REDACTION_SPACY_MODEL")))
    return _detector


def preload() -> None:
    """Load spaCy before the worker forks, so every job shares it."""
    with app_context():
        detector()


def detect_documents(job_record_id: int) -> None:
    """Process every pending document in scope for the job's request."""
    with app_context(), tracked(job_record_id) as tracker:
        request_id = tracker.record().request_id
        if request_id is None:
            raise ValueError("detect job without a request")
        if not _running(request_id):
            tracker.report(total=0, done=0, skipped="the request is no longer in review")
            return  # nothing runs on a closed or released request
        parties = Parties.from_json(detection.parties_json(request_id))
        ids = list(
            db.session.scalars(
                select(DocumentWork.document_id)
                .where(
                    DocumentWork.request_id == request_id, DocumentWork.status == WorkStatus.PENDING
                )
                .order_by(DocumentWork.document_id)
            )
        )
        # Release the database while working: nothing is held open during long extraction.
        db.session.commit()
        started, pages = time.monotonic(), 0
        status = detection.progress(request_id)
        tracker.report(
            total=status["total"],
            done=status["done"] + status["manual"],
            pages=status["pages"],
            pages_per_second=0.0,
        )
        for document_id in ids:
            if not _running(request_id):
                break  # closed, withdrawn or released meanwhile: stop, keep what is done
            pages += _one(request_id, document_id, parties)
            status = detection.progress(request_id)
            elapsed = max(time.monotonic() - started, 1e-6)
            tracker.report(
                total=status["total"],
                done=status["done"] + status["manual"],
                manual=status["manual"],
                pages=status["pages"],
                pages_per_second=round(pages / elapsed, 2),
            )


def _running(request_id: int) -> bool:
    """The request is still at the stage detection was started for."""
    request = db.session.get(Request, request_id)
    db.session.commit()
    if request is None:
        return False
    try:
        lifecycle.require_running(request)
    except InvalidTransition:
        return False
    return True


def _one(request_id: int, document_id: int, parties: Parties) -> int:
    document = db.session.get(Document, document_id)
    if document is None:
        raise ValueError("document row missing")
    path = storage.record_file(document.stored_name)
    try:
        copy = extract(path)
    except RedactionError as exc:
        # One clear reason for a person; the rest of the bundle carries on.
        detection.mark_manual(request_id, document_id, f"{exc.code}: {exc}")
        db.session.commit()
        return 0
    findings = [f.to_dict() for f in detector().detect(copy, parties)]
    warnings = [w.to_dict() for w in copy.warnings]
    target = storage.working_copy(request_id, document_id)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "wb") as fh:
        fh.write(copy.pdf)
    detection.store_findings(
        request_id, document_id, findings, len(copy.pages), warnings, os.path.basename(target)
    )
    scanned = sorted({w.page for w in copy.warnings if w.code == "scanned_page"})
    if scanned:
        # Findings on the text pages are kept; the scanned pages need a person (or OCR).
        detection.flag_manual(
            request_id,
            document_id,
            "scanned: no text layer on page(s) " + ", ".join(str(p) for p in scanned),
        )
    db.session.commit()
    return len(copy.pages)
