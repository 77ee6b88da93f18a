"""Detection bookkeeping for a request: which documents to process, their parties, findings."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select

from portal.extensions import db
from portal.models import (
    Candidate,
    DocumentWork,
    FindingDecision,
    FindingRecord,
    RecordPerson,
    Request,
    RequestParty,
    RequestStatus,
    WorkStatus,
)
from portal.services import audit, lifecycle, workflow
from portal.services.actor import Actor
from portal.services.errors import NotFound, ServiceError
from portal.timeutil import utcnow


def confirm_scope(request_id: int, actor: Actor) -> list[DocumentWork]:
    """The caseworker confirms what is in scope: included documents (one per duplicate group)
    are queued for detection and the request moves to review."""
    request = workflow.get_request(request_id)
    lifecycle.require_editable(request, "scope")
    candidates = list(
        db.session.scalars(select(Candidate).where(Candidate.request_id == request_id))
    )
    if not candidates:
        raise ServiceError("There are no candidate documents yet: search the records first")
    pending = [c for c in candidates if c.decision == "pending"]
    if pending:
        raise ServiceError(f"Decide on every candidate first ({len(pending)} still to decide)")
    included = [c for c in candidates if c.decision == "included" and c.duplicate_of_id is None]
    if not included:
        raise ServiceError("No documents are included")
    existing = {
        w.document_id: w
        for w in db.session.scalars(
            select(DocumentWork).where(DocumentWork.request_id == request_id)
        )
    }
    wanted = {c.document_id for c in included}
    for doc_id, work in existing.items():
        if doc_id not in wanted:
            _drop_findings(request_id, doc_id)
            db.session.delete(work)
    works = []
    for doc_id in sorted(wanted):
        work = existing.get(doc_id) or DocumentWork(request_id=request_id, document_id=doc_id)
        db.session.add(work)
        works.append(work)
    if request.status is RequestStatus.GATHERING:
        lifecycle.fire(request, "confirm_scope", actor, f"{len(works)} documents in scope")
    audit.record(actor, "scope_confirmed", request_id, documents=len(works))
    db.session.flush()
    return works


def _identifiers(person: RecordPerson | None) -> dict[str, Any]:
    """The register's identifiers of a person in the case records, for the engine."""
    if person is None:
        return {}
    return {
        "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else None,
        "nhs_number": person.nhs_number,
        "social_care_number": person.social_care_number,
        "addresses": list(person.addresses or []),
    }


def parties_json(request_id: int) -> dict[str, Any]:
    """The request's party list in the redaction engine's PARTIES.json shape: every known
    person with their names, role and the identifiers the records hold for them."""
    subject: dict[str, Any] | None = None
    record: dict[str, Any] = {}
    others = []
    request = db.session.get(Request, request_id)
    for party in db.session.scalars(
        select(RequestParty).where(RequestParty.request_id == request_id).order_by(RequestParty.id)
    ):
        if party.subject:
            subject = {"names": list(party.names)}
            record = _identifiers(party.person)
        else:
            others.append(
                {
                    "names": list(party.names),
                    "role": party.role,
                    "professional": party.professional,
                    **_identifiers(party.person),
                }
            )
    if subject is None and request is not None:
        subject = {"names": request.subject.all_names}
    if subject is not None and request is not None:
        # what the requester told us about the subject, then what the records hold
        ds = request.subject
        typed = [a for a in [", ".join(x for x in (ds.address, ds.postcode) if x)] if a]
        subject.update(
            {
                "date_of_birth": ds.date_of_birth.isoformat()
                if ds.date_of_birth
                else record.get("date_of_birth"),
                "nhs_number": ds.nhs_number or record.get("nhs_number"),
                "social_care_number": ds.social_care_number or record.get("social_care_number"),
                "addresses": list(dict.fromkeys(typed + list(record.get("addresses") or []))),
            }
        )
    return {"subject": subject or {"names": []}, "parties": others}


def _drop_findings(request_id: int, document_id: int) -> None:
    # Decisions on findings being replaced go with them; per-person decisions stay and apply
    # again to the new findings.
    ids = select(FindingRecord.id).where(
        FindingRecord.request_id == request_id, FindingRecord.document_id == document_id
    )
    db.session.execute(delete(FindingDecision).where(FindingDecision.finding_id.in_(ids)))
    db.session.execute(
        delete(FindingRecord).where(
            FindingRecord.request_id == request_id, FindingRecord.document_id == document_id
        )
    )


def store_findings(
    request_id: int,
    document_id: int,
    findings: list[dict[str, Any]],
    pages: int,
    warnings: list[dict[str, Any]],
    working_copy: str,
) -> None:
    """Replace a document's findings with a new set (running detection twice gives one set)."""
    _drop_findings(request_id, document_id)
    for f in findings:
        db.session.add(
            FindingRecord(
                request_id=request_id,
                document_id=document_id,
                kind=f["kind"],
                text=f["text"],
                page=f["page"],
                start=f["start"],
                end=f["end"],
                rects=f["rects"],
                score=f["score"],
                source=f["source"],
                reason=f.get("reason"),
                exemption=f.get("exemption"),
                party=f.get("party"),
                role=(f.get("role") or "")[:60] or None,
                candidates=list(f.get("candidates") or []),
            )
        )
    work = document_work(request_id, document_id)
    work.status, work.reason = WorkStatus.DONE, None
    work.pages, work.warnings, work.working_copy = pages, warnings, working_copy
    work.finished_at = utcnow()
    db.session.flush()


def mark_manual(request_id: int, document_id: int, reason: str) -> None:
    """The document could not be processed: a person must handle it; the reason says why."""
    _drop_findings(request_id, document_id)
    work = document_work(request_id, document_id)
    work.status, work.reason, work.finished_at = WorkStatus.MANUAL, reason, utcnow()
    db.session.flush()


def flag_manual(request_id: int, document_id: int, reason: str) -> None:
    """Keep the findings but mark the document for a person to finish (e.g. scanned pages)."""
    work = document_work(request_id, document_id)
    work.status, work.reason = WorkStatus.MANUAL, reason
    db.session.flush()


def document_work(request_id: int, document_id: int) -> DocumentWork:
    """The document's detection and review row for this request, or NotFound."""
    work = db.session.scalar(
        select(DocumentWork).where(
            DocumentWork.request_id == request_id, DocumentWork.document_id == document_id
        )
    )
    if work is None:
        raise NotFound("That document is not in scope for this request")
    return work


def progress(request_id: int) -> dict[str, Any]:
    """Documents done, waiting and for manual handling; pages processed."""
    works = list(
        db.session.scalars(select(DocumentWork).where(DocumentWork.request_id == request_id))
    )
    return {
        "total": len(works),
        "done": sum(w.status == WorkStatus.DONE for w in works),
        "manual": sum(w.status == WorkStatus.MANUAL for w in works),
        "pending": sum(w.status == WorkStatus.PENDING for w in works),
        "pages": sum(w.pages for w in works),
    }


def working_copy_path(documents_dir: str, request_id: int, document_id: int) -> str:
    """Where a document's PDF working copy for a request is kept (services/storage.py)."""
    from portal.services import storage

    return storage.working_copy(request_id, document_id, documents_dir)
